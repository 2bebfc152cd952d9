"""Writes on the pipeline's stages (administrators only)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.counts_cache import counts_invalidate
from core.errors import InvalidInput, NotFound
from core.limits import check_length
from core.locks import lock_rows
from core.services import require_admin
from opportunities.errors import StageInUse
from opportunities.models import Opportunity, Stage, StageChange, StageType
from opportunities.validation import clean_whole, invalid

# The range of the sort_order column (an IntegerField on every database).
SORT_ORDER_RANGE = (-(2**31), 2**31 - 1)


def _clean_stage_values(
    *, title, description, color, success_probability, stage_type, days_before_warning
):
    title = (title or "").strip()
    if not title:
        raise invalid("The title is required.", "title", entity="stage")
    check_length(Stage, "title", title)
    color = (color or "").strip()
    check_length(Stage, "color", color)
    probability = clean_whole(success_probability, "success_probability", entity="stage", high=100)
    kind = clean_whole(stage_type, "stage_type", entity="stage", high=max(StageType.values))
    days = (
        None
        if days_before_warning in (None, "")
        else clean_whole(days_before_warning, "days_before_warning", entity="stage")
    )
    return {
        "title": title,
        "description": (description or "").strip(),
        "color": color,
        "success_probability": probability,
        "stage_type": kind,
        "days_before_warning": days,
    }


def _clean_sort_order(value) -> int:
    """A sort order as given (ties go by id), an integer the column holds."""
    if value is None or value == "":
        raise invalid("{field} cannot be empty.", "sort_order", entity="stage")
    low, high = SORT_ORDER_RANGE
    return clean_whole(value, "sort_order", entity="stage", low=low, high=high)


@transaction.atomic
def stage_create(
    *,
    created_by: User,
    title: str,
    description: str = "",
    color: str = "",
    success_probability=0,
    stage_type=StageType.OPEN,
    days_before_warning=None,
    sort_order=None,
) -> Stage:
    """A new stage; `sort_order` is stored as given, and without one the stage goes last."""
    require_admin(created_by)
    values = _clean_stage_values(
        title=title,
        description=description,
        color=color,
        success_probability=success_probability,
        stage_type=stage_type,
        days_before_warning=days_before_warning,
    )
    if sort_order is not None:
        sort_order = _clean_sort_order(sort_order)
    counts_invalidate()
    if sort_order is None:
        last = Stage.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
        sort_order = min((last or 0) + 1, SORT_ORDER_RANGE[1])
    return Stage.objects.create(**values, sort_order=sort_order)


@transaction.atomic
def stage_update(*, stage: Stage, updated_by: User, **changes) -> Stage:
    """Change the named fields; `sort_order` is stored as given (stage_reorder renumbers)."""
    require_admin(updated_by)
    stage = lock_rows(Stage.objects.filter(pk=stage.pk)).get()
    counts_invalidate()
    current = {
        "title": stage.title,
        "description": stage.description,
        "color": stage.color,
        "success_probability": stage.success_probability,
        "stage_type": stage.stage_type,
        "days_before_warning": stage.days_before_warning,
    }
    unknown = set(changes) - set(current) - {"sort_order"}
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    sort_order = (
        _clean_sort_order(changes.pop("sort_order"))
        if "sort_order" in changes
        else stage.sort_order
    )
    values = _clean_stage_values(**{**current, **changes})
    values["sort_order"] = sort_order
    for name, value in values.items():
        setattr(stage, name, value)
    stage.save()
    return stage


@transaction.atomic
def stage_reorder(*, stage_ids: list[int] | None, reordered_by: User) -> list[Stage]:
    """The named stages first, in that order, then the others in their order. An empty or
    missing list (what ONLYOFFICE clients send when nothing moved) changes nothing."""
    require_admin(reordered_by)
    ids = [int(i) for i in stage_ids or []]
    if not ids:
        return list(Stage.objects.order_by("sort_order", "id"))
    stages = {stage.pk: stage for stage in lock_rows(Stage.objects.all())}
    missing = [i for i in ids if i not in stages]
    if missing:
        raise NotFound(f"Deal milestone is not found: {missing[0]}")
    counts_invalidate()
    others = list(Stage.objects.exclude(pk__in=ids).order_by("sort_order", "id"))
    ordered = [stages[i] for i in dict.fromkeys(ids)] + others
    for position, stage in enumerate(ordered):
        stage.sort_order = position
    Stage.objects.bulk_update(ordered, ["sort_order"])
    return ordered


@transaction.atomic
def stage_delete(*, stage: Stage, deleted_by: User) -> Stage:
    """Delete a stage that holds no live deal (StageInUse otherwise). Deals in the trash
    that sit in it move to another stage (the first of the same kind, else the first), with
    a stage history row, so they can still be restored; StageInUse when no stage is left."""
    require_admin(deleted_by)
    stage = lock_rows(Stage.objects.filter(pk=stage.pk)).get()
    if stage.opportunities.exists():
        raise StageInUse()
    # every deal of the stage, trashed or not, locked: a restore meanwhile is seen here
    held = list(lock_rows(Opportunity.all_objects.filter(stage=stage)))
    if any(deal.deleted_at is None for deal in held):
        raise StageInUse()
    if held:
        _move_trashed_deals(held, away_from=stage, moved_by=deleted_by)
    counts_invalidate()
    stage_id = stage.pk
    stage.delete()
    stage.pk = stage_id
    return stage


def _move_trashed_deals(deals: list[Opportunity], *, away_from: Stage, moved_by: User) -> None:
    others = Stage.objects.exclude(pk=away_from.pk).order_by("sort_order", "id")
    target = others.filter(stage_type=away_from.stage_type).first() or others.first()
    if target is None:
        raise StageInUse("Can't be deleted: deals in the trash are in this stage, the only one.")
    now = timezone.now()
    Opportunity.all_objects.filter(pk__in=[deal.pk for deal in deals]).update(
        stage=target, stage_entered_at=now, version=F("version") + 1
    )
    StageChange.objects.bulk_create(
        StageChange(
            opportunity_id=deal.pk,
            from_stage=away_from,
            to_stage=target,
            changed_by=moved_by,
            changed_at=now,
        )
        for deal in deals
    )
