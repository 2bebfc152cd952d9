"""`currency_create` / `currency_update` / `currency_delete`: one base currency at all times,
the cached counts dropped when the base moves, a currency records carry kept."""

import pytest

from core.counts_cache import counts_cached
from core.currency_services import currency_create, currency_delete, currency_update
from core.errors import AccessDenied, Conflict, InvalidInput
from core.models import Currency
from tests.factories import OpportunityFactory, currency

pytestmark = pytest.mark.django_db


def other_than_base() -> Currency:
    return currency("EUR" if Currency.objects.get(is_basic=True).pk != "EUR" else "USD")


def test_making_a_currency_the_base_unsets_the_old_one(admin_user):
    old_base, new_base = Currency.objects.get(is_basic=True), other_than_base()

    currency_update(currency=new_base, updated_by=admin_user, is_basic=True)

    assert list(Currency.objects.filter(is_basic=True)) == [new_base]
    old_base.refresh_from_db()
    assert not old_base.is_basic


def test_the_cached_counts_are_dropped_when_the_base_moves(
    admin_user, shared_cache, django_capture_on_commit_callbacks
):
    computed = []

    def count():
        computed.append(1)
        return len(computed)

    assert counts_cached("board", ("test",), count) == 1
    assert counts_cached("board", ("test",), count) == 1  # cached
    with django_capture_on_commit_callbacks(execute=True):
        currency_update(currency=other_than_base(), updated_by=admin_user, is_basic=True)

    assert counts_cached("board", ("test",), count) == 2


def test_unticking_the_base_is_refused(admin_user):
    base = Currency.objects.get(is_basic=True)

    with pytest.raises(InvalidInput) as refused:
        currency_update(currency=base, updated_by=admin_user, is_basic=False)

    assert refused.value.field == "is_basic"
    assert list(Currency.objects.filter(is_basic=True)) == [base]


@pytest.mark.parametrize("code", ["EU", "EURO", "e1r", ""])
def test_a_code_that_is_not_three_letters_is_refused(admin_user, code):
    with pytest.raises(InvalidInput) as refused:
        currency_create(created_by=admin_user, abbreviation=code, title="Bad")

    assert refused.value.field == "abbreviation"


def test_a_code_in_lower_case_is_stored_in_upper_case_once(admin_user):
    Currency.objects.filter(pk="XTS").delete()

    created = currency_create(created_by=admin_user, abbreviation="xts", title="Test units")

    assert created.pk == "XTS"
    with pytest.raises(InvalidInput, match="exists already"):
        currency_create(created_by=admin_user, abbreviation="XTS", title="Again")


def test_a_sales_user_is_refused_every_write(user):
    base, other = Currency.objects.get(is_basic=True), other_than_base()

    with pytest.raises(AccessDenied):
        currency_update(currency=other, updated_by=user, is_basic=True)
    with pytest.raises(AccessDenied):
        currency_delete(currency=other, deleted_by=user)
    with pytest.raises(AccessDenied):
        currency_create(created_by=user, abbreviation="XTS", title="Test units")

    assert list(Currency.objects.filter(is_basic=True)) == [base]
    assert Currency.objects.filter(pk=other.pk).exists()


def test_a_currency_a_deal_carries_is_not_deleted(admin_user, user):
    yen = currency("JPY")
    OpportunityFactory(created_by=user, bid_currency=yen)

    with pytest.raises(Conflict, match="it is used by 1 opportunity"):
        currency_delete(currency=yen, deleted_by=admin_user)

    assert Currency.objects.filter(pk="JPY").exists()
