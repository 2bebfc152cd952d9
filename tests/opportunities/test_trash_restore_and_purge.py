"""The trash's services: a deleted deal keeps everything it held and comes back with it, for its
creator, who deleted it, or an admin, within TRASH_DAYS; older ones are purged for good."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory
from core.errors import AccessDenied, InvalidInput, NotFound
from opportunities.models import (
    AuditAction,
    Opportunity,
    OpportunityAudit,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    StageChange,
)
from opportunities.selectors import opportunity_access_user_ids
from opportunities.services import opportunity_delete, opportunity_delete_many
from opportunities.trash_selectors import opportunity_trash_visible_to
from opportunities.trash_services import (
    opportunity_purge_many,
    opportunity_restore,
    opportunity_restore_batch,
    opportunity_restore_many,
    trash_purge,
)
from tests.factories import (
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    StageChangeFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(user, other_user, person):
    """A private deal holding a bit of everything."""
    deal = OpportunityFactory(
        title="Loaded",
        created_by=user,
        members=[person],
        tags=[TagFactory(title="hot")],
        access_list=[user, other_user],
    )
    OpportunityCustomFieldValueFactory(opportunity=deal, value="blue")
    StageChangeFactory(opportunity=deal)
    HistoryEvent.objects.create(
        opportunity=deal,
        content="Called them",
        category=HistoryCategory.objects.first(),
        created_by=user,
    )
    Task.objects.create(
        opportunity=deal,
        title="Send the offer",
        deadline=timezone.now() + timedelta(days=2),
        responsible=user,
        category=TaskCategory.objects.first(),
        created_by=user,
    )
    return deal


def held(deal) -> dict:
    return {
        "members": list(OpportunityMember.objects.filter(opportunity=deal).values_list("contact")),
        "tags": list(deal.tags.values_list("title", flat=True)),
        "values": list(
            OpportunityCustomFieldValue.objects.filter(opportunity=deal).values_list("value")
        ),
        "access": opportunity_access_user_ids(deal),
        "stage_changes": StageChange.objects.filter(opportunity=deal).count(),
        "events": list(HistoryEvent.objects.filter(opportunity=deal).values_list("content")),
        "tasks": list(Task.objects.filter(opportunity=deal).values_list("title")),
    }


def age(deal, days: float) -> None:
    Opportunity.all_objects.filter(pk=deal.pk).update(
        deleted_at=timezone.now() - timedelta(days=days)
    )


def test_deal_back_with_everything_it_held_when_its_creator_restores_it(loaded, user):
    before = held(loaded)
    opportunity_delete(opportunity=loaded, deleted_by=user)
    assert not Opportunity.objects.filter(pk=loaded.pk).exists()
    assert held(loaded) == before  # nothing hanging off it was deleted

    restored = opportunity_restore(opportunity_id=loaded.pk, restored_by=user)

    assert restored.pk == loaded.pk
    live = Opportunity.objects.get(pk=loaded.pk)
    assert (live.deleted_at, live.deleted_by, live.deletion_batch) == (None, None, None)
    assert held(live) == before
    assert live.is_private


def test_audit_rows_deleted_then_restored_with_who_did_it(loaded, user, other_user):
    opportunity_delete(opportunity=loaded, deleted_by=other_user)
    opportunity_restore(opportunity_id=loaded.pk, restored_by=user)

    rows = list(
        OpportunityAudit.objects.filter(opportunity=loaded)
        .order_by("changed_at", "id")
        .values_list("action", "changed_by")
    )
    assert rows[-2:] == [(AuditAction.DELETED, other_user.pk), (AuditAction.RESTORED, user.pk)]


def test_edit_form_read_before_the_delete_is_stale_after_the_restore(loaded, user):
    version = Opportunity.objects.get(pk=loaded.pk).version
    opportunity_delete(opportunity=loaded, deleted_by=user)
    opportunity_restore(opportunity_id=loaded.pk, restored_by=user)
    assert Opportunity.objects.get(pk=loaded.pk).version > version


def test_who_deleted_it_may_restore_it_though_not_its_creator(user, other_user):
    deal = OpportunityFactory(created_by=user)  # public: other_user may delete it
    opportunity_delete(opportunity=deal, deleted_by=other_user)

    opportunity_restore(opportunity_id=deal.pk, restored_by=other_user)
    assert Opportunity.objects.filter(pk=deal.pk).exists()


def test_not_found_and_still_in_the_trash_when_someone_else_restores(
    user, other_user, third_user, guest
):
    deal = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=deal, deleted_by=user)

    for stranger in (other_user, third_user, guest):
        with pytest.raises(NotFound):
            opportunity_restore(opportunity_id=deal.pk, restored_by=stranger)
    assert Opportunity.all_objects.get(pk=deal.pk).deleted_at is not None
    assert not opportunity_trash_visible_to(user=other_user).exists()


def test_admin_restores_anyones_deal(user, admin_user):
    deal = OpportunityFactory(created_by=user, access_list=[user])
    opportunity_delete(opportunity=deal, deleted_by=user)

    opportunity_restore(opportunity_id=deal.pk, restored_by=admin_user)
    assert Opportunity.objects.filter(pk=deal.pk).exists()


def test_not_found_when_the_deal_is_past_the_trash_days(user, settings):
    settings.TRASH_DAYS = 7
    deal = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=deal, deleted_by=user)
    age(deal, 7.01)

    with pytest.raises(NotFound):
        opportunity_restore(opportunity_id=deal.pk, restored_by=user)
    age(deal, 6.9)
    opportunity_restore(opportunity_id=deal.pk, restored_by=user)


@pytest.mark.parametrize("bad", [0, -1, 2**70, "x", None, "1\x00"])
def test_not_found_when_the_id_is_no_deal_in_the_trash(user, opportunity, bad):
    with pytest.raises(NotFound):
        opportunity_restore(opportunity_id=bad, restored_by=user)
    with pytest.raises(NotFound):  # a live deal is not in the trash
        opportunity_restore(opportunity_id=opportunity.pk, restored_by=user)


def test_whole_batch_back_in_one_action(user, other_user):
    mine = [OpportunityFactory(created_by=user) for _ in range(3)]
    theirs = OpportunityFactory(created_by=other_user)
    deleted = opportunity_delete_many(
        opportunity_ids=[d.pk for d in [*mine, theirs]], deleted_by=other_user
    )
    batch = deleted[0].deletion_batch
    assert {d.deletion_batch for d in deleted} == {batch}

    assert opportunity_restore_batch(batch=batch, restored_by=user) == 3  # only theirs stays
    assert set(Opportunity.objects.values_list("pk", flat=True)) == {d.pk for d in mine}
    assert opportunity_restore_batch(batch=str(batch), restored_by=other_user) == 1
    with pytest.raises(NotFound):
        opportunity_restore_batch(batch=batch, restored_by=other_user)


@pytest.mark.parametrize("bad", ["", "nope", "\x00", None, "1" * 5000])
def test_refused_when_the_batch_is_no_batch(user, bad):
    with pytest.raises(InvalidInput):
        opportunity_restore_batch(batch=bad, restored_by=user)


def test_restore_many_skips_what_the_user_may_not_restore(user, other_user):
    mine = OpportunityFactory(created_by=user)
    theirs = OpportunityFactory(created_by=other_user, access_list=[other_user])
    opportunity_delete(opportunity=mine, deleted_by=user)
    opportunity_delete(opportunity=theirs, deleted_by=other_user)

    assert opportunity_restore_many(opportunity_ids=[mine.pk, theirs.pk], restored_by=user) == 1
    assert list(Opportunity.objects.all()) == [mine]


def test_restored_without_the_contact_deleted_meanwhile(user, person):
    from contacts.services import contact_delete

    deal = OpportunityFactory(created_by=user, contact=person, members=[person])
    opportunity_delete(opportunity=deal, deleted_by=user)
    contact_delete(contact=person, deleted_by=user)

    restored = opportunity_restore(opportunity_id=deal.pk, restored_by=user)
    restored.refresh_from_db()
    assert restored.contact_id is None
    assert not restored.members.exists()


# -- purge --------------------------------------------------------------------------------------


def test_only_deals_past_the_trash_days_purged_with_everything_they_held(loaded, user, settings):
    settings.TRASH_DAYS = 30
    recent = OpportunityFactory(created_by=user)
    live = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=loaded, deleted_by=user)
    opportunity_delete(opportunity=recent, deleted_by=user)
    age(loaded, 31)
    age(recent, 29)

    assert trash_purge() == 1

    assert set(Opportunity.all_objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    for model in (OpportunityMember, OpportunityCustomFieldValue, StageChange, HistoryEvent, Task):
        assert not model.objects.filter(opportunity_id=loaded.pk).exists()
    assert not OpportunityUserObjectPermission.objects.filter(content_object_id=loaded.pk).exists()
    assert not OpportunityAudit.objects.filter(opportunity_id=loaded.pk).exists()


def test_purge_with_zero_days_empties_the_trash_and_keeps_live_deals(user, opportunity):
    gone = [OpportunityFactory(created_by=user) for _ in range(3)]
    opportunity_delete_many(opportunity_ids=[d.pk for d in gone], deleted_by=user)

    assert trash_purge(older_than_days=0) == 3
    assert list(Opportunity.all_objects.all()) == [opportunity]


def test_purge_runs_in_chunks(user, monkeypatch):
    monkeypatch.setattr("opportunities.trash_services.PURGE_CHUNK", 2)
    gone = [OpportunityFactory(created_by=user) for _ in range(5)]
    opportunity_delete_many(opportunity_ids=[d.pk for d in gone], deleted_by=user)

    assert trash_purge(older_than_days=0) == 5
    assert not Opportunity.all_objects.exists()


@pytest.mark.parametrize("bad", [-1, 36501, 2**70, "x", "1\x00"])
def test_purge_refused_when_the_days_make_no_sense(bad, user):
    deal = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=deal, deleted_by=user)
    with pytest.raises(InvalidInput):
        trash_purge(older_than_days=bad)
    assert Opportunity.all_objects.filter(pk=deal.pk).exists()


def test_purge_command_says_how_many_it_purged(user, settings):
    settings.TRASH_DAYS = 10
    old, new = OpportunityFactory(created_by=user), OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=old, deleted_by=user)
    opportunity_delete(opportunity=new, deleted_by=user)
    age(old, 11)

    out = StringIO()
    call_command("purge_trash", stdout=out)
    assert "Purged 1 opportunity deleted 10 days ago" in out.getvalue()
    call_command("purge_trash", "--older-than-days", "0", stdout=out)
    assert "Purged 1 opportunity deleted 0 days ago" in out.getvalue()
    assert not Opportunity.all_objects.exists()
    with pytest.raises(CommandError, match="--older-than-days"):
        call_command("purge_trash", "--older-than-days", "-3")


def test_delete_for_good_only_for_admins_and_only_trashed_deals(user, admin_user, opportunity):
    deal = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=deal, deleted_by=user)
    with pytest.raises(AccessDenied):
        opportunity_purge_many(opportunity_ids=[deal.pk], purged_by=user)

    assert opportunity_purge_many(opportunity_ids=[deal.pk, opportunity.pk], purged_by=admin_user)
    assert list(Opportunity.all_objects.all()) == [opportunity]


@pytest.mark.parametrize(
    "days_ago, left", [(0, 30), (0.5, 30), (1, 29), (20, 10), (29.5, 1), (30.01, 0)]
)
def test_days_left_count_the_day_under_way(settings, days_ago, left):
    from opportunities.trash_selectors import trash_days_left

    settings.TRASH_DAYS = 30
    now = timezone.now()
    assert trash_days_left(now - timedelta(days=days_ago), now=now) == left
