"""`source` and `status` take an id or a title (any case): a reference no row can have is a
400 naming the parameter, never a 500 (SQLite refused a 100000-character LIKE; Python refuses
int() of more than 4300 digits), and nothing is stored."""

import pytest

from opportunities.models import LeadSource, Opportunity
from tests.factories import default_stage

pytestmark = pytest.mark.django_db

BAD_REFERENCES = ["x" * 100_000, "9" * 5000, "99999999999999999999", "No such source"]


@pytest.mark.parametrize("name", ["source", "status"])
@pytest.mark.parametrize("reference", BAD_REFERENCES, ids=["long", "digits", "huge", "unknown"])
def test_a_reference_no_row_has_is_a_400_naming_it(user_client, name, reference):
    body = {"title": "Deal", "stageid": default_stage("Initial contact").pk, name: reference}

    response = user_client.post("/api/2.0/crm/opportunity", body, format="json")

    assert response.status_code == 400, response.content[:300]
    assert name in response.json()["error"]["message"]
    assert not Opportunity.objects.exists()


def test_a_source_by_title_in_any_case_or_by_id_is_found(user_client):
    source = LeadSource.objects.create(title="Trade fair")
    stage = default_stage("Initial contact").pk

    by_title = user_client.post(
        "/api/2.0/crm/opportunity",
        {"title": "A", "stageid": stage, "source": "TRADE FAIR"},
        format="json",
    )
    by_id = user_client.post(
        "/api/2.0/crm/opportunity",
        {"title": "B", "stageid": stage, "source": str(source.pk)},
        format="json",
    )

    assert (by_title.status_code, by_id.status_code) == (201, 201)
    assert set(Opportunity.objects.values_list("source", flat=True)) == {source.pk}
