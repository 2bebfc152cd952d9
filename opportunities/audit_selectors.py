"""Reading an opportunity's audit rows (opportunities/audit.py writes them). They are reached
only through their opportunity: there is no listing of audit rows across opportunities."""

from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from contacts.selectors import contact_list_visible_to
from core.custom_fields import custom_field_name
from core.models import CustomFieldDefinition
from opportunities.models import Opportunity, OpportunityAudit, OpportunityAuditContact

CUSTOM_FIELD_PREFIX = custom_field_name(0)[:-1]

FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "bid_type": "Bid type",
    "bid_value": "Amount",
    "bid_currency": "Currency",
    "per_period_value": "Periods",
    "success_probability": "Probability",
    "expected_close_date": "Expected close date",
    "actual_close_date": "Actual close date",
    "one_time_revenue": "One-time revenue",
    "recurring_revenue": "Monthly recurring revenue",
    "contract_months": "Contract months",
    "contact": "Contact",
    "customer": "Customer",
    "responsible": "Responsible",
    "owner": "Owner",
    "source": "Source",
    "status": "Status",
    "lost_reason": "Lost reason",
    "lost_comment": "Lost comment",
    "tags": "Tags",
    "members": "Members",
    "access": "Access",
    "created_at": "Creation date",
    "updated_at": "Last modified",
}


def audit_field_label(field: str, custom_label: str | None = None) -> str:
    """The label people read for an audit row's `field`; a custom field's is its definition's
    label (`custom_label`, which `opportunity_audit_rows` annotates as `custom_field_label`),
    or "Custom field" once the definition is deleted."""
    if field.startswith(CUSTOM_FIELD_PREFIX):
        return custom_label or "Custom field"
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def audit_row_label(row: OpportunityAudit) -> str:
    """`audit_field_label` of a row read through `opportunity_audit_rows`."""
    return audit_field_label(row.field, getattr(row, "custom_field_label", None))


def audit_custom_field_label() -> Subquery:
    """The label of the custom field an audit row's `field` names (`custom_field_<id>`)."""
    name = Concat(Value(CUSTOM_FIELD_PREFIX), Cast("pk", CharField()), output_field=CharField())
    definitions = CustomFieldDefinition.objects.annotate(name=name)
    return Subquery(definitions.filter(name=OuterRef("field")).values("label")[:1])


def opportunity_audit_rows_for_admins(opportunity: Opportunity) -> QuerySet[OpportunityAudit]:
    """Every audit row of one opportunity, newest first, with who made them (`changed_by`)
    and each custom field's label (`custom_field_label`), in one query: for CRM admins, who
    read every contact (the admin site, whose users all are)."""
    return (
        OpportunityAudit.objects.filter(opportunity=opportunity)
        .select_related("changed_by")
        .annotate(custom_field_label=audit_custom_field_label())
        .order_by("-changed_at", "-id")
    )


def opportunity_audit_rows(opportunity: Opportunity, *, user=None) -> QuerySet[OpportunityAudit]:
    """The audit rows of one opportunity `user` may read, as `opportunity_audit_rows_for_admins`
    gives them, in one query. The caller has read the opportunity through its visibility rule.

    A row naming a contact (a contact, customer or member change) is left out unless `user`
    may read every contact it names: a contact deleted since is read by admins only (it may
    have been private), and without `user` every such row is left out."""
    rows = opportunity_audit_rows_for_admins(opportunity)
    if user is not None and user.is_crm_admin:
        return rows
    hidden = OpportunityAuditContact.objects.filter(audit=OuterRef("pk"))
    if user is not None:
        hidden = hidden.exclude(contact_id__in=contact_list_visible_to(user=user).values("pk"))
    return rows.exclude(Exists(hidden))
