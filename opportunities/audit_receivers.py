"""Audit rows for what another app's delete takes from deals: contacts and core may not import
opportunities, so their services send a domain signal (`contacts.signals.contact_deleting`,
`core.signals.custom_field_deleting`) inside their transaction, before the delete, and
`OpportunitiesConfig.ready` connects these receivers to it.

Each reads what the delete takes from every deal (those in the trash too: they are restored
with their history) in one query and writes the rows as an edit that cleared the field would,
in one insert (and one for the rows' links to the contact): a constant number of queries
however many deals."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from core.custom_fields import custom_field_name
from core.locks import lock_rows
from core.models import CustomFieldDefinition, FieldType
from opportunities.audit import audit_changes, audit_save, contact_text, yes_no
from opportunities.models import (
    Opportunity,
    OpportunityAuditContact,
    OpportunityCustomFieldValue,
    OpportunityMember,
)


def record_contact_deleted(sender, *, contact: Contact, deleted_by: User, **kwargs) -> None:
    """Rows on each deal of the contact being deleted: its contact or customer cleared, the
    contact removed from its members. `contact_delete` has locked these deals."""
    members = OpportunityMember.objects.filter(contact_id=contact.pk)
    deals = (
        Opportunity.all_objects.filter(
            Q(contact_id=contact.pk)
            | Q(customer_id=contact.pk)
            | Q(pk__in=members.values("opportunity_id"))
        )
        .annotate(is_member=Exists(members.filter(opportunity=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "contact_id", "customer_id", "is_member")
    )
    # Read again: the delete has locked the row, so its name and privacy are final.
    contact = Contact.objects.get(pk=contact.pk)
    if contact.is_private:
        # Linked to the contact as every row naming one (`contact_text`): once it is gone,
        # only admins read the rows naming it (audit_selectors).
        name = contact_text(contact)
    else:
        # Everyone with CRM access could read it: the rows naming it (these and the earlier
        # ones) stay readable by whoever reads the deal, instead of vanishing with it.
        name = str(contact_text(contact))
        OpportunityAuditContact.objects.filter(contact_id=contact.pk).delete()
    at = timezone.now()
    rows = []
    for deal_id, contact_id, customer_id, is_member in deals:
        linked = {
            "contact": contact_id == contact.pk,
            "customer": customer_id == contact.pk,
            "members": is_member,
        }
        before = {field: name for field, is_linked in linked.items() if is_linked}
        rows += audit_changes(deal_id, before=before, after={}, changed_by=deleted_by, at=at)
    audit_save(rows)


def record_custom_field_deleted(
    sender, *, definition: CustomFieldDefinition, deleted_by: User, **kwargs
) -> None:
    """A row on each deal holding a value of the field being deleted: the value cleared, its
    old value naming the field ("Region: North"), since the field's label goes with it."""
    values = OpportunityCustomFieldValue.objects.filter(field_id=definition.pk)
    # The deals first, as every service locks them before their values: an edit changing a
    # value of this field meanwhile is waited for, and the values are read as it left them.
    list(
        lock_rows(
            Opportunity.all_objects.filter(pk__in=values.values("opportunity_id"))
        ).values_list("pk", flat=True)
    )
    cleared = values.order_by("opportunity_id").values_list(
        "opportunity_id", "field__label", "field__field_type", "value"
    )
    field = custom_field_name(definition.pk)
    at = timezone.now()
    rows = []
    for deal_id, label, field_type, value in cleared:
        before = {field: f"{label}: {_custom_value_text(field_type, value)}"}
        rows += audit_changes(deal_id, before=before, after={}, changed_by=deleted_by, at=at)
    audit_save(rows)


def _custom_value_text(field_type: int, value: str) -> str:
    return yes_no(value == "true") if field_type == FieldType.CHECK_BOX else value
