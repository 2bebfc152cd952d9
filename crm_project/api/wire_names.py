"""The ONLYOFFICE names of the domain's fields: the one table from the services' names
(`DomainError.field`, per `DomainError.entity`) to the API's parameter names.

Keyed by entity because a name can differ: a user's `first_name` is `firstname`, a
contact's `firstName`. A name absent from its entity's table is the same on the wire."""

import re

WIRE_NAMES: dict[str, dict[str, str]] = {
    "opportunity": {
        "stage": "stageid",
        "bid_currency": "bidCurrencyAbbr",
        "contact": "contactid",
        "customer": "customerid",
        "responsible": "responsibleid",
        "owner": "ownerid",
        "bid_type": "bidType",
        "bid_value": "bidValue",
        "per_period_value": "perPeriodValue",
        "success_probability": "successProbability",
        "expected_close_date": "expectedCloseDate",
        "actual_close_date": "actualCloseDate",
        "one_time_revenue": "oneTimeRevenue",
        "recurring_revenue": "recurringRevenue",
        "contract_months": "contractMonths",
        "access_list": "accessList",
        "custom_fields": "customFieldList",
        "opportunity_ids": "opportunityids",
        "tag_name": "tagName",
        "lost_reason": "lostReason",
        "lost_comment": "lostComment",
        "text": "filterValue",
    },
    "stage": {
        "success_probability": "successProbability",
        "stage_type": "stageType",
        "days_before_warning": "daysBeforeWarning",
    },
    "contact": {
        "first_name": "firstName",
        "last_name": "lastName",
        "job_title": "jobTitle",
        "company_name": "companyName",
        "company": "companyId",
        "share_type": "shareType",
        "access_list": "accessList",
        "custom_fields": "customFieldList",
        "text": "filterValue",
    },
    "user": {
        "first_name": "firstname",
        "last_name": "lastname",
        "job_title": "title",
        "is_visitor": "isVisitor",
        "text": "filterValue",
    },
    "search": {
        "text": "filterValue",
    },
    "tag": {
        "tags": "tagName",
    },
    "customfielddefinition": {
        "entity_type": "entityType",
        "field_type": "fieldType",
        "field_ids": "fieldids",
    },
    "exchangerate": {
        "to_currency": "toCurrency",
    },
    "historyevent": {
        "opportunity": "entityId",
        "contact": "contactId",
        "category": "categoryId",
        "created_at": "created",
        "notify_users": "notifyUserList",
        "entity_type": "entityType",
        "files": "fileId",
        "text": "filterValue",
    },
    "task": {
        "opportunity": "entityId",
        "contact": "contactId",
        "responsible": "responsibleId",
        "category": "categoryId",
        "alert_minutes": "alertValue",
        "entity_type": "entityType",
        "sort_by": "sortBy",
        "text": "filterValue",
    },
    "taskcategory": {
        "image_name": "imageName",
        "sort_order": "sortOrder",
        "new_category": "newcategoryid",
    },
    "historycategory": {
        "image_name": "imageName",
        "sort_order": "sortOrder",
    },
}


CUSTOM_FIELD = re.compile(r"custom_field_(\d+)")  # core.custom_fields.custom_field_name


def wire_name(entity: str | None, field: str | None) -> str | None:
    """The API's name for `field` of `entity` (a name the API layer raised itself is kept)."""
    if field and (custom := CUSTOM_FIELD.fullmatch(field)):
        return f"customField[{custom[1]}]"
    if entity is None or field is None:
        return field
    return WIRE_NAMES.get(entity, {}).get(field, field)
