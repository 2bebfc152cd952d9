"""The admin's lists of lead sources, statuses and lost reasons, and its currencies, write
through the services (opportunities/list_value_services.py, core/currency_services.py): the
same title rules, a value or currency that deals carry is never deleted (nor emptied on those
deals), and making another currency the base moves the base in one transaction. Through the
Django admin with the test client, asserting the database afterwards."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core.models import Currency, ExchangeRate
from opportunities.models import LeadSource, LostReason, Opportunity, OpportunityStatus
from tests.admin.test_admin_writes_through_services import add_url, change_url, changelist_url
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    PersonFactory,
    UserFactory,
    currency,
    default_stage,
)

pytestmark = pytest.mark.django_db

LISTS = [LeadSource, OpportunityStatus, LostReason]
CARRYING_FIELD = {LeadSource: "source", OpportunityStatus: "status", LostReason: "lost_reason"}


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def delete_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def carrying(model, value, user, **extra):
    """A deal carrying `value` (a lost reason only on a lost deal)."""
    if model is LostReason:
        extra.setdefault("stage", default_stage("Unsuccessfully closed"))
    return OpportunityFactory(created_by=user, **{CARRYING_FIELD[model]: value}, **extra)


def list_edit_data(values, changes: dict) -> dict:
    """The changelist's list-editing POST for `values`, with `changes` {pk: {field: value}}."""
    data = {
        "form-TOTAL_FORMS": len(values),
        "form-INITIAL_FORMS": len(values),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for index, value in enumerate(values):
        row = {"sort_order": value.sort_order, "is_active": value.is_active}
        row.update(changes.get(value.pk, {}))
        data[f"form-{index}-id"] = value.pk
        data[f"form-{index}-sort_order"] = row["sort_order"]
        if row["is_active"]:
            data[f"form-{index}-is_active"] = "on"
    return data


# -- lead sources, statuses, lost reasons ----------------------------------------------------


@pytest.mark.parametrize("model", LISTS)
def test_a_value_is_added_when_its_title_is_new_in_any_case(admin_browser, model):
    model.objects.create(title="Partner referral", sort_order=1)

    taken = admin_browser.post(
        add_url(model), {"title": "PARTNER referral", "sort_order": 5, "is_active": "on"}
    )
    added = admin_browser.post(
        add_url(model), {"title": "Trade fair", "sort_order": 5, "is_active": "on"}
    )

    assert taken.status_code == 200
    assert "already called" in str(taken.context["adminform"].form.errors["title"])
    assert added.status_code == 302
    assert model.objects.filter(title__iexact="partner referral").count() == 1
    assert model.objects.filter(title="Trade fair", sort_order=5, is_active=True).exists()


@pytest.mark.parametrize("model", LISTS)
def test_a_value_is_renamed_but_not_to_another_values_title(admin_browser, model):
    value = model.objects.create(title="Door to door", sort_order=1)
    model.objects.create(title="Webinar", sort_order=2)

    refused = admin_browser.post(
        change_url(value), {"title": "webinar", "sort_order": 1, "is_active": "on"}
    )
    renamed = admin_browser.post(
        change_url(value), {"title": "Door knocking", "sort_order": 1, "is_active": "on"}
    )

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["title"]
    assert renamed.status_code == 302
    value.refresh_from_db()
    assert value.title == "Door knocking"


@pytest.mark.parametrize("model", LISTS)
def test_the_list_edits_retire_and_reorder_and_keep_the_value_on_its_deals(
    admin_browser, model, user
):
    first = model.objects.create(title="First", sort_order=-20)
    second = model.objects.create(title="Second", sort_order=-10)
    deal = carrying(model, first, user)
    values = list(model.objects.order_by("sort_order", "title"))

    response = admin_browser.post(
        changelist_url(model),
        list_edit_data(values, {first.pk: {"is_active": False, "sort_order": -5}}),
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.is_active, first.sort_order) == (False, -5)
    second.refresh_from_db()
    assert (second.is_active, second.sort_order) == (True, -10)
    deal.refresh_from_db()
    assert getattr(deal, CARRYING_FIELD[model]) == first


@pytest.mark.parametrize("model", LISTS)
def test_an_unused_value_is_deleted(admin_browser, model):
    value = model.objects.create(title="Never used", sort_order=1)

    response = admin_browser.post(delete_url(value), {"post": "yes"})

    assert response.status_code == 302
    assert not model.objects.filter(pk=value.pk).exists()


@pytest.mark.parametrize("model", LISTS)
def test_a_value_deals_carry_is_not_deleted_and_the_admin_says_to_retire_it(
    admin_browser, model, user
):
    value = model.objects.create(title="Carried", sort_order=1)
    live = carrying(model, value, user)
    trashed = carrying(model, value, user, deleted_at=timezone.now(), deleted_by=user)

    confirmation = admin_browser.get(delete_url(value))
    response = admin_browser.post(delete_url(value), {"post": "yes"})

    assert confirmation.status_code == 200
    assert response.status_code == 302 and response.url == change_url(value)
    (message,) = messages_of(response)
    assert "2 deals (1 of them in the trash) carry it" in message
    assert "Untick Active to retire it" in message
    assert model.objects.filter(pk=value.pk, is_active=True).exists()
    field = CARRYING_FIELD[model]
    for deal in (live, trashed):
        assert getattr(Opportunity.all_objects.get(pk=deal.pk), f"{field}_id") == value.pk


@pytest.mark.parametrize("model", LISTS)
def test_the_bulk_delete_deletes_nothing_when_one_value_is_carried(admin_browser, model, user):
    unused = model.objects.create(title="Unused", sort_order=1)
    carried = model.objects.create(title="Carried", sort_order=2)
    carrying(model, carried, user)

    response = admin_browser.post(
        changelist_url(model),
        {"action": "delete_selected", "_selected_action": [unused.pk, carried.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert any("1 deal carries it" in message for message in messages_of(response))
    assert model.objects.filter(pk__in=[unused.pk, carried.pk]).count() == 2


@pytest.mark.parametrize("model", LISTS)
def test_a_user_without_the_admin_changes_no_value(client, model):
    value = model.objects.create(title="Kept", sort_order=1)
    client.force_login(UserFactory(is_staff=False))

    added = client.post(add_url(model), {"title": "Sneaked in", "sort_order": 1})
    deleted = client.post(delete_url(value), {"post": "yes"})

    assert added.status_code == deleted.status_code == 302  # to the admin's sign-in
    assert "login" in added.url and "login" in deleted.url
    assert not model.objects.filter(title="Sneaked in").exists()
    assert model.objects.filter(pk=value.pk).exists()


# -- currencies ------------------------------------------------------------------------------


def currency_data(code: str, **changes) -> dict:
    stored = currency(code)
    data = {
        "title": stored.title,
        "symbol": stored.symbol,
        "culture_name": stored.culture_name,
    }
    flags = {"is_convertible": stored.is_convertible, "is_basic": stored.is_basic}
    flags.update({k: v for k, v in changes.items() if k in flags})
    data.update({k: v for k, v in changes.items() if k not in flags})
    data.update({name: "on" for name, on in flags.items() if on})
    return data


def board_summary(browser) -> str:
    html = browser.get("/").content.decode()
    part = html[html.index('id="board-summary"') :]
    part = part[: part.index("</p>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part))


@pytest.mark.usefixtures("shared_cache")  # the counts cache of production
def test_making_another_currency_the_base_moves_the_base_and_the_board_totals(
    admin_browser, admin_user
):
    old_base = Currency.objects.get(is_basic=True)
    other = "EUR" if old_base.pk != "EUR" else "USD"
    stage = default_stage("Initial contact")
    OpportunityFactory(created_by=admin_user, stage=stage, bid_value=Decimal("1000"))
    OpportunityFactory(
        created_by=admin_user, stage=stage, bid_value=Decimal("500"), bid_currency=currency(other)
    )
    ExchangeRateFactory(from_currency=currency(other), to_currency=old_base, rate=Decimal("2"))
    before = board_summary(admin_browser)

    response = admin_browser.post(change_url(currency(other)), currency_data(other, is_basic=True))

    assert response.status_code == 302
    assert list(Currency.objects.filter(is_basic=True).values_list("pk", flat=True)) == [other]
    after = board_summary(admin_browser)
    assert f"in {old_base.pk}" in before and "2,000" in before
    # 500 in the new base, and 1000 at the inverse of the stored rate (2)
    assert f"in {other}" in after and "1,000" in after and "2,000" not in after


def test_unticking_the_base_currency_is_refused(admin_browser):
    base = Currency.objects.get(is_basic=True)

    response = admin_browser.post(change_url(base), currency_data(base.pk, is_basic=False))

    assert response.status_code == 200
    assert "always one base currency" in str(response.context["adminform"].form.errors["is_basic"])
    assert list(Currency.objects.filter(is_basic=True)) == [base]


def test_a_currency_added_as_the_base_replaces_the_old_base(admin_browser):
    old_base = Currency.objects.get(is_basic=True)
    Currency.objects.filter(pk="XTS").delete()  # the ISO testing code, if loaded

    response = admin_browser.post(
        add_url(Currency),
        {"abbreviation": "XTS", "title": "Test units", "is_convertible": "on", "is_basic": "on"},
    )

    assert response.status_code == 302
    assert list(Currency.objects.filter(is_basic=True).values_list("pk", flat=True)) == ["XTS"]
    old_base.refresh_from_db()
    assert not old_base.is_basic


def test_a_currency_deals_or_contacts_use_is_not_deleted(admin_browser, user):
    yen, franc = currency("JPY"), currency("CHF")
    OpportunityFactory(created_by=user, bid_currency=yen)
    OpportunityFactory(
        created_by=user, bid_currency=yen, deleted_at=timezone.now(), deleted_by=user
    )
    PersonFactory(created_by=user, currency=franc)

    by_deals = admin_browser.post(delete_url(yen), {"post": "yes"})
    by_contact = admin_browser.post(delete_url(franc), {"post": "yes"})

    assert by_deals.status_code == by_contact.status_code == 302
    assert "JPY can't be deleted: it is used by 2 opportunities" in messages_of(by_deals)[-1]
    assert "CHF can't be deleted: it is used by 1 contact" in messages_of(by_contact)[-1]
    assert Currency.objects.filter(pk__in=["JPY", "CHF"]).count() == 2
    assert Opportunity.all_objects.filter(bid_currency=yen).count() == 2


def test_an_unused_currency_is_deleted_with_its_rates_but_the_base_never(admin_browser):
    base = Currency.objects.get(is_basic=True)
    krone = currency("NOK")
    ExchangeRateFactory(from_currency=krone, to_currency=base, rate=Decimal("0.1"))

    deleted = admin_browser.post(delete_url(krone), {"post": "yes"})
    refused = admin_browser.post(delete_url(base), {"post": "yes"})

    assert deleted.status_code == refused.status_code == 302
    assert not Currency.objects.filter(pk="NOK").exists()
    assert not ExchangeRate.objects.filter(from_currency="NOK").exists()
    assert "is the base currency" in messages_of(refused)[-1]
    assert Currency.objects.filter(pk=base.pk, is_basic=True).exists()


def test_a_user_without_the_admin_does_not_move_the_base(client):
    base = Currency.objects.get(is_basic=True)
    other = "EUR" if base.pk != "EUR" else "USD"
    client.force_login(UserFactory(is_staff=False))

    response = client.post(change_url(currency(other)), currency_data(other, is_basic=True))

    assert response.status_code == 302 and "login" in response.url
    assert list(Currency.objects.filter(is_basic=True)) == [base]
