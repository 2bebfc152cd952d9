"""POST contact/person and POST contact/company."""

import pytest

from contacts.api.docs_serializers import CompanySerializer, PersonSerializer
from contacts.models import Contact, ContactCustomFieldValue, ShareType
from core.models import EntityType
from tests.factories import CompanyFactory, CustomFieldFactory, PersonFactory

PERSON = "/api/2.0/crm/contact/person"
COMPANY = "/api/2.0/crm/contact/company"


def test_person_created_when_onlyoffice_parameters_are_sent(user_client, user, other_user, company):
    field = CustomFieldFactory(entity_type=EntityType.PERSON, label="Birthday city")

    response = user_client.post(
        PERSON,
        {
            "firstName": "Jane",
            "lastName": "Doe",
            "jobTitle": "Buyer",
            "companyId": company.pk,
            "about": "Met at the fair",
            "email": "jane@example.com",
            "phone": "+1 555 0100",
            "tags": ["lead", "fair"],
            "customFieldList": [{"key": field.pk, "value": "Oslo"}],
            "isPrivate": True,
            "accessList": [str(other_user.uuid)],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["statusCode"] == 201
    person = body["response"]
    assert set(person) == set(PersonSerializer().fields)
    created = Contact.objects.get(pk=person["id"])
    assert (created.first_name, created.last_name, created.job_title) == ("Jane", "Doe", "Buyer")
    assert created.company == company and created.created_by == user
    assert created.is_private
    assert person["displayName"] == "Jane Doe"
    assert person["title"] == "Buyer"
    assert person["company"]["id"] == company.pk
    assert person["company"]["displayName"] == "Acme Corp"
    assert person["isPrivate"] is True
    assert {e["id"] for e in person["accessList"]} == {str(user.uuid), str(other_user.uuid)}
    assert person["tags"] == ["fair", "lead"]
    assert person["commonData"] == [
        {
            "id": created.pk * 100,
            "infoType": 0,
            "category": 0,
            "data": "+1 555 0100",
            "isPrimary": True,
        },
        {
            "id": created.pk * 100 + 1,
            "infoType": 1,
            "category": 1,
            "data": "jane@example.com",
            "isPrimary": True,
        },
    ]
    assert person["customFields"] == [
        {
            "id": field.pk,
            "entityId": created.pk,
            "label": "Birthday city",
            "fieldValue": "Oslo",
            "fieldType": 0,
            "position": field.position,
            "mask": "",
        }
    ]
    assert person["createBy"]["id"] == str(user.uuid)
    assert person["taskCount"] == 0 and person["haveLateTasks"] is False
    assert person["addresses"] == []
    assert ContactCustomFieldValue.objects.get(contact=created).value == "Oslo"


def test_person_created_private_with_caller_only_when_access_list_is_empty(user_client, user):
    response = user_client.post(
        PERSON, {"firstName": "Solo", "isPrivate": "true", "accessList": []}, format="json"
    )

    person = response.json()["response"]
    assert person["isPrivate"] is True  # decision 2
    assert [e["id"] for e in person["accessList"]] == [str(user.uuid)]


def test_person_created_private_when_onlyoffice_manager_list_is_given(
    user_client, user, other_user
):
    response = user_client.post(
        PERSON,
        f"firstName=Mia&managerList={other_user.uuid}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 201
    person = response.json()["response"]
    assert person["isPrivate"] is True
    assert {e["id"] for e in person["accessList"]} == {str(user.uuid), str(other_user.uuid)}


def test_person_created_public_with_share_type_when_given_by_name(user_client):
    response = user_client.post(
        PERSON, {"lastName": "Shared", "shareType": "readwrite"}, format="json"
    )

    person = response.json()["response"]
    assert person["shareType"] == ShareType.READ_WRITE
    assert person["isShared"] is True
    assert person["isPrivate"] is False
    assert person["accessList"] == []
    assert person["company"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"about": "no name"}, "firstName"),
        ({"firstName": "A", "companyId": 999999}, "companyId"),
        ({"firstName": "A", "email": "not-an-address"}, "email"),
        ({"firstName": "A", "phone": "9" * 51}, "phone"),
        ({"firstName": "A", "accessList": ["not-a-guid"]}, "accessList"),
        (
            {
                "firstName": "A",
                "isPrivate": True,
                "accessList": ["00000000-0000-0000-0000-000000000001"],
            },
            "accessList",
        ),
        ({"firstName": "A", "customFieldList": [{"key": 999999, "value": "x"}]}, "customFieldList"),
        ({"firstName": "A", "shareType": "everyone"}, "shareType"),
        ({"firstName": "A", "currency": "XXQ"}, "currency"),
    ],
)
def test_person_refused_with_400_when_input_is_invalid(user_client, user, body, field):
    response = user_client.post(PERSON, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": field}
    assert not Contact.objects.filter(is_company=False).exists()


def test_person_refused_when_company_id_names_a_person(user_client, person):
    response = user_client.post(PERSON, {"firstName": "A", "companyId": person.pk}, format="json")

    assert response.status_code == 400
    assert Contact.objects.count() == 1


def test_person_refused_with_400_when_company_is_private_to_someone_else(
    other_client, company, user
):
    company.is_private = True
    company.save(update_fields=["is_private"])

    response = other_client.post(PERSON, {"firstName": "A", "companyId": company.pk})

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "companyId"}


def test_person_refused_with_401_when_not_signed_in(api_client, db):
    assert api_client.post(PERSON, {"firstName": "A"}, format="json").status_code == 401
    assert not Contact.objects.exists()


def test_company_created_with_people_moved_in_when_person_list_is_given(
    user_client, user, other_user, person
):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    other_company = CompanyFactory(created_by=user)

    response = user_client.post(
        COMPANY,
        {
            "companyName": "Globex",
            "industry": "Energy",
            "email": "info@globex.example",
            "currency": "eur",
            "personList": [person.pk, hidden.pk, other_company.pk],
        },
        format="json",
    )

    assert response.status_code == 201
    company = response.json()["response"]
    assert set(company) == set(CompanySerializer().fields)
    assert company["companyName"] == "Globex"
    assert company["displayName"] == "Globex"
    assert company["isCompany"] is True
    assert company["industry"] == "Energy"
    assert company["currency"]["abbreviation"] == "EUR"
    assert company["personsCount"] == 1
    assert [p["id"] for p in company["persons"]] == [person.pk]
    person.refresh_from_db()
    hidden.refresh_from_db()
    assert person.company_id == company["id"]
    assert hidden.company_id is None


def test_company_refused_with_400_when_name_is_missing(user_client, user):
    response = user_client.post(COMPANY, {"industry": "Energy"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "companyName"}
    assert not Contact.objects.exists()
