"""Pages show a private contact exactly as the API does: to a user who may not see it, it does
not exist. A private person and a private company linked to a public opportunity (as its
contact, its customer and as members) are absent from the board card, the load-more fragment,
the list, the detail page, the edit form's options, the board filter and the board search,
and saving the edit form keeps them linked."""

import re
from html.parser import HTMLParser

import pytest

from opportunities.board import CARDS_PER_COLUMN
from opportunities.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory, default_stage

pytestmark = pytest.mark.django_db

HIDDEN_PERSON = "Hiddenperson"
HIDDEN_EMAIL = "zorro@hidden-person.example"
HIDDEN_COMPANY = "Secretcorp"
SHOWN_PERSON = "Shownperson"


@pytest.fixture
def hidden_person(other_user):
    return PersonFactory(
        first_name="Zorro",
        last_name=HIDDEN_PERSON,
        email=HIDDEN_EMAIL,
        created_by=other_user,
        access_list=[other_user],
    )


@pytest.fixture
def hidden_company(other_user):
    return CompanyFactory(
        company_name=f"{HIDDEN_COMPANY} Ltd",
        email="office@secretcorp.example",
        created_by=other_user,
        access_list=[other_user],
    )


@pytest.fixture
def shown_person(user):
    return PersonFactory(
        first_name="Sam", last_name=SHOWN_PERSON, email="sam@shown.example", created_by=user
    )


@pytest.fixture
def deal(user, hidden_person, hidden_company, shown_person):
    """A public opportunity whose contact, customer and two of its members are hidden from
    `user` (who created it)."""
    return OpportunityFactory(
        title="Linked deal",
        created_by=user,
        contact=hidden_person,
        customer=hidden_company,
        members=[hidden_person, hidden_company, shown_person],
        stage=default_stage("Initial contact"),
    )


def card_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-opportunity-id="(\d+)"', html)}


def assert_hidden_absent(html: str) -> None:
    assert HIDDEN_PERSON not in html
    assert HIDDEN_EMAIL not in html
    assert HIDDEN_COMPANY not in html


def option_values(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return set(re.findall(r'<option value="([^"]*)"', select[1]))


# -- the board, its load-more fragment and the move answer ---------------------------------------


def test_board_card_shows_no_hidden_contact_or_customer_when_viewer_may_not_see_them(
    signed_in, deal
):
    html = signed_in.get("/").content.decode()

    assert deal.pk in card_ids(html)
    assert_hidden_absent(html)


def test_board_card_shows_contact_and_customer_when_viewer_may_see_them(other_client, deal):
    html = other_client.get("/").content.decode()

    assert deal.pk in card_ids(html)
    assert f"Zorro {HIDDEN_PERSON}" in html
    assert f"{HIDDEN_COMPANY} Ltd" in html


def test_load_more_fragment_shows_no_hidden_contact_when_viewer_may_not_see_them(
    signed_in, user, deal
):
    # the linked deal sorts last (no close date), behind a full column of others
    for index in range(CARDS_PER_COLUMN):
        OpportunityFactory(
            created_by=user,
            stage=deal.stage,
            expected_close_date=deal.stage_entered_at,
            title=f"Filler {index}",
        )
    board = signed_in.get("/").content.decode()
    assert deal.pk not in card_ids(board)

    html = signed_in.get(
        f"/board/columns/{deal.stage_id}/", {"offset": CARDS_PER_COLUMN}
    ).content.decode()

    assert card_ids(html) == {deal.pk}
    assert_hidden_absent(html)


def test_moved_card_shows_no_hidden_contact_when_viewer_may_not_see_it(signed_in, deal):
    target = default_stage("Proposal")

    response = signed_in.post(
        f"/opportunities/{deal.pk}/move/",
        {"stage": target.pk},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200
    card = response.json()["card"]
    assert f'data-opportunity-id="{deal.pk}"' in card
    assert_hidden_absent(card)


# -- board search and the contact filter ---------------------------------------------------------


@pytest.mark.parametrize("text", [HIDDEN_PERSON, "Zorro", HIDDEN_COMPANY])
def test_board_search_does_not_match_through_a_hidden_contact(signed_in, other_client, deal, text):
    mine = signed_in.get("/", {"q": text}).content.decode()
    theirs = other_client.get("/", {"q": text}).content.decode()

    assert deal.pk not in card_ids(mine)
    assert deal.pk in card_ids(theirs)


def test_list_search_does_not_match_through_a_hidden_contact(signed_in, other_client, deal):
    mine = signed_in.get("/opportunities/", {"q": HIDDEN_COMPANY}).content.decode()
    theirs = other_client.get("/opportunities/", {"q": HIDDEN_COMPANY}).content.decode()

    assert deal.pk not in card_ids(mine)
    assert deal.pk in card_ids(theirs)


def test_board_search_still_matches_a_visible_contact(signed_in, deal):
    html = signed_in.get("/", {"q": SHOWN_PERSON}).content.decode()
    # the shown person is a member, not the contact or customer: no match through it
    assert deal.pk not in card_ids(html)

    Opportunity.objects.filter(pk=deal.pk).update(customer=deal.members.get(last_name=SHOWN_PERSON))
    html = signed_in.get("/", {"q": SHOWN_PERSON}).content.decode()
    assert deal.pk in card_ids(html)


def contact_filter_choices(client, text: str) -> set[str]:
    html = client.get("/board/contacts/", {"contact_search": text}).content.decode()
    return set(re.findall(r'data-contact-id="(\d+)"', html))


@pytest.mark.parametrize("text", ["", "zorro", HIDDEN_PERSON, HIDDEN_COMPANY, "secretcorp.example"])
def test_board_filter_offers_no_hidden_contact(
    signed_in, other_client, deal, hidden_person, hidden_company, text
):
    hidden = {str(hidden_person.pk), str(hidden_company.pk)}
    assert not contact_filter_choices(signed_in, text) & hidden
    # the same search offers them to the one who may see them
    assert contact_filter_choices(other_client, text) & hidden
    # without JavaScript the typed text comes with the board and it lists the same matches
    html = signed_in.get("/", {"contact_search": text or "a"}).content.decode()
    assert not set(re.findall(r'data-contact-id="(\d+)"', html)) & hidden


def test_board_filter_by_a_hidden_contact_is_an_unknown_contact(signed_in, deal, hidden_person):
    hidden = signed_in.get("/", {"contact": hidden_person.pk}).content.decode()
    unknown = signed_in.get("/", {"contact": 999999}).content.decode()

    assert card_ids(hidden) == card_ids(unknown)
    assert_hidden_absent(hidden)


# -- the list and the detail page -----------------------------------------------------------------


def test_list_shows_no_hidden_contact_when_viewer_may_not_see_it(signed_in, deal):
    html = signed_in.get("/opportunities/").content.decode()

    assert deal.pk in card_ids(html)
    assert_hidden_absent(html)


def test_list_shows_the_customer_when_only_the_contact_is_hidden(signed_in, deal, shown_person):
    Opportunity.objects.filter(pk=deal.pk).update(customer=shown_person)

    html = signed_in.get("/opportunities/").content.decode()

    assert f"Sam {SHOWN_PERSON}" in html
    assert_hidden_absent(html)


def test_detail_shows_no_hidden_contact_name_or_email_when_viewer_may_not_see_it(signed_in, deal):
    html = signed_in.get(f"/opportunities/{deal.pk}/").content.decode()

    assert "Linked deal" in html
    assert f"Sam {SHOWN_PERSON}" in html
    assert "sam@shown.example" in html
    assert_hidden_absent(html)


def test_detail_shows_every_contact_when_viewer_may_see_them(other_client, deal):
    html = other_client.get(f"/opportunities/{deal.pk}/").content.decode()

    assert f"Zorro {HIDDEN_PERSON}" in html
    assert HIDDEN_EMAIL in html
    assert f"{HIDDEN_COMPANY} Ltd" in html


# -- the edit form ----------------------------------------------------------------------------


def test_edit_form_offers_no_hidden_contact(signed_in, deal, hidden_person, hidden_company):
    html = signed_in.get(f"/opportunities/{deal.pk}/edit/").content.decode()

    for name in ("contact", "customer", "members"):
        options = option_values(html, name)
        assert str(hidden_person.pk) not in options
        assert str(hidden_company.pk) not in options
    assert_hidden_absent(html)


class _FormValues(HTMLParser):
    """What a browser submits for the forms of a page as rendered: inputs with their value
    (checked boxes only), the selected options of each select, and textareas."""

    def __init__(self):
        super().__init__()
        self.data: dict = {}
        self.select: tuple[str, bool] | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button"):
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs)
            self.data[name] = []
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select[0]].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            name, multiple = self.select
            if not multiple:
                self.data[name] = self.data[name][0] if self.data[name] else ""
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def edit_data(html: str) -> dict:
    form = re.search(r'<form method="post" class="form".*?</form>', html, re.S)
    assert form, "no edit form"
    parser = _FormValues()
    parser.feed(form[0])
    data = parser.data
    if isinstance(data.get("description"), str):
        data["description"] = data["description"].strip("\n")
    return data


def test_saving_the_edit_form_keeps_hidden_contacts_linked(
    signed_in, deal, hidden_person, hidden_company, shown_person
):
    data = edit_data(signed_in.get(f"/opportunities/{deal.pk}/edit/").content.decode())
    data["description"] = "Changed only the description"

    response = signed_in.post(f"/opportunities/{deal.pk}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    deal.refresh_from_db()
    assert deal.description == "Changed only the description"
    assert deal.contact_id == hidden_person.pk
    assert deal.customer_id == hidden_company.pk
    assert set(deal.members.values_list("pk", flat=True)) == {
        hidden_person.pk,
        hidden_company.pk,
        shown_person.pk,
    }


def test_changing_members_in_the_edit_form_keeps_the_hidden_ones(
    signed_in, user, deal, hidden_person, hidden_company, shown_person
):
    another = PersonFactory(created_by=user)
    data = edit_data(signed_in.get(f"/opportunities/{deal.pk}/edit/").content.decode())
    assert data["members"] == [str(shown_person.pk)]
    data["members"] = [str(another.pk)]

    response = signed_in.post(f"/opportunities/{deal.pk}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    deal.refresh_from_db()
    assert deal.contact_id == hidden_person.pk
    assert deal.customer_id == hidden_company.pk
    assert set(deal.members.values_list("pk", flat=True)) == {
        hidden_person.pk,
        hidden_company.pk,
        another.pk,
    }


def test_edit_form_refuses_a_hidden_contact_as_it_refuses_an_unknown_one(
    signed_in, deal, hidden_company
):
    data = edit_data(signed_in.get(f"/opportunities/{deal.pk}/edit/").content.decode())

    def error_for(value) -> str:
        response = signed_in.post(f"/opportunities/{deal.pk}/edit/", {**data, "contact": value})
        assert response.status_code == 200
        error = re.search(r'<p class="error">(.*?)</p>', response.content.decode())
        return error and re.sub(r"\b\d+\b", "N", error[1])

    assert error_for(hidden_company.pk) == error_for(999999)
