import pytest

from core.errors import InvalidInput, NotFound
from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    StageChange,
)
from opportunities.selectors import opportunity_list_visible_to
from opportunities.services import opportunity_delete, opportunity_delete_many
from opportunities.trash_selectors import opportunity_trash_visible_to
from tests.factories import (
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    StageChangeFactory,
)

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Opportunity,
            OpportunityMember,
            OpportunityCustomFieldValue,
            OpportunityUserObjectPermission,
            StageChange,
        )
    }


@pytest.fixture
def loaded_opportunity(user, other_user, person):
    opportunity = OpportunityFactory(
        created_by=user, members=[person], access_list=[user, other_user]
    )
    OpportunityCustomFieldValueFactory(opportunity=opportunity)
    StageChangeFactory(opportunity=opportunity)
    return opportunity


def test_opportunity_and_its_rows_gone_when_deleted(loaded_opportunity, user, person):
    """Gone for every read (the default manager), its rows kept in the trash for a restore."""
    before = row_counts()

    deleted = opportunity_delete(opportunity=loaded_opportunity, deleted_by=user)

    assert deleted.pk == loaded_opportunity.pk
    assert deleted.title == loaded_opportunity.title
    assert row_counts() == {**before, "Opportunity": 0}
    assert not opportunity_list_visible_to(user=user).filter(pk=deleted.pk).exists()
    trashed = Opportunity.all_objects.get(pk=deleted.pk)
    assert trashed.deleted_at is not None and trashed.deleted_by == user
    assert list(opportunity_trash_visible_to(user=user)) == [trashed]
    person.refresh_from_db()  # contacts stay


def test_not_found_and_nothing_deleted_when_stranger_deletes(loaded_opportunity, third_user):
    before = row_counts()

    with pytest.raises(NotFound):
        opportunity_delete(opportunity=loaded_opportunity, deleted_by=third_user)

    assert row_counts() == before


def test_all_deleted_when_every_id_deletable(user, other_user):
    mine = OpportunityFactory(created_by=user)
    public = OpportunityFactory(created_by=other_user)
    keep = OpportunityFactory(created_by=user)

    deleted = opportunity_delete_many(
        opportunity_ids=[public.pk, mine.pk, mine.pk], deleted_by=user
    )

    assert sorted(o.pk for o in deleted) == sorted([mine.pk, public.pk])
    assert {o.title for o in deleted} == {mine.title, public.title}
    assert list(Opportunity.objects.all()) == [keep]


def test_nothing_deleted_when_one_id_hidden(user, other_user):
    mine = OpportunityFactory(created_by=user)
    hidden = OpportunityFactory(created_by=other_user, access_list=[other_user])
    before = row_counts()

    with pytest.raises(NotFound):
        opportunity_delete_many(opportunity_ids=[mine.pk, hidden.pk], deleted_by=user)

    assert row_counts() == before


def test_nothing_deleted_when_one_id_missing(user):
    mine = OpportunityFactory(created_by=user)
    before = row_counts()

    with pytest.raises(NotFound):
        opportunity_delete_many(opportunity_ids=[mine.pk, mine.pk + 1000], deleted_by=user)

    assert row_counts() == before


def test_missing_and_hidden_ids_skipped_when_asked_to_skip_unavailable(user, other_user):
    mine = OpportunityFactory(created_by=user)
    hidden = OpportunityFactory(created_by=other_user, access_list=[other_user])
    gone_meanwhile = OpportunityFactory(created_by=user)
    gone_id = gone_meanwhile.pk
    gone_meanwhile.delete()  # another request deleted it after the caller chose its ids

    deleted = opportunity_delete_many(
        opportunity_ids=[mine.pk, hidden.pk, gone_id], deleted_by=user, skip_unavailable=True
    )

    assert [o.pk for o in deleted] == [mine.pk]
    assert list(Opportunity.objects.all()) == [hidden]


def test_refused_when_id_list_empty(opportunity, user):
    with pytest.raises(InvalidInput):
        opportunity_delete_many(opportunity_ids=[], deleted_by=user)

    assert Opportunity.objects.count() == 1


def test_every_id_deleted_when_admin_deletes_private_ones(admin_user, user, other_user):
    ids = [
        OpportunityFactory(created_by=user, access_list=[user]).pk,
        OpportunityFactory(created_by=other_user, access_list=[other_user]).pk,
    ]

    opportunity_delete_many(opportunity_ids=ids, deleted_by=admin_user)

    assert not Opportunity.objects.exists()
