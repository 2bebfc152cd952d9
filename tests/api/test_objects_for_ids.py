"""Issue 9, point 4: clients echo what they read, so an object with an `id` (any case of the
key) stands for that id in every list parameter that takes ids: `accessList` as employee
objects, `members` as contact objects, in JSON and in form bodies (`accessList[0][id]=…`)."""

import pytest

from contacts.models import ContactUserObjectPermission
from core.access import access_list_user_ids, replace_access_list
from opportunities.models import Opportunity, OpportunityUserObjectPermission
from tests.factories import (
    LeadSourceFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    PersonFactory,
)

API = "/api/2.0/crm/"


def employee(user) -> dict:
    return {"id": str(user.uuid), "displayName": user.get_full_name(), "avatarSmall": "/a.png"}


def contact(person) -> dict:
    return {"id": person.pk, "displayName": str(person), "isCompany": False}


def _access(opportunity) -> set:
    return access_list_user_ids(OpportunityUserObjectPermission, opportunity)


def _members(opportunity) -> set:
    return set(Opportunity.objects.get(pk=opportunity.pk).members.values_list("pk", flat=True))


@pytest.mark.parametrize("bearer", [False, True])
def test_update_takes_employee_and_contact_objects_when_a_json_body_echoes_them(
    client_for, user, other_user, opportunity, bearer
):
    person = PersonFactory(created_by=user)

    response = client_for(user, bearer=bearer).put(
        f"{API}opportunity/{opportunity.pk}.json",
        {
            "title": "Renamed",
            "isPrivate": True,
            "accessList": [employee(user), employee(other_user)],
            "members": [contact(person)],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _access(opportunity) == {user.pk, other_user.pk}
    assert _members(opportunity) == {person.pk}
    assert {e["id"] for e in response.json()["response"]["accessList"]} == {
        str(user.uuid),
        str(other_user.uuid),
    }


def test_update_takes_objects_when_a_form_body_indexes_their_keys(
    user_client, user, other_user, opportunity
):
    person = PersonFactory(created_by=user)

    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        f"isPrivate=true&accessList[0][id]={other_user.uuid}&accessList[0][displayName]=Other"
        f"&accessList[1][ID]={user.uuid}&members[0][id]={person.pk}&members[0][displayName]=P",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    assert _access(opportunity) == {user.pk, other_user.pk}
    assert _members(opportunity) == {person.pk}


def test_the_id_key_is_found_in_any_case(user_client, user, other_user, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        {"isPrivate": True, "accessList": [{"ID": str(other_user.uuid)}, {"Id": str(user.uuid)}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _access(opportunity) == {user.pk, other_user.pk}


def test_create_takes_objects_for_access_list_and_members(client_for, user, other_user):
    person = PersonFactory(created_by=user)

    response = client_for(user, bearer=True).post(
        f"{API}opportunity.json",
        {
            "title": "Echoed",
            "isPrivate": True,
            "accessList": [employee(other_user)],
            "members": [contact(person)],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    created = Opportunity.objects.get(title="Echoed")
    assert _access(created) == {user.pk, other_user.pk}
    assert _members(created) == {person.pk}


def test_access_route_takes_employee_objects(user_client, user, other_user, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}/access",
        {"isPrivate": True, "accessList": [employee(other_user)]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _access(opportunity) == {user.pk, other_user.pk}


def test_group_access_route_takes_employee_objects_in_a_form(user_client, user, other_user):
    deals = [OpportunityFactory(created_by=user) for _ in range(2)]

    response = user_client.put(
        f"{API}opportunity/access",
        f"opportunityid={deals[0].pk}&opportunityid={deals[1].pk}&isPrivate=true"
        f"&accessList[0][id]={other_user.uuid}&accessList[0][displayName]=Other",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    for deal in deals:
        assert _access(deal) == {user.pk, other_user.pk}


def test_filter_access_route_takes_employee_objects(client_for, user, other_user):
    deal = OpportunityFactory(title="Filtered", created_by=user)

    response = client_for(user, bearer=True).put(
        f"{API}opportunity/filter/access.json",
        {"filterValue": "Filtered", "isPrivate": True, "accessList": [employee(other_user)]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _access(deal) == {user.pk, other_user.pk}


def test_an_object_without_id_is_refused_naming_the_field_and_changes_nothing(
    user_client, other_user, opportunity
):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        {"title": "Renamed", "isPrivate": True, "accessList": [{"displayName": "Nobody"}]},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]["message"]
    assert "accessList" in error
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.is_private) == ("Public deal", False)


def test_a_member_object_without_id_is_refused_naming_members(user_client, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        "members[0][displayName]=Paula",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "members" in response.json()["error"]["message"]


def test_a_read_modify_write_client_renames_a_private_opportunity(
    client_for, user, other_user, private_opportunity
):
    person = PersonFactory(created_by=user)
    replace_access_list(OpportunityUserObjectPermission, private_opportunity, [user, other_user])
    private_opportunity.members.add(person)
    source, status = LeadSourceFactory(title="Fair"), OpportunityStatusFactory(title="Hot")
    Opportunity.objects.filter(pk=private_opportunity.pk).update(source=source, status=status)
    client = client_for(user)
    read = client.get(f"{API}opportunity/{private_opportunity.pk}.json")
    assert read.status_code == 200
    whole = read.json()["response"]
    whole["title"] = "Secret deal, renamed"

    response = client.put(f"{API}opportunity/{private_opportunity.pk}.json", whole, format="json")

    assert response.status_code == 200, response.content
    private_opportunity.refresh_from_db()
    assert private_opportunity.title == "Secret deal, renamed"
    assert private_opportunity.is_private is True
    assert _access(private_opportunity) == {user.pk, other_user.pk}
    assert _members(private_opportunity) == {person.pk}
    assert (private_opportunity.source, private_opportunity.status) == (source, status)
    assert response.json()["response"]["accessList"] == whole["accessList"]


def test_contact_access_route_takes_employee_objects(user_client, user, other_user, person):
    response = user_client.put(
        f"{API}contact/{person.pk}/access",
        {"isPrivate": True, "accessList": [employee(other_user)]},
        format="json",
    )

    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.is_private is True
    assert other_user.pk in access_list_user_ids(ContactUserObjectPermission, person)


def test_company_create_takes_person_objects(user_client, user):
    person = PersonFactory(created_by=user)

    response = user_client.post(
        f"{API}contact/company",
        {"companyName": "Echo Ltd", "personList": [contact(person)]},
        format="json",
    )

    assert response.status_code in (200, 201), response.content
    person.refresh_from_db()
    assert person.company is not None and person.company.company_name == "Echo Ltd"
