"""crm/task routes as ONLYOFFICE clients call them: form and JSON bodies, the `.json` suffix, a
raw token and `Bearer`; the answer and the database afterwards."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from activities.models import Task
from tests.activities.task_factories import API, TaskFactory, task_category
from tests.factories import CompanyFactory, PersonFactory

TASK_KEYS = {
    "id",
    "createBy",
    "created",
    "title",
    "description",
    "deadLine",
    "responsible",
    "alertValue",
    "isClosed",
    "category",
    "contact",
    "entity",
    "canEdit",
}


def _create_payload(**extra) -> dict:
    return {
        "title": "Call the buyer",
        "deadline": "2030-03-04T10:00:00.0000000Z",
        "categoryId": task_category().pk,
        **extra,
    }


# -- POST task --------------------------------------------------------------------------------


@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_create_answers_201_with_every_key_when_sent_as_json_or_form(
    user_client, user, opportunity, person, body_format
):
    response = user_client.post(
        f"{API}task",
        _create_payload(
            description="Ask about the budget",
            entityType="opportunity",
            entityId=opportunity.pk,
            contactId=person.pk,
            alertValue=30,
            isNotify="true",
        ),
        format=body_format,
    )

    assert response.status_code == 201, response.json()
    body = response.json()["response"]
    assert set(body) == TASK_KEYS
    assert body["title"] == "Call the buyer"
    assert body["deadLine"] == "2030-03-04T10:00:00.0000000Z"
    assert body["alertValue"] == 30
    assert body["isClosed"] is False
    assert body["canEdit"] is True
    assert body["responsible"]["id"] == str(user.uuid)
    assert body["entity"] == {
        "entityType": "opportunity",
        "entityId": opportunity.pk,
        "entityTitle": "Public deal",
    }
    assert body["contact"]["id"] == person.pk
    assert "email" in body["contact"]
    assert body["category"]["title"] == "Phone call"
    assert body["category"]["relativeItemsCount"] == 1
    task = Task.objects.get(pk=body["id"])
    assert (task.opportunity_id, task.contact_id, task.created_by_id) == (
        opportunity.pk,
        person.pk,
        user.pk,
    )
    assert task.alert_minutes == 30
    assert task.remind_at == datetime(2030, 3, 4, 9, 30, tzinfo=UTC)


def test_create_with_suffix_and_bearer_token_when_the_client_sends_them(client_for, user):
    client = client_for(user, bearer=True)

    response = client.post(f"{API}task.json", _create_payload(), format="json")

    assert response.status_code == 201
    assert response.json()["response"]["entity"] is None
    assert response.json()["response"]["contact"] is None


def test_create_answers_xml_when_the_suffix_asks_for_it(user_client):
    response = user_client.post(f"{API}task.xml", _create_payload(), format="multipart")

    assert response.status_code == 201
    assert b"<title>Call the buyer</title>" in response.content


@pytest.mark.parametrize("missing", ["title", "deadline", "categoryId"])
def test_create_is_400_naming_the_field_when_a_required_one_is_missing(user_client, missing):
    payload = _create_payload()
    payload.pop(missing)

    response = user_client.post(f"{API}task", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == missing
    assert not Task.objects.exists()


def test_create_is_404_when_the_category_does_not_exist(user_client):
    response = user_client.post(f"{API}task", _create_payload(categoryId=99999), format="json")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Category is not found"
    assert not Task.objects.exists()


@pytest.mark.parametrize("entity_type", ["contact", "company", "nonsense"])
def test_create_is_400_when_the_entity_type_is_not_an_opportunity(user_client, entity_type):
    response = user_client.post(
        f"{API}task", _create_payload(entityType=entity_type, entityId=1), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityType"


def test_create_makes_the_given_user_responsible_when_responsible_id_is_sent(
    user_client, other_user
):
    response = user_client.post(
        f"{API}task", _create_payload(responsibleId=str(other_user.uuid)), format="json"
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert body["responsible"]["id"] == str(other_user.uuid)
    assert Task.objects.get().responsible == other_user


def test_create_makes_the_caller_responsible_when_the_empty_guid_is_sent(user_client, user):
    response = user_client.post(
        f"{API}task",
        _create_payload(responsibleId="00000000-0000-0000-0000-000000000000"),
        format="json",
    )

    assert response.status_code == 201
    assert Task.objects.get().responsible == user


# -- GET task/{id} ----------------------------------------------------------------------------


def test_read_answers_the_task_when_the_caller_created_it(user_client, user):
    task = TaskFactory(created_by=user, title="Send the quote")

    response = user_client.get(f"{API}task/{task.pk}.json")

    assert response.status_code == 200
    assert response.json()["response"]["title"] == "Send the quote"
    assert set(response.json()["response"]) == TASK_KEYS


@pytest.mark.parametrize("task_id", ["0", "99999"])
def test_read_is_400_or_404_when_the_id_is_zero_or_unknown(user_client, task_id):
    response = user_client.get(f"{API}task/{task_id}")

    assert response.status_code == (400 if task_id == "0" else 404)


# -- PUT task/{id} ----------------------------------------------------------------------------


def test_update_changes_only_what_is_sent_when_a_form_names_one_field(
    user_client, user, opportunity, person
):
    task = TaskFactory(
        created_by=user,
        title="Old title",
        description="Keep me",
        opportunity=opportunity,
        contact=person,
        alert_minutes=15,
    )

    response = user_client.put(f"{API}task/{task.pk}", {"title": "New title"}, format="multipart")

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.title == "New title"
    assert (task.description, task.opportunity_id, task.contact_id, task.alert_minutes) == (
        "Keep me",
        opportunity.pk,
        person.pk,
        15,
    )
    assert task.version == 2


def test_update_unlinks_when_entity_id_and_contact_id_are_zero(
    user_client, user, opportunity, person
):
    task = TaskFactory(created_by=user, opportunity=opportunity, contact=person)

    response = user_client.put(
        f"{API}task/{task.pk}.json",
        {"entityType": "opportunity", "entityId": 0, "contactId": 0},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["entity"] is None and body["contact"] is None
    task.refresh_from_db()
    assert task.opportunity_id is None and task.contact_id is None


def test_update_keeps_closed_when_every_field_is_sent_again(user_client, user):
    task = TaskFactory(created_by=user, is_closed=True, closed_at=timezone.now())

    response = user_client.put(
        f"{API}task/{task.pk}",
        _create_payload(title="Renamed", isClosed="false"),
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["response"]["isClosed"] is True


def test_update_is_404_and_creates_nothing_when_the_task_is_unknown(user_client):
    response = user_client.put(f"{API}task/4242", _create_payload(), format="json")

    assert response.status_code == 404
    assert not Task.objects.exists()


# -- close, reopen, delete --------------------------------------------------------------------


def test_close_then_reopen_flips_is_closed_when_the_responsible_asks(client_for, other_user):
    task = TaskFactory(responsible=other_user)
    client = client_for(other_user)

    closed = client.put(f"{API}task/{task.pk}/close.json")
    task.refresh_from_db()
    assert closed.status_code == 200 and closed.json()["response"]["isClosed"] is True
    assert task.is_closed and task.closed_by == other_user and task.closed_at is not None

    reopened = client.put(f"{API}task/{task.pk}/reopen")
    task.refresh_from_db()
    assert reopened.status_code == 200 and reopened.json()["response"]["isClosed"] is False
    assert not task.is_closed and task.closed_by is None


def test_delete_answers_the_task_as_it_was_when_the_creator_deletes(user_client, user):
    task = TaskFactory(created_by=user, title="Gone soon")

    response = user_client.delete(f"{API}task/{task.pk}.json")

    assert response.status_code == 200
    assert response.json()["response"]["id"] == task.pk
    assert response.json()["response"]["title"] == "Gone soon"
    assert not Task.objects.filter(pk=task.pk).exists()


def test_writes_are_403_when_the_caller_reads_the_deal_but_is_neither_responsible_nor_creator(
    other_client, user, opportunity
):
    task = TaskFactory(created_by=user, opportunity=opportunity, title="Mine")
    assert other_client.get(f"{API}task/{task.pk}").json()["response"]["canEdit"] is False

    for method, path in (
        ("put", f"{API}task/{task.pk}"),
        ("put", f"{API}task/{task.pk}/close"),
        ("put", f"{API}task/{task.pk}/reopen"),
        ("delete", f"{API}task/{task.pk}"),
    ):
        response = getattr(other_client, method)(path, {"title": "Theirs"}, format="json")
        assert response.status_code == 403, path
    task.refresh_from_db()
    assert (task.title, task.is_closed) == ("Mine", False)


# -- POST contact/task/group ------------------------------------------------------------------


def test_group_create_makes_one_task_per_contact_when_contact_ids_are_listed(user_client, user):
    people = [PersonFactory(created_by=user) for _ in range(3)]

    response = user_client.post(
        f"{API}contact/task/group.json",
        _create_payload(contactId=[p.pk for p in people]),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert [item["contact"]["id"] for item in body] == [p.pk for p in people]
    assert Task.objects.count() == 3


def test_group_create_reads_repeated_form_keys_when_sent_as_a_form(user_client, user):
    people = [PersonFactory(created_by=user) for _ in range(2)]
    payload = _create_payload()
    payload["contactId[]"] = [p.pk for p in people]

    response = user_client.post(f"{API}contact/task/group", payload, format="multipart")

    assert response.status_code == 201
    assert sorted(Task.objects.values_list("contact_id", flat=True)) == [p.pk for p in people]


def test_group_create_creates_nothing_when_one_contact_is_unknown(user_client, user):
    person = PersonFactory(created_by=user)

    response = user_client.post(
        f"{API}contact/task/group", _create_payload(contactId=[person.pk, 99999]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "contactId"
    assert not Task.objects.exists()


# -- GET task/filter --------------------------------------------------------------------------


def test_filter_puts_open_tasks_first_then_by_deadline_when_no_sort_is_given(user_client, user):
    now = timezone.now()
    late_open = TaskFactory(created_by=user, deadline=now + timedelta(days=5))
    early_open = TaskFactory(created_by=user, deadline=now + timedelta(days=1))
    closed = TaskFactory(created_by=user, deadline=now, is_closed=True)

    response = user_client.get(f"{API}task/filter.json")

    assert [t["id"] for t in response.json()["response"]] == [
        early_open.pk,
        late_open.pk,
        closed.pk,
    ]
    assert response.json()["total"] == 3


def test_filter_applies_each_criterion_when_given(user_client, user, other_user, opportunity):
    now = timezone.now()
    meeting = task_category("Appointment")
    company = CompanyFactory(created_by=user)
    employee = PersonFactory(created_by=user, company=company)
    wanted = TaskFactory(
        created_by=user,
        responsible=other_user,
        category=meeting,
        deadline=now + timedelta(days=2),
        title="Quarterly review",
        opportunity=opportunity,
    )
    TaskFactory(created_by=user, responsible=user, category=meeting, title="Quarterly review")
    on_person = TaskFactory(created_by=user, contact=employee)
    on_company = TaskFactory(created_by=user, contact=company)

    def ids(**query):
        response = user_client.get(f"{API}task/filter", query)
        assert response.status_code == 200, response.json()
        return {t["id"] for t in response.json()["response"]}

    assert ids(responsibleid=str(other_user.uuid)) == {wanted.pk}
    assert len(ids(responsibleid="00000000-0000-0000-0000-000000000000")) == 4  # anyone
    assert wanted.pk in ids(categoryid=meeting.pk)
    assert ids(categoryid=meeting.pk, filterValue="quarterly", responsibleid=str(other_user.uuid))
    assert ids(entityType="opportunity", entityid=opportunity.pk) == {wanted.pk}
    assert ids(entityType="contact", entityid=company.pk) == {on_person.pk, on_company.pk}
    assert ids(entityType="contact", entityid=employee.pk) == {on_person.pk}
    assert ids(entityType="case", entityid=5) == set()
    assert wanted.pk in ids(entityType="opportunity", entityid=0)
    assert ids(
        fromDate=(now + timedelta(days=1)).isoformat(),
        toDate=(now + timedelta(days=2.5)).isoformat(),
    ) >= {wanted.pk}
    assert ids(isClosed="true") == set()
    assert wanted.pk in ids(isClosed="false")


@pytest.mark.parametrize(
    "sort_by", ["title", "category", "deadLine", "contact", "contactManager", "id"]
)
def test_filter_sorts_by_each_key_when_asked(user_client, user, sort_by):
    TaskFactory(created_by=user, title="b")
    TaskFactory(created_by=user, title="a")

    ascending = user_client.get(f"{API}task/filter", {"sortBy": sort_by})
    descending = user_client.get(
        f"{API}task/filter", {"sortBy": sort_by, "sortOrder": "descending"}
    )

    assert ascending.status_code == descending.status_code == 200
    if sort_by == "title":
        assert [t["title"] for t in ascending.json()["response"]] == ["a", "b"]
        assert [t["title"] for t in descending.json()["response"]] == ["b", "a"]


def test_filter_is_400_when_sort_or_entity_type_is_unknown(user_client):
    assert user_client.get(f"{API}task/filter", {"sortBy": "nope"}).status_code == 400
    response = user_client.get(f"{API}task/filter", {"entityType": "nope", "entityid": 1})
    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityType"


def test_filter_pages_with_an_exact_total_when_start_index_and_count_are_given(user_client, user):
    tasks = [TaskFactory(created_by=user) for _ in range(5)]
    ordered = sorted(tasks, key=lambda t: (t.deadline, t.title.lower(), t.pk))

    response = user_client.get(f"{API}task/filter", {"startIndex": 1, "count": 2})

    body = response.json()
    assert [t["id"] for t in body["response"]] == [t.pk for t in ordered[1:3]]
    assert body["total"] == 5
    assert body["nextIndex"] == 4
    last = user_client.get(f"{API}task/filter", {"startIndex": 4, "count": 2}).json()
    assert last["total"] == 5 and len(last["response"]) == 1
    beyond = user_client.get(f"{API}task/filter", {"startIndex": 9, "count": 2}).json()
    assert beyond["total"] == 5 and beyond["response"] == []


def test_overdue_task_is_listed_open_when_its_deadline_passed(user_client, user):
    task = TaskFactory(created_by=user, deadline=timezone.now() - timedelta(days=2))

    response = user_client.get(f"{API}task/filter", {"isClosed": "false"})

    assert [t["id"] for t in response.json()["response"]] == [task.pk]


def test_update_writes_nothing_when_every_value_sent_is_the_stored_one(user_client, user):
    task = TaskFactory(created_by=user, title="Same")
    before = task.updated_at

    response = user_client.put(
        f"{API}task/{task.pk}", {"title": "Same", "categoryId": task.category_id}, format="json"
    )

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.version, task.updated_at) == (1, before)
