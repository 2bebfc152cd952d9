"""My tasks (/tasks/, issue 11 point 4): the user's open tasks grouped overdue, today, this week,
later in the active time zone; filters kept in the URL; tasks given to others and closed ones;
one-click close; the navigation's overdue count (hidden at 0, one query)."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from activities.models import Task, TaskCategory
from activities.task_services import task_close, task_create
from tests.factories import OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ZONES = ["Pacific/Kiritimati", "America/Adak", "UTC"]


# "This week" is the rest of the calendar week: the page's groups depend on the weekday, so
# the clock stands still at noon (in whatever zone is active) of a chosen day.
MONDAY, WEDNESDAY, SUNDAY = date(2025, 6, 2), date(2025, 6, 4), date(2025, 6, 8)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """`clock(day)` stops `timezone.now` at noon of `day` in the active zone (a Wednesday
    unless a test sets another day)."""

    def stop_at(day: date):
        monkeypatch.setattr(
            timezone, "now", lambda: timezone.make_aware(datetime.combine(day, time(12)))
        )

    stop_at(WEDNESDAY)
    return stop_at


@pytest.fixture(params=ZONES)
def zone(request, settings):
    settings.TIME_ZONE = request.param
    timezone.deactivate()
    return request.param


def kind(title="Phone call"):
    return TaskCategory.objects.get(title=title)


def local(days: int, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), at))


def add(user, title, days, *, at=time(9, 0), responsible=None, category="Phone call", **links):
    return task_create(
        created_by=user,
        title=title,
        deadline=local(days, at),
        category=kind(category),
        responsible=responsible,
        **links,
    )


def groups(html: str) -> dict[str, list[str]]:
    """{group key: [task titles]} in page order."""
    found = {}
    for key, body in re.findall(
        r'<section class="panel task-group task-group-(\w+)".*?>(.*?)</section>', html, re.S
    ):
        found[key] = re.findall(r'<span class="task-title">(.*?)</span>', body)
    return found


def nav_count(html: str) -> str | None:
    match = re.search(r'<span id="nav-overdue" class="nav-count"( hidden)?[^>]*>(.*?)</span>', html)
    assert match, "no overdue count in the navigation"
    return None if match.group(1) else re.sub(r"<.*", "", match.group(2))


def test_open_tasks_are_grouped_by_due_day_when_in_any_time_zone(zone, signed_in, user):
    # a Wednesday in en-us, whose weeks start on Sunday: this week ends on Saturday night
    add(user, "Late by a day", -1, at=time(23, 59))
    add(user, "Late by a week", -7)
    add(user, "Today early", 0, at=time.min)
    add(user, "Today late", 0, at=time(23, 59))
    add(user, "Tomorrow", 1)
    add(user, "Saturday night", 3, at=time(23, 59))
    add(user, "Sunday at midnight", 4, at=time.min)
    add(user, "Next month", 30)

    html = signed_in.get("/tasks/").content.decode()

    assert groups(html) == {
        "overdue": ["Late by a week", "Late by a day"],
        "today": ["Today early", "Today late"],
        "week": ["Tomorrow", "Saturday night"],
        "later": ["Sunday at midnight", "Next month"],
    }
    assert '<h2 id="group-week">This week <span class="badge">2</span></h2>' in html
    assert nav_count(html) == "2"


@pytest.mark.parametrize(
    ("language", "today", "week", "later"),
    [
        # Monday-first (en-gb): this week runs to Sunday night
        ("en-gb", MONDAY, ["06-03", "06-04", "06-05", "06-06", "06-07", "06-08"], "06-09"),
        ("en-gb", WEDNESDAY, ["06-05", "06-06", "06-07", "06-08"], "06-09"),
        ("en-gb", SUNDAY, [], "06-09"),  # the week's last day: next week is later
        # Sunday-first (en-us, the default): this week runs to Saturday night
        ("en-us", MONDAY, ["06-03", "06-04", "06-05", "06-06", "06-07"], "06-08"),
        ("en-us", WEDNESDAY, ["06-05", "06-06", "06-07"], "06-08"),
        ("en-us", SUNDAY, ["06-09", "06-10", "06-11", "06-12", "06-13", "06-14"], "06-15"),
    ],
    ids=["gb-monday", "gb-wednesday", "gb-sunday", "us-monday", "us-wednesday", "us-sunday"],
)
def test_this_week_is_the_rest_of_the_calendar_week_when_the_locale_starts_it(
    zone, settings, clock, signed_in, user, language, today, week, later
):
    settings.LANGUAGE_CODE = language
    clock(today)
    for offset in range(1, 16):  # one task a day from tomorrow on, at the day's first minute
        day = today + timedelta(days=offset)
        add(user, day.strftime("%m-%d"), offset, at=time.min)

    html = signed_in.get("/tasks/").content.decode()

    found = groups(html)
    assert found.get("week", []) == week
    assert found["later"][0] == later
    assert len(found["later"]) == 15 - len(week)
    assert ('id="group-week"' in html) == bool(week)


def test_each_task_links_its_deal_and_contact_when_reader_may_read_them(signed_in, user):
    deal = OpportunityFactory(created_by=user, title="Acme renewal")
    person = PersonFactory(created_by=user, first_name="Ann", last_name="Lee")
    add(user, "Call Ann", 1, opportunity=deal, contact=person)
    html = signed_in.get("/tasks/").content.decode()
    assert f'href="/opportunities/{deal.pk}/#timeline">Acme renewal</a>' in html
    assert f'href="/contacts/{person.pk}/">' in html


def test_category_filter_is_kept_in_the_url_when_chosen(signed_in, user):
    add(user, "A call", 1, category="Phone call")
    add(user, "A demo", 1, category="Demo")
    html = signed_in.get("/tasks/", {"category": kind("Demo").pk}).content.decode()
    assert groups(html) == {"week": ["A demo"]}
    assert f'<option value="{kind("Demo").pk}" selected>' in html


@pytest.mark.parametrize(
    "query", ["category=abc", "category=99999999999999999999", "scope=x", "state=\u2603", "page=-1"]
)
def test_page_ignores_a_bad_filter_when_hand_edited(signed_in, user, query):
    add(user, "A call", 1)
    response = signed_in.get(f"/tasks/?{query}")
    assert response.status_code == 200
    assert "A call" in response.content.decode()


def test_tasks_i_gave_to_others_are_listed_when_asked(signed_in, user, other_user):
    add(user, "Mine", 1)
    add(user, "For Bob", 2, responsible=other_user)
    add(other_user, "Bob's own", 1)
    mine = groups(signed_in.get("/tasks/").content.decode())
    given = signed_in.get("/tasks/", {"scope": "created"}).content.decode()
    assert mine == {"week": ["Mine"]}
    assert groups(given) == {"week": ["For Bob"]}
    assert "for Bob Baker" in given


def test_closed_tasks_are_listed_newest_closed_first_when_asked(signed_in, user):
    first, second = add(user, "Closed first", -3), add(user, "Closed second", 2)
    add(user, "Still open", 1)
    task_close(task_id=first.pk, closed_by=user)
    task_close(task_id=second.pk, closed_by=user)
    html = signed_in.get("/tasks/", {"state": "closed"}).content.decode()
    assert groups(html) == {"closed": ["Closed second", "Closed first"]}
    assert 'class="task-row is-closed"' in html and "Reopen" in html


def test_close_with_htmx_answers_the_row_and_the_new_count_when_clicked(signed_in, user):
    late = add(user, "Late call", -2)
    response = signed_in.post(f"/tasks/{late.pk}/close/", {"panel": "tasks"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<li class="task-row is-closed" id="task-{late.pk}">')
    assert 'hx-target="#nav-overdue"' in html and nav_count(html) is None
    late.refresh_from_db()
    assert late.is_closed


def test_close_without_javascript_comes_back_to_the_filtered_page_when_posted(signed_in, user):
    task = add(user, "Call", 1)
    back = f"/tasks/?category={kind().pk}"
    response = signed_in.post(f"/tasks/{task.pk}/close/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    response = signed_in.post(f"/tasks/{task.pk}/reopen/", {"next": "https://evil.example/"})
    assert response["Location"] == "/tasks/"


def test_others_tasks_on_a_private_deal_are_absent_when_reader_cannot_read_it(
    signed_in, user, other_user, other_client
):
    secret = OpportunityFactory(created_by=user, access_list=[user])
    task = add(user, "Secret task", -1, responsible=user, opportunity=secret)
    # Bob may not see it, close it, or count it
    html = other_client.get("/tasks/", {"scope": "created"}).content.decode()
    assert "Secret task" not in html
    assert other_client.post(f"/tasks/{task.pk}/close/").status_code == 404
    assert not Task.objects.get(pk=task.pk).is_closed


def test_reader_of_the_deal_cannot_close_a_task_that_is_not_theirs(user, other_user, other_client):
    deal = OpportunityFactory(created_by=user)  # public: Bob reads it and its tasks
    task = add(user, "Alice's task", 1, opportunity=deal)
    page = other_client.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "Alice&#x27;s task" in page or "Alice's task" in page
    assert f"/tasks/{task.pk}/close/" not in page
    assert other_client.post(f"/tasks/{task.pk}/close/", **HTMX).status_code == 403
    assert not Task.objects.get(pk=task.pk).is_closed


def test_nav_count_is_hidden_when_nothing_is_overdue(signed_in, user, other_user):
    add(user, "Due today", 0, at=time.min)
    add(user, "Theirs, late", -1, responsible=other_user)  # not mine
    html = signed_in.get("/tasks/").content.decode()
    assert nav_count(html) is None


def test_nav_count_counts_my_overdue_tasks_on_every_page_when_late(signed_in, user):
    for index in range(3):
        add(user, f"Late {index}", -1 - index)
    closed = add(user, "Late but done", -5)
    task_close(task_id=closed.pk, closed_by=user)
    for url in ("/", "/opportunities/", "/contacts/", "/tasks/"):
        assert nav_count(signed_in.get(url).content.decode()) == "3", url


def test_guest_gets_the_no_crm_page_when_opening_my_tasks(client, guest):
    client.force_login(guest)
    response = client.get("/tasks/")
    assert response.status_code == 403
    assert "No CRM access" in response.content.decode()


@pytest.mark.parametrize("size", [3, 60])
def test_my_tasks_costs_a_fixed_number_of_queries_when_tasks_grow(
    signed_in, user, size, django_assert_num_queries
):
    person = PersonFactory(created_by=user)
    deal = OpportunityFactory(created_by=user)
    for index in range(size):
        add(
            user,
            f"Task {index}",
            index % 9 - 3,
            opportunity=deal if index % 2 else None,
            contact=person if index % 3 else None,
        )
    # session, user, page count, page, contacts' access rows, groups' counts, categories,
    # the navigation's overdue count
    with django_assert_num_queries(8):
        response = signed_in.get("/tasks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert sum(len(titles) for titles in groups(html).values()) == size
