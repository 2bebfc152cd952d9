"""Sections plugged into the opportunity page by higher apps (opportunities/page_sections.py):
rendered in registration order, each once, for a reader of the deal only."""

import pytest

from opportunities import page_sections
from opportunities.page_sections import register_opportunity_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(monkeypatch):
    """The registry, emptied for the test and put back after it."""
    monkeypatch.setattr(page_sections, "_sections", [])
    return page_sections._sections


def test_sections_render_in_order_once_when_registered(sections, signed_in, opportunity):
    def first(request, deal):
        return f'<section id="first">{deal.title} for {request.user.username}</section>'

    def second(request, deal):
        return '<section id="second"></section>'

    register_opportunity_section(first)
    register_opportunity_section(second)
    register_opportunity_section(first)

    html = signed_in.get(f"/opportunities/{opportunity.pk}/").content.decode()

    assert html.count('id="first"') == 1 and html.count('id="second"') == 1
    assert html.index('id="first"') < html.index('id="second"')
    assert "Public deal for alice" in html
    assert "Stage history" not in html


def test_stage_history_shows_when_no_section_is_registered(sections, signed_in, opportunity):
    assert "Stage history" in signed_in.get(f"/opportunities/{opportunity.pk}/").content.decode()


def test_no_section_runs_when_reader_may_not_see_the_deal(
    sections, other_client, private_opportunity
):
    calls = []
    register_opportunity_section(lambda request, deal: calls.append(deal) or "")
    assert other_client.get(f"/opportunities/{private_opportunity.pk}/").status_code == 404
    assert calls == []


def test_timeline_is_registered_when_activities_is_ready():
    from activities.views import timeline_section

    assert timeline_section in page_sections._sections
