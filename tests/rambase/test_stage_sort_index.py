"""SortIndex of /sales/opportunity-stages (contract §5): stored as given, the other stages keep
theirs, ties go by id; POST without one puts the stage last; the list orders by SortIndex,
then id, as the board and ONLYOFFICE do."""

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.models import Stage
from tests.factories import default_stage
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunity-stages"


def _url(stage) -> str:
    return f"{URL}/{stage.pk + 100000}"


def _orders() -> dict[int, int]:
    return dict(Stage.objects.values_list("pk", "sort_order"))


def _listed(client) -> list[int]:
    body = client.get(f"{URL}?$top=80").json()
    return [item["opportunityStageId"] - 100000 for item in body["opportunityStages"]]


def test_post_stores_the_sort_index_as_given_and_moves_no_other_stage(rb_admin):
    proposal = default_stage("Proposal")
    before = _orders()
    body = {"opportunityStage": {"name": "Tied", "sortIndex": proposal.sort_order}}
    response = rb_admin.send_json("post", URL, body)
    assert response.status_code == 201, response.content
    assert response.json()["opportunityStage"]["sortIndex"] == proposal.sort_order
    stage = Stage.objects.get(title="Tied")
    assert stage.sort_order == proposal.sort_order
    assert {pk: order for pk, order in _orders().items() if pk != stage.pk} == before
    listed = _listed(rb_admin)
    assert listed.index(stage.pk) == listed.index(proposal.pk) + 1  # a tie goes by id


@pytest.mark.parametrize("body", [{"name": "Later"}, {"name": "Later", "sortIndex": None}])
def test_post_without_a_sort_index_goes_last(rb_admin, body):
    highest = max(_orders().values())
    response = rb_admin.send_json("post", URL, body)
    assert response.status_code == 201, response.content
    stage = Stage.objects.get(title="Later")
    assert stage.sort_order == highest + 1
    assert _listed(rb_admin)[-1] == stage.pk


def test_put_in_xml_stores_the_sort_index_and_the_list_follows(rb_admin, admin_user):
    proposal = default_stage("Proposal")
    before = _orders()
    text = "<OpportunityStage><SortIndex>-7</SortIndex></OpportunityStage>"
    response = rb_admin.send_xml("put", f"{_url(proposal)}?$format=xml", text)
    assert response.status_code == 200, response.content
    assert xml_of(response).findtext("SortIndex") == "-7"
    proposal.refresh_from_db()
    assert proposal.sort_order == -7 and proposal.title == "Proposal"
    assert {pk: order for pk, order in _orders().items() if pk != proposal.pk} == {
        pk: order for pk, order in before.items() if pk != proposal.pk
    }
    assert _listed(rb_admin)[0] == proposal.pk
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(admin_user)[0])
    onlyoffice = client.get("/api/2.0/crm/opportunity/stage").json()["response"]
    assert [item["id"] for item in onlyoffice] == _listed(rb_admin)
    assert onlyoffice[0]["sortOrder"] == -7


def test_put_with_a_tie_orders_by_id(rb_admin):
    stages = list(Stage.objects.order_by("sort_order", "id"))
    first, last = stages[0], stages[-1]
    response = rb_admin.send_json("put", _url(last), {"sortIndex": first.sort_order})
    assert response.status_code == 200, response.content
    listed = _listed(rb_admin)
    assert listed.index(last.pk) == listed.index(first.pk) + 1


def test_a_get_answer_sent_back_changes_nothing(rb_admin):
    proposal = default_stage("Proposal")
    before = _orders()
    shape = rb_admin.get(_url(proposal)).json()
    assert rb_admin.send_json("put", _url(proposal), shape).status_code == 200
    assert _orders() == before


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 10**30, "1.5", True, "first", {"a": 1}])
def test_a_sort_index_outside_the_column_is_990001_and_nothing_changes(rb_admin, value):
    proposal = default_stage("Proposal")
    before = _orders()
    body = {"name": "Renamed", "sortIndex": value}
    assert_error(rb_admin.send_json("put", _url(proposal), body), 400, 990001, "SortIndex")
    assert_error(rb_admin.send_json("post", URL, body), 400, 990001, "SortIndex")
    assert _orders() == before
    proposal.refresh_from_db()
    assert proposal.title == "Proposal"


def test_a_nul_byte_in_the_sort_index_is_990001(rb_admin):
    proposal = default_stage("Proposal")
    before = _orders()
    assert_error(rb_admin.send_json("put", _url(proposal), {"sortIndex": "1\x00"}), 400, 990001)
    assert _orders() == before


def test_the_column_limits_are_taken(rb_admin):
    for value in (2**31 - 1, -(2**31)):
        response = rb_admin.send_json("post", URL, {"name": f"Edge {value}", "sortIndex": value})
        assert response.status_code == 201, response.content
        assert Stage.objects.get(title=f"Edge {value}").sort_order == value


def test_put_with_a_null_sort_index_is_refused(rb_admin):
    proposal = default_stage("Proposal")
    before = proposal.sort_order
    body = {"name": "Renamed", "sortIndex": None}
    assert_error(rb_admin.send_json("put", _url(proposal), body), 400, 990001, "SortIndex")
    text = "<OpportunityStage><SortIndex/></OpportunityStage>"
    assert_error(rb_admin.send_xml("put", _url(proposal), text), 400, 990001, "SortIndex")
    proposal.refresh_from_db()
    assert (proposal.title, proposal.sort_order) == ("Proposal", before)


def test_onlyoffice_stage_writes_still_leave_the_sort_order_to_reorder(admin_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(admin_user)[0])
    proposal = default_stage("Proposal")
    before = _orders()
    body = {"title": "Offer", "sortOrder": 99}
    response = client.put(f"/api/2.0/crm/opportunity/stage/{proposal.pk}", body, format="json")
    assert response.status_code == 200, response.content
    assert _orders() == before
    response = client.post("/api/2.0/crm/opportunity/stage", {"title": "New", "sortOrder": -5})
    assert response.status_code == 201, response.content
    assert response.json()["response"]["sortOrder"] == max(before.values()) + 1
