"""A deal in the trash does not exist for the API: not in any list, count or filter, for its
creator or an admin, and every route naming it answers 404 exactly as for a missing id, changing
nothing. Beside it lives a deal with the same stage, tag, custom field and contact, so every count
must say exactly one."""

import pytest

from opportunities.models import Opportunity, OpportunityMember, Stage
from opportunities.services import opportunity_delete
from tests.factories import (
    CustomFieldFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm"
MISSING = 999999


@pytest.fixture
def proposal(db):
    return Stage.objects.get(title="Proposal")


@pytest.fixture
def world(user, person, proposal):
    """`kept` and `gone` share a stage, a tag, a custom field and a contact; `gone` is in the
    trash, and `only_gone` is a contact linked to nothing else."""
    tag = TagFactory(title="hot")
    field = CustomFieldFactory(label="Region")
    only_gone = PersonFactory(first_name="Olga", last_name="Onlygone", created_by=user)
    kept = OpportunityFactory(
        title="Deal kept", created_by=user, stage=proposal, contact=person, tags=[tag]
    )
    kept.members.set([person])
    gone = OpportunityFactory(
        title="Deal gone",
        created_by=user,
        stage=proposal,
        contact=person,
        tags=[tag],
        access_list=[user],
    )
    gone.members.set([person, only_gone])
    for deal in (kept, gone):
        OpportunityCustomFieldValueFactory(opportunity=deal, field=field, value="EMEA")
    opportunity_delete(opportunity=gone, deleted_by=user)
    return {"kept": kept, "gone": gone, "tag": tag, "field": field, "only_gone": only_gone}


@pytest.fixture(params=["creator", "admin"])
def reader(request, user_client, admin_client):
    return user_client if request.param == "creator" else admin_client


def body(response):
    assert response.status_code == 200, response.content
    return response.json()


def ids(response) -> list[int]:
    return [item["id"] for item in body(response)["response"]]


def still_in_trash(deal) -> None:
    row = Opportunity.all_objects.get(pk=deal.pk)
    assert row.deleted_at is not None
    assert row.version == deal.version


# -- lists, counts and filters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"tags": ["hot"]},
        {"contactid": "{person}", "contactAlsoIsParticipant": "true"},
        {"filterValue": "Deal"},
        {"opportunityStagesid": "{stage}"},
    ],
)
def test_not_in_opportunity_filter_nor_its_total(reader, world, person, proposal, params):
    params = {
        k: (v.format(person=person.pk, stage=proposal.pk) if isinstance(v, str) else v)
        for k, v in params.items()
    }
    answer = reader.get(f"{API}/opportunity/filter", params)
    assert ids(answer) == [world["kept"].pk]
    assert body(answer)["total"] == 1


def test_not_counted_in_stage_counts(reader, world, proposal):
    listed = body(reader.get(f"{API}/opportunity/stage"))["response"]
    one = body(reader.get(f"{API}/opportunity/stage/{proposal.pk}"))["response"]
    assert {s["id"]: s["relativeItemsCount"] for s in listed}[proposal.pk] == 1
    assert one["relativeItemsCount"] == 1


def test_not_counted_in_tag_counts(reader, world):
    tags = body(reader.get(f"{API}/opportunity/tag"))["response"]
    assert {t["title"]: t["relativeItemsCount"] for t in tags}["hot"] == 1


def test_not_counted_in_custom_field_counts(reader, world):
    definitions = body(reader.get(f"{API}/opportunity/customfield/definitions"))["response"]
    counts = {d["id"]: d["relativeItemsCount"] for d in definitions}
    assert counts[world["field"].pk] == 1


def test_not_listed_by_contact_nor_by_prefix(reader, world, person):
    assert ids(reader.get(f"{API}/opportunity/bycontact/{person.pk}")) == [world["kept"].pk]
    assert ids(reader.get(f"{API}/opportunity/byprefix", {"prefix": "Deal"})) == [world["kept"].pk]
    internal = reader.get(
        f"{API}/opportunity/byprefix",
        {"prefix": "Deal", "contactID": person.pk, "internalSearch": "true"},
    )
    assert ids(internal) == [world["kept"].pk]


def test_contact_linked_only_to_it_is_no_contact_with_opportunity(reader, world, person):
    answer = reader.get(f"{API}/contact/filter", {"contactListView": "withopportunity"})
    assert ids(answer) == [person.pk]
    assert body(answer)["total"] == 1


def test_its_history_and_tasks_are_not_listed(reader, user, world):
    from django.utils import timezone

    from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory

    for deal, word in ((world["gone"], "Gone"), (world["kept"], "Kept")):
        HistoryEvent.objects.create(
            opportunity=deal, content=f"{word} call", category=HistoryCategory.objects.first()
        )
        Task.objects.create(
            opportunity=deal,
            title=f"{word} task",
            deadline=timezone.now(),
            responsible=user,
            category=TaskCategory.objects.first(),
        )
    events = body(reader.get(f"{API}/history/filter"))["response"]
    assert [e["content"] for e in events] == ["Kept call"]
    of_deal = reader.get(
        f"{API}/history/filter", {"entityType": "opportunity", "entityId": world["gone"].pk}
    )
    assert of_deal.status_code in (200, 404)
    assert "Gone call" not in of_deal.content.decode()
    tasks = body(reader.get(f"{API}/task/filter"))["response"]
    assert [t["title"] for t in tasks] == ["Kept task"]


# -- every route naming it: 404, nothing changed --------------------------------------------------


def single_routes(pk, person, field, proposal):
    deal = f"{API}/opportunity/{pk}"
    return [
        ("get", deal, None),
        ("put", deal, {"title": "Back"}),
        ("delete", deal, None),
        ("put", f"{deal}/stage/{proposal.pk}", {"stageid": proposal.pk}),
        ("put", f"{deal}/access", {"isPrivate": "false"}),
        ("get", f"{deal}/contact", None),
        ("post", f"{deal}/contact/{person.pk}", None),
        ("delete", f"{deal}/contact/{person.pk}", None),
        ("post", f"{API}/contact/{person.pk}/opportunity/{pk}", None),
        ("delete", f"{API}/contact/{person.pk}/opportunity/{pk}", None),
        ("get", f"{deal}/customfield", None),
        ("post", f"{deal}/customfield/{field.pk}", {"fieldValue": "APAC"}),
        ("get", f"{API}/opportunity/tag/{pk}", None),
        ("post", f"{deal}/tag", {"tagName": "cold"}),
        ("delete", f"{deal}/tag", {"tagName": "hot"}),
        ("put", f"{deal}/creationdate", {"creationDate": "2020-01-01T00:00:00"}),
        ("put", f"{deal}/lastmodifeddate", {"lastModifedDate": "2020-01-01T00:00:00"}),
    ]


ROUTES = 17


@pytest.mark.parametrize("index", range(ROUTES))
def test_every_route_naming_it_answers_404_as_for_a_missing_id(
    reader, world, person, proposal, index
):
    gone = world["gone"]
    gone.refresh_from_db()
    method, url, data = single_routes(gone.pk, person, world["field"], proposal)[index]
    _, missing_url, _ = single_routes(MISSING, person, world["field"], proposal)[index]

    answer = getattr(reader, method)(url, data, format="json")
    missing = getattr(reader, method)(missing_url, data, format="json")

    assert answer.status_code == 404, answer.content
    assert answer.json()["error"]["message"] == missing.json()["error"]["message"]
    still_in_trash(gone)
    members = OpportunityMember.objects.filter(opportunity=gone).values_list("contact", flat=True)
    assert set(members) == {person.pk, world["only_gone"].pk}
    assert list(gone.tags.values_list("title", flat=True)) == ["hot"]


def test_group_routes_skip_it(reader, world):
    gone, kept = world["gone"], world["kept"]
    gone.refresh_from_db()

    deleted = reader.put(f"{API}/opportunity", {"opportunityids": [gone.pk]}, format="json")
    assert ids(deleted) == []
    shared = reader.put(
        f"{API}/opportunity/access",
        {"opportunityid": [gone.pk, kept.pk], "isPrivate": "false"},
        format="json",
    )
    assert ids(shared) == [kept.pk]
    tagged = reader.post(
        f"{API}/opportunity/taglist",
        {"entityid": [gone.pk], "tagName": "cold", "entityType": "opportunity"},
        format="json",
    )
    assert tagged.status_code in (200, 201)
    assert not gone.tags.filter(title="cold").exists()
    still_in_trash(gone)


def test_filter_wide_delete_answers_as_before_and_moves_only_live_deals(reader, world):
    answer = reader.delete(f"{API}/opportunity/filter")
    assert ids(answer) == [world["kept"].pk]  # the one in the trash is not deleted again
    assert not Opportunity.objects.exists()
    gone = Opportunity.all_objects.get(pk=world["gone"].pk)
    kept = Opportunity.all_objects.get(pk=world["kept"].pk)
    assert gone.deletion_batch != kept.deletion_batch  # each delete, its own batch


@pytest.mark.parametrize("cache_kind", ["per-process cache", "shared cache"])
def test_cached_totals_follow_a_delete_and_a_restore(
    request, cache_kind, client_for, user, django_capture_on_commit_callbacks
):
    """Counts cached in a shared cache are dropped when a delete or a restore commits."""
    from opportunities.trash_services import opportunity_restore, opportunity_restore_batch

    if cache_kind == "shared cache":
        request.getfixturevalue("shared_cache")
    client = client_for(user)
    deals = [OpportunityFactory(created_by=user) for _ in range(3)]

    def total() -> int:
        return body(client.get(f"{API}/opportunity/filter"))["total"]

    assert total() == 3
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_delete(opportunity=deals[0], deleted_by=user)
    assert total() == 2
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_restore(opportunity_id=deals[0].pk, restored_by=user)
    assert total() == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"{API}/opportunity/filter")
    assert total() == 0
    batch = Opportunity.all_objects.get(pk=deals[1].pk).deletion_batch
    with django_capture_on_commit_callbacks(execute=True):
        assert opportunity_restore_batch(batch=batch, restored_by=user) == 3
    assert total() == 3
