"""What a caller may not read does not exist for them: a stranger gets 404 (ONLYOFFICE: 403) or
nothing, on every task route, and nothing changes. One reading rule (decision 11): admins, the
responsible, the creator, or readers of every linked record; a trashed deal's tasks are gone."""

import pytest
from django.core import mail

from activities.models import Task
from opportunities.models import Opportunity
from tests.activities.task_factories import API, TaskFactory, task_category
from tests.factories import OpportunityFactory, PersonFactory


@pytest.fixture
def secret_task(user, private_opportunity):
    """A task of `user` on a private deal only `user` may read."""
    return TaskFactory(created_by=user, opportunity=private_opportunity, title="Secret call")


def _payload(**extra) -> dict:
    return {
        "title": "Sneaky",
        "deadline": "2030-01-01T09:00:00Z",
        "categoryId": task_category().pk,
        **extra,
    }


def _unchanged(task: Task) -> None:
    before = (task.title, task.is_closed, task.version)
    task.refresh_from_db()
    assert (task.title, task.is_closed, task.version) == before


def test_read_is_404_when_the_stranger_cannot_read_the_deal(other_client, secret_task):
    response = other_client.get(f"{API}task/{secret_task.pk}")

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


@pytest.mark.parametrize(
    "method, suffix", [("put", ""), ("put", "/close"), ("put", "/reopen"), ("delete", "")]
)
def test_writes_are_404_and_change_nothing_when_the_stranger_cannot_read(
    other_client, secret_task, method, suffix
):
    response = getattr(other_client, method)(
        f"{API}task/{secret_task.pk}{suffix}", {"title": "Mine now"}, format="json"
    )

    assert response.status_code == 404
    _unchanged(secret_task)


def test_filter_neither_lists_nor_counts_the_task_when_the_stranger_cannot_read(
    other_client, secret_task, private_opportunity
):
    for query in ({}, {"entityType": "opportunity", "entityid": private_opportunity.pk}):
        body = other_client.get(f"{API}task/filter", query).json()
        assert body["response"] == [] and body["total"] == 0


def test_categories_do_not_count_the_task_when_the_stranger_cannot_read(
    other_client, client_for, user, secret_task
):
    def count(client):
        categories = client.get(f"{API}task/category").json()["response"]
        return next(c for c in categories if c["id"] == secret_task.category_id)[
            "relativeItemsCount"
        ]

    assert count(client_for(user)) == 1
    assert count(other_client) == 0
    single = other_client.get(f"{API}task/category/{secret_task.category_id}").json()
    assert single["response"]["relativeItemsCount"] == 0


def test_create_is_400_not_found_when_the_deal_is_unreadable(other_client, private_opportunity):
    response = other_client.post(
        f"{API}task",
        _payload(entityType="opportunity", entityId=private_opportunity.pk),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityId"
    assert "not found" in response.json()["error"]["message"]
    assert not Task.objects.exists()


def test_create_is_400_not_found_when_the_contact_is_unreadable(other_client, user):
    hidden = PersonFactory(created_by=user, access_list=[user])

    for path, payload in (
        ("task", _payload(contactId=hidden.pk)),
        ("contact/task/group", _payload(contactId=[hidden.pk])),
    ):
        response = other_client.post(f"{API}{path}", payload, format="json")
        assert response.status_code == 400, path
        assert response.json()["error"]["data"]["field"] == "contactId"
    assert not Task.objects.exists()


def test_update_is_400_when_the_task_is_moved_onto_an_unreadable_deal(
    other_client, other_user, private_opportunity
):
    task = TaskFactory(created_by=other_user, title="Mine")

    response = other_client.put(
        f"{API}task/{task.pk}", {"entityId": private_opportunity.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityId"
    task.refresh_from_db()
    assert task.opportunity_id is None


def test_create_is_400_naming_responsible_id_when_the_responsible_cannot_read_the_deal(
    user_client, other_user, private_opportunity
):
    response = user_client.post(
        f"{API}task",
        _payload(
            responsibleId=str(other_user.uuid),
            entityType="opportunity",
            entityId=private_opportunity.pk,
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "responsibleId"
    assert not Task.objects.exists()
    assert mail.outbox == []


def test_responsible_sees_the_task_without_the_links_when_they_lost_access_to_them(
    client_for, user, other_user, private_opportunity
):
    hidden = PersonFactory(created_by=user, access_list=[user])
    task = TaskFactory(
        created_by=user, responsible=other_user, opportunity=private_opportunity, contact=hidden
    )

    body = client_for(other_user).get(f"{API}task/{task.pk}").json()["response"]

    assert body["canEdit"] is True
    assert body["entity"] is None and body["contact"] is None
    assert "Secret deal" not in str(body)


def test_unlinked_task_is_hidden_from_others_when_it_links_nothing(other_client, user):
    task = TaskFactory(created_by=user)

    assert other_client.get(f"{API}task/{task.pk}").status_code == 404
    assert other_client.get(f"{API}task/filter").json()["total"] == 0


def test_task_needs_both_links_readable_when_it_has_a_deal_and_a_contact(
    other_client, user, opportunity
):
    hidden = PersonFactory(created_by=user, access_list=[user])
    task = TaskFactory(created_by=user, opportunity=opportunity, contact=hidden)

    assert other_client.get(f"{API}task/{task.pk}").status_code == 404


def test_reader_of_every_link_sees_the_task_when_it_is_public(other_client, user, opportunity):
    task = TaskFactory(created_by=user, opportunity=opportunity)

    body = other_client.get(f"{API}task/{task.pk}").json()["response"]

    assert body["entity"]["entityId"] == opportunity.pk
    assert body["canEdit"] is False


def test_trashed_deal_takes_its_tasks_when_even_an_admin_looks(
    admin_client, client_for, user, opportunity
):
    task = TaskFactory(created_by=user, opportunity=opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(deleted_at=opportunity.created_at)

    for client in (admin_client, client_for(user)):
        assert client.get(f"{API}task/{task.pk}").status_code == 404
        assert client.get(f"{API}task/filter").json()["total"] == 0
        assert client.put(f"{API}task/{task.pk}/close").status_code == 404
    task.refresh_from_db()
    assert not task.is_closed


def test_admin_reads_and_edits_any_live_task_when_it_is_private(admin_client, secret_task):
    assert admin_client.get(f"{API}task/{secret_task.pk}").json()["response"]["canEdit"] is True
    assert admin_client.put(f"{API}task/{secret_task.pk}/close").status_code == 200


def test_guest_gets_403_on_every_route_when_calling_the_crm(client_for, guest, user):
    task = TaskFactory(created_by=user, responsible=guest)
    client = client_for(guest)

    for method, path in (
        ("get", f"task/{task.pk}"),
        ("get", "task/filter"),
        ("post", "task"),
        ("put", f"task/{task.pk}"),
        ("put", f"task/{task.pk}/close"),
        ("delete", f"task/{task.pk}"),
        ("get", "task/category"),
        ("post", "contact/task/group"),
    ):
        response = getattr(client, method)(f"{API}{path}", _payload(), format="json")
        assert response.status_code == 403, path
    assert Task.objects.count() == 1


def test_guest_may_be_made_responsible_and_is_mailed_nothing_when_assigned(
    user_client, guest, opportunity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            f"{API}task",
            _payload(
                responsibleId=str(guest.uuid), entityType="opportunity", entityId=opportunity.pk
            ),
            format="json",
        )

    assert response.status_code == 201
    assert Task.objects.get().responsible == guest
    assert mail.outbox == []


def test_deactivated_user_cannot_be_made_responsible_when_assigning(user_client, other_user):
    other_user.is_active = False
    other_user.save(update_fields=["is_active"])

    response = user_client.post(
        f"{API}task", _payload(responsibleId=str(other_user.uuid)), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "responsibleId"


def test_stranger_cannot_filter_a_private_deal_into_view_when_creating_for_it(other_client, user):
    deal = OpportunityFactory(created_by=user, access_list=[user])

    response = other_client.post(
        f"{API}task", _payload(entityType="opportunity", entityId=deal.pk), format="multipart"
    )

    assert response.status_code == 400
    assert deal.title not in response.content.decode()


def test_responsible_who_lost_access_to_the_deal_still_renames_the_task(
    client_for, user, other_user, private_opportunity
):
    task = TaskFactory(created_by=user, responsible=other_user, opportunity=private_opportunity)

    response = client_for(other_user).put(
        f"{API}task/{task.pk}", {"title": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.opportunity_id) == ("Renamed", private_opportunity.pk)
