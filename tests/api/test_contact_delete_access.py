"""DELETE contact/{contactid} and PUT contact/{contactid}/access."""

import pytest

from contacts.models import Contact, ContactUserObjectPermission
from tests.factories import OpportunityFactory, PersonFactory

CONTACT = "/api/2.0/crm/contact"


def test_contact_deleted_and_returned_when_creator_deletes(user_client, person):
    person_id = person.pk

    response = user_client.delete(f"{CONTACT}/{person_id}")

    assert response.status_code == 200
    shape = response.json()["response"]
    assert shape["id"] == person_id
    assert shape["firstName"] == "Paula"
    assert not Contact.objects.filter(pk=person_id).exists()


def test_company_deleted_and_people_kept_when_company_deleted(user_client, user, company):
    member = PersonFactory(created_by=user, company=company)
    opportunity = OpportunityFactory(created_by=user, contact=company)

    response = user_client.delete(f"{CONTACT}/{company.pk}.json")

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["response"]["persons"]] == [member.pk]
    member.refresh_from_db()
    opportunity.refresh_from_db()
    assert member.company is None
    assert opportunity.contact is None


def test_contact_deleted_when_public_and_caller_is_anyone(other_client, person):
    assert other_client.delete(f"{CONTACT}/{person.pk}").status_code == 200
    assert not Contact.objects.filter(pk=person.pk).exists()


def test_contact_delete_not_found_and_nothing_deleted_when_private_to_someone_else(
    other_client, user
):
    secret = PersonFactory(created_by=user, access_list=[user])

    response = other_client.delete(f"{CONTACT}/{secret.pk}")

    assert response.status_code == 404
    assert Contact.objects.filter(pk=secret.pk).exists()


def test_contact_delete_not_found_when_id_unknown(user_client, db):
    assert user_client.delete(f"{CONTACT}/424242").status_code == 404


def test_contact_delete_refused_with_401_when_not_signed_in(api_client, person):
    assert api_client.delete(f"{CONTACT}/{person.pk}").status_code == 401
    assert Contact.objects.filter(pk=person.pk).exists()


# -- access ------------------------------------------------------------------------------------


def _access_user_ids(contact):
    return set(
        ContactUserObjectPermission.objects.filter(content_object=contact).values_list(
            "user_id", flat=True
        )
    )


def test_contact_made_private_when_creator_sets_access(user_client, user, other_user, person):
    response = user_client.put(
        f"{CONTACT}/{person.pk}/access",
        {"isPrivate": True, "accessList": [str(other_user.uuid)], "isNotify": False},
        format="json",
    )

    assert response.status_code == 200
    shape = response.json()["response"]
    assert shape["isPrivate"] is True
    assert {e["id"] for e in shape["accessList"]} == {str(user.uuid), str(other_user.uuid)}
    person.refresh_from_db()
    assert person.is_private
    assert _access_user_ids(person) == {user.pk, other_user.pk}


def test_contact_made_public_when_is_private_is_false(user_client, user, other_user):
    secret = PersonFactory(created_by=user, access_list=[user, other_user])

    response = user_client.put(f"{CONTACT}/{secret.pk}/access", {"isPrivate": "false"})

    assert response.json()["response"]["isPrivate"] is False
    assert response.json()["response"]["accessList"] == []
    secret.refresh_from_db()
    assert not secret.is_private
    assert _access_user_ids(secret) == set()


def test_access_list_kept_when_private_is_set_without_a_list(user_client, user, other_user):
    secret = PersonFactory(created_by=user, access_list=[user, other_user])

    response = user_client.put(f"{CONTACT}/{secret.pk}/access", {"isPrivate": True})

    assert response.status_code == 200
    assert _access_user_ids(secret) == {user.pk, other_user.pk}


def test_access_list_users_notified_when_is_notify_is_true(
    user_client, other_user, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_client.put(
            f"{CONTACT}/{person.pk}/access",
            {"isPrivate": True, "accessList": [str(other_user.uuid)], "isNotify": True},
            format="json",
        )

    assert [m.to for m in mailoutbox] == [[other_user.email]]


def test_access_change_refused_with_403_when_caller_is_not_admin_or_creator(other_client, person):
    response = other_client.put(f"{CONTACT}/{person.pk}/access", {"isPrivate": True})

    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.is_private


def test_access_changed_when_caller_is_admin(admin_client, admin_user, person):
    response = admin_client.put(f"{CONTACT}/{person.pk}/access", {"isPrivate": True})

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.is_private
    assert _access_user_ids(person) == {admin_user.pk}


def test_access_change_not_found_when_private_to_someone_else(other_client, user):
    secret = PersonFactory(created_by=user, access_list=[user])

    response = other_client.put(f"{CONTACT}/{secret.pk}/access", {"isPrivate": False})

    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.is_private


@pytest.mark.parametrize("access_list", [["nope"], ["00000000-0000-0000-0000-000000000009"]])
def test_access_change_refused_with_400_when_access_list_is_invalid(
    user_client, person, access_list
):
    response = user_client.put(
        f"{CONTACT}/{person.pk}/access",
        {"isPrivate": True, "accessList": access_list},
        format="json",
    )

    assert response.status_code == 400
    person.refresh_from_db()
    assert not person.is_private


def test_access_change_refused_with_401_when_not_signed_in(api_client, person):
    assert api_client.put(f"{CONTACT}/{person.pk}/access", {"isPrivate": True}).status_code == 401
