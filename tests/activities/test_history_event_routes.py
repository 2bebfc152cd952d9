"""POST history, GET history/filter, DELETE history/{id}: as ONLYOFFICE clients send them (form
and JSON bodies, the `.json` suffix, a raw token and `Bearer`), answers and database checked."""

from datetime import UTC, datetime

import pytest

from activities.models import HistoryEvent, SystemCategory
from tests.activities.history_factories import HistoryEventFactory, history_category
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory

API = "/api/2.0/crm/"
WRAPPER_KEYS = {
    "id",
    "createBy",
    "created",
    "content",
    "category",
    "contact",
    "entity",
    "canEdit",
    "files",
}


# -- POST history --------------------------------------------------------------------------------


@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_add_stores_the_event_on_the_opportunity_when_posted(
    user_client, user, opportunity, body_format
):
    note = history_category("Note")

    response = user_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "content": "<p>Called <b>Paula</b></p>",
            "categoryId": note.pk,
        },
        format=body_format,
    )

    assert response.status_code == 201, response.json()
    body = response.json()["response"]
    assert set(body) == WRAPPER_KEYS
    assert body["content"] == "<p>Called <b>Paula</b></p>"  # stored as sent
    assert body["category"]["id"] == note.pk and body["category"]["title"] == "Note"
    assert body["entity"] == {
        "entityType": "opportunity",
        "entityId": opportunity.pk,
        "entityTitle": "Public deal",
    }
    assert body["contact"] is None
    assert body["createBy"]["id"] == str(user.uuid)
    assert body["canEdit"] is True
    assert body["files"] == []
    event = HistoryEvent.objects.get()
    assert (event.opportunity, event.category, event.created_by) == (opportunity, note, user)
    assert event.content == "<p>Called <b>Paula</b></p>"


def test_add_takes_the_json_suffix_and_a_bearer_token(client_for, user, person):
    client = client_for(user, bearer=True)

    response = client.post(
        f"{API}history.json",
        {"contactId": person.pk, "content": "Met at the fair", "categoryId": history_category().pk},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert body["contact"]["id"] == person.pk
    assert body["contact"]["displayName"] == "Paula Person"
    assert body["entity"] is None
    assert HistoryEvent.objects.get().contact == person


def test_add_links_both_the_opportunity_and_the_contact(user_client, opportunity, person):
    response = user_client.post(
        f"{API}history",
        {
            "entityType": "Opportunity",
            "entityid": opportunity.pk,
            "contactid": person.pk,
            "content": "Demo done",
            "categoryid": history_category("Appointment").pk,
        },
    )

    assert response.status_code == 201
    event = HistoryEvent.objects.get()
    assert (event.opportunity, event.contact) == (opportunity, person)


def test_add_with_category_minus_one_is_a_closed_task_event_as_the_web_client_posts(
    user_client, opportunity
):
    """ONLYOFFICE's web client (tasks.js) posts this after closing a task."""
    response = user_client.post(
        f"{API}history.json",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "contactId": 0,
            "content": "The «Call back» task is closed",
            "categoryId": -1,
        },
    )

    assert response.status_code == 201
    category = response.json()["response"]["category"]
    assert category["id"] == -1 and category["title"] == "Task is closed"
    assert category["imagePath"].endswith("event_category_close.png")
    event = HistoryEvent.objects.get()
    assert event.category is None and event.system_category == SystemCategory.TASK_CLOSED


def test_add_keeps_the_created_date_sent(user_client, opportunity):
    response = user_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "content": "Back-dated note",
            "categoryId": history_category().pk,
            "created": "2026-03-01T09:30:00.0000000Z",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["response"]["created"].startswith("2026-03-01T")
    assert HistoryEvent.objects.get().created_at == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_add_mails_the_people_named_after_the_commit(
    user_client, opportunity, other_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            f"{API}history",
            {
                "entityType": "opportunity",
                "entityId": opportunity.pk,
                "content": "<p>Please call them <b>today</b></p>",
                "categoryId": history_category().pk,
                "notifyUserList": [str(other_user.uuid)],
            },
            format="json",
        )

    assert response.status_code == 201
    assert "notifyUserList" not in response.json()["response"]
    assert [m.to for m in mailoutbox] == [[other_user.email]]
    assert "Please call them today" in mailoutbox[0].body
    assert "Public deal" in mailoutbox[0].subject


def test_add_is_400_and_mails_nobody_when_a_person_named_cannot_read_the_deal(
    user_client, private_opportunity, other_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            f"{API}history",
            {
                "entityType": "opportunity",
                "entityId": private_opportunity.pk,
                "content": "Secret terms",
                "categoryId": history_category().pk,
                "notifyUserList[]": str(other_user.uuid),
            },
        )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "notifyUserList"
    assert not HistoryEvent.objects.exists()
    assert mailoutbox == []


def test_add_is_400_when_a_guest_is_named(user_client, opportunity, guest):
    response = user_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "content": "x",
            "categoryId": history_category().pk,
            "notifyUserList": [str(guest.uuid)],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "notifyUserList"
    assert not HistoryEvent.objects.exists()


# -- GET history/filter --------------------------------------------------------------------------


def test_filter_of_an_opportunity_answers_its_events_newest_first(user_client, opportunity):
    """Issue 9 point 8: a front end's deal preview sends exactly this request."""
    old = HistoryEventFactory(opportunity=opportunity, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    new = HistoryEventFactory(opportunity=opportunity, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    HistoryEventFactory()  # another deal's

    response = user_client.get(
        f"{API}history/filter?entityType=opportunity&entityId={opportunity.pk}"
    )

    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body["response"]] == [new.pk, old.pk]
    assert body["total"] == 2
    assert set(body["response"][0]) == WRAPPER_KEYS


def test_filter_takes_the_json_suffix_and_a_bearer_token(client_for, user, opportunity):
    event = HistoryEventFactory(opportunity=opportunity)

    response = client_for(user, bearer=True).get(
        f"{API}history/filter.json", {"entityType": "opportunity", "entityId": opportunity.pk}
    )

    assert response.status_code == 200
    assert [e["id"] for e in response.json()["response"]] == [event.pk]


def test_filter_with_opportunity_and_no_id_is_404_as_in_onlyoffice(user_client, opportunity):
    """Decision 9: kept (front ends fall back to the id they have)."""
    HistoryEventFactory(opportunity=opportunity)

    response = user_client.get(f"{API}history/filter?entityType=opportunity")

    assert response.status_code == 404


def test_filter_of_a_company_includes_its_peoples_events(user_client, user):
    company = CompanyFactory(created_by=user)
    employee = PersonFactory(created_by=user, company=company)
    on_company = HistoryEventFactory(opportunity=None, contact=company, created_by=user)
    on_employee = HistoryEventFactory(opportunity=None, contact=employee, created_by=user)
    HistoryEventFactory(opportunity=None, contact=PersonFactory(created_by=user), created_by=user)

    response = user_client.get(f"{API}history/filter?entityType=contact&entityId={company.pk}")

    assert {e["id"] for e in response.json()["response"]} == {on_company.pk, on_employee.pk}


def test_filter_by_category_author_dates_and_text(user_client, user, other_user, opportunity):
    call = history_category("Phone call")
    match = HistoryEventFactory(
        opportunity=opportunity,
        category=call,
        created_by=other_user,
        content="Discussed the PRICE list",
        created_at=datetime(2026, 5, 10, 15, 0, tzinfo=UTC),
    )
    HistoryEventFactory(opportunity=opportunity, category=call, created_by=user)
    HistoryEventFactory(opportunity=opportunity, created_by=other_user, content="price")
    HistoryEventFactory(
        opportunity=opportunity,
        category=call,
        created_by=other_user,
        content="price",
        created_at=datetime(2026, 5, 12, tzinfo=UTC),
    )

    response = user_client.get(
        f"{API}history/filter",
        {
            "categoryId": call.pk,
            "createBy": str(other_user.uuid),
            "fromDate": "2026-05-10",
            "toDate": "2026-05-10",  # the whole day
            "filterValue": "price list",
        },
    )

    assert [e["id"] for e in response.json()["response"]] == [match.pk]
    assert response.json()["total"] == 1


def test_filter_by_a_negative_category_selects_system_events(user_client, opportunity):
    closed = HistoryEventFactory(
        opportunity=opportunity, category=None, system_category=SystemCategory.TASK_CLOSED
    )
    HistoryEventFactory(opportunity=opportunity)

    response = user_client.get(f"{API}history/filter?categoryId=-1")

    assert [e["id"] for e in response.json()["response"]] == [closed.pk]


@pytest.mark.parametrize(
    ("sort_by", "sort_order", "expected"),
    [
        ("content", "", ["a", "B", "c"]),
        ("content", "descending", ["c", "B", "a"]),
        ("3", "", ["a", "B", "c"]),
        ("ID", "descending", ["B", "a", "c"]),
        ("created", "", ["c", "a", "B"]),
        ("nonsense", "", ["B", "a", "c"]),  # unknown: the default, newest first
    ],
)
def test_filter_sorts_as_asked(user_client, opportunity, sort_by, sort_order, expected):
    for content, day in (("c", 1), ("a", 2), ("B", 3)):
        HistoryEventFactory(
            opportunity=opportunity, content=content, created_at=datetime(2026, 1, day, tzinfo=UTC)
        )

    response = user_client.get(f"{API}history/filter", {"sortBy": sort_by, "sortOrder": sort_order})

    assert [e["content"] for e in response.json()["response"]] == expected


def test_filter_pages_with_an_exact_total(user_client, opportunity):
    events = [HistoryEventFactory(opportunity=opportunity) for _ in range(5)]
    newest_first = sorted(events, key=lambda e: (e.created_at, e.pk), reverse=True)

    response = user_client.get(f"{API}history/filter?startIndex=1&count=2")

    body = response.json()
    assert [e["id"] for e in body["response"]] == [e.pk for e in newest_first[1:3]]
    assert body["total"] == 5
    assert body["nextIndex"] == 4  # ONLYOFFICE's formula


def test_filter_of_a_case_is_404_as_no_case_exists(user_client):
    response = user_client.get(f"{API}history/filter?entityType=case&entityId=1")

    assert response.status_code == 404


def test_filter_of_an_unknown_entity_type_is_400(user_client):
    response = user_client.get(f"{API}history/filter?entityType=invoice&entityId=1")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityType"


@pytest.mark.parametrize("size", [3, 12])
def test_filter_costs_a_constant_number_of_queries(
    client_for, user, django_assert_num_queries, size
):
    client = client_for(user)
    for _ in range(size):
        person = PersonFactory(created_by=user, access_list=[user])
        HistoryEventFactory(
            opportunity=OpportunityFactory(created_by=user, access_list=[user]),
            contact=person,
            created_by=user,
        )
    client.get(f"{API}history/filter")  # warm the token and session caches

    # user (token), count, page, contact access rows
    with django_assert_num_queries(4):
        response = client.get(f"{API}history/filter")

    assert len(response.json()["response"]) == size


# -- DELETE history/{id} -------------------------------------------------------------------------


def test_delete_removes_the_event_and_answers_it(user_client, user, opportunity):
    event = HistoryEventFactory(opportunity=opportunity, created_by=user, content="Oops")

    response = user_client.delete(f"{API}history/{event.pk}.json")

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["id"] == event.pk and body["content"] == "Oops"
    assert set(body) == WRAPPER_KEYS
    assert not HistoryEvent.objects.exists()


def test_delete_by_the_deals_responsible_is_allowed(client_for, responsible_user, other_user):
    opportunity = OpportunityFactory(created_by=other_user, responsible=responsible_user)
    event = HistoryEventFactory(opportunity=opportunity, created_by=other_user)

    response = client_for(responsible_user, bearer=True).delete(f"{API}history/{event.pk}")

    assert response.status_code == 200
    assert not HistoryEvent.objects.exists()


def test_delete_is_403_for_a_reader_who_is_not_author_responsible_or_admin(
    other_client, user, opportunity
):
    event = HistoryEventFactory(opportunity=opportunity, created_by=user)

    listed = other_client.get(f"{API}history/filter").json()["response"]
    response = other_client.delete(f"{API}history/{event.pk}")

    assert listed[0]["canEdit"] is False
    assert response.status_code == 403
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


def test_delete_by_an_admin_is_allowed(admin_client, opportunity):
    event = HistoryEventFactory(opportunity=opportunity)

    assert admin_client.delete(f"{API}history/{event.pk}").status_code == 200
    assert not HistoryEvent.objects.exists()


def test_delete_of_id_zero_is_400_and_of_an_unknown_id_404(user_client, db):
    assert user_client.delete(f"{API}history/0").status_code == 400
    assert user_client.delete(f"{API}history/999").status_code == 404
