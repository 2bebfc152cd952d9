import pytest

from core.errors import AccessDenied, NotFound
from opportunities.models import OpportunityMember
from opportunities.services import opportunity_add_member, opportunity_remove_member
from tests.factories import OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def member_ids(opportunity) -> set[int]:
    return set(
        OpportunityMember.objects.filter(opportunity=opportunity).values_list(
            "contact_id", flat=True
        )
    )


def test_contact_linked_when_member_added(opportunity, user, person):
    opportunity_add_member(opportunity=opportunity, contact=person, added_by=user)
    opportunity_add_member(opportunity=opportunity, contact=person, added_by=user)

    assert member_ids(opportunity) == {person.pk}


def test_not_found_and_nothing_linked_when_contact_hidden(opportunity, user, other_user):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])

    with pytest.raises(NotFound):
        opportunity_add_member(opportunity=opportunity, contact=hidden, added_by=user)

    assert member_ids(opportunity) == set()


def test_not_found_and_nothing_linked_when_stranger_adds(private_opportunity, other_user):
    contact = PersonFactory(created_by=other_user)

    with pytest.raises(NotFound):
        opportunity_add_member(
            opportunity=private_opportunity, contact=contact, added_by=other_user
        )

    assert member_ids(private_opportunity) == set()


def test_contact_unlinked_when_member_removed(user, person, company):
    opportunity = OpportunityFactory(created_by=user, members=[person, company])

    opportunity_remove_member(opportunity=opportunity, contact=company, removed_by=user)

    assert member_ids(opportunity) == {person.pk}


def test_primary_contact_cleared_when_removed_from_opportunity_side(user, person):
    opportunity = OpportunityFactory(created_by=user, contact=person, members=[person])

    opportunity_remove_member(opportunity=opportunity, contact=person, removed_by=user)

    opportunity.refresh_from_db()
    assert opportunity.contact is None
    assert member_ids(opportunity) == set()


def test_access_denied_and_nothing_unlinked_when_primary_contact_kept(user, person):
    opportunity = OpportunityFactory(created_by=user, contact=person, members=[person])

    with pytest.raises(AccessDenied):
        opportunity_remove_member(
            opportunity=opportunity, contact=person, removed_by=user, keep_primary=True
        )

    opportunity.refresh_from_db()
    assert opportunity.contact == person
    assert member_ids(opportunity) == {person.pk}


def test_not_found_and_nothing_unlinked_when_stranger_removes(user, other_user):
    contact = PersonFactory(created_by=other_user)
    opportunity = OpportunityFactory(created_by=user, access_list=[user], members=[contact])

    with pytest.raises(NotFound):
        opportunity_remove_member(opportunity=opportunity, contact=contact, removed_by=other_user)

    assert member_ids(opportunity) == {contact.pk}
