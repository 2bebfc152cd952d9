"""The board's contact filter: a search box whose matches come from a small endpoint (htmx),
with the chosen contact kept in the URL (`contact=<id>`); every contact can be found (no cap),
and without JavaScript the typed text lists the matches as links."""

import re

import pytest

from contacts.models import Contact
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory, default_stage

pytestmark = pytest.mark.django_db


def choices(html: str) -> list[str]:
    return re.findall(r'data-contact-id="(\d+)">([^<]*)</a>', html)


def test_endpoint_lists_matching_contacts_in_name_order_when_text_is_typed(signed_in, user):
    beta = CompanyFactory(company_name="Acme Beta", created_by=user)
    alpha = CompanyFactory(company_name="Acme Alpha", created_by=user)
    CompanyFactory(company_name="Other", created_by=user)
    html = signed_in.get("/board/contacts/", {"contact_search": "acme"}).content.decode()
    assert choices(html) == [(str(alpha.pk), "Acme Alpha"), (str(beta.pk), "Acme Beta")]


def test_endpoint_says_so_when_nothing_matches(signed_in, user):
    html = signed_in.get("/board/contacts/", {"contact_search": "nobody"}).content.decode()
    assert choices(html) == [] and "No contact matches" in html


def test_every_contact_can_be_chosen_when_there_are_many(signed_in, user):
    Contact.objects.bulk_create(
        Contact(is_company=True, company_name=f"Company {n:03}", created_by=user)
        for n in range(350)
    )
    last = CompanyFactory(company_name="Zulu last", created_by=user)
    html = signed_in.get("/board/contacts/", {"contact_search": "zulu"}).content.decode()
    assert choices(html) == [(str(last.pk), "Zulu last")]
    board = signed_in.get("/", {"contact": last.pk}).content.decode()
    assert f'<input type="hidden" name="contact" value="{last.pk}"' in board
    assert 'value="Zulu last"' in board


def test_choice_links_keep_the_other_filters_when_the_page_lists_them(signed_in, user):
    acme = CompanyFactory(company_name="Acme Corp", created_by=user)
    html = signed_in.get(
        "/board/contacts/", {"q": "renewal", "contact": "", "contact_search": "acme", "tag": ""}
    ).content.decode()
    assert f'href="?q=renewal&amp;contact={acme.pk}&amp;tag="' in html


def test_board_lists_matches_as_links_when_text_is_sent_without_javascript(signed_in, user):
    stage = default_stage("Initial contact")
    acme = CompanyFactory(company_name="Acme Corp", created_by=user)
    OpportunityFactory(created_by=user, stage=stage, title="Acme deal", contact=acme)
    OpportunityFactory(created_by=user, stage=stage, title="Other deal")
    html = signed_in.get("/", {"q": "", "contact": "", "contact_search": "acme"}).content.decode()
    assert choices(html) == [(str(acme.pk), "Acme Corp")]
    assert f'href="?q=&amp;contact={acme.pk}"' in html
    # following the link filters the board by that contact
    filtered = signed_in.get("/", {"q": "", "contact": acme.pk}).content.decode()
    assert "Acme deal" in filtered and "Other deal" not in filtered
    assert choices(filtered) == []  # a chosen contact lists no matches


def test_list_page_has_the_same_contact_filter(signed_in, user):
    person = PersonFactory(first_name="Ann", last_name="Acme", created_by=user)
    html = signed_in.get("/opportunities/", {"contact": person.pk}).content.decode()
    assert f'<input type="hidden" name="contact" value="{person.pk}"' in html
    assert 'value="Ann Acme"' in html


def test_endpoint_needs_a_signed_in_user(client):
    response = client.get("/board/contacts/", {"contact_search": "a"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
