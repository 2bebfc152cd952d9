"""Opportunity contacts (GET/POST/DELETE opportunity/{id}/contact…), byprefix, bycontact, and the
hidden test methods creationdate/lastmodifeddate."""

from datetime import UTC, datetime

import pytest

from opportunities.models import Opportunity, OpportunityMember
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [o["id"] for o in response.json()["response"]]


# -- contacts of an opportunity ------------------------------------------------------------------


def test_contacts_lists_full_wrappers_with_the_primary_contact_not_editable(
    client_for, user, person, company
):
    opportunity = OpportunityFactory(created_by=user, contact=person, members=[company])

    response = client_for(user).get(f"{URL}/{opportunity.pk}/contact")

    shapes = {c["id"]: c for c in response.json()["response"]}
    assert set(shapes) == {person.pk, company.pk}
    assert shapes[person.pk]["canEdit"] is False
    assert shapes[person.pk]["firstName"] == "Paula"
    assert shapes[company.pk]["canEdit"] is True
    assert shapes[company.pk]["companyName"] == "Acme Corp"


def test_contacts_leaves_out_contacts_hidden_from_the_caller(client_for, user, other_user):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    opportunity = OpportunityFactory(created_by=user, members=[hidden])

    assert client_for(user).get(f"{URL}/{opportunity.pk}/contact").json()["response"] == []


def test_contacts_returns_404_when_the_caller_is_a_stranger(
    client_for, other_user, private_opportunity
):
    assert client_for(other_user).get(f"{URL}/{private_opportunity.pk}/contact").status_code == 404


def test_add_contact_links_it_and_answers_201_with_the_contact(
    client_for, user, opportunity, person
):
    response = client_for(user).post(f"{URL}/{opportunity.pk}/contact/{person.pk}")

    assert response.status_code == 201
    assert response.json()["statusCode"] == 201
    assert response.json()["response"]["id"] == person.pk
    assert OpportunityMember.objects.filter(opportunity=opportunity, contact=person).exists()


def test_add_contact_returns_404_when_the_contact_is_hidden(
    client_for, user, other_user, opportunity
):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])

    response = client_for(user).post(f"{URL}/{opportunity.pk}/contact/{hidden.pk}")

    assert response.status_code == 404
    assert not OpportunityMember.objects.exists()


def test_add_contact_returns_404_and_links_nothing_when_the_opportunity_is_hidden(
    client_for, other_user, private_opportunity
):
    person = PersonFactory(created_by=other_user)

    response = client_for(other_user).post(f"{URL}/{private_opportunity.pk}/contact/{person.pk}")

    assert response.status_code == 404
    assert not OpportunityMember.objects.exists()


def test_add_contact_returns_400_when_the_contact_id_is_zero(client_for, user, opportunity):
    assert client_for(user).post(f"{URL}/{opportunity.pk}/contact/0").status_code == 400


def test_remove_contact_unlinks_even_the_primary_contact(client_for, user, person):
    opportunity = OpportunityFactory(created_by=user, contact=person, members=[person])

    response = client_for(user).delete(f"{URL}/{opportunity.pk}/contact/{person.pk}")

    assert response.status_code == 200
    assert response.json()["response"]["id"] == person.pk
    opportunity.refresh_from_db()
    assert opportunity.contact is None
    assert not OpportunityMember.objects.exists()


def test_remove_contact_returns_404_when_the_caller_is_a_stranger(
    client_for, user, other_user, person
):
    opportunity = OpportunityFactory(created_by=user, members=[person], access_list=[user])

    response = client_for(other_user).delete(f"{URL}/{opportunity.pk}/contact/{person.pk}")

    assert response.status_code == 404
    assert OpportunityMember.objects.filter(opportunity=opportunity).exists()


# -- byprefix ------------------------------------------------------------------------------------


def test_byprefix_finds_titles_containing_every_word_ordered_by_title(client_for, user):
    b = OpportunityFactory(created_by=user, title="Hotel catalogue B")
    a = OpportunityFactory(created_by=user, title="Big hotel catalogue")
    OpportunityFactory(created_by=user, title="Hotel brochure")

    assert ids(client_for(user).get(f"{URL}/byprefix", {"prefix": "hotel cata"})) == [a.pk, b.pk]


def test_byprefix_never_lists_hidden_opportunities(client_for, other_user, private_opportunity):
    assert ids(client_for(other_user).get(f"{URL}/byprefix", {"prefix": "secret"})) == []


def test_byprefix_with_contact_excludes_its_opportunities_unless_internal_search(
    client_for, user, person
):
    linked = OpportunityFactory(created_by=user, title="Deal linked", contact=person)
    member = OpportunityFactory(created_by=user, title="Deal member", members=[person])
    free = OpportunityFactory(created_by=user, title="Deal free")
    client = client_for(user)

    external = client.get(f"{URL}/byprefix", {"prefix": "Deal", "contactID": person.pk})
    internal = client.get(
        f"{URL}/byprefix",
        {"prefix": "Deal", "contactID": person.pk, "internalSearch": "true"},
    )
    case_sensitive = client.get(
        f"{URL}/byprefix",
        {"prefix": "deal", "contactID": person.pk, "internalSearch": "true"},
    )

    assert ids(external) == [free.pk]
    assert ids(internal) == [linked.pk, member.pk]
    assert ids(case_sensitive) == []


def test_byprefix_returns_400_when_the_prefix_is_missing(client_for, user):
    assert client_for(user).get(f"{URL}/byprefix").status_code == 400


def test_byprefix_returns_at_most_30(client_for, user):
    OpportunityFactory.create_batch(31, created_by=user, title="Same")

    assert len(ids(client_for(user).get(f"{URL}/byprefix", {"prefix": "same"}))) == 30


# -- bycontact -----------------------------------------------------------------------------------


def test_bycontact_lists_opportunities_where_the_contact_is_primary_or_member(
    client_for, user, person
):
    b = OpportunityFactory(created_by=user, title="b primary", contact=person)
    a = OpportunityFactory(created_by=user, title="A member", members=[person])
    OpportunityFactory(created_by=user, title="unrelated")
    OpportunityFactory(created_by=user, title="hidden", members=[person], access_list=[user])

    response = client_for(user).get(f"{URL}/bycontact/{person.pk}")

    assert ids(response)[:2] == [a.pk, b.pk]
    assert len(ids(response)) == 3


def test_bycontact_hides_private_opportunities_from_others(client_for, user, other_user, person):
    OpportunityFactory(created_by=user, members=[person], access_list=[user])
    public = OpportunityFactory(created_by=user, members=[person])

    assert ids(client_for(other_user).get(f"{URL}/bycontact/{person.pk}")) == [public.pk]


def test_bycontact_returns_empty_list_when_the_contact_is_unknown(client_for, user):
    response = client_for(user).get(f"{URL}/bycontact/987654")

    assert response.status_code == 200
    assert response.json()["response"] == []


def test_bycontact_returns_empty_list_when_the_contact_is_hidden(client_for, user, other_user):
    hidden = CompanyFactory(created_by=other_user, access_list=[other_user])
    OpportunityFactory(created_by=user, members=[hidden])

    assert ids(client_for(user).get(f"{URL}/bycontact/{hidden.pk}")) == []


# -- hidden test methods -------------------------------------------------------------------------


def test_creation_date_is_set_when_the_caller_is_admin(client_for, admin_user, opportunity):
    response = client_for(admin_user).put(
        f"{URL}/{opportunity.pk}/creationdate",
        {"creationDate": "2020-12-11T03:36:09.7011881Z"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["response"] == {}
    assert "count" not in response.json()
    opportunity.refresh_from_db()
    assert opportunity.created_at == datetime(2020, 12, 11, 3, 36, 9, 701188, tzinfo=UTC)


def test_last_modified_date_is_set_when_the_caller_is_admin(client_for, admin_user, opportunity):
    response = client_for(admin_user).put(
        f"{URL}/{opportunity.pk}/lastmodifeddate?lastModifedDate=2021-01-02"
    )

    assert response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.updated_at == datetime(2021, 1, 2, tzinfo=UTC)


def test_creation_date_returns_403_and_changes_nothing_when_the_caller_is_not_admin(
    client_for, user, opportunity
):
    before = opportunity.created_at

    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/creationdate", {"creationDate": "2020-01-01"}, format="json"
    )

    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.created_at == before


def test_creation_date_returns_404_when_the_opportunity_is_missing(client_for, admin_user):
    response = client_for(admin_user).put(
        f"{URL}/987654/creationdate", {"creationDate": "2020-01-01"}, format="json"
    )

    assert response.status_code == 404
    assert not Opportunity.objects.exists()
