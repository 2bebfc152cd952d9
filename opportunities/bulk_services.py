"""Bulk edit of the opportunities table: one action on many rows, through the same services
and permission rules as one at a time. Each row the acting user may not change is skipped with
its reason; a row they cannot see is never touched nor named (only counted as unavailable).

Every action runs in one transaction: the per-row services run in savepoints, so a refused row
writes nothing and the others stay changed. Tags added, deletes and sharing use the services'
batch forms; moves, the responsible and tags removed go one row at a time (each row's stage
history, lost reason rules and audit rows are the single services')."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from core.errors import AccessDenied, InvalidInput, NotFound
from opportunities.access_services import opportunity_set_access_many
from opportunities.errors import ResponsibleChangeDenied
from opportunities.models import LostReason, Opportunity, Stage, StageType
from opportunities.selectors import opportunity_list_visible_to
from opportunities.services import (
    opportunity_delete_many,
    opportunity_move_to_stage,
    opportunity_update,
)
from opportunities.tag_services import opportunity_remove_tag, opportunity_tag_add_many

CANNOT_CHANGE = "you may not change this deal"
CANNOT_SHARE = "only its creator and administrators may change who sees this deal"
CANNOT_CHANGE_RESPONSIBLE = (
    "only its creator and administrators may change the responsible of this private deal"
)


@dataclass
class BulkResult:
    """What a bulk action did: the rows changed, the rows skipped with why, and how many of the
    ids asked for are not (or no longer) there for the acting user."""

    action: str
    changed: list[Opportunity] = field(default_factory=list)
    skipped: list[tuple[Opportunity, str]] = field(default_factory=list)
    unavailable: int = 0
    batch: object = None  # the trash batch of a delete (restorable in one action)


def _visible_rows(ids: list[int], user: User) -> list[Opportunity]:
    return list(
        opportunity_list_visible_to(user=user)
        .filter(pk__in=ids)
        .select_related("stage")
        .only("id", "title", "stage", "responsible", "is_private", "created_by")
        .order_by("id")
    )


def _start(action: str, ids: Iterable[int], user: User) -> tuple[BulkResult, list[Opportunity]]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    rows = _visible_rows(ids, user)
    return BulkResult(action=action, unavailable=len(ids) - len(rows)), rows


def _one_by_one(result: BulkResult, rows: list[Opportunity], write) -> None:
    for row in rows:
        try:
            with transaction.atomic():
                write(row)
        except ResponsibleChangeDenied:
            result.skipped.append((row, CANNOT_CHANGE_RESPONSIBLE))
        except AccessDenied:
            result.skipped.append((row, CANNOT_CHANGE))
        except NotFound:
            result.unavailable += 1  # deleted or hidden meanwhile
        except InvalidInput as exc:
            result.skipped.append((row, exc.message))
        else:
            result.changed.append(row)


@transaction.atomic
def opportunities_bulk_move(
    *,
    opportunity_ids: Iterable[int],
    stage: Stage,
    moved_by: User,
    lost_reason: LostReason | None = None,
    lost_comment: str = "",
) -> BulkResult:
    """Move each row to `stage` as a move on its page does (a lost stage requires the reason);
    a row already there is skipped."""
    result, rows = _start("move", opportunity_ids, moved_by)
    todo = []
    for row in rows:
        if row.stage_id == stage.pk and stage.stage_type != StageType.CLOSED_AND_LOST:
            result.skipped.append((row, f"already in {stage.title}"))
        else:
            todo.append(row)
    _one_by_one(
        result,
        todo,
        lambda row: opportunity_move_to_stage(
            opportunity=row,
            stage=stage,
            moved_by=moved_by,
            lost_reason=lost_reason,
            lost_comment=lost_comment,
            require_lost_reason=True,
        ),
    )
    return result


@transaction.atomic
def opportunities_bulk_set_responsible(
    *, opportunity_ids: Iterable[int], responsible: User, changed_by: User
) -> BulkResult:
    """Make `responsible` responsible for each row (on a private deal only its creator and
    administrators may, as on the edit page); a row they already have is skipped."""
    result, rows = _start("responsible", opportunity_ids, changed_by)
    todo = []
    for row in rows:
        if row.responsible_id == responsible.pk:
            result.skipped.append((row, f"{responsible.get_display_name()} is already responsible"))
        else:
            todo.append(row)
    _one_by_one(
        result,
        todo,
        lambda row: opportunity_update(
            opportunity=row, updated_by=changed_by, responsible=responsible
        ),
    )
    return result


@transaction.atomic
def opportunities_bulk_add_tag(
    *, opportunity_ids: Iterable[int], tag_name: str, added_by: User
) -> BulkResult:
    result, rows = _start("tag_add", opportunity_ids, added_by)
    if not rows:
        return result
    _, added = opportunity_tag_add_many(
        opportunity_ids=[row.pk for row in rows], tag_name=tag_name, added_by=added_by
    )
    added = set(added)
    result.changed = [row for row in rows if row.pk in added]
    result.unavailable += len(rows) - len(result.changed)
    return result


@transaction.atomic
def opportunities_bulk_remove_tag(
    *, opportunity_ids: Iterable[int], tag_name: str, removed_by: User
) -> BulkResult:
    """Take the tag off each row carrying it; the others are skipped."""
    result, rows = _start("tag_remove", opportunity_ids, removed_by)
    title = (tag_name or "").strip()
    carrying = set(
        Opportunity.tags.through.objects.filter(
            opportunity_id__in=[row.pk for row in rows], tag__title__iexact=title
        ).values_list("opportunity_id", flat=True)
    )
    todo = []
    for row in rows:
        if row.pk in carrying:
            todo.append(row)
        else:
            result.skipped.append((row, f"has no tag “{title}”"))
    _one_by_one(
        result,
        todo,
        lambda row: opportunity_remove_tag(opportunity=row, tag_name=title, removed_by=removed_by),
    )
    return result


@transaction.atomic
def opportunities_bulk_share(
    *,
    opportunity_ids: Iterable[int],
    is_private: bool,
    access_list: Iterable[User],
    set_by: User,
) -> BulkResult:
    """Make each row private for `access_list` (and `set_by`), or public; rows whose access
    `set_by` may not change are skipped."""
    result, rows = _start("share", opportunity_ids, set_by)
    changed = set(
        opportunity_set_access_many(
            opportunities=rows,
            is_private=is_private,
            access_list=list(access_list) if is_private else [],
            set_by=set_by,
            notify=True,
        )
    )
    for row in rows:
        if row.pk in changed:
            result.changed.append(row)
        else:
            result.skipped.append((row, CANNOT_SHARE))
    return result


@transaction.atomic
def opportunities_bulk_delete(*, opportunity_ids: Iterable[int], deleted_by: User) -> BulkResult:
    """Move every row to the trash as one batch (restorable in one action)."""
    result, rows = _start("delete", opportunity_ids, deleted_by)
    if not rows:
        return result
    deleted = opportunity_delete_many(
        opportunity_ids=[row.pk for row in rows], deleted_by=deleted_by, skip_unavailable=True
    )
    ids = {row.pk for row in deleted}
    result.changed = [row for row in rows if row.pk in ids]
    result.unavailable += len(rows) - len(result.changed)
    result.batch = deleted[0].deletion_batch if deleted else None
    return result
