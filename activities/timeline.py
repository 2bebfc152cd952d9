"""The timeline of an opportunity, as one reader may see it: a selector over four kinds of rows.

One stream, newest first, of the deal's history events (notes, calls, e-mails, meetings), its
closed tasks (at the time they were closed), its stage changes and its audit rows (field
changes, sharing, creation, moves to the trash and restores), with its open tasks apart, on
top, by due date. What the reader may not see is not there: the events and tasks go through
their own visibility selectors (an event or a task whose contact the reader cannot read is left
out), the audit rows through `opportunity_audit_rows` (a row naming a hidden contact is left
out). The caller has read the opportunity through its visibility rule.

A page holds `PAGE_SIZE` entries. The next page starts after a cursor (the last entry's time,
kind and id), so every page costs the same few queries however long the timeline is: each
source is asked for at most a page of rows after the cursor, and the rows are merged here."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import merge

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.history_selectors import history_event_can_delete, history_events_of_opportunity
from activities.models import Task
from activities.task_selectors import task_can_edit, task_is_overdue, tasks_of_opportunity
from opportunities.audit_selectors import audit_row_label, opportunity_audit_rows
from opportunities.models import Opportunity, StageType
from opportunities.selectors import opportunity_stage_history

PAGE_SIZE = 30
OPEN_TASKS_SHOWN = 50

# Entries at the same instant: what happened after, within one write, comes first (a task
# closed, then its note; a stage change, then the field changes it brought).
EVENT, TASK, STAGE, AUDIT = "event", "task", "stage", "audit"
RANKS = {EVENT: 4, TASK: 3, STAGE: 2, AUDIT: 1}


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: entries strictly older than (at, rank, pk) come next."""

    at: datetime
    rank: int
    pk: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.rank}~{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """The cursor a page's "show more" link carries; None for anything else (the first
        page), so a hand-edited or hostile value never fails."""
        try:
            at_text, rank_text, pk_text = (text or "")[:80].split("~")
            at = datetime.fromisoformat(at_text)
            rank, pk = int(rank_text), int(pk_text)
        except (ValueError, OverflowError):
            return None
        if at.tzinfo is None or rank not in RANKS.values() or not 0 < pk < 2**63:
            return None
        return cls(at=at, rank=rank, pk=pk)


@dataclass
class Entry:
    kind: str
    at: datetime
    pk: int
    item: object

    @property
    def sort_key(self) -> tuple:
        return (self.at, RANKS[self.kind], self.pk)


@dataclass
class Timeline:
    opportunity: Opportunity
    open_tasks: list[Task] = field(default_factory=list)
    open_tasks_more: bool = False
    entries: list[Entry] = field(default_factory=list)
    next_cursor: Cursor | None = None
    first_page: bool = True


def _after(cursor: Cursor | None, kind: str, time_field: str) -> Q:
    """The rows of one kind that come after `cursor` in the stream's order."""
    if cursor is None:
        return Q()
    rank = RANKS[kind]
    older = Q(**{f"{time_field}__lt": cursor.at})
    if rank < cursor.rank:
        return older | Q(**{time_field: cursor.at})
    if rank == cursor.rank:
        return older | Q(**{time_field: cursor.at, "pk__lt": cursor.pk})
    return older


def _page(queryset: QuerySet, *, kind: str, time_field: str, cursor, limit: int) -> list[Entry]:
    rows = queryset.filter(_after(cursor, kind, time_field)).order_by(
        F(time_field).desc(), F("pk").desc()
    )[:limit]
    return [Entry(kind, getattr(row, time_field), row.pk, row) for row in rows]


def timeline_of_opportunity(
    *, user, opportunity: Opportunity, cursor: Cursor | None = None, limit: int = PAGE_SIZE
) -> Timeline:
    """One page of `opportunity`'s timeline for `user` (the first without `cursor`): a fixed
    number of queries, whatever the page size and the length of the whole timeline."""
    now = timezone.now()
    tasks = tasks_of_opportunity(user=user, opportunity=opportunity)
    sources = [
        _page(
            history_events_of_opportunity(user=user, opportunity=opportunity),
            kind=EVENT,
            time_field="created_at",
            cursor=cursor,
            limit=limit + 1,
        ),
        _page(
            tasks.filter(is_closed=True)
            .select_related("closed_by")
            .annotate(stream_at=Coalesce("closed_at", "updated_at")),
            kind=TASK,
            time_field="stream_at",
            cursor=cursor,
            limit=limit + 1,
        ),
        _page(
            opportunity_stage_history(opportunity),
            kind=STAGE,
            time_field="changed_at",
            cursor=cursor,
            limit=limit + 1,
        ),
        _page(
            opportunity_audit_rows(opportunity, user=user),
            kind=AUDIT,
            time_field="changed_at",
            cursor=cursor,
            limit=limit + 1,
        ),
    ]
    merged = list(merge(*sources, key=lambda entry: entry.sort_key, reverse=True))
    timeline = Timeline(opportunity=opportunity, first_page=cursor is None)
    timeline.entries = merged[:limit]
    if len(merged) > limit:
        last = timeline.entries[-1]
        timeline.next_cursor = Cursor(at=last.at, rank=RANKS[last.kind], pk=last.pk)
    if cursor is None:
        open_tasks = list(
            tasks.filter(is_closed=False).order_by("deadline", "pk")[: OPEN_TASKS_SHOWN + 1]
        )
        timeline.open_tasks = open_tasks[:OPEN_TASKS_SHOWN]
        timeline.open_tasks_more = len(open_tasks) > OPEN_TASKS_SHOWN
    _annotate(timeline, user=user, now=now)
    return timeline


# What a stage move changes beside the stage, written by the same service call: shown on the
# move's line rather than as lines of their own.
MOVE_SIDE_FIELDS = {"success_probability", "actual_close_date", "lost_reason", "lost_comment"}
SAME_WRITE = timedelta(seconds=2)


def _fold_move_side_changes(entries: list[Entry]) -> list[Entry]:
    """The entries with each move's side changes (its audit rows of MOVE_SIDE_FIELDS, by the
    same user, within SAME_WRITE) moved onto the move as `side_changes`."""
    moves = [entry for entry in entries if entry.kind == STAGE]
    for move in moves:
        move.item.side_changes = []
    folded = set()
    for entry in entries:
        if entry.kind != AUDIT or entry.item.field not in MOVE_SIDE_FIELDS:
            continue
        for move in moves:
            if (
                move.item.changed_by_id == entry.item.changed_by_id
                and abs(move.at - entry.at) <= SAME_WRITE
            ):
                move.item.side_changes.append(entry.item)
                folded.add(id(entry))
                break
    for move in moves:
        if getattr(move.item, "lost", False):  # its "Lost: reason — comment" line says it
            move.item.side_changes = [
                change
                for change in move.item.side_changes
                if change.field not in ("lost_reason", "lost_comment")
            ]
    return [entry for entry in entries if id(entry) not in folded]


def _annotate(timeline: Timeline, *, user, now: datetime) -> None:
    """What the templates show beyond the rows, computed once per row in Python: the rights,
    the overdue flag, the audit label, and the lost reason on the stage change that lost the
    deal (the reason it holds now: on the latest stage change, while the deal is lost; one
    query, only for a lost deal)."""
    for task in timeline.open_tasks:
        task.user_can_edit = task_can_edit(user=user, task=task)
        task.overdue = task_is_overdue(task, now=now)
    opportunity = timeline.opportunity
    losing_change = None
    if opportunity.stage.stage_type == StageType.CLOSED_AND_LOST:
        losing_change = opportunity_stage_history(opportunity).values_list("pk", flat=True).first()
    for entry in timeline.entries:
        item = entry.item
        if entry.kind == EVENT:
            item.user_can_delete = history_event_can_delete(user=user, event=item)
        elif entry.kind == TASK:
            item.user_can_edit = task_can_edit(user=user, task=item)
        elif entry.kind == AUDIT:
            item.label = audit_row_label(item)
        elif entry.kind == STAGE:
            item.lost = losing_change is not None and item.pk == losing_change
    timeline.entries = _fold_move_side_changes(timeline.entries)
