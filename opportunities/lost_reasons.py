"""Why a deal was lost: the rule every write that sets a deal's stage applies (create, update,
move), written once.

A deal in a lost stage carries a lost reason (from the admin-edited list) and an optional
comment; choosing a lost stage may require the reason (`require`: the pages always, the API when
settings.LOST_REASON_REQUIRED_IN_API). A reason or comment given for any other stage is refused,
and leaving the lost stages (reopening) clears both: the audit rows keep what they were."""

from core.limits import check_length
from opportunities.models import LostReason, Opportunity, Stage, StageType
from opportunities.validation import LOST_FIELDS, invalid

__all__ = ["LOST_FIELDS", "UNSET", "apply_lost_values", "is_lost", "lost_values"]
LOST_COMMENT_LIMIT = 4000


# A keyword the caller did not name (None means "no reason").
UNSET = object()


def is_lost(stage: Stage | None) -> bool:
    return stage is not None and stage.stage_type == StageType.CLOSED_AND_LOST


def _clean_reason(reason, *, current_id: int | None) -> LostReason | None:
    if reason is None:
        return None
    if not isinstance(reason, LostReason):
        raise invalid("Unknown lost reason.", "lost_reason")
    if not reason.is_active and reason.pk != current_id:
        raise invalid("This lost reason is no longer offered: choose another.", "lost_reason")
    return reason


def _clean_comment(comment) -> str:
    text = str(comment or "").replace("\x00", "").strip()
    if len(text) > LOST_COMMENT_LIMIT:
        raise invalid(
            "{field} has at most {limit} characters.", "lost_comment", limit=LOST_COMMENT_LIMIT
        )
    return text


def lost_values(
    *,
    current: Opportunity | None,
    from_stage: Stage | None,
    to_stage: Stage,
    lost_reason=UNSET,
    lost_comment=UNSET,
    require: bool = False,
) -> dict:
    """The `lost_reason` and `lost_comment` a deal moving from `from_stage` (None: a new deal)
    to `to_stage` ends with, or InvalidInput naming the field at fault.

    Staying among the lost stages keeps the current reason and comment unless others are given;
    `require` refuses a deal entering a lost stage without a reason (or a reason cleared there)."""
    reason_given = lost_reason is not UNSET and lost_reason is not None
    comment_given = lost_comment is not UNSET and bool(_clean_comment(lost_comment))
    if not is_lost(to_stage):
        if reason_given:
            raise invalid(
                "A lost reason is given only when the deal moves to a lost stage.", "lost_reason"
            )
        if comment_given:
            raise invalid(
                "A lost comment is given only when the deal moves to a lost stage.",
                "lost_comment",
            )
        return {"lost_reason": None, "lost_comment": ""}
    staying = current is not None and is_lost(from_stage)
    current_id = current.lost_reason_id if staying else None
    if lost_reason is UNSET:
        reason = current.lost_reason if staying and current_id else None
    else:
        reason = _clean_reason(lost_reason, current_id=current_id)
    if lost_comment is UNSET:
        comment = current.lost_comment if staying else ""
    else:
        comment = _clean_comment(lost_comment)
    check_length(Opportunity, "lost_comment", comment)
    if require and reason is None and (not staying or lost_reason is not UNSET):
        raise invalid("Choose why the deal was lost.", "lost_reason")
    return {"lost_reason": reason, "lost_comment": comment}


def apply_lost_values(opportunity: Opportunity, values: dict) -> list[str]:
    """Set the values on `opportunity`; the names of those that changed (for update_fields)."""
    changed = []
    if getattr(values["lost_reason"], "pk", None) != opportunity.lost_reason_id:
        opportunity.lost_reason = values["lost_reason"]
        changed.append("lost_reason")
    if values["lost_comment"] != opportunity.lost_comment:
        opportunity.lost_comment = values["lost_comment"]
        changed.append("lost_comment")
    return changed
