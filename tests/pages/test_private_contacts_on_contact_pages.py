"""The contact pages show a private contact exactly as the API does: a company's people and a
person's company that the viewer may not see are absent, from the detail page, the list and
the edit form, and saving the form keeps the hidden company."""

import re

import pytest

from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_company(other_user):
    return CompanyFactory(
        company_name="Secretcorp Ltd", created_by=other_user, access_list=[other_user]
    )


@pytest.fixture
def employee(user, hidden_company):
    """A public person, created by `user`, working at a company hidden from `user`."""
    return PersonFactory(
        first_name="Wendy", last_name="Worker", company=hidden_company, created_by=user
    )


def test_person_page_shows_no_hidden_company(signed_in, employee):
    html = signed_in.get(f"/contacts/{employee.pk}/").content.decode()

    assert "Wendy Worker" in html
    assert "Secretcorp" not in html


def test_person_page_shows_the_company_when_viewer_may_see_it(other_client, employee):
    html = other_client.get(f"/contacts/{employee.pk}/").content.decode()

    assert "Secretcorp Ltd" in html


def test_company_page_lists_no_hidden_person(signed_in, user, other_user):
    company = CompanyFactory(company_name="Opencorp", created_by=user)
    PersonFactory(first_name="Sam", last_name="Shown", company=company, created_by=user)
    PersonFactory(
        first_name="Hank",
        last_name="Hiddenperson",
        company=company,
        created_by=other_user,
        access_list=[other_user],
    )

    html = signed_in.get(f"/contacts/{company.pk}/").content.decode()

    assert "Sam Shown" in html
    assert "Hiddenperson" not in html


def test_contact_list_shows_no_hidden_company(signed_in, employee):
    html = signed_in.get("/contacts/").content.decode()

    assert "Wendy Worker" in html
    assert "Secretcorp" not in html


def test_contact_edit_form_offers_no_hidden_company(signed_in, employee, hidden_company):
    html = signed_in.get(f"/contacts/{employee.pk}/edit/").content.decode()

    select = re.search(r'<select name="company"[^>]*>(.*?)</select>', html, re.S)
    assert select
    assert f'value="{hidden_company.pk}"' not in select[1]
    assert "Secretcorp" not in html


def test_saving_the_contact_form_keeps_the_hidden_company(signed_in, employee, hidden_company):
    page = signed_in.get(f"/contacts/{employee.pk}/edit/")
    form = page.context["form"]
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, False, [])
    }
    data["job_title"] = "Engineer"

    response = signed_in.post(f"/contacts/{employee.pk}/edit/", data)

    assert response.status_code == 302, response.context["form"].errors
    employee.refresh_from_db()
    assert employee.job_title == "Engineer"
    assert employee.company_id == hidden_company.pk
