"""Reads on history events and their categories, and who may read and delete an event.

An event is readable by whoever reads its opportunity (if it has one) AND its contact (if it has
one): ONLYOFFICE judges an event with a contact by the contact alone, and lists every event to
every user without an entity (decisions 1 and 2). An event of an opportunity in the trash is
gone with it (restored with it). What a caller may not read does not exist for them: not listed,
not counted, 404."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower

from accounts.selectors import user_has_crm_access
from activities.models import HistoryCategory, HistoryEvent
from contacts.models import ContactUserObjectPermission
from contacts.selectors import contact_get_visible, contact_visible_q
from core.access import access_list_prefetch
from core.errors import InvalidInput, NotFound
from core.selectors import text_search_q
from opportunities.models import Opportunity
from opportunities.selectors import OPPORTUNITY_READERS, opportunity_get_visible

HISTORY_SEARCH_FIELDS = ("content",)


class HistoryEventNotFound(NotFound):
    default_message = "The record could not be found"


class HistoryCategoryNotFound(NotFound):
    default_message = "History category not found"


def history_event_visible_q(*, user, through: str = "") -> Q:
    """The reading rule as one SQL condition over HistoryEvent (or the relation `through`):
    the opportunity, if any, live and readable; the contact, if any, readable. Joins through
    `opportunity__` see the trash (only `Opportunity.objects` leaves it out), so the live
    condition is explicit."""
    prefix = f"{through}__" if through else ""
    opportunity_ok = Q(**{f"{prefix}opportunity__isnull": True}) | (
        Q(**{f"{prefix}opportunity__deleted_at__isnull": True})
        & OPPORTUNITY_READERS.q(user, through=f"{prefix}opportunity")
    )
    contact_ok = Q(**{f"{prefix}contact__isnull": True}) | contact_visible_q(
        user=user, through=f"{prefix}contact"
    )
    return opportunity_ok & contact_ok


def history_events_visible_to(*, user) -> QuerySet[HistoryEvent]:
    """Every event `user` may read (newest first)."""
    if not user_has_crm_access(user):
        return HistoryEvent.objects.none()
    return HistoryEvent.objects.filter(history_event_visible_q(user=user))


def history_events_of_opportunity(*, user, opportunity: Opportunity) -> QuerySet[HistoryEvent]:
    """The events of `opportunity` that `user` may read (an event whose contact `user` may
    not read is left out), newest first."""
    return history_with_related(
        history_events_visible_to(user=user).filter(opportunity_id=opportunity.pk)
    )


def history_with_related(queryset: QuerySet[HistoryEvent]) -> QuerySet[HistoryEvent]:
    """What a rendering of events reads (author, category, opportunity, contact and its access
    rows), in a constant number of queries."""
    return queryset.select_related(
        "created_by", "category", "opportunity", "contact", "contact__currency"
    ).prefetch_related(access_list_prefetch(ContactUserObjectPermission, through="contact"))


def history_event_get_visible(*, user, event_id: int) -> HistoryEvent:
    """The event, or HistoryEventNotFound when it is missing or hidden from `user`."""
    event = history_with_related(history_events_visible_to(user=user)).filter(pk=event_id).first()
    if event is None:
        raise HistoryEventNotFound()
    return event


def history_event_can_delete(*, user, event: HistoryEvent) -> bool:
    """Admins, the author, and the responsible of the event's opportunity (decision 6: not any
    reader of a public deal). Reading is checked apart: an unreadable event is a 404."""
    if not user_has_crm_access(user):
        return False
    if user.is_crm_admin or (event.created_by_id is not None and event.created_by_id == user.pk):
        return True
    opportunity = event.opportunity if event.opportunity_id else None
    return opportunity is not None and opportunity.responsible_id == user.pk


# -- history/filter ------------------------------------------------------------------------------


class EntityKind:
    OPPORTUNITY = "opportunity"
    CONTACT = "contact"
    CASE = "case"


SORT_FIELDS = {
    "created": ("created_at",),
    "createby": ("created_by__display_name", "created_by__last_name", "created_by__first_name"),
    "category": ("category__title", "system_category"),
    "content": ("content",),
    "id": ("id",),
}
SORT_NUMBERS = ("created", "createby", "category", "content", "id")


@dataclass(frozen=True)
class HistoryFilter:
    """The criteria of `history/filter`, in domain terms (each None when not given)."""

    entity_kind: str | None = None
    entity_id: int | None = None
    category_id: int | None = None  # > 0 a HistoryCategory, < 0 a SystemCategory
    created_by_uuid: str | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    text: str = ""
    sort_by: str | None = None
    descending: bool = False


def history_sort_key(value: str | None) -> str | None:
    """A `sortBy` name (any case) or number 0–4 as a key of SORT_FIELDS; None (the default
    order, newest first) when absent or unknown, as ONLYOFFICE falls back for an unknown one."""
    text = (value or "").strip().lower()
    if text.isdigit() and int(text) < len(SORT_NUMBERS):
        return SORT_NUMBERS[int(text)]
    return text if text in SORT_FIELDS else None


def history_event_filter(*, user, criteria: HistoryFilter) -> QuerySet[HistoryEvent]:
    """The events `user` may read matching every criterion, in the asked order (newest first
    by default). An entity that is missing or unreadable is a 404, as in ONLYOFFICE (also for
    an opportunity or contact without an id); a company's contact view includes its
    people's events."""
    events = history_events_visible_to(user=user)
    kind = criteria.entity_kind
    if kind == EntityKind.OPPORTUNITY:
        opportunity = opportunity_get_visible(
            user=user, opportunity_id=_entity_id(criteria.entity_id)
        )
        events = events.filter(opportunity_id=opportunity.pk)
    elif kind == EntityKind.CONTACT:
        contact = contact_get_visible(user=user, contact_id=_entity_id(criteria.entity_id))
        scope = Q(contact_id=contact.pk)
        if contact.is_company:
            scope |= Q(contact__company_id=contact.pk)
        events = events.filter(scope)
    elif kind == EntityKind.CASE:
        raise NotFound("Cases do not exist in this product.")
    elif kind is not None:
        raise InvalidInput(
            "{field} must be opportunity, contact or case.",
            field="entity_type",
            entity="historyevent",
        )
    elif criteria.entity_id:
        raise InvalidInput(
            "{field} is needed with an entity id.", field="entity_type", entity="historyevent"
        )
    if criteria.category_id:
        if criteria.category_id < 0:
            events = events.filter(system_category=criteria.category_id)
        else:
            events = events.filter(category_id=criteria.category_id)
    if criteria.created_by_uuid is not None:
        events = events.filter(created_by__uuid=criteria.created_by_uuid)
    if criteria.from_date is not None:
        events = events.filter(created_at__gte=criteria.from_date)
    if criteria.to_date is not None:
        events = events.filter(created_at__lte=criteria.to_date)
    if criteria.text.strip():
        events = events.filter(
            text_search_q(criteria.text, HISTORY_SEARCH_FIELDS, entity="historyevent")
        )
    return events.order_by(*_order(criteria))


def _entity_id(value: int | None) -> int:
    if not value or value <= 0:
        raise NotFound()
    return value


def _order(criteria: HistoryFilter) -> list:
    if criteria.sort_by is None:
        return ["-created_at", "-id"]
    fields = SORT_FIELDS[criteria.sort_by]
    order = []
    for name in fields:
        expression = Lower(name) if name in ("content", "category__title") else F(name)
        order.append(
            expression.desc(nulls_last=True)
            if criteria.descending
            else expression.asc(nulls_last=True)
        )
    order.append("-id" if criteria.descending else "id")
    return order


# -- categories -----------------------------------------------------------------------------------


def history_category_list() -> QuerySet[HistoryCategory]:
    """The history categories, in their order (the system ones are not rows)."""
    return HistoryCategory.objects.order_by("sort_order", "id")


def history_category_list_with_counts(*, user) -> QuerySet[HistoryCategory]:
    """The categories with `relative_items_count`: the events using each that `user` may read
    (one query)."""
    counts = (
        history_events_visible_to(user=user)
        .filter(category_id=OuterRef("pk"))
        .order_by()
        .values("category_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return history_category_list().annotate(
        relative_items_count=Coalesce(Subquery(counts), 0, output_field=IntegerField())
    )


def history_category_get(*, category_id: int) -> HistoryCategory:
    category = HistoryCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise HistoryCategoryNotFound()
    return category
