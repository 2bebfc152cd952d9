"""The board through the test client: totals, visibility, filters, load more, query counts."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.board import CARDS_PER_COLUMN
from opportunities.models import Opportunity
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
    currency,
    default_stage,
)

pytestmark = pytest.mark.django_db


def header(html: str, stage_id: int) -> dict:
    match = re.search(
        rf'<header class="column-header" id="column-header-{stage_id}"[^>]*'
        r'data-count="(\d+)" data-total="([\d.]+)" data-weighted="([\d.]+)"',
        html,
    )
    assert match, f"no header for stage {stage_id}"
    return {
        "count": int(match[1]),
        "total": Decimal(match[2]),
        "weighted": Decimal(match[3]),
    }


def card_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-opportunity-id="(\d+)"', html)}


def test_redirects_to_sign_in_when_anonymous(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_columns_show_stages_in_order_when_signed_in(signed_in):
    html = signed_in.get("/").content.decode()
    titles = re.findall(r'<h2 class="column-title"[^>]*>([^<]+)</h2>', html)
    assert titles[0] == "Initial contact"
    assert titles[-1] == "Unsuccessfully closed"
    assert len(titles) == 9


def test_header_totals_convert_to_base_currency_when_amounts_differ(signed_in, user):
    ExchangeRateFactory(rate=Decimal("1.10"))  # 1 EUR = 1.10 USD (the base)
    proposal = default_stage("Proposal")  # 75 %
    OpportunityFactory(created_by=user, stage=proposal, bid_value=Decimal("1000"))
    OpportunityFactory(
        created_by=user, stage=proposal, bid_value=Decimal("2000"), bid_currency=currency("EUR")
    )
    totals = header(signed_in.get("/").content.decode(), proposal.pk)
    assert totals == {
        "count": 2,
        "total": Decimal("3200.00"),
        "weighted": Decimal("2400.00"),
    }


def test_weighted_total_keeps_cents_when_probability_does_not_divide_amount(signed_in, user):
    stage = default_stage("Proposal")
    OpportunityFactory(
        created_by=user, stage=stage, bid_value=Decimal("1050.25"), success_probability=33
    )
    OpportunityFactory(created_by=user, stage=stage, bid_value=Decimal("7"), success_probability=5)
    totals = header(signed_in.get("/").content.decode(), stage.pk)
    # 1050.25 x 33 % = 346.5825 and 7 x 5 % = 0.35: 346.9325, shown to the cent
    assert totals == {"count": 2, "total": Decimal("1057.25"), "weighted": Decimal("346.93")}


def test_private_opportunity_absent_from_board_and_totals_when_viewer_not_on_list(
    other_client, user, private_opportunity
):
    response = other_client.get("/?q=Secret")
    html = response.content.decode()
    assert private_opportunity.pk not in card_ids(html)
    assert "Secret deal" not in html
    assert header(html, private_opportunity.stage_id)["count"] == 0


def test_card_shows_close_date_and_responsible_when_set(signed_in, user, other_user):
    close = timezone.make_aware(datetime(2031, 3, 4, 9, 30))
    mine = OpportunityFactory(created_by=user, expected_close_date=close)
    nobodys = OpportunityFactory(created_by=other_user, responsible=None)
    html = signed_in.get("/").content.decode()

    def card_html(opportunity):
        start = html.index(f'data-opportunity-id="{opportunity.pk}"')
        return html[start : html.index("</article>", start)]

    assert "Mar 4, 2031</p>" in card_html(mine)
    assert 'title="Responsible: Alice Archer"' in card_html(mine)
    assert '<span class="avatar avatar-sm" aria-hidden="true">AA</span>' in card_html(mine)
    assert 'title="Responsible: nobody"' in card_html(nobodys)
    assert '<span class="card-owner-name">—</span>' in card_html(nobodys)
    assert "card-date" not in card_html(nobodys)


def test_title_is_escaped_when_it_contains_markup(signed_in, user):
    OpportunityFactory(created_by=user, title="<script>alert(1)</script>")
    html = signed_in.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filter_options_are_escaped_when_names_contain_markup(signed_in, user):
    contact = PersonFactory(created_by=user, first_name="<b>Bold</b>", last_name='"Quote"')
    html = signed_in.get(f"/?contact={contact.pk}").content.decode()
    assert "<b>Bold</b>" not in html
    # the chosen contact: its id in the hidden field, its name in the search box
    assert f'<input type="hidden" name="contact" value="{contact.pk}"' in html
    assert 'value="&lt;b&gt;Bold&lt;/b&gt; &quot;Quote&quot;"' in html
    # and as a match of the contact filter's search
    options = signed_in.get("/board/contacts/", {"contact_search": "bold"}).content.decode()
    assert "<b>Bold</b>" not in options
    assert (
        f'data-contact-id="{contact.pk}">&lt;b&gt;Bold&lt;/b&gt; &quot;Quote&quot;</a>' in options
    )


def test_filters_narrow_cards_and_totals_when_given_in_url(signed_in, user, other_user):
    stage = default_stage("Initial contact")
    tag = TagFactory(title="renewal")
    contact = PersonFactory(created_by=user)
    planned = timezone.now() + timedelta(days=3)  # a next step: not "needs attention"
    mine = OpportunityFactory(
        created_by=user, title="Renewal Acme", tags=[tag], contact=contact, next_task_due=planned
    )
    theirs = OpportunityFactory(created_by=other_user, title="Other deal", next_task_due=planned)
    late = OpportunityFactory(
        created_by=other_user,
        title="Late deal",
        expected_close_date=timezone.now() - timedelta(days=2),
    )

    def shown(query):
        html = signed_in.get(f"/?{query}").content.decode()
        return card_ids(html), header(html, stage.pk)["count"]

    assert shown("") == ({mine.pk, theirs.pk, late.pk}, 3)
    assert shown("responsible=me") == ({mine.pk}, 1)
    assert shown(f"responsible={other_user.pk}") == ({theirs.pk, late.pk}, 2)
    assert shown(f"tag={tag.pk}") == ({mine.pk}, 1)
    assert shown(f"contact={contact.pk}") == ({mine.pk}, 1)
    assert shown("q=acme+renewal") == ({mine.pk}, 1)
    assert shown("attention=on") == ({late.pk}, 1)
    assert shown("private=on") == (set(), 0)


def test_rotting_card_shows_warning_when_stage_limit_passed(signed_in, user):
    stage = default_stage("Suspect")
    stage.days_before_warning = 3
    stage.save()
    OpportunityFactory(
        created_by=user, stage=stage, stage_entered_at=timezone.now() - timedelta(days=5)
    )
    html = signed_in.get("/?attention=on").content.decode()
    assert "5 days in this stage (limit 3)" in html


def test_column_renders_first_cards_and_load_more_when_column_is_long(signed_in, user):
    stage = default_stage("Initial contact")
    OpportunityFactory.create_batch(CARDS_PER_COLUMN + 5, created_by=user, stage=stage)
    html = signed_in.get("/").content.decode()
    assert len(card_ids(html)) == CARDS_PER_COLUMN
    assert header(html, stage.pk)["count"] == CARDS_PER_COLUMN + 5
    assert f'id="load-more-{stage.pk}"' in html

    more = signed_in.get(f"/board/columns/{stage.pk}/?offset={CARDS_PER_COLUMN}")
    assert len(card_ids(more.content.decode())) == 5
    assert card_ids(html).isdisjoint(card_ids(more.content.decode()))


def test_stage_selector_rendered_once_when_many_cards_are_movable(signed_in, user):
    stages = [default_stage("Initial contact"), default_stage("Proposal")]
    deals = [OpportunityFactory(created_by=user, stage=stages[index % 2]) for index in range(30)]
    html = signed_in.get("/").content.decode()
    # one selector for the page (board.js copies it into a card's "Move"), with every stage
    assert html.count('<select name="stage"') == 1
    selector = html[html.index('<template id="card-move-template">') :]
    assert len(re.findall(r'<option value="\d+">', selector)) == 9
    # without JavaScript each card's "Move" leads to the selector on its detail page
    for deal in deals:
        assert f'href="/opportunities/{deal.pk}/#id_stage"' in html
    detail = signed_in.get(f"/opportunities/{deals[0].pk}/").content.decode()
    assert '<select name="stage"' in detail and 'id="id_stage"' in detail


@pytest.mark.parametrize("size", [5, 60])
def test_board_query_count_is_constant_when_pipeline_grows(
    size, signed_in, user, django_assert_num_queries
):
    ExchangeRateFactory()
    stages = [default_stage("Initial contact"), default_stage("Proposal")]
    tag = TagFactory()
    for index in range(size):
        OpportunityFactory(
            created_by=user,
            stage=stages[index % 2],
            tags=[tag],
            contact=PersonFactory(created_by=user),
            access_list=[user] if index % 5 == 0 else None,
            next_task_due=timezone.now() + timedelta(days=3),  # none needs attention
        )
    # 10 for the board, plus the lost reasons of the dialog asked before a move to a lost stage,
    # plus the navigation's count of overdue tasks
    with django_assert_num_queries(12):
        response = signed_in.get("/?attention=on&responsible=me")
    assert response.status_code == 200
    # with cards on it: one more query, the access lists of the cards (for their edit right)
    with django_assert_num_queries(13):
        response = signed_in.get("/?responsible=me")
    assert len(card_ids(response.content.decode())) == min(size, 2 * CARDS_PER_COLUMN)
    # nothing written since, but the default cache is per process: counted again
    with django_assert_num_queries(13):
        again = signed_in.get("/?responsible=me")
    assert header(again.content.decode(), stages[0].pk) == header(
        response.content.decode(), stages[0].pk
    )


def test_board_totals_come_from_a_shared_cache_when_nothing_was_written(
    signed_in, user, shared_cache, django_assert_num_queries
):
    stage = default_stage("Initial contact")
    OpportunityFactory.create_batch(3, created_by=user, stage=stage)
    with django_assert_num_queries(13):  # the lost reasons of the dialog, the overdue tasks
        first = signed_in.get("/?responsible=me")
    # nothing written since: the totals come from the cache, one query less
    with django_assert_num_queries(12):
        again = signed_in.get("/?responsible=me")
    assert header(again.content.decode(), stage.pk) == header(first.content.decode(), stage.pk)


def test_totals_follow_writes_when_board_is_shown_again(signed_in, user, other_user):
    stage = default_stage("Initial contact")
    deal = OpportunityFactory(created_by=user, stage=stage, bid_value=Decimal("100"))
    assert header(signed_in.get("/").content.decode(), stage.pk)["count"] == 1

    OpportunityFactory(created_by=user, stage=stage, bid_value=Decimal("50"))
    assert header(signed_in.get("/").content.decode(), stage.pk)["total"] == Decimal("150.00")

    deal.bid_value = Decimal("300")
    deal.save()
    assert header(signed_in.get("/").content.decode(), stage.pk)["total"] == Decimal("350.00")

    # visibility: made private by someone else, without this user on its access list
    theirs = OpportunityFactory(created_by=other_user, stage=stage, bid_value=Decimal("1"))
    assert header(signed_in.get("/").content.decode(), stage.pk)["count"] == 3
    Opportunity.objects.filter(pk=theirs.pk).update(is_private=True)
    assert header(signed_in.get("/").content.decode(), stage.pk)["count"] == 2
    assert header(signed_in.get("/?private=on").content.decode(), stage.pk)["count"] == 0
