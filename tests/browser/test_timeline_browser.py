"""The deal's timeline and My tasks in a real browser, under the real Content-Security-Policy:
add a note and a task from the timeline without a reload, close the task with one click, find a
task in the right group of My tasks, and see the navigation's overdue count follow."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import get_format
from playwright.sync_api import expect

from activities.models import HistoryEvent, Task, TaskCategory
from activities.task_services import task_create
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS, violations
from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def watched(browser):
    """A page under the product's Content-Security-Policy that records any violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(8000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_messages_seen = []
    page.on(
        "console",
        lambda message: (
            page.console_messages_seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def mark_page(page) -> None:
    """Tag the document: a reload would lose the mark."""
    page.evaluate("document.documentElement.dataset.notReloaded = 'yes'")


def not_reloaded(page) -> bool:
    return page.evaluate("document.documentElement.dataset.notReloaded || ''") == "yes"


def local(day, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def test_note_and_task_are_added_and_task_closed_without_reload_when_using_the_timeline(
    watched, sign_in, user, live_server
):
    page = watched
    deal = OpportunityFactory(created_by=user, title="Acme renewal")
    sign_in(page, user)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    mark_page(page)
    expect(page.locator("#nav-overdue")).to_be_hidden()

    # a note
    note_form = page.locator("#note-form")
    note_form.get_by_label("What happened").fill("Called Ann: she wants a demo")
    note_form.get_by_label("Kind").select_option(label="Phone call")
    note_form.get_by_role("button", name="Add note").click()
    expect(page.locator("#timeline-stream")).to_contain_text("Called Ann: she wants a demo")
    expect(page.locator("#timeline-stream")).to_contain_text("Phone call")
    assert HistoryEvent.objects.filter(opportunity=deal).count() == 1

    # an invalid task: the error on its field, nothing saved, still no reload
    task_form = page.locator("#task-form")
    task_form.get_by_label("Task").fill("Book the demo")
    task_form.get_by_role("button", name="Add task").click()
    # the browser's own check stops an empty required date; an impossible one reaches us
    page.locator("#id_task_deadline").evaluate("el => { el.type = 'text'; }")
    page.locator("#id_task_deadline").fill("2026-02-30")
    page.locator("#task-form").get_by_role("button", name="Add task").click()
    expect(page.locator("#id_task_deadline_error")).to_be_visible()
    assert Task.objects.count() == 0

    # a valid task, due yesterday: overdue
    yesterday = timezone.localdate() - timedelta(days=1)
    page.locator("#id_task_deadline").fill(yesterday.isoformat())
    page.locator("#task-form").get_by_label("Task").fill("Book the demo")
    page.locator("#task-form").get_by_label("Kind").select_option(label="Demo")
    page.locator("#task-form").get_by_role("button", name="Add task").click()
    open_tasks = page.locator("#timeline-open-tasks")
    expect(open_tasks).to_contain_text("Book the demo")
    expect(open_tasks.locator(".is-overdue")).to_have_count(1)
    expect(page.locator("#nav-overdue")).to_have_text("1 overdue")
    task = Task.objects.get()
    assert task.responsible == user and task.category.title == "Demo"

    # one click closes it: into the stream, off the top, the count gone
    open_tasks.get_by_role("button", name="Close “Book the demo”").click()
    expect(page.locator("#timeline-stream")).to_contain_text("Task closed:")
    expect(open_tasks).not_to_contain_text("Book the demo")
    expect(page.locator("#nav-overdue")).to_be_hidden()
    task.refresh_from_db()
    assert task.is_closed

    assert not_reloaded(page)
    assert violations(page) == []


def is_last_day_of_the_week(day) -> bool:
    """ "This week" is the rest of the calendar week of the locale (FIRST_DAY_OF_WEEK, 0 =
    Sunday): on its last day, tomorrow is next week."""
    first = int(get_format("FIRST_DAY_OF_WEEK"))
    return day.isoweekday() % 7 == (first - 1) % 7


def test_my_tasks_groups_tasks_and_closing_one_updates_the_count_when_clicked(
    watched, sign_in, user, live_server
):
    page = watched
    deal = OpportunityFactory(created_by=user, title="Globex expansion")
    category = TaskCategory.objects.get(title="Phone call")
    today = timezone.localdate()
    for title, day in [
        ("Late call", today - timedelta(days=3)),
        ("Call today", today),
        ("Call tomorrow", today + timedelta(days=1)),
        ("Call next month", today + timedelta(days=30)),
    ]:
        task_create(
            created_by=user, title=title, deadline=local(day), category=category, opportunity=deal
        )
    sign_in(page, user)
    expect(page.locator("#nav-overdue")).to_have_text("1 overdue")
    page.get_by_role("link", name="My tasks").click()
    page.wait_for_url(f"{live_server.url}/tasks/")
    mark_page(page)

    for group, title in [
        ("Overdue", "Late call"),
        ("Today", "Call today"),
        ("Later" if is_last_day_of_the_week(today) else "This week", "Call tomorrow"),
        ("Later", "Call next month"),
    ]:
        section = page.locator("section.task-group").filter(
            has=page.get_by_role("heading", name=group)
        )
        expect(section).to_contain_text(title)
    late = page.locator("section.task-group-overdue")
    expect(late.get_by_role("link", name="Globex expansion")).to_be_visible()

    late.get_by_role("button", name="Close “Late call”").click()
    expect(late.locator(".task-row.is-closed")).to_have_count(1)
    expect(page.locator("#nav-overdue")).to_be_hidden()
    expect(late.get_by_role("button", name="Reopen “Late call”")).to_be_visible()
    late.get_by_role("button", name="Reopen “Late call”").click()
    expect(page.locator("#nav-overdue")).to_have_text("1 overdue")

    # the category filter is kept in the URL
    page.get_by_label("Kind").select_option(label="Demo")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/tasks/?*category=*")
    expect(page.locator("#no-tasks")).to_be_visible()
    assert violations(page) == []


def test_phone_menu_shows_my_tasks_with_its_count_when_opened(watched, sign_in, user, live_server):
    page = watched
    deal = OpportunityFactory(created_by=user)
    task_create(
        created_by=user,
        title="Late",
        deadline=local(timezone.localdate() - timedelta(days=1)),
        category=TaskCategory.objects.first(),
        opportunity=deal,
    )
    sign_in(page, user)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/tasks/")
    link = page.get_by_role("link", name="My tasks")
    expect(link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(link).to_be_visible()
    expect(link.locator("#nav-overdue")).to_have_text("1 overdue")
    assert violations(page) == []
