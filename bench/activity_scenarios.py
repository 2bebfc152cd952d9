"""The pages of a deal's life (issue 11), each at two sizes so the run reports how the page
grows with its content (`size_ratio`) and whether its query count stays the same:

- `opportunity_page`: the deal page with a 200-entry timeline (history events, tasks, stage
  changes, audit rows), `opportunity_page_small` the same page with 10 entries;
- `my_tasks`: "My tasks" of a user with 1000 open tasks, `my_tasks_small` with 50.

The data is written by bench/activities_data.py; the checks count what the page shows against
the database, selected without the product's code."""

from __future__ import annotations

import re

from activities.models import HistoryEvent, Task
from bench.activities_data import MARK, TASK_TITLE
from bench.scenarios import Call, Scenario, expect_status

TASK_NUMBER = re.compile(re.escape(TASK_TITLE) + r" (\d+):")
# A scenario and its small twin: the runner reports the size ratio and both query counts.
SIZE_PAIRS = {"opportunity_page": "opportunity_page_small", "my_tasks": "my_tasks_small"}


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
        problems = expect_status(response, 200)
        if problems:
            return problems
        html = response.content.decode()
        deal_id = self.deal_id(env)
        shown = set(re.findall(rf"{MARK}-{deal_id}-(\d+)", html))
        events = HistoryEvent.objects.filter(opportunity_id=deal_id).count()
        if len(shown) != events:
            problems.append(f"{len(shown)} of the deal's {events} history events shown")
        titles = Task.objects.filter(opportunity_id=deal_id, is_closed=False).values_list(
            "title", flat=True
        )
        missing = [t for t in titles if t not in html]
        if missing:
            problems.append(f"open tasks not shown: {missing[:3]}")
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
        problems = expect_status(response, 200)
        if problems:
            return problems
        activities = env.activities
        expected = activities.my_open_tasks_small if self.small else activities.my_open_tasks
        shown = len(set(TASK_NUMBER.findall(response.content.decode())))
        if shown != expected:
            problems.append(f"{shown} tasks shown, expected the user's {expected} open tasks")
        return problems


def activity_scenarios() -> list[Scenario]:
    return [
        OpportunityPage("opportunity_page", small=False),
        OpportunityPage("opportunity_page_small", small=True),
        MyTasks("my_tasks", small=False),
        MyTasks("my_tasks_small", small=True),
    ]
