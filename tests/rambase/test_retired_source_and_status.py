"""A retired lead source or status is refused on RamBase's POST and PUT (JSON): a 400 in
RamBase's error body naming the parameter, nothing saved; the deal's current one is kept."""

import pytest

from opportunities.models import LeadSource, Opportunity, OpportunityStatus
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "/sales/opportunities"
MODELS = {"source": LeadSource, "status": OpportunityStatus}


def _url(opportunity) -> str:
    return f"{URL}/{opportunity.pk + 100000}"


def retired(name):
    return MODELS[name].objects.create(title=f"Old {name}", is_active=False)


@pytest.mark.parametrize("name", ["source", "status"])
def test_put_to_a_retired_value_is_a_400_and_saves_nothing(rb, user, name):
    value = retired(name)
    deal = OpportunityFactory(created_by=user, title="Before")

    response = rb.send_json("put", _url(deal), {"title": "After", name: value.pk})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameters"] == [{"index": 0, "value": name.capitalize()}]
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, f"{name}_id")) == ("Before", None)


@pytest.mark.parametrize("name", ["source", "status"])
def test_put_keeps_the_deals_own_retired_value(rb, user, name):
    value = retired(name)
    deal = OpportunityFactory(created_by=user, title="Before", **{name: value})

    response = rb.send_json("put", _url(deal), {"title": "After", name: value.pk})

    assert response.status_code == 200, response.content
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, name)) == ("After", value)


@pytest.mark.parametrize("name", ["source", "status"])
def test_post_with_a_retired_value_is_a_400_and_creates_nothing(rb, name):
    value = retired(name)

    response = rb.send_json("post", URL, {"title": "New deal", name: value.pk})

    assert response.status_code == 400, response.content
    assert response.json()["parameters"] == [{"index": 0, "value": name.capitalize()}]
    assert not Opportunity.objects.exists()
