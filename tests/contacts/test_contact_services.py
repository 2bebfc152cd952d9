import pytest

from contacts.models import Contact, ContactCustomFieldValue, ContactUserObjectPermission
from contacts.selectors import contact_access_user_ids
from contacts.services import (
    contact_create_company,
    contact_create_person,
    contact_delete,
    contact_set_access,
    contact_update,
)
from core.errors import AccessDenied, InvalidInput, NotFound
from core.models import EntityType, FieldType, Tag
from tests.factories import CompanyFactory, CustomFieldFactory, PersonFactory

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Contact, ContactCustomFieldValue, ContactUserObjectPermission, Tag)
    }


def contact_row(contact) -> dict:
    return Contact.objects.filter(pk=contact.pk).values().first()


def test_person_saved_when_created_with_company(user, company, eur):
    person = contact_create_person(
        created_by=user,
        first_name=" Ann ",
        last_name="Lee",
        company=company,
        email="ann@example.com",
        currency=eur,
        tags=["lead"],
    )

    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.company) == ("Ann", "Lee", company)
    assert person.created_by == user
    assert not person.is_company
    assert [tag.title for tag in person.tags.all()] == ["lead"]


def test_company_saved_when_created(user):
    company = contact_create_company(created_by=user, company_name="Initech", phone="+1 555")

    assert company.is_company
    assert company.display_name == "Initech"


def test_custom_values_stored_when_created_with_contact_fields(user):
    person_field = CustomFieldFactory(entity_type=EntityType.PERSON, field_type=FieldType.CHECK_BOX)
    any_field = CustomFieldFactory(entity_type=EntityType.CONTACT)

    person = contact_create_person(
        created_by=user,
        first_name="Ann",
        custom_fields={person_field.pk: "on", any_field.pk: "note"},
    )

    assert set(person.custom_values.values_list("field_id", "value")) == {
        (person_field.pk, "true"),
        (any_field.pk, "note"),
    }


def test_private_with_caller_on_list_when_created_private(user, other_user):
    person = contact_create_person(
        created_by=user, first_name="Ann", is_private=True, access_list=[other_user]
    )

    assert person.is_private
    assert contact_access_user_ids(person) == {user.pk, other_user.pk}


@pytest.mark.parametrize(
    "values",
    [
        {"first_name": " ", "last_name": ""},
        {"first_name": "Ann", "company_name": "Wrong field"},
        {"first_name": "Ann", "tags": [""]},
    ],
)
def test_nothing_created_when_person_invalid(user, values):
    before = row_counts()

    with pytest.raises(InvalidInput):
        contact_create_person(created_by=user, **values)

    assert row_counts() == before


def test_nothing_created_when_company_is_a_person(user, person):
    before = row_counts()

    with pytest.raises(InvalidInput):
        contact_create_person(created_by=user, first_name="Ann", company=person)

    assert row_counts() == before


def test_nothing_created_when_company_hidden(user, other_user):
    hidden = CompanyFactory(created_by=other_user, access_list=[other_user])
    before = row_counts()

    with pytest.raises(InvalidInput):
        contact_create_person(created_by=user, first_name="Ann", company=hidden)

    assert row_counts() == before


def test_nothing_created_when_custom_field_is_for_companies(user):
    company_field = CustomFieldFactory(entity_type=EntityType.COMPANY)
    before = row_counts()

    with pytest.raises(InvalidInput):
        contact_create_person(
            created_by=user, first_name="Ann", custom_fields={company_field.pk: "x"}
        )

    assert row_counts() == before


def test_nothing_created_when_company_name_empty(user):
    with pytest.raises(InvalidInput):
        contact_create_company(created_by=user, company_name="  ")

    assert not Contact.objects.exists()


def test_only_named_fields_change_when_contact_updated(user, person, company):
    Contact.objects.filter(pk=person.pk).update(phone="+1 555 0100", company=company)
    before = contact_row(person)

    contact_update(contact=person, updated_by=user, job_title="CTO")

    after = contact_row(person)
    assert {name for name in before if before[name] != after[name]} == {
        "job_title",
        "updated_at",
        "version",
    }


def test_field_cleared_when_named_with_none(user, person, company):
    Contact.objects.filter(pk=person.pk).update(phone="+1 555 0100", company=company)

    contact_update(contact=person, updated_by=user, phone=None, company=None)

    person.refresh_from_db()
    assert (person.phone, person.company) == ("", None)


@pytest.mark.parametrize(
    "changes",
    [{"first_name": "", "last_name": ""}, {"company_name": "Not a person field"}],
)
def test_nothing_changes_when_update_invalid(user, person, changes):
    before = contact_row(person)

    with pytest.raises(InvalidInput):
        contact_update(contact=person, updated_by=user, **changes)

    assert contact_row(person) == before


def test_nothing_changes_when_company_set_to_itself(user, company):
    before = contact_row(company)

    with pytest.raises(InvalidInput):
        contact_update(contact=company, updated_by=user, company_name="Acme 2", company=company)

    assert contact_row(company) == before


def test_not_found_and_nothing_changes_when_stranger_updates(user, other_user):
    hidden = PersonFactory(created_by=user, access_list=[user])
    before = contact_row(hidden)

    with pytest.raises(NotFound):
        contact_update(contact=hidden, updated_by=other_user, first_name="Stolen")

    assert contact_row(hidden) == before


def test_access_change_skipped_when_editor_is_not_creator(user, other_user, person):
    contact_update(contact=person, updated_by=other_user, job_title="CEO", is_private=True)

    person.refresh_from_db()
    assert person.job_title == "CEO"
    assert not person.is_private


def test_private_with_list_when_creator_sets_access(user, other_user, person):
    contact_set_access(contact=person, is_private=True, access_list=[other_user], set_by=user)

    person.refresh_from_db()
    assert person.is_private
    assert contact_access_user_ids(person) == {user.pk, other_user.pk}


def test_public_and_list_cleared_when_creator_makes_public(user, other_user):
    contact = PersonFactory(created_by=user, access_list=[user, other_user])

    contact_set_access(contact=contact, is_private=False, access_list=None, set_by=user)

    contact.refresh_from_db()
    assert not contact.is_private
    assert contact_access_user_ids(contact) == set()


def test_access_denied_and_nothing_changes_when_listed_user_sets_access(user, other_user):
    contact = PersonFactory(created_by=user, access_list=[user, other_user])

    with pytest.raises(AccessDenied):
        contact_set_access(contact=contact, is_private=False, access_list=[], set_by=other_user)

    assert contact_access_user_ids(contact) == {user.pk, other_user.pk}


def test_not_found_and_nothing_changes_when_stranger_sets_access(user, other_user):
    contact = PersonFactory(created_by=user, access_list=[user])

    with pytest.raises(NotFound):
        contact_set_access(contact=contact, is_private=False, access_list=[], set_by=other_user)

    assert contact_row(contact)["is_private"]


def test_listed_users_notified_after_commit_when_notify(
    user, other_user, person, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        contact_set_access(
            contact=person, is_private=True, access_list=[other_user], set_by=user, notify=True
        )
        assert mailoutbox == []

    assert [message.to for message in mailoutbox] == [[other_user.email]]


def test_contact_gone_when_deleted(user, person, company, opportunity):
    opportunity.contact = person
    opportunity.save()
    Contact.objects.filter(pk=person.pk).update(company=company)

    deleted = contact_delete(contact=company, deleted_by=user)

    assert deleted.pk == company.pk
    assert not Contact.objects.filter(pk=company.pk).exists()
    person.refresh_from_db()
    assert person.company is None


def test_not_found_and_nothing_deleted_when_stranger_deletes(user, other_user):
    hidden = PersonFactory(created_by=user, access_list=[user])

    with pytest.raises(NotFound):
        contact_delete(contact=hidden, deleted_by=other_user)

    assert Contact.objects.filter(pk=hidden.pk).exists()
