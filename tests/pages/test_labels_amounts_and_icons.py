"""What a new user read on the pages (issue 11, point 8): human labels instead of enum names,
per-period amounts counted whole, the SVG lock, tooltips on truncated names, a favicon."""

import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

from opportunities.models import BidType, Stage
from tests.factories import CompanyFactory, OpportunityFactory, currency, default_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly(user):
    """$154,500 a month for 24 months, in a 50 % stage, in the base currency."""
    return OpportunityFactory(
        created_by=user,
        title="Monthly deal",
        stage=default_stage("Qualified prospect"),
        bid_type=BidType.PER_MONTH,
        bid_value=Decimal("154500"),
        per_period_value=24,
        bid_currency=currency("USD"),
    )


def header_numbers(html: str, stage: Stage) -> tuple[str, str]:
    match = re.search(
        rf'id="column-header-{stage.pk}"[^>]*data-total="([\d.]+)" data-weighted="([\d.]+)"',
        html,
    )
    return match[1], match[2]


def test_board_totals_count_the_whole_amount_when_bid_is_per_period(signed_in, monthly):
    html = signed_in.get("/").content.decode()
    assert header_numbers(html, monthly.stage) == ("3708000.00", "1854000.00")
    assert "$3,708,000" in html  # the header and the summary
    # the card shows the amount per period with its period, and the whole in its tooltip
    card = re.search(
        rf'<article class="card[^"]*" data-opportunity-id="{monthly.pk}".*?</article>', html, re.S
    )[0]
    assert '$154,500<span class="muted"> /month</span>' in card
    assert "for 24 months: $3,708,000 in all" in card
    assert "PerMonth" not in html


def test_deal_page_shows_the_period_in_words_and_weights_the_whole_when_per_month(
    signed_in, monthly
):
    html = signed_in.get(f"/opportunities/{monthly.pk}/").content.decode()
    assert "$3,708,000" in html
    assert "$154,500 per month for 24 months" in html
    assert "$1,854,000" in html  # weighted: 50 % of the whole
    assert "PerMonth" not in html and "×" not in html


@pytest.mark.parametrize(
    "page", ["/opportunities/", "/contacts/{contact}/", "/accounts/me/"], ids=str
)
def test_deal_lists_show_the_period_when_bid_is_per_period(signed_in, user, monthly, page):
    monthly.responsible = user
    monthly.contact = CompanyFactory(company_name="Monthly client")
    monthly.save(update_fields=["responsible", "contact"])
    html = signed_in.get(page.format(contact=monthly.contact_id)).content.decode()
    assert '$154,500<span class="muted"> /month</span>' in html
    assert "for 24 months: $3,708,000 in all" in html


def test_forms_and_admin_show_human_labels_when_choosing_types(
    signed_in, client_factory, admin_user, monthly
):
    form = signed_in.get(f"/opportunities/{monthly.pk}/edit/").content.decode()
    assert ">Per month</option>" in form and ">Fixed bid</option>" in form
    assert "FixedBid" not in form and "PerMonth" not in form
    admin = client_factory()
    admin.force_login(admin_user)
    stages = admin.get("/admin/opportunities/stage/").content.decode()
    assert "Won" in stages
    assert "ClosedAndWon" not in stages and "ClosedAndLost" not in stages
    assert default_stage("Closure/Transaction").get_stage_type_display() == "Won"


def test_api_keeps_bid_value_and_names_when_bid_is_per_period(user, monthly):
    api_client = APIClient()
    api_client.force_authenticate(user)
    body = api_client.get(f"/api/2.0/crm/opportunity/{monthly.pk}.json").json()["response"]
    assert (body["bidType"], body["bidValue"], body["perPeriodValue"]) == (4, 154500, 24)


def test_private_deal_shows_svg_lock_when_no_emoji_font(signed_in, private_opportunity):
    html = signed_in.get(f"/opportunities/{private_opportunity.pk}/").content.decode()
    assert "🔒" not in html
    lock = re.search(r'<span class="badge badge-lock"[^>]*>(.*?)</span>', html, re.S)[1]
    assert "<svg" in lock and "Private" in lock


def test_stage_and_owner_names_have_tooltips_when_truncated(signed_in, monthly):
    html = signed_in.get("/").content.decode()
    title = "Application of initial fit criteria"
    assert f'title="{title}">{title}</h2>' in html
    name = monthly.responsible.get_display_name()
    assert f'<span class="card-owner" title="Responsible: {name}">' in html


def test_favicon_answers_when_browser_asks_for_it(client, signed_in):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    assert '<link rel="icon" href="/static/img/favicon.svg"' in signed_in.get("/").content.decode()
