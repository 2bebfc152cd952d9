"""Writes on opportunity tags: on one opportunity, on many (batch routes), everywhere (admin)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower

from accounts.models import User
from core.counts_cache import counts_invalidate
from core.errors import NotFound
from core.locks import lock_rows
from core.models import EntityType, Tag
from core.services import require_admin, tags_get_or_create
from opportunities.audit import audit_record
from opportunities.audit_snapshots import audit_tag_changes_many
from opportunities.lock_objects import bump_version, opportunities_lock, opportunity_lock
from opportunities.models import AuditAction, Opportunity
from opportunities.selectors import opportunity_list_visible_to
from opportunities.validation import invalid


@transaction.atomic
def opportunity_add_tag(*, opportunity: Opportunity, tag_name: str, added_by: User):
    opportunity = opportunity_lock(opportunity, editable_by=added_by)
    counts_invalidate()
    (tag,) = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[tag_name])
    added = not opportunity.tags.filter(pk=tag.pk).exists()
    opportunity.tags.add(tag)
    bump_version(opportunity)
    if added:
        audit_record(
            opportunity,
            action=AuditAction.CHANGED,
            changed_by=added_by,
            field="tags",
            new_value=tag.title,
        )
    return tag


@transaction.atomic
def opportunity_remove_tag(*, opportunity: Opportunity, tag_name: str, removed_by: User) -> None:
    opportunity = opportunity_lock(opportunity, editable_by=removed_by)
    counts_invalidate()
    tags = list(opportunity.tags.filter(title__iexact=(tag_name or "").strip()))
    if tags:
        opportunity.tags.remove(*tags)
        bump_version(opportunity)
    for tag in tags:
        audit_tag_changes_many(
            [opportunity.pk], tag_title=tag.title, added=False, changed_by=removed_by
        )


@transaction.atomic
def opportunity_tag_add_many(
    *, opportunity_ids: Iterable[int], tag_name: str, added_by: User
) -> tuple[Tag, list[int]]:
    """Put the tag on every listed opportunity `added_by` may edit (who may read it); the
    others are skipped, as ONLYOFFICE's batch routes do. Returns the tag and the ids it was
    added to."""
    ids = list(dict.fromkeys(int(i) for i in opportunity_ids))
    # The rows are locked before the tag may be created: no write before the last row lock.
    visible = opportunity_list_visible_to(user=added_by).filter(pk__in=ids)
    editable = list(lock_rows(visible).values_list("pk", flat=True))
    counts_invalidate()
    (tag,) = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[tag_name])
    carrying = set(
        Opportunity.tags.through.objects.filter(
            tag_id=tag.pk, opportunity_id__in=editable
        ).values_list("opportunity_id", flat=True)
    )
    Opportunity.tags.through.objects.bulk_create(
        [Opportunity.tags.through(opportunity_id=pk, tag_id=tag.pk) for pk in editable],
        ignore_conflicts=True,
    )
    Opportunity.objects.filter(pk__in=editable).update(version=F("version") + 1)
    audit_tag_changes_many(
        [pk for pk in editable if pk not in carrying],
        tag_title=tag.title,
        added=True,
        changed_by=added_by,
    )
    return tag, editable


@transaction.atomic
def opportunity_tag_delete(*, tag_name: str, deleted_by: User) -> Tag:
    """Delete an opportunity tag everywhere (admin only: it touches others' opportunities)."""
    require_admin(deleted_by)
    title = (tag_name or "").strip()
    if not title:
        raise invalid("The tag name is required.", "tag_name")
    tag = lock_rows(
        Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, title__iexact=title)
    ).first()
    if tag is None:
        raise NotFound("Tag not found")
    carrying = list(tag.opportunities.values_list("pk", flat=True))
    opportunities_lock(carrying)
    Opportunity.objects.filter(pk__in=carrying).update(version=F("version") + 1)
    audit_tag_changes_many(carrying, tag_title=tag.title, added=False, changed_by=deleted_by)
    counts_invalidate()
    tag_id = tag.pk
    tag.delete()
    tag.pk = tag_id
    return tag


@transaction.atomic
def opportunity_tags_delete_unused(*, deleted_by: User) -> list[str]:
    """Delete the opportunity tags no opportunity carries; returns their titles."""
    require_admin(deleted_by)
    unused = Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, opportunities__isnull=True)
    rows = list(unused.order_by(Lower("title"), "id").values_list("pk", "title"))
    counts_invalidate()
    # re-checked at delete time: a tag put on an opportunity meanwhile stays
    Tag.objects.filter(pk__in=[pk for pk, _ in rows], opportunities__isnull=True).delete()
    return [title for _, title in rows]
