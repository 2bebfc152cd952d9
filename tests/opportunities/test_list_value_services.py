"""`list_value_create` / `_update` / `_delete`: the rules of the lists admins edit for deals
(lead sources, statuses, lost reasons), on the database."""

import pytest
from django.utils import timezone

from core.errors import AccessDenied, Conflict, InvalidInput
from opportunities.list_value_services import (
    list_value_create,
    list_value_delete,
    list_value_update,
)
from opportunities.models import LeadSource, LostReason, Opportunity, OpportunityStatus
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

LISTS = [LeadSource, OpportunityStatus, LostReason]


@pytest.mark.parametrize(
    ("title", "says"),
    [
        ("   ", "The title is required."),
        ("x" * 101, "at most 100 characters"),
        ("Nul\x00byte", "cannot be stored"),
        ("  WEBSITE  ", "already called “WEBSITE”"),
    ],
    ids=["blank", "too-long", "nul", "duplicate-in-any-case"],
)
def test_a_bad_title_is_refused_and_nothing_is_created(admin_user, title, says):
    LeadSource.objects.get_or_create(title="Website")
    count = LeadSource.objects.count()

    with pytest.raises(InvalidInput) as refused:
        list_value_create(model=LeadSource, created_by=admin_user, title=title)

    assert says in refused.value.message
    assert refused.value.field == "title"
    assert LeadSource.objects.count() == count


def test_the_same_title_is_allowed_in_another_list(admin_user):
    LeadSource.objects.create(title="Partner deal")

    status = list_value_create(model=OpportunityStatus, created_by=admin_user, title="partner deal")

    assert OpportunityStatus.objects.get(pk=status.pk).title == "partner deal"


@pytest.mark.parametrize("model", LISTS)
def test_a_value_without_a_sort_order_goes_last_and_is_stripped(admin_user, model):
    last = model.objects.order_by("-sort_order").first()

    value = list_value_create(model=model, created_by=admin_user, title="  Newest  ")

    assert (value.title, value.is_active) == ("Newest", True)
    assert value.sort_order == (last.sort_order + 1 if last else 1)


@pytest.mark.parametrize("model", LISTS)
def test_a_sales_user_is_refused_every_write(user, model):
    value = model.objects.create(title="Kept", sort_order=1)

    with pytest.raises(AccessDenied):
        list_value_create(model=model, created_by=user, title="Mine")
    with pytest.raises(AccessDenied):
        list_value_update(value=value, updated_by=user, is_active=False)
    with pytest.raises(AccessDenied):
        list_value_delete(value=value, deleted_by=user)

    assert model.objects.filter(pk=value.pk, is_active=True).exists()
    assert not model.objects.filter(title="Mine").exists()


def test_an_update_writes_only_what_changed(admin_user, django_assert_num_queries):
    value = LeadSource.objects.create(title="Podcast", sort_order=3)

    # the transaction's savepoint, the lock and its release: nothing changed, nothing written
    with django_assert_num_queries(3) as unchanged:
        list_value_update(value=value, updated_by=admin_user, title="Podcast", sort_order=3)
    retired = list_value_update(value=value, updated_by=admin_user, is_active=False)

    assert not any(q["sql"].startswith("UPDATE") for q in unchanged.captured_queries)
    assert LeadSource.objects.get(pk=value.pk).is_active is False
    assert retired.is_active is False


def test_an_update_with_a_field_the_list_has_not_is_refused(admin_user):
    value = LeadSource.objects.create(title="Podcast", sort_order=3)

    with pytest.raises(InvalidInput, match="Unknown fields: colour"):
        list_value_update(value=value, updated_by=admin_user, colour="red")


@pytest.mark.parametrize("model", LISTS)
def test_a_value_a_trashed_deal_carries_is_not_deleted(admin_user, user, model):
    value = model.objects.create(title="Carried", sort_order=1)
    field = {LeadSource: "source", OpportunityStatus: "status", LostReason: "lost_reason"}[model]
    stage = default_stage("Unsuccessfully closed")
    deal = OpportunityFactory(
        created_by=user, stage=stage, deleted_at=timezone.now(), **{field: value}
    )

    with pytest.raises(Conflict) as refused:
        list_value_delete(value=value, deleted_by=admin_user)

    assert "1 deal (in the trash) carries it" in refused.value.message
    assert model.objects.filter(pk=value.pk).exists()
    assert getattr(Opportunity.all_objects.get(pk=deal.pk), f"{field}_id") == value.pk


@pytest.mark.parametrize("model", LISTS)
def test_an_unused_value_is_deleted(admin_user, model):
    value = model.objects.create(title="Unused", sort_order=1)

    deleted = list_value_delete(value=value, deleted_by=admin_user)

    assert deleted.pk == value.pk
    assert not model.objects.filter(pk=value.pk).exists()
