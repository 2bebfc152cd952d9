"""The bench's history events, tasks, stage changes and audit rows (issue 11), written with
`bulk_create` after the opportunities (docs/performance.md, "How to run it"):

- two timelines on public open deals of a colleague (`sales02`, whose deals no write scenario
  touches): one of `TIMELINE_ENTRIES` entries, one of `TIMELINE_ENTRIES_SMALL` (the size ratio);
- "My tasks": `MY_TASKS` open tasks (and a tenth as many closed) for `sales01`, and
  `MY_TASKS_SMALL` for `sales03`, on deals they are responsible for or on a contact only;
- a background: a history event per five opportunities, a task per twenty (other users).

Rows depend only on the seed and their number, except the deadlines of open tasks, which are
placed around the day of the run (overdue, today, this week, later), as "My tasks" groups
them. Everything is written around the services, so `next_task_due` is set here, in one
UPDATE, as the task services keep it."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery

from accounts.models import User
from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory
from bench import bulk_writes, dataset
from opportunities.models import AuditAction, Opportunity, OpportunityAudit, StageChange

TIMELINE_ENTRIES = 200
TIMELINE_ENTRIES_SMALL = 10
MY_TASKS = 1000
MY_TASKS_SMALL = 50
TIMELINE_OWNER = "sales02"
SMALL_TASKS_USERNAME = "sales03"
MARK = "bench-timeline"  # in every timeline event's content: how a reused database finds them
TASK_TITLE = "Bench task"
BATCH = 1000
AUDITED = (
    ("title", "Cloud rollout", "Cloud rollout, phase 2"),
    ("bid_value", "12,500.00 USD", "14,000.00 USD"),
    ("expected_close_date", "2025-07-31", "2025-08-29"),
    ("description", "", "Pilot with two teams first"),
    ("success_probability", "40", "55"),
)


@dataclass
class Activities:
    timeline_id: int  # the deal with TIMELINE_ENTRIES entries
    timeline_small_id: int
    my_tasks_user_id: int  # sales01
    my_tasks_small_user_id: int  # sales03
    my_open_tasks: int
    my_open_tasks_small: int


def ensure(fx: dataset.Fixture, *, log=print) -> Activities:
    """The activities of the bench database, written once (a reused database keeps them)."""
    found = _find()
    if found is not None:
        return found
    started = time.perf_counter()
    with transaction.atomic():
        counts = _write(fx)
    # next_task_due was updated on deals all over the table: without a fresh visibility map the
    # board's index-only scans fetch most rows from the heap again
    bulk_writes.analyze()
    log(
        "  activities: "
        + ", ".join(f"{n} {what}" for what, n in counts.items())
        + f" ({time.perf_counter() - started:.1f} s)"
    )
    found = _find()
    assert found is not None
    return found


def _users() -> tuple[int, int, int]:
    ids = dict(
        User.objects.filter(
            username__in=[dataset.SALES_USERNAME, TIMELINE_OWNER, SMALL_TASKS_USERNAME]
        ).values_list("username", "pk")
    )
    return ids[dataset.SALES_USERNAME], ids[TIMELINE_OWNER], ids[SMALL_TASKS_USERNAME]


def _find() -> Activities | None:
    timelines = list(
        HistoryEvent.objects.filter(content__contains=MARK)
        .order_by("opportunity_id")
        .values_list("opportunity_id", flat=True)
        .distinct()
    )
    if len(timelines) != 2:
        return None
    me, _, small_user = _users()
    open_tasks = Task.objects.filter(title__startswith=TASK_TITLE, is_closed=False)
    return Activities(
        timeline_id=timelines[0],
        timeline_small_id=timelines[1],
        my_tasks_user_id=me,
        my_tasks_small_user_id=small_user,
        my_open_tasks=open_tasks.filter(responsible_id=me).count(),
        my_open_tasks_small=open_tasks.filter(responsible_id=small_user).count(),
    )


def _write(fx: dataset.Fixture) -> dict:
    me, owner, small_user = _users()
    history_categories = list(HistoryCategory.objects.order_by("pk").values_list("pk", flat=True))
    task_categories = list(TaskCategory.objects.order_by("pk").values_list("pk", flat=True))
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    writer = _Rows(fx, history_categories, task_categories, today)
    deals = list(
        Opportunity.objects.filter(
            responsible_id=owner, created_by_id=owner, is_private=False, stage__stage_type=0
        )
        .order_by("pk")
        .values("pk", "stage_id", "contact_id", "created_at")[:2]
    )
    if len(deals) < 2:
        raise SystemExit(f"the data set is too small: {TIMELINE_OWNER} has no two open deals")
    writer.timeline(deals[0], TIMELINE_ENTRIES, owner=owner, avoid={me, small_user})
    writer.timeline(deals[1], TIMELINE_ENTRIES_SMALL, owner=owner, avoid={me, small_user})
    writer.my_tasks(me, MY_TASKS)
    writer.my_tasks(small_user, MY_TASKS_SMALL)
    writer.background(avoid={me, small_user})
    counts = writer.save()
    _record_next_task_due()
    return counts


def _record_next_task_due() -> None:
    """The earliest open deadline of each deal with open tasks (the task services' rule)."""
    earliest = (
        Task.objects.filter(opportunity=OuterRef("pk"), is_closed=False)
        .order_by("deadline")
        .values("deadline")[:1]
    )
    with_open = Task.objects.filter(is_closed=False, opportunity__isnull=False)
    Opportunity.all_objects.filter(pk__in=with_open.values("opportunity_id")).update(
        next_task_due=Subquery(earliest)
    )


class _Rows:
    """Collects the model instances; `save` writes them in batches."""

    def __init__(self, fx, history_categories, task_categories, today):
        self.fx = fx
        self.history_categories = history_categories
        self.task_categories = task_categories
        self.today = today
        self.events: list[HistoryEvent] = []
        self.tasks: list[Task] = []
        self.stage_changes: list[StageChange] = []
        self.audit: list[OpportunityAudit] = []
        self.stage_updates: dict[int, datetime] = {}
        self.task_number = 0

    def _task(self, rng, *, responsible, opportunity_id, contact_id, created, closed, deadline):
        self.task_number += 1
        creator = self.fx.user_ids[rng.randrange(len(self.fx.user_ids))]
        word = dataset.WORDS[rng.randrange(len(dataset.WORDS))].lower()
        return Task(
            title=f"{TASK_TITLE} {self.task_number}: {word}",
            description="Agree on the next step" if rng.random() < 0.5 else "",
            deadline=deadline,
            responsible_id=responsible,
            category_id=self.task_categories[rng.randrange(len(self.task_categories))],
            alert_minutes=rng.choice((0, 0, 15, 60)),
            opportunity_id=opportunity_id,
            contact_id=contact_id,
            is_closed=closed,
            closed_at=deadline if closed else None,
            closed_by_id=responsible if closed else None,
            created_at=created,
            created_by_id=creator,
            updated_at=created,
        )

    def _open_deadline(self, rng, n: int) -> datetime:
        """Overdue (a fifth), today (a twentieth), this week (a quarter), later (the rest)."""
        bucket = n % 20
        if bucket < 4:
            days = -rng.randrange(1, 30)
        elif bucket == 4:
            days = 0
        elif bucket < 10:
            days = rng.randrange(1, 7)
        else:
            days = rng.randrange(7, 120)
        return self.today + timedelta(days=days, minutes=rng.randrange(0, 480))

    def timeline(self, deal: dict, entries: int, *, owner: int, avoid: set[int]) -> None:
        rng = random.Random(dataset.SEED * 7 + deal["pk"])
        users = [u for u in self.fx.user_ids if u not in avoid]
        stage_changes = max(round(entries * 0.12), 1)  # the seeded creation row is one
        audit_rows = max(round(entries * 0.31), 1)  # "created" and field changes
        tasks = max(round(entries * 0.17), 1)
        events = entries - stage_changes - audit_rows - tasks
        at = deal["created_at"]
        step = timedelta(hours=7)
        open_stages = [s for s in self.fx.stage_ids if not self.fx.stage_closed[s]]
        current = deal["stage_id"]
        self.audit.append(
            OpportunityAudit(
                opportunity_id=deal["pk"],
                action=AuditAction.CREATED,
                changed_at=at,
                changed_by_id=owner,
            )
        )
        previous = current
        for n in range(1, stage_changes):
            at += step
            last = n == stage_changes - 1
            choices = [s for s in open_stages if s != previous and (last or s != current)]
            target = current if last else rng.choice(choices)
            self.stage_changes.append(
                StageChange(
                    opportunity_id=deal["pk"],
                    from_stage_id=previous,
                    to_stage_id=target,
                    changed_at=at,
                    changed_by_id=owner,
                )
            )
            previous = target
        if stage_changes > 1:
            self.stage_updates[deal["pk"]] = at
        at = deal["created_at"]
        for n in range(audit_rows - 1):
            at += step * 2
            field, old, new = AUDITED[n % len(AUDITED)]
            self.audit.append(
                OpportunityAudit(
                    opportunity_id=deal["pk"],
                    action=AuditAction.CHANGED,
                    field=field,
                    old_value=old,
                    new_value=new,
                    changed_at=at,
                    changed_by_id=rng.choice(users),
                )
            )
        at = deal["created_at"]
        for n in range(events):
            at += step
            self.events.append(
                HistoryEvent(
                    content=f"<p>Call {n + 1} about the proposal ({MARK}-{deal['pk']}-{n + 1})</p>",
                    category_id=self.history_categories[n % len(self.history_categories)],
                    opportunity_id=deal["pk"],
                    contact_id=deal["contact_id"] if n % 3 == 0 else None,
                    created_at=at,
                    created_by_id=rng.choice(users),
                )
            )
        for n in range(tasks):
            closed = n % 3 != 0
            created = deal["created_at"] + step * (3 * n + 1)
            self.tasks.append(
                self._task(
                    rng,
                    responsible=rng.choice(users),
                    opportunity_id=deal["pk"],
                    contact_id=None,
                    created=created,
                    closed=closed,
                    deadline=created + timedelta(days=2) if closed else self._open_deadline(rng, n),
                )
            )

    def my_tasks(self, user_id: int, count: int) -> None:
        rng = random.Random(dataset.SEED * 11 + user_id)
        deals = list(
            Opportunity.objects.filter(responsible_id=user_id)
            .order_by("pk")
            .values_list("pk", "contact_id")
        )
        contacts = self.fx.contact_ids
        for n in range(count + count // 10):
            closed = n >= count
            on_deal = deals and n % 5 != 4
            deal_id, contact_id = deals[n % len(deals)] if on_deal else (None, None)
            if not on_deal:
                contact_id = contacts[rng.randrange(len(contacts))]
            created = self.today - timedelta(days=rng.randrange(1, 60))
            self.tasks.append(
                self._task(
                    rng,
                    responsible=user_id,
                    opportunity_id=deal_id,
                    contact_id=contact_id,
                    created=created,
                    closed=closed,
                    deadline=created + timedelta(days=3) if closed else self._open_deadline(rng, n),
                )
            )

    def background(self, *, avoid: set[int]) -> None:
        top = dataset.max_opportunity_id()
        rng = random.Random(dataset.SEED * 13)
        users = [u for u in self.fx.user_ids if u not in avoid]
        for n in range(top // 5):
            self.events.append(
                HistoryEvent(
                    content=f"Spoke with the buyer ({n + 1})",
                    category_id=self.history_categories[n % len(self.history_categories)],
                    opportunity_id=rng.randrange(1, top + 1),
                    created_at=dataset.ANCHOR - timedelta(hours=n),
                    created_by_id=rng.choice(users),
                )
            )
        for n in range(top // 20):
            created = self.today - timedelta(days=rng.randrange(1, 90))
            closed = rng.random() < 0.4
            self.tasks.append(
                self._task(
                    rng,
                    responsible=rng.choice(users),
                    opportunity_id=rng.randrange(1, top + 1),
                    contact_id=None,
                    created=created,
                    closed=closed,
                    deadline=created + timedelta(days=5) if closed else self._open_deadline(rng, n),
                )
            )

    def save(self) -> dict:
        HistoryEvent.objects.bulk_create(self.events, batch_size=BATCH)
        Task.objects.bulk_create(self.tasks, batch_size=BATCH)
        StageChange.objects.bulk_create(self.stage_changes, batch_size=BATCH)
        OpportunityAudit.objects.bulk_create(self.audit, batch_size=BATCH)
        for pk, at in self.stage_updates.items():
            Opportunity.all_objects.filter(pk=pk).update(stage_entered_at=at)
        return {
            "history events": len(self.events),
            "tasks": len(self.tasks),
            "stage changes": len(self.stage_changes),
            "audit rows": len(self.audit),
        }
