"""POST and DELETE contact/{contactid}/opportunity/{opportunityid}: link and unlink from the
contact's side, answering with the OpportunityWrapper."""

from opportunities.models import OpportunityMember
from tests.factories import OpportunityFactory, PersonFactory

CONTACT = "/api/2.0/crm/contact"


def _url(contact, opportunity):
    return f"{CONTACT}/{contact.pk}/opportunity/{opportunity.pk}"


def test_contact_linked_and_opportunity_returned_when_both_visible(
    user_client, person, opportunity
):
    response = user_client.post(_url(person, opportunity))

    assert response.status_code == 201
    body = response.json()
    assert body["statusCode"] == 201
    assert body["response"]["id"] == opportunity.pk
    assert [m["id"] for m in body["response"]["members"]] == [person.pk]
    assert OpportunityMember.objects.filter(opportunity=opportunity, contact=person).exists()


def test_link_is_idempotent_when_contact_already_member(user_client, person, opportunity):
    user_client.post(_url(person, opportunity))

    response = user_client.post(_url(person, opportunity) + ".json")

    assert response.status_code == 201
    assert OpportunityMember.objects.filter(opportunity=opportunity).count() == 1


def test_link_not_found_when_opportunity_private_to_someone_else(
    other_client, other_user, private_opportunity
):
    mine = PersonFactory(created_by=other_user)

    response = other_client.post(_url(mine, private_opportunity))

    assert response.status_code == 404
    assert not OpportunityMember.objects.exists()


def test_link_not_found_when_contact_private_to_someone_else(other_client, user, opportunity):
    secret = PersonFactory(created_by=user, access_list=[user])

    response = other_client.post(_url(secret, opportunity))

    assert response.status_code == 404
    assert not OpportunityMember.objects.exists()


def test_link_refused_with_400_when_an_id_is_zero(user_client, person):
    response = user_client.post(f"{CONTACT}/{person.pk}/opportunity/0")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "opportunityid"}


def test_link_refused_with_401_when_not_signed_in(api_client, person, opportunity):
    assert api_client.post(_url(person, opportunity)).status_code == 401
    assert not OpportunityMember.objects.exists()


def test_contact_unlinked_and_opportunity_returned_when_member(user_client, user, person):
    opportunity = OpportunityFactory(created_by=user, members=[person])

    response = user_client.delete(_url(person, opportunity))

    assert response.status_code == 200
    assert response.json()["response"]["members"] == []
    assert not OpportunityMember.objects.filter(opportunity=opportunity).exists()


def test_unlink_refused_with_403_when_contact_is_the_primary_contact(user_client, user, person):
    opportunity = OpportunityFactory(created_by=user, contact=person, members=[person])

    response = user_client.delete(_url(person, opportunity))

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Can't unlink base contact"
    opportunity.refresh_from_db()
    assert opportunity.contact == person
    assert OpportunityMember.objects.filter(opportunity=opportunity, contact=person).exists()


def test_unlink_not_found_and_nothing_changes_when_opportunity_private_to_someone_else(
    other_client, user, person
):
    secret = OpportunityFactory(created_by=user, access_list=[user], members=[person])

    response = other_client.delete(_url(person, secret))

    assert response.status_code == 404
    assert OpportunityMember.objects.filter(opportunity=secret, contact=person).exists()


def test_unlink_refused_with_401_when_not_signed_in(api_client, user, person):
    opportunity = OpportunityFactory(created_by=user, members=[person])

    assert api_client.delete(_url(person, opportunity)).status_code == 401
    assert OpportunityMember.objects.filter(opportunity=opportunity).exists()
