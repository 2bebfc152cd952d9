"""PUT contact/person/{personid} and PUT contact/company/{companyid}: only the named fields
change (decision 1)."""

import pytest

from contacts.models import Contact, ContactCustomFieldValue
from core.models import EntityType
from tests.factories import (
    CompanyFactory,
    ContactCustomFieldValueFactory,
    CustomFieldFactory,
    PersonFactory,
)

PERSON = "/api/2.0/crm/contact/person"
COMPANY = "/api/2.0/crm/contact/company"


@pytest.fixture
def full_person(user, company):
    person = PersonFactory(
        created_by=user,
        first_name="Paula",
        last_name="Person",
        job_title="CTO",
        company=company,
        about="Long story",
        email="paula@example.com",
        phone="123",
    )
    person.tags.set([])
    return person


def test_only_named_fields_change_when_person_updated(user_client, full_person, company):
    field = CustomFieldFactory(entity_type=EntityType.PERSON)
    ContactCustomFieldValueFactory(contact=full_person, field=field, value="kept")

    response = user_client.put(
        f"{PERSON}/{full_person.pk}", {"jobTitle": "CEO", "tags": ["vip"]}, format="json"
    )

    assert response.status_code == 200
    shape = response.json()["response"]
    assert shape["title"] == "CEO"
    assert shape["tags"] == ["vip"]
    full_person.refresh_from_db()
    assert full_person.job_title == "CEO"
    assert (full_person.first_name, full_person.last_name) == ("Paula", "Person")
    assert full_person.company == company
    assert full_person.about == "Long story"
    assert (full_person.email, full_person.phone) == ("paula@example.com", "123")
    assert ContactCustomFieldValue.objects.get(contact=full_person).value == "kept"


def test_fields_cleared_when_sent_empty_or_null(user_client, full_person):
    response = user_client.put(
        f"{PERSON}/{full_person.pk}.json",
        {"about": "", "email": None, "companyId": 0, "tags": []},
        format="json",
    )

    assert response.status_code == 200
    full_person.refresh_from_db()
    assert full_person.about == "" and full_person.email == ""
    assert full_person.company is None
    assert response.json()["response"]["company"] is None
    assert response.json()["response"]["commonData"][0]["infoType"] == 0  # phone only


def test_person_updated_when_parameters_come_as_a_form(user_client, full_person):
    response = user_client.put(
        f"{PERSON}/{full_person.pk}",
        "FIRSTNAME=Pia&lastname=Paulsen",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    full_person.refresh_from_db()
    assert (full_person.first_name, full_person.last_name) == ("Pia", "Paulsen")


def test_custom_field_cleared_when_sent_empty(user_client, full_person):
    value = ContactCustomFieldValueFactory(
        contact=full_person, field=CustomFieldFactory(entity_type=EntityType.CONTACT)
    )

    user_client.put(
        f"{PERSON}/{full_person.pk}",
        {"customFieldList": [{"key": value.field_id, "value": ""}]},
        format="json",
    )

    assert not ContactCustomFieldValue.objects.filter(pk=value.pk).exists()


def test_access_change_ignored_when_editor_is_not_creator(other_client, user, other_user):
    public = PersonFactory(created_by=user, first_name="Open")

    response = other_client.put(
        f"{PERSON}/{public.pk}", {"lastName": "Edited", "isPrivate": True}, format="json"
    )

    assert response.status_code == 200
    public.refresh_from_db()
    assert public.last_name == "Edited"
    assert public.is_private is False


def test_access_changed_when_creator_updates_privacy(user_client, user, other_user, full_person):
    response = user_client.put(
        f"{PERSON}/{full_person.pk}",
        {"isPrivate": True, "accessList": [str(other_user.uuid)]},
        format="json",
    )

    shape = response.json()["response"]
    assert shape["isPrivate"] is True
    assert {e["id"] for e in shape["accessList"]} == {str(user.uuid), str(other_user.uuid)}


def test_person_update_refused_with_400_when_name_would_be_empty(user_client, full_person):
    response = user_client.put(
        f"{PERSON}/{full_person.pk}", {"firstName": "", "lastName": ""}, format="json"
    )

    assert response.status_code == 400
    full_person.refresh_from_db()
    assert full_person.first_name == "Paula"


def test_person_update_refused_with_400_when_company_is_itself_a_person(user_client, full_person):
    other = PersonFactory(created_by=full_person.created_by)

    response = user_client.put(f"{PERSON}/{full_person.pk}", {"companyId": other.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "companyId"}


def test_person_update_not_found_when_id_is_a_company(user_client, company):
    response = user_client.put(f"{PERSON}/{company.pk}", {"firstName": "X"}, format="json")

    assert response.status_code == 404
    company.refresh_from_db()
    assert company.first_name == ""


def test_person_update_not_found_and_nothing_changes_when_private_to_someone_else(
    other_client, user
):
    secret = PersonFactory(created_by=user, first_name="Hidden", access_list=[user])

    response = other_client.put(f"{PERSON}/{secret.pk}", {"firstName": "Hacked"}, format="json")

    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.first_name == "Hidden"


def test_person_update_refused_with_401_when_not_signed_in(api_client, full_person):
    response = api_client.put(f"{PERSON}/{full_person.pk}", {"firstName": "X"}, format="json")

    assert response.status_code == 401
    full_person.refresh_from_db()
    assert full_person.first_name == "Paula"


def test_company_updated_when_name_changes(user_client, company):
    response = user_client.put(
        f"{COMPANY}/{company.pk}",
        {"companyName": "Acme Group", "industry": "Retail"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["response"]["companyName"] == "Acme Group"
    company.refresh_from_db()
    assert (company.company_name, company.industry) == ("Acme Group", "Retail")


def test_company_update_refused_with_400_when_name_is_emptied(user_client, company):
    response = user_client.put(f"{COMPANY}/{company.pk}", {"companyName": " "}, format="json")

    assert response.status_code == 400
    company.refresh_from_db()
    assert company.company_name == "Acme Corp"


def test_company_update_not_found_when_id_is_a_person(user_client, person):
    assert user_client.put(f"{COMPANY}/{person.pk}", {"companyName": "X"}).status_code == 404
    assert not Contact.objects.filter(company_name="X").exists()


def test_company_update_not_found_when_private_to_someone_else(other_client, user):
    secret = CompanyFactory(created_by=user, company_name="Secret", access_list=[user])

    response = other_client.put(f"{COMPANY}/{secret.pk}", {"companyName": "Mine"})

    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.company_name == "Secret"
