"""The opportunity page's timeline (issue 11 point 3): one stream, newest first, of notes, closed
tasks, stage changes and audit rows, open tasks on top; adding a note or a task there, closing
and reopening a task, deleting a note, with htmx and without; what a reader may not see is not
there; a fixed number of queries however long the timeline."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from activities.history_services import history_event_add
from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory
from activities.task_services import task_close, task_create
from opportunities.services import opportunity_move_to_stage, opportunity_update
from tests.factories import OpportunityFactory, PersonFactory, default_stage

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def note(category="Note"):
    return HistoryCategory.objects.get(title=category)


def kind(title="Phone call"):
    return TaskCategory.objects.get(title=title)


def due(days: int, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), at))


def page(client, deal) -> str:
    response = client.get(f"/opportunities/{deal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stream(html: str) -> str:
    return html[html.index('id="timeline-stream"') :]


def test_timeline_shows_every_kind_newest_first_when_deal_has_a_life(signed_in, user):
    deal = OpportunityFactory(created_by=user, title="Acme renewal")
    history_event_add(
        added_by=user, content="Called <b>Ann</b>", category=note("Phone call"), opportunity=deal
    )
    closed = task_create(
        created_by=user, title="Send the offer", deadline=due(-1), category=kind(), opportunity=deal
    )
    task_close(task_id=closed.pk, closed_by=user)
    opportunity_move_to_stage(opportunity=deal, stage=default_stage("Proposal"), moved_by=user)
    deal.refresh_from_db()
    opportunity_update(opportunity=deal, updated_by=user, title="Acme renewal 2027")
    task_create(
        created_by=user, title="Follow up", deadline=due(2), category=kind(), opportunity=deal
    )

    html = page(signed_in, deal)

    assert 'id="timeline"' in html and "Stage history" not in html
    open_tasks = html[html.index('id="timeline-open-tasks"') : html.index('id="timeline-stream"')]
    assert "Follow up" in open_tasks and "Send the offer" not in open_tasks
    entries = stream(html)
    order = [
        entries.index("Acme renewal 2027"),  # the title change, last
        entries.index("Moved from Initial contact to"),
        entries.index("Task closed:"),
        entries.index("Called <b>Ann</b>"),  # sanitized HTML kept
    ]
    assert order == sorted(order)
    assert "Send the offer" in entries


def test_note_content_is_sanitized_when_it_holds_a_script(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    history_event_add(
        added_by=user,
        content='<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:x">l</a>',
        category=note(),
        opportunity=deal,
    )
    entries = stream(page(signed_in, deal))
    assert "<script>" not in entries and "onclick" not in entries
    assert "javascript:" not in entries and "<p>Hi</p>" in entries


def test_add_note_with_htmx_answers_the_section_when_form_is_valid(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(
        f"/opportunities/{deal.pk}/timeline/notes/",
        {"content": "Met at the fair", "category": note("Appointment").pk},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("{% load") is False
    assert 'id="timeline"' in html and "Met at the fair" in html and "<html" not in html
    assert 'hx-target="#nav-overdue"' in html
    event = HistoryEvent.objects.get()
    assert (event.opportunity, event.category.title, event.created_by) == (
        deal,
        "Appointment",
        user,
    )


def test_add_note_without_javascript_redirects_to_the_timeline_when_valid(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(
        f"/opportunities/{deal.pk}/timeline/notes/",
        {"content": "Sent the brochure", "category": note("Email").pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{deal.pk}/#timeline"
    assert "Sent the brochure" in stream(page(signed_in, deal))


@pytest.mark.parametrize("htmx", [True, False])
def test_add_note_shows_error_on_the_field_and_saves_nothing_when_content_is_empty(
    signed_in, user, htmx
):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(
        f"/opportunities/{deal.pk}/timeline/notes/",
        {"content": "   ", "category": note().pk},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == (200 if htmx else 422)
    html = response.content.decode()
    assert 'id="id_note_content_error"' in html
    assert HistoryEvent.objects.count() == 0


def test_add_note_refuses_nul_and_unknown_category_when_input_is_hostile(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    url = f"/opportunities/{deal.pk}/timeline/notes/"
    assert signed_in.post(url, {"content": "a\x00b", "category": note().pk}).status_code in (
        400,
        422,
    )
    assert (
        signed_in.post(url, {"content": "ok", "category": "99999999999999999999"}).status_code
        == 422
    )
    assert signed_in.post(url, {"content": "x" * 70000, "category": note().pk}).status_code == 422
    assert HistoryEvent.objects.count() == 0


def test_add_task_with_htmx_lists_it_under_next_steps_when_valid(signed_in, user, other_user):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(
        f"/opportunities/{deal.pk}/timeline/tasks/",
        {
            "title": "Call the buyer",
            "deadline": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "deadline_time": "14:30",
            "responsible": other_user.pk,
            "category": kind("Phone call").pk,
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    open_tasks = html[html.index('id="timeline-open-tasks"') : html.index('id="timeline-stream"')]
    assert "Call the buyer" in open_tasks and "14:30" in open_tasks
    task = Task.objects.get()
    assert (task.opportunity, task.responsible, task.created_by) == (deal, other_user, user)
    assert timezone.localtime(task.deadline).time() == time(14, 30)
    deal.refresh_from_db()
    assert deal.next_task_due == task.deadline


def test_task_form_offers_me_as_responsible_when_shown(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    html = page(signed_in, deal)
    form = html[html.index('id="task-form"') :]
    assert f'<option value="{user.pk}" selected>' in form


@pytest.mark.parametrize(
    "deadline", ["", "not a date", "99999-01-01", "0001-01-01", "2026-02-30", "2026-01-01\x00"]
)
def test_add_task_shows_error_on_the_due_date_and_saves_nothing_when_date_is_bad(
    signed_in, user, deadline
):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(
        f"/opportunities/{deal.pk}/timeline/tasks/",
        {"title": "Call", "deadline": deadline, "responsible": user.pk, "category": kind().pk},
    )
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assert 'id="id_task_deadline_error"' in response.content.decode()
    assert Task.objects.count() == 0


def test_close_task_with_one_click_moves_it_into_the_stream_when_htmx(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    task = task_create(
        created_by=user, title="Send contract", deadline=due(-2), category=kind(), opportunity=deal
    )
    html = page(signed_in, deal)
    assert f'hx-post="/tasks/{task.pk}/close/"' in html

    response = signed_in.post(f"/tasks/{task.pk}/close/", {"panel": "timeline"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    open_tasks = html[html.index('id="timeline-open-tasks"') : html.index('id="timeline-stream"')]
    assert "Send contract" not in open_tasks
    assert "Task closed:" in stream(html) and "Send contract" in stream(html)
    task.refresh_from_db()
    assert task.is_closed and task.closed_by == user
    deal.refresh_from_db()
    assert deal.next_task_due is None


def test_reopen_task_puts_it_back_on_top_when_clicked_without_javascript(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    task = task_create(
        created_by=user, title="Send contract", deadline=due(3), category=kind(), opportunity=deal
    )
    task_close(task_id=task.pk, closed_by=user)
    response = signed_in.post(
        f"/tasks/{task.pk}/reopen/", {"next": f"/opportunities/{deal.pk}/#timeline"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{deal.pk}/#timeline"
    task.refresh_from_db()
    assert not task.is_closed
    html = page(signed_in, deal)
    assert "Send contract" in html[html.index('id="timeline-open-tasks"') :]


def test_delete_note_removes_it_when_author_asks(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    event = history_event_add(added_by=user, content="Oops", category=note(), opportunity=deal)
    assert f'action="/history/{event.pk}/delete/"' in page(signed_in, deal)
    response = signed_in.post(f"/history/{event.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert "Oops" not in response.content.decode()
    assert not HistoryEvent.objects.filter(pk=event.pk).exists()


def test_delete_button_absent_and_delete_refused_when_reader_is_not_author(
    signed_in, user, other_user, other_client
):
    deal = OpportunityFactory(created_by=user)  # public: other_user reads it
    event = history_event_add(added_by=user, content="Mine", category=note(), opportunity=deal)
    html = page(other_client, deal)
    assert "Mine" in html and f"/history/{event.pk}/delete/" not in html
    response = other_client.post(f"/history/{event.pk}/delete/")
    assert response.status_code in (403, 404)
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


# -- privacy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        ("get", "timeline/", {}),
        ("post", "timeline/notes/", {"content": "x", "category": "NOTE"}),
        ("post", "timeline/tasks/", {"title": "x", "deadline": "2030-01-01", "category": "KIND"}),
    ],
)
def test_stranger_gets_404_and_nothing_changes_when_deal_is_private(
    other_client, private_opportunity, action
):
    method, suffix, data = action
    data = {
        key: (note().pk if value == "NOTE" else kind().pk if value == "KIND" else value)
        for key, value in data.items()
    }
    response = getattr(other_client, method)(
        f"/opportunities/{private_opportunity.pk}/{suffix}", data, **HTMX
    )
    assert response.status_code == 404
    assert HistoryEvent.objects.count() == 0 and Task.objects.count() == 0


def test_stranger_cannot_close_or_delete_when_deal_is_private(
    user, other_client, private_opportunity
):
    task = task_create(
        created_by=user,
        title="Secret",
        deadline=due(1),
        category=kind(),
        opportunity=private_opportunity,
    )
    event = history_event_add(
        added_by=user, content="Secret", category=note(), opportunity=private_opportunity
    )
    assert other_client.post(f"/tasks/{task.pk}/close/", {"panel": "timeline"}).status_code == 404
    assert other_client.post(f"/history/{event.pk}/delete/").status_code == 404
    task.refresh_from_db()
    assert not task.is_closed and HistoryEvent.objects.filter(pk=event.pk).exists()


def test_entries_with_a_hidden_contact_are_absent_when_reader_cannot_read_it(
    user, other_user, other_client
):
    deal = OpportunityFactory(created_by=other_user)  # public
    hidden = PersonFactory(first_name="Hidden", last_name="Person", created_by=user)
    hidden.is_private = True
    hidden.save()
    from contacts.models import ContactUserObjectPermission
    from core.access import replace_access_list

    replace_access_list(ContactUserObjectPermission, hidden, [user])
    history_event_add(
        added_by=user, content="Talked to hidden", category=note(), opportunity=deal, contact=hidden
    )
    task_create(
        created_by=user,
        title="Visit hidden",
        deadline=due(1),
        category=kind(),
        opportunity=deal,
        contact=hidden,
    )
    history_event_add(added_by=user, content="Public note", category=note(), opportunity=deal)

    html = page(other_client, deal)

    assert "Public note" in html
    assert "Talked to hidden" not in html and "Visit hidden" not in html and "Hidden" not in html
