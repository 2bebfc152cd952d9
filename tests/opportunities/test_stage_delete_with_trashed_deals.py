"""Deleting a stage whose deals are all in the trash: the deals move to another stage of the same
kind (so they can still be restored) and the stage goes; a stage with a live deal is refused with
ONLYOFFICE's 400; never a 500 from the PROTECT foreign key."""

import pytest

from opportunities.errors import StageInUse
from opportunities.models import Opportunity, Stage, StageChange, StageType
from opportunities.services import opportunity_delete, stage_delete
from opportunities.trash_services import opportunity_restore
from tests.factories import OpportunityFactory, StageFactory

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm/"


@pytest.fixture
def doomed(db):
    return StageFactory(title="Doomed", stage_type=StageType.CLOSED_AND_LOST)


@pytest.fixture
def trashed_in_doomed(user, doomed):
    deal = OpportunityFactory(title="In the trash", created_by=user, stage=doomed)
    opportunity_delete(opportunity=deal, deleted_by=user)
    return deal


def test_stage_goes_and_its_trashed_deals_move_to_a_stage_of_the_same_kind(
    admin_user, user, doomed, trashed_in_doomed
):
    stage_delete(stage=doomed, deleted_by=admin_user)

    assert not Stage.objects.filter(pk=doomed.pk).exists()
    moved = Opportunity.all_objects.get(pk=trashed_in_doomed.pk)
    lost = Stage.objects.filter(stage_type=StageType.CLOSED_AND_LOST).order_by("sort_order", "id")
    assert moved.stage == lost.first()
    assert moved.deleted_at is not None  # still in the trash
    assert StageChange.objects.filter(
        opportunity=moved, to_stage=moved.stage, changed_by=admin_user
    ).exists()
    restored = opportunity_restore(opportunity_id=moved.pk, restored_by=user)
    assert Opportunity.objects.get(pk=restored.pk).stage == lost.first()


def test_refused_when_a_live_deal_is_in_the_stage_too(admin_user, user, doomed, trashed_in_doomed):
    OpportunityFactory(stage=doomed, created_by=user)
    with pytest.raises(StageInUse):
        stage_delete(stage=doomed, deleted_by=admin_user)
    assert Opportunity.all_objects.get(pk=trashed_in_doomed.pk).stage == doomed


def test_refused_when_it_is_the_last_stage(admin_user, user, doomed, trashed_in_doomed):
    Opportunity.all_objects.exclude(stage=doomed).delete()
    Stage.objects.exclude(pk=doomed.pk).delete()
    with pytest.raises(StageInUse, match="trash"):
        stage_delete(stage=doomed, deleted_by=admin_user)
    assert Stage.objects.filter(pk=doomed.pk).exists()


def test_api_delete_answers_200_not_500(admin_client, doomed, trashed_in_doomed):
    response = admin_client.delete(f"{API}opportunity/stage/{doomed.pk}")
    assert response.status_code == 200
    assert response.json()["response"]["relativeItemsCount"] == 0
    assert not Stage.objects.filter(pk=doomed.pk).exists()


def test_api_delete_of_the_last_stage_holding_trashed_deals_is_400(
    admin_client, doomed, trashed_in_doomed
):
    Opportunity.all_objects.exclude(stage=doomed).delete()
    Stage.objects.exclude(pk=doomed.pk).delete()
    response = admin_client.delete(f"{API}opportunity/stage/{doomed.pk}")
    assert response.status_code == 400
    assert Stage.objects.filter(pk=doomed.pk).exists()


def test_admin_delete_of_a_stage_with_only_trashed_deals(
    client, admin_user, doomed, trashed_in_doomed
):
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:opportunities_stage_delete", args=[doomed.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Stage.objects.filter(pk=doomed.pk).exists()
