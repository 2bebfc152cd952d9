"""The opportunities a RamBase caller may read, with what the filters, sorts and the renderer
need, in one query per page: the visibility rule of opportunities/selectors.py, the contact
and customer shown only where the caller may read them (as the ONLYOFFICE API renders them),
and the computed fields of rambase/names.py as SQL (`rb_*` aliases)."""

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from opportunities.models import MONEY, Opportunity, OpportunityCustomFieldValue
from opportunities.selectors import opportunity_list_visible_to, opportunity_with_contacts_shown

# Joined in the page's query. Source, status and currency are read only for their titles
# ($showDomainDescriptions), in a query each: joining them too costs PostgreSQL more time
# planning the page than running it (85 ms against 2 ms at 100000 rows, docs/rambase.md).
RELATED = ("stage", "contact", "customer", "responsible", "owner")
DESCRIBED = ("source", "status", "bid_currency")


def opportunity_rows(
    *, user, custom_fields: bool = False, descriptions: bool = False
) -> QuerySet[Opportunity]:
    rows = opportunity_with_contacts_shown(opportunity_list_visible_to(user=user), user=user)
    rows = rows.select_related(*RELATED).alias(
        rb_weighted_amount=ExpressionWrapper(
            F("bid_value") * F("success_probability") / Value(100),
            output_field=DecimalField(**MONEY),
        ),
        rb_contact_id=Case(
            When(Q(contact_shown=True), then=F("contact_id")), output_field=IntegerField()
        ),
        rb_customer_id=Case(
            When(Q(customer_shown=True), then=F("customer_id")), output_field=IntegerField()
        ),
        rb_customer_name=Case(
            When(
                Q(customer_shown=True, customer__is_company=True), then=F("customer__company_name")
            ),
            When(Q(customer_shown=True), then=F("customer__last_name")),
        ),
    )
    if descriptions:
        rows = rows.prefetch_related(*DESCRIBED)
    if custom_fields:
        rows = rows.prefetch_related(
            Prefetch("custom_values", queryset=OpportunityCustomFieldValue.objects.all())
        )
    return rows
