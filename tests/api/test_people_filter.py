"""GET /api/2.0/people/filter (issue 9 point 6): ONLYOFFICE's parameters and EmployeeWraperFull,
paged with startIndex/count and `total`, never a `nextIndex`."""

import pytest

from accounts.api.docs_serializers import EmployeeFullSerializer
from accounts.services import user_set_active
from tests.factories import UserFactory

FILTER = "/api/2.0/people/filter"
PERSON_KEYS = set(EmployeeFullSerializer().fields)


@pytest.fixture
def people(user, other_user, admin_user, guest):
    """Alice, Bob, Ada (admin), Gus (guest); plus Dora, deactivated, and Pat, pending (made
    without a password)."""
    dora = UserFactory(username="dora", first_name="Dora", last_name="Dunn")
    user_set_active(user=dora, is_active=False)
    pat = UserFactory(username="pat", first_name="Pat", last_name="Pending", job_title="Intern")
    pat.set_unusable_password()
    pat.save(update_fields=["password"])
    return {"dora": dora, "pat": pat}


def ids(response) -> list[str]:
    return [person["id"] for person in response.json()["response"]]


@pytest.mark.parametrize("path", [FILTER, f"{FILTER}.json"])
@pytest.mark.parametrize("bearer", [False, True])
def test_active_people_listed_in_employee_shape_when_no_parameter_is_given(
    client_for, user, other_user, admin_user, guest, people, path, bearer
):
    response = client_for(user, bearer=bearer).get(path)

    assert response.status_code == 200
    body = response.json()
    # by display name: Ada Admin, Alice Archer, Bob Baker, Gus Guest, Pat Pending
    assert ids(response) == [
        str(admin_user.uuid),
        str(user.uuid),
        str(other_user.uuid),
        str(guest.uuid),
        str(people["pat"].uuid),
    ]
    assert body["total"] == 5
    assert body["count"] == 5
    assert "startIndex" not in body  # 0, left out as on every list
    assert "nextIndex" not in body
    for person in body["response"]:
        assert set(person) == PERSON_KEYS
    by_id = {p["id"]: p for p in body["response"]}
    assert by_id[str(guest.uuid)]["isVisitor"] is True
    assert by_id[str(admin_user.uuid)]["isAdmin"] is True
    assert by_id[str(admin_user.uuid)]["listAdminModules"] == ["crm"]
    assert by_id[str(user.uuid)]["status"] == 1
    assert by_id[str(user.uuid)]["activationStatus"] == 1
    assert by_id[str(people["pat"].uuid)]["activationStatus"] == 2
    assert by_id[str(user.uuid)]["email"] == "alice@example.com"
    assert by_id[str(user.uuid)]["userName"] == "alice"


@pytest.mark.parametrize("value", ["Visitor", "visitor", "2"])
def test_only_guests_listed_when_employee_type_is_visitor(user_client, guest, people, value):
    response = user_client.get(FILTER, {"employeeType": value})

    assert ids(response) == [str(guest.uuid)]
    assert response.json()["total"] == 1


@pytest.mark.parametrize("value", ["User", "1"])
def test_guests_left_out_when_employee_type_is_user(user_client, guest, people, value):
    response = user_client.get(FILTER, {"employeeType": value})

    assert str(guest.uuid) not in ids(response)
    assert response.json()["total"] == 4


def test_everybody_listed_when_employee_type_is_all(user_client, guest, people):
    assert user_client.get(FILTER, {"employeeType": "All"}).json()["total"] == 5


@pytest.mark.parametrize("value", ["Terminated", "2"])
def test_deactivated_people_listed_when_admin_asks_for_terminated(admin_client, people, value):
    response = admin_client.get(FILTER, {"employeeStatus": value})

    assert ids(response) == [str(people["dora"].uuid)]
    dora = response.json()["response"][0]
    assert dora["status"] == 2
    assert dora["terminated"] is not None and dora["terminated"].startswith("20")


def test_everybody_listed_when_admin_asks_for_all(admin_client, people):
    response = admin_client.get(FILTER, {"employeeStatus": "All"})

    assert response.json()["total"] == 6
    assert str(people["dora"].uuid) in ids(response)


@pytest.mark.parametrize("value", ["Terminated", "All", "7"])
def test_active_people_listed_when_non_admin_asks_for_terminated_or_all(user_client, people, value):
    response = user_client.get(FILTER, {"employeeStatus": value})

    assert response.status_code == 200
    assert str(people["dora"].uuid) not in ids(response)
    assert response.json()["total"] == 5


def test_nobody_listed_when_status_is_leave_of_absence(admin_client, people):
    response = admin_client.get(FILTER, {"employeeStatus": "LeaveOfAbsence"})

    assert response.json()["response"] == []
    assert response.json()["total"] == 0


def test_people_split_by_activation_when_activation_status_is_given(user_client, people):
    activated = user_client.get(FILTER, {"activationStatus": "Activated"})
    pending = user_client.get(FILTER, {"activationStatus": "Pending"})
    not_activated = user_client.get(FILTER, {"activationStatus": "0"})

    assert str(people["pat"].uuid) not in ids(activated)
    assert activated.json()["total"] == 4
    assert ids(pending) == ids(not_activated) == [str(people["pat"].uuid)]


def test_only_admins_listed_when_is_administrator_is_true(user_client, admin_user, people):
    response = user_client.get(FILTER, {"isAdministrator": "true"})

    assert ids(response) == [str(admin_user.uuid)]


def test_people_matched_when_every_word_of_filter_value_is_found(
    user_client, user, other_user, people
):
    assert ids(user_client.get(FILTER, {"filterValue": "ali arch"})) == [str(user.uuid)]
    assert ids(user_client.get(FILTER, {"filterValue": "bob@EXAMPLE"})) == [str(other_user.uuid)]
    assert ids(user_client.get(FILTER, {"filterValue": "intern"})) == [str(people["pat"].uuid)]
    assert user_client.get(FILTER, {"filterValue": "alice bob"}).json()["total"] == 0


def test_nobody_listed_when_group_id_names_a_group(user_client, people):
    response = user_client.get(FILTER, {"groupId": "8e7b6c2a-1111-4b4b-9c9c-0123456789ab"})
    empty_guid = user_client.get(FILTER, {"groupId": "00000000-0000-0000-0000-000000000000"})

    assert response.json()["total"] == 0
    assert empty_guid.json()["total"] == 5


def test_people_sorted_by_last_name_descending_when_asked(
    user_client, user, other_user, admin_user, guest, people
):
    response = user_client.get(FILTER, {"sortBy": "lastname", "sortOrder": "descending"})

    # Pending, Guest, Baker, Archer, Admin
    assert ids(response) == [
        str(people["pat"].uuid),
        str(guest.uuid),
        str(other_user.uuid),
        str(user.uuid),
        str(admin_user.uuid),
    ]


def test_people_sorted_by_first_name_when_asked(user_client, user, admin_user, people):
    response = user_client.get(FILTER, {"sortBy": "firstname"})

    assert ids(response)[:2] == [str(admin_user.uuid), str(user.uuid)]  # Ada, Alice


def test_people_paged_with_total_and_no_next_index_when_start_index_and_count_are_given(
    user_client, user, other_user, admin_user, guest, people
):
    body = user_client.get(FILTER, {"startIndex": 1, "count": 2}).json()
    last = user_client.get(FILTER, {"startIndex": 4, "count": 2}).json()
    past = user_client.get(FILTER, {"startIndex": 10, "count": 2}).json()

    assert [p["id"] for p in body["response"]] == [str(user.uuid), str(other_user.uuid)]
    assert (body["count"], body["startIndex"], body["total"]) == (2, 1, 5)
    assert "nextIndex" not in body
    assert [p["id"] for p in last["response"]] == [str(people["pat"].uuid)]
    assert last["total"] == 5
    assert past["response"] == [] and past["total"] == 5


def test_guest_lists_people_when_calling_people_filter(client_for, guest, user, people):
    response = client_for(guest).get(FILTER, {"employeeType": "User"})

    assert response.status_code == 200
    assert str(user.uuid) in ids(response)
    by_id = {p["id"]: p for p in response.json()["response"]}
    assert by_id[str(user.uuid)]["email"] is None


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("employeeStatus", "Retired"),
        ("employeeStatus", "3"),
        ("activationStatus", "Sleeping"),
        ("employeeType", "Robot"),
        ("employeeType", "5"),
        ("groupId", "sales"),
        ("isAdministrator", "perhaps"),
        ("count", "many"),
        ("startIndex", "-1"),
    ],
)
def test_people_filter_refused_with_400_naming_the_parameter_when_value_is_invalid(
    user_client, parameter, value
):
    response = user_client.get(FILTER, {parameter: value})

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 1
    assert body["error"]["data"] == {"field": parameter}


def test_people_filter_refused_with_401_when_not_signed_in(api_client, user):
    response = api_client.get(FILTER)

    assert response.status_code == 401
    assert response.json()["status"] == 1


def test_people_filter_given_as_xml_when_suffix_is_xml(user_client, guest):
    response = user_client.get(f"{FILTER}.xml")

    assert response.status_code == 200
    assert b"<isVisitor>True</isVisitor>" in response.content


@pytest.mark.parametrize("size", [5, 60])
def test_people_filter_costs_constant_queries_when_users_grow(
    user_client, user, django_assert_max_num_queries, size
):
    UserFactory.create_batch(size)
    UserFactory.create_batch(2, is_visitor=True)

    with django_assert_max_num_queries(3):  # the token's user, the page, the total
        response = user_client.get(FILTER, {"count": 25})

    assert response.json()["count"] == min(25, size + 3)
    assert response.json()["total"] == size + 3


@pytest.mark.parametrize("size", [5, 60])
def test_people_list_costs_constant_queries_when_guests_are_among_them(
    user_client, user, django_assert_max_num_queries, size
):
    UserFactory.create_batch(size, is_visitor=True)

    with django_assert_max_num_queries(3):
        response = user_client.get("/api/2.0/people")

    assert response.json()["total"] == size + 1
    assert sum(p["isVisitor"] for p in response.json()["response"]) == size
