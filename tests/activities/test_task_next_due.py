"""`Opportunity.next_task_due` is the earliest deadline of the deal's open tasks, whoever may
read them, kept by every task write through the API: create, update (a task moving between
deals updates both), close, reopen, delete."""

from datetime import UTC, datetime

from opportunities.models import Opportunity
from tests.activities.task_factories import API, TaskFactory, task_category
from tests.factories import OpportunityFactory

EARLY = "2030-01-10T09:00:00Z"
LATE = "2030-02-20T09:00:00Z"
EARLY_AT = datetime(2030, 1, 10, 9, tzinfo=UTC)
LATE_AT = datetime(2030, 2, 20, 9, tzinfo=UTC)


def _due(opportunity) -> datetime | None:
    return Opportunity.all_objects.get(pk=opportunity.pk).next_task_due


def _create(client, opportunity, deadline: str) -> int:
    response = client.post(
        f"{API}task",
        {
            "title": "Next step",
            "deadline": deadline,
            "categoryId": task_category().pk,
            "entityType": "opportunity",
            "entityId": opportunity.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["response"]["id"]


def test_create_sets_the_earliest_open_deadline_when_tasks_are_added(user_client, opportunity):
    assert _due(opportunity) is None

    _create(user_client, opportunity, LATE)
    assert _due(opportunity) == LATE_AT
    _create(user_client, opportunity, EARLY)
    assert _due(opportunity) == EARLY_AT
    _create(user_client, opportunity, LATE)
    assert _due(opportunity) == EARLY_AT


def test_close_and_reopen_move_the_date_when_the_earliest_task_changes_state(
    user_client, opportunity
):
    early = _create(user_client, opportunity, EARLY)
    _create(user_client, opportunity, LATE)

    user_client.put(f"{API}task/{early}/close")
    assert _due(opportunity) == LATE_AT
    user_client.put(f"{API}task/{early}/reopen")
    assert _due(opportunity) == EARLY_AT


def test_delete_clears_the_date_when_the_last_open_task_goes(user_client, opportunity):
    task_id = _create(user_client, opportunity, EARLY)

    assert user_client.delete(f"{API}task/{task_id}").status_code == 200
    assert _due(opportunity) is None


def test_deadline_change_moves_the_date_when_the_task_is_updated(user_client, opportunity):
    task_id = _create(user_client, opportunity, EARLY)

    user_client.put(f"{API}task/{task_id}", {"deadline": LATE}, format="json")

    assert _due(opportunity) == LATE_AT


def test_moving_a_task_updates_both_deals_when_its_deal_changes(user_client, user, opportunity):
    other_deal = OpportunityFactory(created_by=user, title="Other deal")
    task_id = _create(user_client, opportunity, EARLY)

    user_client.put(f"{API}task/{task_id}", {"entityId": other_deal.pk}, format="json")
    assert (_due(opportunity), _due(other_deal)) == (None, EARLY_AT)

    user_client.put(f"{API}task/{task_id}", {"entityId": 0}, format="json")
    assert _due(other_deal) is None


def test_tasks_others_cannot_read_still_count_when_the_date_is_computed(
    user_client, user, other_user, opportunity
):
    hidden = TaskFactory(created_by=other_user, responsible=other_user, opportunity=opportunity)

    _create(user_client, opportunity, "2099-01-01T00:00:00Z")

    assert _due(opportunity) == hidden.deadline


def test_group_create_sets_the_date_when_tasks_are_made_per_contact(
    user_client, user, opportunity, person
):
    response = user_client.post(
        f"{API}contact/task/group",
        {
            "title": "Invite",
            "deadline": EARLY,
            "categoryId": task_category().pk,
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "contactId": [person.pk],
        },
        format="json",
    )

    assert response.status_code == 201
    assert _due(opportunity) == EARLY_AT


def test_edit_form_version_is_kept_when_the_next_task_date_changes(user_client, opportunity):
    version = Opportunity.objects.get(pk=opportunity.pk).version

    _create(user_client, opportunity, EARLY)

    assert Opportunity.objects.get(pk=opportunity.pk).version == version
