"""Won and lost on the pages (test client): the lost reason asked by the move and the edit
form, shown on the deal page, Reopen, and the board's closed columns with their switch."""

import re
from decimal import Decimal

import pytest

from opportunities.models import LostReason, Opportunity
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def lost():
    return default_stage("Unsuccessfully closed")


@pytest.fixture
def won():
    return default_stage("Closure/Transaction")


@pytest.fixture
def price():
    return LostReason.objects.get(title="Price too high")


def edit_data(page, **changes) -> dict:
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None and v is not False and v not in ("", [])}
    data.update(changes)
    return data


# -- the move ------------------------------------------------------------------------------------


def test_board_move_to_lost_stage_without_reason_is_refused(signed_in, opportunity, lost):
    response = signed_in.post(f"/opportunities/{opportunity.pk}/move/", {"stage": lost.pk}, **JSON)

    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "why the deal was lost" in response.json()["error"]
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk


def test_board_move_to_lost_stage_takes_reason_and_comment(signed_in, opportunity, lost, price):
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/",
        {"stage": lost.pk, "lost_reason": price.pk, "lost_comment": "Half the price elsewhere"},
        **JSON,
    )

    assert response.status_code == 200, response.json()
    assert {c["stage"] for c in response.json()["columns"]} == {opportunity.stage_id, lost.pk}
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason) == (lost, price)
    assert opportunity.lost_comment == "Half the price elsewhere"


def test_move_with_a_retired_reason_is_refused_with_a_message(signed_in, opportunity, lost):
    retired = LostReason.objects.create(title="Retired", is_active=False)

    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/",
        {"stage": lost.pk, "lost_reason": retired.pk},
        **JSON,
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("Lost reason:")


def test_deal_page_move_asks_the_reason_and_page_shows_it(signed_in, opportunity, lost, price):
    page = signed_in.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "data-lost-fields" in page and f'data-lost-stages="{lost.pk}"' in page
    assert 'name="lost_reason"' in page and "Price too high" in page

    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/",
        {"stage": lost.pk, "lost_reason": price.pk, "lost_comment": "Too <b>dear</b>"},
        follow=True,
    )

    html = response.content.decode()
    assert "moved to Unsuccessfully closed" in html
    note = html[html.index('class="closed-note') :]
    assert "Lost" in note and "Price too high" in note
    assert "Too &lt;b&gt;dear&lt;/b&gt;" in note  # escaped
    assert "Reopen" in note


def test_deal_page_move_without_reason_says_why_and_changes_nothing(signed_in, opportunity, lost):
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/", {"stage": lost.pk}, follow=True
    )

    assert "Choose why the deal was lost." in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk


# -- the edit form -------------------------------------------------------------------------------


def test_edit_form_requires_reason_for_a_lost_stage(signed_in, opportunity, lost, price):
    page = signed_in.get(f"/opportunities/{opportunity.pk}/edit/")

    refused = signed_in.post(
        f"/opportunities/{opportunity.pk}/edit/", edit_data(page, stage=lost.pk)
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["lost_reason"] == ["Choose why the deal was lost."]
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk

    saved = signed_in.post(
        f"/opportunities/{opportunity.pk}/edit/",
        edit_data(page, stage=lost.pk, lost_reason=price.pk, lost_comment="Dear"),
    )
    assert saved.status_code == 302, saved.context["form"].errors
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason, opportunity.lost_comment) == (
        lost,
        price,
        "Dear",
    )


def test_edit_form_ignores_reason_for_an_open_stage(signed_in, opportunity, price):
    page = signed_in.get(f"/opportunities/{opportunity.pk}/edit/")

    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/edit/",
        edit_data(page, title="Still open", lost_reason=price.pk),
    )

    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.lost_reason) == ("Still open", None)


def test_new_opportunity_in_a_lost_stage_needs_a_reason(signed_in, user, lost, price):
    page = signed_in.get("/opportunities/new/")
    data = edit_data(page, title="Born lost", stage=lost.pk)

    assert signed_in.post("/opportunities/new/", data).status_code == 200
    response = signed_in.post("/opportunities/new/", {**data, "lost_reason": price.pk})
    assert response.status_code == 302
    assert Opportunity.objects.get(title="Born lost").lost_reason == price


# -- reopen --------------------------------------------------------------------------------------


def test_reopen_moves_a_lost_deal_to_the_first_open_stage_and_clears_reason(
    signed_in, user, lost, price
):
    deal = OpportunityFactory(created_by=user, stage=lost, lost_reason=price, lost_comment="c")
    first = default_stage("Initial contact")

    response = signed_in.post(f"/opportunities/{deal.pk}/reopen/", {}, follow=True)

    assert "reopened in Initial contact" in response.content.decode()
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.lost_comment) == (first, None, "")


def test_reopen_takes_the_chosen_open_stage(signed_in, user, won):
    deal = OpportunityFactory(created_by=user, stage=won)
    proposal = default_stage("Proposal")
    page = signed_in.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "Won" in page and "Reopen" in page

    signed_in.post(f"/opportunities/{deal.pk}/reopen/", {"stage": proposal.pk})

    deal.refresh_from_db()
    assert (deal.stage, deal.actual_close_date) == (proposal, None)


def test_reopen_refuses_a_closed_target_stage(signed_in, user, won, lost):
    deal = OpportunityFactory(created_by=user, stage=won)
    response = signed_in.post(f"/opportunities/{deal.pk}/reopen/", {"stage": lost.pk}, follow=True)
    assert "Choose an open stage" in response.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).stage_id == won.pk


def test_open_deal_page_has_no_reopen(signed_in, opportunity):
    assert "reopen/" not in signed_in.get(f"/opportunities/{opportunity.pk}/").content.decode()


def test_stranger_reopen_is_404_and_changes_nothing(other_client, user, won):
    deal = OpportunityFactory(created_by=user, stage=won, access_list=[user])
    assert other_client.post(f"/opportunities/{deal.pk}/reopen/").status_code == 404
    assert Opportunity.objects.get(pk=deal.pk).stage_id == won.pk


# -- the board's closed columns ------------------------------------------------------------------


@pytest.fixture
def pipeline(user, won, lost, price):
    start = default_stage("Initial contact")
    OpportunityFactory(created_by=user, title="Open one", stage=start, bid_value=Decimal("1000"))
    OpportunityFactory(created_by=user, title="Won one", stage=won, bid_value=Decimal("500"))
    OpportunityFactory(
        created_by=user, title="Lost one", stage=lost, bid_value=Decimal("300"), lost_reason=price
    )
    return start


def column_html(html: str, stage) -> str:
    start = html.index(f'data-stage-id="{stage.pk}" data-stage-type')
    start = html.rindex("<section", 0, start)
    return html[start : html.index("</section>", start)]


def summary_text(html: str) -> str:
    part = html[html.index('id="board-summary"') :]
    part = part[: part.index("</p>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part))


def test_closed_columns_collapse_with_count_and_sum_and_no_cards(signed_in, pipeline, won, lost):
    html = signed_in.get("/").content.decode()

    for stage, title, amount in ((won, "Won one", "$500"), (lost, "Lost one", "$300")):
        column = column_html(html, stage)
        assert "is-collapsed" in column
        assert 'data-count="1"' in column and amount in column
        assert title not in column
        assert f'id="cards-{stage.pk}"' in column  # still a drop target
    assert "is-collapsed" not in column_html(html, pipeline)
    assert "Open one" in html


def test_summary_counts_open_deals_and_shows_won_and_lost_apart(signed_in, pipeline):
    text = summary_text(signed_in.get("/").content.decode())

    assert "1 open opportunity · $1,000 total · $10 weighted" in text
    assert "Won: 1 · $500" in text and "Lost: 1 · $300" in text


def test_show_closed_expands_columns_and_is_kept_by_links(signed_in, pipeline, won, lost):
    html = signed_in.get("/?q=one&closed=show").content.decode()

    for stage, title in ((won, "Won one"), (lost, "Lost one")):
        column = column_html(html, stage)
        assert "is-collapsed" not in column and title in column
    assert re.search(r'name="closed"[^>]*value="show"[^>]*checked|checked[^>]*name="closed"', html)
    assert 'data-filter-query="q=one&amp;closed=show"' in html
    assert "/opportunities/?q=one&amp;closed=show" in html  # the list view link
    assert 'href="/?closed=show">Clear' in html
    # the summary still counts open deals only
    assert "1 open opportunity" in summary_text(html)


def test_show_closed_switch_is_only_on_the_board(signed_in, pipeline):
    assert 'name="closed"' in signed_in.get("/").content.decode()
    assert 'name="closed"' not in signed_in.get("/opportunities/").content.decode()


@pytest.mark.parametrize(
    "values",
    [
        {"lost_reason": "99999999999999999999999999"},
        {"lost_reason": "nope"},
        {"lost_reason": "1", "lost_comment": "bad\x00byte"},
        {"lost_reason": "1", "lost_comment": "x" * 5000},
    ],
)
def test_hostile_move_input_is_a_400_and_changes_nothing(signed_in, opportunity, lost, values):
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/", {"stage": lost.pk, **values}, **JSON
    )

    assert response.status_code == 400
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk
