"""What a write changed, for its audit rows: a service takes an `AuditSnapshot` of the locked
opportunity before it writes and calls `record` once after, which writes one row per field
whose value (as people read it) changed, and nothing when nothing did.

The snapshot costs no query for the row's own fields (it keeps their raw values; only a
changed relation's old value is read back, one query per kind of relation changed). The list
fields cost one query each before and after, and only when the write names them."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from core.access import view_codename
from core.custom_fields import custom_field_name
from core.models import FieldType
from opportunities.audit import (
    AUDITED_FIELDS,
    audit_changes,
    audit_list_changes,
    audit_row,
    audit_save,
    contact_text,
    user_text,
    value_text,
    yes_no,
)
from opportunities.models import (
    AuditAction,
    LeadSource,
    LostReason,
    Opportunity,
    OpportunityAudit,
    OpportunityCustomFieldValue,
    OpportunityStatus,
    OpportunityUserObjectPermission,
)

_RELATIONS: dict[str, type[Model]] = {
    "responsible": User,
    "owner": User,
    "contact": Contact,
    "customer": Contact,
    "source": LeadSource,
    "status": OpportunityStatus,
    "lost_reason": LostReason,
}
_CONTACT_NAME_FIELDS = ("id", "is_company", "company_name", "first_name", "last_name")


def _raw(opportunity: Opportunity, field: str):
    return getattr(opportunity, Opportunity._meta.get_field(field).attname)


def member_texts(opportunity: Opportunity) -> dict[int, str]:
    contacts = Contact.objects.filter(opportunities=opportunity).only(*_CONTACT_NAME_FIELDS)
    return {contact.pk: contact_text(contact) for contact in contacts.order_by("pk")}


def tag_texts(opportunity: Opportunity) -> dict[int, str]:
    return dict(opportunity.tags.order_by("title", "pk").values_list("pk", "title"))


def custom_texts(opportunity: Opportunity, field_ids: Iterable[int]) -> dict[str, str]:
    rows = OpportunityCustomFieldValue.objects.filter(
        opportunity=opportunity, field_id__in=list(field_ids)
    ).values_list("field_id", "field__field_type", "value")
    return {
        custom_field_name(field_id): yes_no(value == "true")
        if field_type == FieldType.CHECK_BOX
        else value
        for field_id, field_type, value in rows
    }


def access_text(opportunity: Opportunity) -> str:
    """ "Public", or "Private: " and the access list's names."""
    if not opportunity.is_private:
        return "Public"
    granted = OpportunityUserObjectPermission.objects.filter(
        content_object=opportunity, permission__codename=view_codename(Opportunity)
    ).values("user_id")
    names = sorted(user_text(user) for user in User.objects.filter(pk__in=granted))
    return "Private: " + ", ".join(names)


class AuditSnapshot:
    """The audited values of a locked opportunity before a write. `fields`: the row's fields
    the write may change (audit.AUDITED_FIELDS, or the timestamps); `members`, `tags`,
    `access`: whether it may change those lists; `custom_field_ids`: the custom fields it
    may set."""

    def __init__(
        self,
        opportunity: Opportunity,
        *,
        fields: Iterable[str] = AUDITED_FIELDS,
        members: bool = False,
        tags: bool = False,
        custom_field_ids: Iterable[int] = (),
        access: bool = False,
    ):
        self.raw = {field: _raw(opportunity, field) for field in fields}
        self.currency_code = opportunity.bid_currency_id or ""
        self.members = member_texts(opportunity) if members else None
        self.tags = tag_texts(opportunity) if tags else None
        self.custom_field_ids = list(custom_field_ids)
        self.custom = (
            custom_texts(opportunity, self.custom_field_ids) if self.custom_field_ids else {}
        )
        self.access = access_text(opportunity) if access else None

    def _old_relations(self, changed: list[str]) -> dict[str, object]:
        """The related objects the changed relation fields held: one query per model."""
        wanted: dict[type[Model], set] = {}
        for field in changed:
            if field in _RELATIONS and self.raw[field] is not None:
                wanted.setdefault(_RELATIONS[field], set()).add(self.raw[field])
        loaded = {model: model._default_manager.in_bulk(list(ids)) for model, ids in wanted.items()}
        return {
            field: loaded[_RELATIONS[field]].get(self.raw[field])
            for field in changed
            if field in _RELATIONS and self.raw[field] is not None
        }

    def rows(
        self, opportunity: Opportunity, *, changed_by: User | None, at: datetime | None = None
    ) -> list[OpportunityAudit]:
        """Unsaved rows for what changed since the snapshot."""
        at = at or timezone.now()
        changed = [field for field, raw in self.raw.items() if _raw(opportunity, field) != raw]
        old_objects = self._old_relations(changed)
        currency = opportunity.bid_currency_id or ""
        before, after = {}, {}
        for field in changed:
            old = old_objects.get(field) if field in _RELATIONS else self.raw[field]
            before[field] = value_text(field, old, currency_code=self.currency_code)
            new = (
                _raw(opportunity, field) if field == "bid_currency" else getattr(opportunity, field)
            )
            after[field] = value_text(field, new, currency_code=currency)
        rows = audit_changes(opportunity, before=before, after=after, changed_by=changed_by, at=at)
        if self.custom_field_ids:
            rows += audit_changes(
                opportunity,
                before=self.custom,
                after=custom_texts(opportunity, self.custom_field_ids),
                changed_by=changed_by,
                at=at,
            )
        for field, old_items, read in (
            ("tags", self.tags, tag_texts),
            ("members", self.members, member_texts),
        ):
            if old_items is not None:
                rows += audit_list_changes(
                    opportunity,
                    field=field,
                    before=old_items,
                    after=read(opportunity),
                    changed_by=changed_by,
                    at=at,
                )
        if self.access is not None:
            now_shared = access_text(opportunity)
            if now_shared != self.access:
                rows.append(
                    audit_row(
                        opportunity,
                        action=AuditAction.SHARED,
                        changed_by=changed_by,
                        field="access",
                        old_value=self.access,
                        new_value=now_shared,
                        at=at,
                    )
                )
        return rows

    def record(
        self, opportunity: Opportunity, *, changed_by: User | None, at: datetime | None = None
    ) -> list[OpportunityAudit]:
        """Write the rows of what changed since the snapshot (one insert, or none)."""
        return audit_save(self.rows(opportunity, changed_by=changed_by, at=at))


def audit_tag_changes_many(
    opportunity_ids: Iterable[int],
    *,
    tag_title: str,
    added: bool,
    changed_by: User | None,
    at: datetime | None = None,
) -> list[OpportunityAudit]:
    """One row on each opportunity a tag was put on (`added`) or taken off, in one insert."""
    at = at or timezone.now()
    value = {"new_value": tag_title} if added else {"old_value": tag_title}
    return audit_save(
        [
            audit_row(
                pk, action=AuditAction.CHANGED, changed_by=changed_by, field="tags", at=at, **value
            )
            for pk in opportunity_ids
        ]
    )
