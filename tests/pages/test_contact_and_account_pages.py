"""Contact pages, sign-in and "my account" through the test client."""

import pytest

from contacts.models import Contact
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_signs_in_when_credentials_match(client, user, password):
    assert "Sign in" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/login/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_page_explains_when_password_wrong(client, user):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_sign_out_ends_session_when_posted(signed_in):
    response = signed_in.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in.get("/").status_code == 302


def test_account_page_summarises_my_open_deals_when_signed_in(signed_in, user):
    OpportunityFactory(created_by=user, title="Mine to close")
    html = signed_in.get("/accounts/me/").content.decode()
    assert "Mine to close" in html
    assert "Change password" in html


def test_contact_list_searches_when_text_given(signed_in, user):
    PersonFactory(first_name="Zelda", last_name="Quinn", created_by=user)
    PersonFactory(first_name="Mark", last_name="Other", created_by=user)
    html = signed_in.get("/contacts/?q=zelda").content.decode()
    assert "Zelda Quinn" in html and "Mark Other" not in html


def test_create_person_saves_when_form_valid(signed_in, company):
    response = signed_in.post(
        "/contacts/new/",
        {"kind": "person", "first_name": "Nina", "last_name": "Ng", "company": company.pk},
    )
    contact = Contact.objects.get(first_name="Nina")
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.company == company


def test_create_company_refused_with_message_when_name_missing(signed_in):
    response = signed_in.post("/contacts/new/", {"kind": "company", "email": "a@b.example"})
    assert response.status_code == 200
    assert "The company name is required." in response.content.decode()
    assert 'value="a@b.example"' in response.content.decode()
    assert not Contact.objects.exists()


def test_edit_contact_changes_fields_when_saved(signed_in, person):
    response = signed_in.post(
        f"/contacts/{person.pk}/edit/",
        {"kind": "person", "first_name": "Paula", "last_name": "Changed", "phone": "+1 555"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.phone) == ("Changed", "+1 555")


def test_contact_detail_lists_only_visible_opportunities_when_some_are_private(
    other_client, user, other_user
):
    company = CompanyFactory(company_name="Shared Co", created_by=other_user)
    OpportunityFactory(created_by=user, title="Open deal", customer=company)
    OpportunityFactory(created_by=user, title="Hidden deal", customer=company, access_list=[user])
    html = other_client.get(f"/contacts/{company.pk}/").content.decode()
    assert "Open deal" in html and "Hidden deal" not in html


def test_stranger_gets_404_when_contact_is_private(other_client, user):
    from contacts.services import contact_set_access

    contact = PersonFactory(created_by=user)
    contact_set_access(contact=contact, is_private=True, access_list=[], set_by=user)
    assert other_client.get(f"/contacts/{contact.pk}/").status_code == 404
    assert other_client.get(f"/contacts/{contact.pk}/edit/").status_code == 404
