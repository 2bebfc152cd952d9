"""The pages of a deal's life (issue 11), each at two sizes so the run reports how the page
grows with its content (`size_ratio`) and whether its query count stays the same:

- `opportunity_page`: the deal page with a 200-entry timeline (history events, tasks, stage
  changes, audit rows), `opportunity_page_small` the same page with 10 entries;
- `my_tasks`: "My tasks" of a user with 1000 open tasks, `my_tasks_small` with 50.

The data is written by bench/activities_data.py; the checks count what the page shows against
the database, selected without the product's code."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from activities.models import HistoryEvent, Task
from bench.scenarios import Call, Scenario, expect_status
from opportunities.models import OpportunityAudit, StageChange

# The pages' sizes as the product shows them (activities/timeline.py, activities/my_tasks.py).
TIMELINE_PAGE = 30
OPEN_TASKS_SHOWN = 50
TASKS_PAGE = 100
ENTRY = re.compile(r'<li class="entry entry-(event|task|stage|audit)\b[^>]*id="entry-\1-(\d+)"')
OPEN_TASK = re.compile(r'id="open-task-(\d+)"')
TASK_ROW = re.compile(r'<li class="task-row[^"]*" id="task-(\d+)"')
GROUP_COUNT = re.compile(r'<h2 id="group-(\w+)">[^<]*<span class="badge[^"]*">(\d+)</span>')
# A scenario and its small twin: the runner reports the size ratio and both query counts.
SIZE_PAIRS = {"opportunity_page": "opportunity_page_small", "my_tasks": "my_tasks_small"}


def timeline_times(deal_id: int) -> dict[tuple[str, int], object]:
    """Every entry of the deal's timeline and its time (the deal is public, its events' and
    tasks' contacts too, and no audit row names a contact: the user sees them all)."""
    times = {}
    for pk, at in HistoryEvent.objects.filter(opportunity_id=deal_id).values_list(
        "pk", "created_at"
    ):
        times["event", pk] = at
    closed = Task.objects.filter(opportunity_id=deal_id, is_closed=True)
    for pk, closed_at, updated_at in closed.values_list("pk", "closed_at", "updated_at"):
        times["task", pk] = closed_at or updated_at
    for pk, at in StageChange.objects.filter(opportunity_id=deal_id).values_list(
        "pk", "changed_at"
    ):
        times["stage", pk] = at
    for pk, at in OpportunityAudit.objects.filter(opportunity_id=deal_id).values_list(
        "pk", "changed_at"
    ):
        times["audit", pk] = at
    return times


class OpportunityPage(Scenario):
    def __init__(self, name: str, *, small: bool):
        self.name = name
        self.small = small

    @property
    def description(self):
        entries = "10" if self.small else "200"
        return f"GET /opportunities/{{id}}/ (the deal page, a {entries}-entry timeline)"

    def deal_id(self, env) -> int:
        activities = env.activities
        return activities.timeline_small_id if self.small else activities.timeline_id

    def call(self, env, i):
        return Call("GET", f"/opportunities/{self.deal_id(env)}/", client="page")

    def check(self, env, response, call):
        """The first page of the timeline: the newest entries, and the open tasks by due date."""
        problems = expect_status(response, 200)
        if problems:
            return problems
        html = response.content.decode()
        deal_id = self.deal_id(env)
        times = timeline_times(deal_id)
        shown = [(kind, int(pk)) for kind, pk in ENTRY.findall(html)]
        expected = min(TIMELINE_PAGE, len(times))
        if len(shown) != expected:
            problems.append(f"{len(shown)} timeline entries shown, expected {expected}")
        stray = [entry for entry in shown if entry not in times]
        if stray:
            return [*problems, f"entries not of this deal: {stray[:3]}"]
        if shown and len(times) > len(shown):
            newest_left_out = sorted(times.values(), reverse=True)[len(shown)]
            older = [e for e in shown if times[e] < newest_left_out]
            if older:
                problems.append(f"older entries shown before newer ones: {older[:3]}")
        open_tasks = list(
            Task.objects.filter(opportunity_id=deal_id, is_closed=False)
            .order_by("deadline", "pk")
            .values_list("pk", flat=True)[:OPEN_TASKS_SHOWN]
        )
        open_shown = [int(pk) for pk in OPEN_TASK.findall(html)]
        if open_shown != open_tasks:
            problems.append(f"open tasks {open_shown[:5]}, expected {open_tasks[:5]} by due date")
        return problems


class MyTasks(Scenario):
    def __init__(self, name: str, *, small: bool):
        self.name = name
        self.small = small

    @property
    def description(self):
        tasks = "50" if self.small else "1000"
        return f"GET /tasks/ (My tasks, {tasks} open tasks)"

    def call(self, env, i):
        return Call("GET", "/tasks/", client="small_tasks" if self.small else "page")

    def check(self, env, response, call):
        """The first page: the user's earliest open tasks; the groups count all of them."""
        problems = expect_status(response, 200)
        if problems:
            return problems
        activities = env.activities
        user_id = activities.my_tasks_small_user_id if self.small else activities.my_tasks_user_id
        mine = list(
            Task.objects.filter(responsible_id=user_id, is_closed=False)
            .order_by("deadline", "pk")
            .values_list("pk", flat=True)
        )
        html = response.content.decode()
        shown = [int(pk) for pk in TASK_ROW.findall(html)]
        if shown != mine[:TASKS_PAGE]:
            problems.append(
                f"{len(shown)} tasks shown, expected the first {min(TASKS_PAGE, len(mine))} "
                f"of the user's {len(mine)} open tasks by due date"
            )
        # The page heads the groups it shows with their whole size. Open deadlines lie between
        # 09:00 and 17:00 UTC (bench/activities_data.py), so the UTC date is the local one.
        groups = {key: int(n) for key, n in GROUP_COUNT.findall(html)}
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        overdue = Task.objects.filter(
            responsible_id=user_id, is_closed=False, deadline__lt=today
        ).count()
        if groups.get("overdue", 0) != overdue:
            problems.append(f"overdue {groups.get('overdue')}, expected {overdue}")
        if sum(groups.values()) > len(mine) or not groups:
            problems.append(f"the groups count {groups}, of {len(mine)} open tasks")
        return problems


def activity_scenarios() -> list[Scenario]:
    return [
        OpportunityPage("opportunity_page", small=False),
        OpportunityPage("opportunity_page_small", small=True),
        MyTasks("my_tasks", small=False),
        MyTasks("my_tasks_small", small=True),
    ]
