"""What a caller cannot see does not exist for them: not in counts, not in error messages, not
in filters. A private opportunity or contact hidden from the caller counts as nothing, is
"not found" exactly as a missing id is, and filtering by it matches as an unknown id does."""

import pytest

from opportunities.models import Opportunity, Stage
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm"
MISSING = 999999


@pytest.fixture
def hidden_person(other_user):
    return PersonFactory(
        first_name="Zorro", last_name="Hidden", created_by=other_user, access_list=[other_user]
    )


@pytest.fixture
def hidden_company(other_user):
    return CompanyFactory(
        company_name="Secretcorp", created_by=other_user, access_list=[other_user]
    )


@pytest.fixture
def linked(user, hidden_person, hidden_company):
    """A public opportunity whose contact, customer and members are hidden from `user`."""
    return OpportunityFactory(
        title="Deal linked",
        created_by=user,
        contact=hidden_person,
        customer=hidden_company,
        members=[hidden_person, hidden_company],
    )


def error_of(response) -> tuple:
    body = response.json()
    return response.status_code, body["error"]["message"], body["error"]["data"].get("field")


def without_ids(error: tuple, *ids: int) -> tuple:
    status, message, field = error
    for value in ids:
        message = message.replace(str(value), "ID")
    return status, message, field


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["response"]]


# -- counts --------------------------------------------------------------------------------------


def test_stage_counts_leave_out_private_opportunities_hidden_from_the_caller(
    user_client, user, other_user
):
    proposal = Stage.objects.get(title="Proposal")
    OpportunityFactory.create_batch(2, stage=proposal, created_by=user)
    OpportunityFactory(stage=proposal, created_by=other_user, access_list=[other_user])
    OpportunityFactory(stage=proposal, created_by=other_user, access_list=[other_user, user])

    listed = user_client.get(f"{API}/opportunity/stage").json()["response"]
    one = user_client.get(f"{API}/opportunity/stage/{proposal.pk}").json()["response"]

    assert {s["id"]: s["relativeItemsCount"] for s in listed}[proposal.pk] == 3
    assert one["relativeItemsCount"] == 3


def test_stage_counts_include_every_opportunity_for_an_admin(admin_client, other_user):
    proposal = Stage.objects.get(title="Proposal")
    OpportunityFactory(stage=proposal, created_by=other_user, access_list=[other_user])

    listed = admin_client.get(f"{API}/opportunity/stage").json()["response"]

    assert {s["id"]: s["relativeItemsCount"] for s in listed}[proposal.pk] == 1


def test_persons_count_leaves_out_people_hidden_from_the_caller(user_client, user, other_user):
    company = CompanyFactory(company_name="Opencorp", created_by=user)
    PersonFactory(company=company, created_by=user)
    PersonFactory(company=company, created_by=other_user, access_list=[other_user])

    one = user_client.get(f"{API}/contact/{company.pk}").json()["response"]
    listed = user_client.get(f"{API}/contact/filter", {"contactListView": "company"}).json()

    assert one["personsCount"] == 1 == len(one["persons"])
    assert {c["id"]: c["personsCount"] for c in listed["response"]}[company.pk] == 1


def test_contacts_with_opportunity_leave_out_those_linked_only_to_hidden_opportunities(
    user_client, user, other_user
):
    seen = PersonFactory(created_by=user)
    unseen = PersonFactory(created_by=user)
    OpportunityFactory(created_by=user, contact=seen, members=[seen])
    OpportunityFactory(
        created_by=other_user, contact=unseen, members=[unseen], access_list=[other_user]
    )

    body = user_client.get(f"{API}/contact/filter", {"contactListView": "withopportunity"}).json()

    assert [c["id"] for c in body["response"]] == [seen.pk]
    assert body["total"] == 1


# -- "not found" is the same for a hidden and a missing contact -----------------------------------


@pytest.mark.parametrize(
    "field,value",
    [("contactid", lambda c: c), ("customerid", lambda c: c), ("members", lambda c: [c])],
)
def test_create_refuses_a_hidden_contact_exactly_as_a_missing_one(
    user_client, hidden_person, field, value
):
    hidden = user_client.post(
        f"{API}/opportunity", {"title": "x", field: value(hidden_person.pk)}, format="json"
    )
    missing = user_client.post(
        f"{API}/opportunity", {"title": "x", field: value(MISSING)}, format="json"
    )

    assert hidden.status_code == 400
    assert without_ids(error_of(hidden), hidden_person.pk) == without_ids(
        error_of(missing), MISSING
    )
    assert error_of(hidden)[2] == field
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [("contactid", lambda c: c), ("customerid", lambda c: c), ("members", lambda c: [c])],
)
def test_update_refuses_a_hidden_contact_exactly_as_a_missing_one(
    user_client, user, hidden_person, field, value
):
    opportunity = OpportunityFactory(created_by=user, title="Before")
    url = f"{API}/opportunity/{opportunity.pk}"

    hidden = user_client.put(url, {"title": "After", field: value(hidden_person.pk)}, format="json")
    missing = user_client.put(url, {"title": "After", field: value(MISSING)}, format="json")

    assert hidden.status_code == 400
    assert without_ids(error_of(hidden), hidden_person.pk) == without_ids(
        error_of(missing), MISSING
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Before"
    assert opportunity.contact_id is None and not opportunity.members.exists()


@pytest.mark.parametrize("hidden_kind", ["company", "person"])
def test_person_create_refuses_a_hidden_company_id_exactly_as_a_missing_one(
    user_client, hidden_person, hidden_company, hidden_kind
):
    hidden_id = (hidden_company if hidden_kind == "company" else hidden_person).pk
    url = f"{API}/contact/person"

    hidden = user_client.post(url, {"firstName": "New", "companyId": hidden_id}, format="json")
    missing = user_client.post(url, {"firstName": "New", "companyId": MISSING}, format="json")

    assert hidden.status_code == 400
    assert without_ids(error_of(hidden), hidden_id) == without_ids(error_of(missing), MISSING)
    assert error_of(hidden)[2] == "companyId"


@pytest.mark.parametrize("hidden_kind", ["company", "person"])
def test_person_update_refuses_a_hidden_company_id_exactly_as_a_missing_one(
    user_client, user, hidden_person, hidden_company, hidden_kind
):
    hidden_id = (hidden_company if hidden_kind == "company" else hidden_person).pk
    person = PersonFactory(created_by=user, first_name="Old")
    url = f"{API}/contact/person/{person.pk}"

    hidden = user_client.put(url, {"firstName": "New", "companyId": hidden_id}, format="json")
    missing = user_client.put(url, {"firstName": "New", "companyId": MISSING}, format="json")

    assert hidden.status_code == 400
    assert without_ids(error_of(hidden), hidden_id) == without_ids(error_of(missing), MISSING)
    person.refresh_from_db()
    assert person.first_name == "Old" and person.company_id is None


def test_update_keeps_hidden_members_when_the_caller_replaces_the_members(
    user_client, user, linked, hidden_person, hidden_company
):
    shown = PersonFactory(created_by=user)

    response = user_client.put(
        f"{API}/opportunity/{linked.pk}", {"members": [shown.pk]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert [m["id"] for m in response.json()["response"]["members"]] == [shown.pk]
    assert set(linked.members.values_list("pk", flat=True)) == {
        hidden_person.pk,
        hidden_company.pk,
        shown.pk,
    }


def test_update_keeps_a_hidden_contact_when_the_caller_clears_what_it_sees_as_empty(
    user_client, linked, hidden_person, hidden_company
):
    response = user_client.put(
        f"{API}/opportunity/{linked.pk}", {"contactid": 0, "customerid": 0}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["response"]["contact"] is None
    linked.refresh_from_db()
    assert linked.contact_id == hidden_person.pk
    assert linked.customer_id == hidden_company.pk


# -- filters --------------------------------------------------------------------------------------


def test_api_shows_no_hidden_contact_customer_or_member(user_client, linked):
    shape = user_client.get(f"{API}/opportunity/{linked.pk}").json()["response"]

    assert shape["contact"] is None
    assert shape["customer"] is None
    assert shape["members"] == []


@pytest.mark.parametrize("also_member", [None, "true"])
def test_filter_by_a_hidden_contact_matches_as_an_unknown_one(
    user_client, other_client, linked, hidden_person, also_member
):
    extra = {"contactAlsoIsParticipant": also_member} if also_member else {}
    url = f"{API}/opportunity/filter"

    hidden = user_client.get(url, {"contactid": hidden_person.pk, **extra}).json()
    unknown = user_client.get(url, {"contactid": MISSING, **extra}).json()
    theirs = other_client.get(url, {"contactid": hidden_person.pk, **extra}).json()

    assert (hidden["response"], hidden["total"]) == ([], 0)
    assert (unknown["response"], unknown["total"]) == ([], 0)
    assert [o["id"] for o in theirs["response"]] == [linked.pk]


def test_filter_by_a_hidden_member_matches_as_an_unknown_one(
    user_client, other_client, user, other_user
):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    deal = OpportunityFactory(created_by=user, members=[hidden])
    params = {"contactid": hidden.pk, "contactAlsoIsParticipant": "true"}

    mine = user_client.get(f"{API}/opportunity/filter", params).json()
    theirs = other_client.get(f"{API}/opportunity/filter", params).json()

    assert (mine["response"], mine["total"]) == ([], 0)
    assert [o["id"] for o in theirs["response"]] == [deal.pk]


def test_byprefix_with_a_hidden_contact_behaves_as_with_an_unknown_one(
    user_client, other_client, user, linked, hidden_person
):
    free = OpportunityFactory(created_by=user, title="Deal free")
    url = f"{API}/opportunity/byprefix"

    def both(**params):
        hidden = ids(
            user_client.get(url, {"prefix": "Deal", "contactID": hidden_person.pk, **params})
        )
        unknown = ids(user_client.get(url, {"prefix": "Deal", "contactID": MISSING, **params}))
        return hidden, unknown

    internal_hidden, internal_unknown = both(internalSearch="true")
    external_hidden, external_unknown = both()

    assert internal_hidden == internal_unknown == []
    assert external_hidden == external_unknown == [free.pk, linked.pk]
    # the contact's own people see the link
    theirs = other_client.get(
        url, {"prefix": "Deal", "contactID": hidden_person.pk, "internalSearch": "true"}
    )
    assert ids(theirs) == [linked.pk]


def test_bycontact_with_a_hidden_contact_is_an_unknown_contact(user_client, linked, hidden_person):
    hidden = user_client.get(f"{API}/opportunity/bycontact/{hidden_person.pk}")
    unknown = user_client.get(f"{API}/opportunity/bycontact/{MISSING}")

    assert ids(hidden) == ids(unknown) == []


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "contact/{id}"),
        ("delete", "contact/{id}"),
        ("put", "contact/{id}/access"),
        ("put", "contact/person/{id}"),
        ("post", "contact/{id}/opportunity/{opportunity}"),
        ("delete", "contact/{id}/opportunity/{opportunity}"),
        ("post", "opportunity/{opportunity}/contact/{id}"),
        ("delete", "opportunity/{opportunity}/contact/{id}"),
    ],
)
def test_contact_routes_answer_a_hidden_contact_exactly_as_a_missing_one(
    user_client, linked, hidden_person, method, path
):
    def call(contact_id):
        url = f"{API}/" + path.format(id=contact_id, opportunity=linked.pk)
        return getattr(user_client, method)(url, {"isPrivate": False}, format="json")

    hidden, missing = call(hidden_person.pk), call(MISSING)

    assert hidden.status_code == 404
    assert without_ids(error_of(hidden), hidden_person.pk) == without_ids(
        error_of(missing), MISSING
    )
    hidden_person.refresh_from_db()
    assert hidden_person.is_private
    assert linked.members.filter(pk=hidden_person.pk).exists()


def test_custom_field_counts_leave_out_private_opportunities_hidden_from_the_caller(
    user_client, admin_client, user, other_user
):
    field = CustomFieldFactory(label="Budget owner")
    OpportunityCustomFieldValueFactory(
        opportunity=OpportunityFactory(created_by=user), field=field, value="Ann"
    )
    OpportunityCustomFieldValueFactory(
        opportunity=OpportunityFactory(created_by=other_user, access_list=[other_user]),
        field=field,
        value="Bo",
    )

    mine = user_client.get(f"{API}/opportunity/customfield/definitions").json()["response"]
    everyone = admin_client.get(f"{API}/opportunity/customfield/definitions").json()["response"]

    assert {f["id"]: f["relativeItemsCount"] for f in mine}[field.pk] == 1
    assert {f["id"]: f["relativeItemsCount"] for f in everyone}[field.pk] == 2
