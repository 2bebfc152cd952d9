"""A retired lead source or status (unticked Active in the admin) is refused on the ONLYOFFICE
opportunity writes, a 400 naming the field with nothing saved, unless it is the deal's current
value: an edit that does not change it keeps it."""

import pytest

from opportunities.models import LeadSource, Opportunity, OpportunityStatus
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"
FORM = "application/x-www-form-urlencoded"
MODELS = {"source": LeadSource, "status": OpportunityStatus}


def retired(name):
    return MODELS[name].objects.create(title=f"Old {name}", is_active=False)


def put(client, opportunity, body, kind):
    if kind == "json":
        return client.put(f"{URL}/{opportunity.pk}", body, format="json")
    encoded = "&".join(f"{key}={value}" for key, value in body.items())
    return client.put(f"{URL}/{opportunity.pk}", encoded, content_type=FORM)


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("name", ["source", "status"])
def test_retired_value_is_a_400_naming_it_when_put_changes_to_it(client_for, user, name, kind):
    value = retired(name)
    deal = OpportunityFactory(created_by=user, title="Before")

    response = put(client_for(user), deal, {"title": "After", name: value.pk}, kind)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["data"]["field"] == name
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, f"{name}_id")) == ("Before", None)


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("name", ["source", "status"])
def test_retired_value_is_kept_when_it_is_the_deals_own(client_for, user, name, kind):
    value = retired(name)
    deal = OpportunityFactory(created_by=user, title="Before", **{name: value})

    response = put(client_for(user), deal, {"title": "After", name: value.title}, kind)

    assert response.status_code == 200, response.content[:300]
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, name)) == ("After", value)


@pytest.mark.parametrize("kind", ["json", "form"])
@pytest.mark.parametrize("name", ["source", "status"])
def test_retired_value_is_a_400_on_create(client_for, user, name, kind):
    value = retired(name)
    body = {"title": "New deal", "stageid": default_stage("Initial contact").pk, name: value.pk}
    client = client_for(user)

    if kind == "json":
        response = client.post(URL, body, format="json")
    else:
        response = client.post(URL, body)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["data"]["field"] == name
    assert not Opportunity.objects.exists()
