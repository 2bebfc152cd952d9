"""/sales/opportunity-stages (contract §5): reads for everyone signed in, writes for admins
through the stage services, in JSON and XML; the same stages as ONLYOFFICE's and the board's."""

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.models import Stage, StageType
from tests.factories import OpportunityFactory, default_stage
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunity-stages"


def _url(stage) -> str:
    return f"{URL}/{stage.pk + 100000}"


def test_list_in_sort_order_with_paging(rb):
    body = rb.get(f"{URL}?$top=80&$inlinecount=allpages").json()
    stages = list(Stage.objects.order_by("sort_order", "id"))
    assert [item["opportunityStageId"] for item in body["opportunityStages"]] == [
        stage.pk + 100000 for stage in stages
    ]
    assert body["paging"]["totalCount"] == len(stages)
    first = body["opportunityStages"][0]
    assert first == {
        "opportunityStageId": stages[0].pk + 100000,
        "name": "Initial contact",
        "probability": 1,
        "daysBeforeWarning": None,
        "sortIndex": stages[0].sort_order,
    }


def test_list_filter_orderby_and_xml(rb):
    body = rb.get(f"{URL}?$filter=Probability ge 75&$orderby=Probability desc").json()
    assert [item["name"] for item in body["opportunityStages"]] == [
        "Closure/Transaction",
        "Negotiations",
        "Proposal",
    ]
    root = xml_of(rb.get(f"{URL}?$format=xml&$filter=Name eq 'proposal'"))
    assert root.tag == "OpportunityStages"
    assert [child.tag for child in root] == ["OpportunityStage", "Paging"]
    assert root.findtext("OpportunityStage/Name") == "Proposal"


def test_get_one_and_unknown(rb):
    stage = default_stage("Proposal")
    assert rb.get(_url(stage)).json()["opportunityStage"]["name"] == "Proposal"
    assert_error(rb.get(f"{URL}/199999"), 404, 990012)
    assert_error(rb.get(f"{URL}/5"), 400, 990004, "opportunityStageId")


def test_admin_creates_with_ramBase_defaults_and_it_shows_in_onlyoffice(rb_admin, admin_user):
    response = rb_admin.send_json("post", URL, {"opportunityStage": {"name": "Demo booked"}})
    assert response.status_code == 201, response.content
    shape = response.json()["opportunityStage"]
    stage = Stage.objects.get(title="Demo booked")
    assert response["Location"].endswith(f"/sales/opportunity-stages/{stage.pk + 100000}")
    assert shape["probability"] == 100
    assert stage.stage_type == StageType.OPEN and stage.color == "" and stage.description == ""
    assert stage.sort_order == max(Stage.objects.values_list("sort_order", flat=True))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(admin_user)[0])
    listed = client.get("/api/2.0/crm/opportunity/stage").json()["response"]
    assert listed[-1]["title"] == "Demo booked"


def test_admin_creates_in_xml_at_a_sort_index(rb_admin):
    proposal = default_stage("Proposal")
    text = (
        "<OpportunityStage><Name>Early</Name><Probability>5</Probability>"
        f"<DaysBeforeWarning>3</DaysBeforeWarning><SortIndex>{proposal.sort_order}</SortIndex>"
        "</OpportunityStage>"
    )
    response = rb_admin.send_xml("post", f"{URL}?$format=xml", text)
    assert response.status_code == 201, response.content
    assert xml_of(response).findtext("DaysBeforeWarning") == "3"
    order = list(Stage.objects.order_by("sort_order", "id").values_list("title", flat=True))
    assert order.index("Early") == order.index("Proposal") + 1


def test_admin_updates_and_deletes(rb_admin):
    stage = Stage.objects.create(title="Temp", sort_order=99)
    response = rb_admin.send_json(
        "put", _url(stage), {"name": "Renamed", "probability": 40, "daysBeforeWarning": None}
    )
    assert response.status_code == 200, response.content
    stage.refresh_from_db()
    assert (stage.title, stage.success_probability, stage.days_before_warning) == (
        "Renamed",
        40,
        None,
    )
    assert rb_admin.delete(_url(stage)).status_code == 204
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_deleting_a_stage_in_use_is_990005(rb_admin, opportunity):
    assert_error(rb_admin.delete(_url(opportunity.stage)), 400, 990005)
    assert Stage.objects.filter(pk=opportunity.stage_id).exists()


@pytest.mark.parametrize(
    ("body", "error_id", "parameter"),
    [
        ({}, 990001, "Name"),
        ({"name": "X", "probability": 101}, 990001, "Probability"),
        ({"name": "X", "daysBeforeWarning": -1}, 990001, "DaysBeforeWarning"),
        ({"name": "X", "taskProcessTemplate": {"id": 1}}, 990001, "TaskProcessTemplate"),
        ({"name": "X", "colour": "red"}, 990003, "colour"),
        ({"name": "X", "sortIndex": "first"}, 990001, "SortIndex"),
    ],
)
def test_refused_stage_writes(rb_admin, body, error_id, parameter):
    before = Stage.objects.count()
    assert_error(rb_admin.send_json("post", URL, body), 400, error_id, parameter)
    assert Stage.objects.count() == before


def test_non_admins_get_403_before_any_lookup(rb):
    stage = default_stage("Proposal")
    assert_error(rb.send_json("post", URL, {"name": "Mine"}), 403, 990011)
    assert_error(rb.send_json("put", _url(stage), {"name": "Mine"}), 403, 990011)
    assert_error(rb.send_json("put", f"{URL}/199999", {"name": "Mine"}), 403, 990011)
    assert_error(rb.delete(_url(stage)), 403, 990011)
    stage.refresh_from_db()
    assert stage.title == "Proposal"


def test_a_stage_change_through_rambase_shows_the_opportunity_in_that_column(rb, user):
    opportunity = OpportunityFactory(created_by=user)
    won = default_stage("Closure/Transaction")
    rb.send_json(
        "put",
        f"/sales/opportunities/{opportunity.pk + 100000}",
        {"opportunityStage": {"opportunityStageId": won.pk + 100000}},
    )
    opportunity.refresh_from_db()
    assert opportunity.stage == won and opportunity.actual_close_date is not None


def test_patch_and_put_on_the_collection_are_405(rb_admin):
    assert_error(rb_admin.patch(URL), 405, 990013)
    assert_error(rb_admin.put(URL), 405, 990013)
    assert_error(rb_admin.patch(_url(default_stage("Proposal"))), 405, 990013)
