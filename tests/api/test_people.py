"""GET/POST /api/2.0/people, people/@self and people/{id}."""

import uuid

import pytest

from accounts.api.docs_serializers import EmployeeFullSerializer
from accounts.models import User
from crm_project.api.dates import format_datetime
from tests.factories import UserFactory

PEOPLE = "/api/2.0/people"
PERSON_KEYS = set(EmployeeFullSerializer().fields)


def test_people_listed_when_signed_in(user_client, user, other_user, admin_user):
    inactive = UserFactory(username="gone", is_active=False)

    response = user_client.get(PEOPLE)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["total"] == 3
    ids = [person["id"] for person in body["response"]]
    assert set(ids) == {str(user.uuid), str(other_user.uuid), str(admin_user.uuid)}
    assert str(inactive.uuid) not in ids
    assert ids[0] == str(admin_user.uuid)  # ordered by first name: Ada, Alice, Bob


def test_person_shape_matches_documentation_when_listed(user_client, user, admin_user):
    people = {p["id"]: p for p in user_client.get(PEOPLE).json()["response"]}

    alice = people[str(user.uuid)]
    assert set(alice) == PERSON_KEYS
    assert alice == {
        "id": str(user.uuid),
        "displayName": "Alice Archer",
        "title": "Account executive",
        "avatarSmall": "http://testserver/static/img/avatar.svg",
        "profileUrl": f"http://testserver/accounts/people/{user.uuid}/",
        "userName": "alice",
        "isVisitor": False,
        "firstName": "Alice",
        "lastName": "Archer",
        "email": "alice@example.com",
        "status": 1,
        "activationStatus": 1,
        "terminated": None,
        "department": "",
        "groups": [],
        "workFrom": alice["workFrom"],
        "birthday": None,
        "sex": "",
        "location": "",
        "notes": "",
        "contacts": [],
        "mobilePhone": "",
        "mobilePhoneActivationStatus": 0,
        "cultureName": "",
        "avatarMedium": "http://testserver/static/img/avatar.svg",
        "avatar": "http://testserver/static/img/avatar.svg",
        "avatarMax": "http://testserver/static/img/avatar.svg",
        "isAdmin": False,
        "listAdminModules": [],
        "isOwner": False,
        "isLDAP": False,
        "isSSO": False,
    }
    assert alice["workFrom"] == format_datetime(user.date_joined)
    assert people[str(admin_user.uuid)]["isAdmin"] is True


def test_people_paged_when_start_index_and_count_are_given(user_client, user, other_user):
    UserFactory.create_batch(3)

    body = user_client.get(PEOPLE, {"startIndex": 1, "count": 2}).json()

    assert body["count"] == 2
    assert body["startIndex"] == 1
    assert body["nextIndex"] == 4
    assert body["total"] == 5
    last = user_client.get(PEOPLE, {"startIndex": 4, "count": 2}).json()
    assert last["count"] == 1
    assert last["total"] == 5
    assert "nextIndex" not in last


def test_people_refused_with_400_when_count_is_not_a_number(user_client):
    response = user_client.get(PEOPLE, {"count": "many"})

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "count"}


def test_people_refused_with_401_when_not_signed_in(api_client, user):
    assert api_client.get(PEOPLE).status_code == 401


@pytest.mark.parametrize("size", [5, 50])
def test_people_list_costs_constant_queries_when_users_grow(
    user_client, user, django_assert_max_num_queries, size
):
    UserFactory.create_batch(size)

    with django_assert_max_num_queries(3):  # the token's user, the page, the total
        response = user_client.get(PEOPLE, {"count": 3})

    assert response.json()["count"] == 3
    assert response.json()["total"] == size + 1


def test_self_returned_when_signed_in(user_client, user):
    response = user_client.get(f"{PEOPLE}/@self.json")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["response"]["id"] == str(user.uuid)


def test_self_refused_with_401_when_not_signed_in(api_client, db):
    assert api_client.get(f"{PEOPLE}/@self").status_code == 401


def test_person_returned_when_guid_is_known(user_client, other_user):
    response = user_client.get(f"{PEOPLE}/{other_user.uuid}")

    assert response.status_code == 200
    assert response.json()["response"]["displayName"] == "Bob Baker"
    assert set(response.json()["response"]) == PERSON_KEYS


def test_person_returned_as_xml_when_suffix_is_xml(user_client, other_user):
    response = user_client.get(f"{PEOPLE}/{other_user.uuid}.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<displayName>Bob Baker</displayName>" in response.content


@pytest.mark.parametrize("make_id", [lambda u: uuid.uuid4(), lambda u: u.uuid])
def test_person_not_found_when_guid_unknown_or_user_deactivated(user_client, other_user, make_id):
    target = make_id(other_user)
    other_user.is_active = False
    other_user.save(update_fields=["is_active"])

    response = user_client.get(f"{PEOPLE}/{target}")

    assert response.status_code == 404
    assert response.json()["status"] == 1


def test_person_not_found_when_id_is_not_a_guid(user_client, user):
    assert user_client.get(f"{PEOPLE}/12345").status_code == 404


def test_person_refused_with_401_when_not_signed_in(api_client, user):
    assert api_client.get(f"{PEOPLE}/{user.uuid}").status_code == 401


# -- POST people -------------------------------------------------------------------------------


def test_user_created_when_admin_posts_onlyoffice_parameters(admin_client, admin_user):
    response = admin_client.post(
        PEOPLE,
        {
            "isVisitor": False,
            "email": "jane.doe@example.com",
            "firstname": "Jane",
            "lastname": "Doe",
            "title": "Sales lead",
            "password": "a-long-enough-passphrase",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["statusCode"] == 201
    created = User.objects.get(email="jane.doe@example.com")
    assert body["response"]["id"] == str(created.uuid)
    assert body["response"]["userName"] == "jane.doe"
    assert body["response"]["displayName"] == "Jane Doe"
    assert body["response"]["title"] == "Sales lead"
    assert set(body["response"]) == PERSON_KEYS
    assert created.username == "jane.doe"
    assert created.check_password("a-long-enough-passphrase")
    assert created.is_active and not created.is_staff


def test_user_created_with_unusable_password_when_none_is_given(admin_client, api_client):
    response = admin_client.post(
        PEOPLE, {"email": "sam@example.com", "firstName": "Sam", "jobTitle": "Analyst"}
    )

    assert response.status_code == 201
    created = User.objects.get(email="sam@example.com")
    assert not created.has_usable_password()
    assert created.job_title == "Analyst"
    login = api_client.post("/api/2.0/authentication", {"userName": "sam", "password": ""})
    assert login.status_code == 400


def test_user_name_made_unique_when_email_local_part_is_taken(admin_client, db):
    UserFactory(username="jane")

    response = admin_client.post(PEOPLE, {"email": "Jane@other.example"}, format="json")

    assert response.status_code == 201
    assert response.json()["response"]["userName"] == "jane2"


def test_user_creation_refused_with_403_when_caller_is_not_admin(user_client, user):
    response = user_client.post(PEOPLE, {"email": "x@example.com"}, format="json")

    assert response.status_code == 403
    assert response.json()["status"] == 1
    assert not User.objects.filter(email="x@example.com").exists()


def test_user_creation_refused_with_401_when_not_signed_in(api_client, db):
    response = api_client.post(PEOPLE, {"email": "x@example.com"}, format="json")

    assert response.status_code == 401
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"firstname": "No"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "ALICE@example.com"}, "email"),  # taken, whatever the case
        ({"email": "p@example.com", "password": "123"}, "password"),
        ({"email": "q@example.com", "isVisitor": "perhaps"}, "isVisitor"),
    ],
)
def test_user_creation_refused_with_400_when_input_is_invalid(admin_client, user, body, field):
    before = User.objects.count()

    response = admin_client.post(PEOPLE, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": field}
    assert User.objects.count() == before
