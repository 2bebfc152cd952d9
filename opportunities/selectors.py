"""Reads on opportunities. Who may read, edit and share an opportunity is decided here, once
(`OPPORTUNITY_READERS`, `OPPORTUNITY_SHARERS`), in SQL and in Python from the same rule; every
surface uses it."""

from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Lower, RowNumber
from django.utils import timezone

from accounts.selectors import user_has_crm_access
from contacts.selectors import contact_list_visible_to, contact_shown, contact_visible_q
from core.access import (
    AccessRule,
    access_list_prefetch,
    access_list_users,
    prefetched_access_user_ids,
)
from core.models import CustomFieldDefinition, EntityType, FieldType, Tag
from core.selectors import custom_field_list, text_search_q
from opportunities.errors import AccessDenied, OpportunityNotFound, StageNotFound
from opportunities.models import (
    LostReason,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    Stage,
    StageChange,
    StageType,
    overdue_cutoff,
    rotting_cutoff,
    rotting_limit,
    whole_amount_sql,
)

# Read, and so edit and delete (ONLYOFFICE's CanEdit): admins, the responsible, the creator
# (decision 7), anyone for a public opportunity, and the access list of a private one. Guests
# read nothing, not even what they are responsible for. Global model permissions never widen
# it (guardian's accept_global_perms would leak private rows).
OPPORTUNITY_READERS = AccessRule(
    may_use=user_has_crm_access,
    owners=("responsible", "created_by"),
    access_list=OpportunityUserObjectPermission,
)
# Change who may see it: admins and the creator.
OPPORTUNITY_SHARERS = AccessRule(may_use=user_has_crm_access, owners=("created_by",))


def opportunity_list_visible_to(*, user) -> QuerySet[Opportunity]:
    """Every opportunity `user` may read, as one SQL condition (`OPPORTUNITY_READERS`)."""
    return OPPORTUNITY_READERS.filter(Opportunity.objects.all(), user)


def opportunity_get_visible(*, user, opportunity_id: int) -> Opportunity:
    """The opportunity, or OpportunityNotFound when it is missing or hidden from `user`:
    a stranger cannot tell the two apart."""
    opportunity = (
        opportunity_list_visible_to(user=user)
        .select_related("stage", "bid_currency", "contact", "responsible", "created_by", "owner")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise OpportunityNotFound()
    return opportunity


def opportunity_get_editable(*, user, opportunity_id: int) -> Opportunity:
    """`opportunity_get_visible`, then AccessDenied if `user` may read but not edit it."""
    opportunity = opportunity_get_visible(user=user, opportunity_id=opportunity_id)
    if not opportunity_can_edit(user=user, opportunity=opportunity):
        raise AccessDenied("You may see this opportunity but not change it.")
    return opportunity


def opportunity_with_contacts_shown(
    queryset: QuerySet[Opportunity], *, user
) -> QuerySet[Opportunity]:
    """`contact_shown` and `customer_shown`: whether the contact and the customer exist and
    `user` may read them, computed in the same query. A page shows `opportunity.contact` only
    where `contact_shown` holds, as the API renders a hidden contact as null."""
    return queryset.annotate(
        contact_shown=contact_shown(user=user, through="contact"),
        customer_shown=contact_shown(user=user, through="customer"),
    )


def opportunity_with_related(queryset: QuerySet[Opportunity], *, user) -> QuerySet[Opportunity]:
    """Everything a full rendering for `user` needs, in a constant number of queries per page.
    The contacts `user` may not read are left out: `contact_shown`/`customer_shown` tell
    whether to show the contact and the customer, `members_shown` holds the members `user`
    may read (in Contact's order)."""
    return (
        opportunity_with_contacts_shown(queryset, user=user)
        .select_related(
            "stage",
            "bid_currency",
            "contact",
            "contact__currency",
            "customer",
            "responsible",
            "created_by",
            "owner",
            "source",
            "status",
            "lost_reason",
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=contact_list_visible_to(user=user).select_related("currency"),
                to_attr="members_shown",
            ),
            "tags",
            Prefetch(
                "custom_values",
                queryset=OpportunityCustomFieldValue.objects.select_related("field").order_by(
                    "field__position", "field_id"
                ),
            ),
            access_list_prefetch(OpportunityUserObjectPermission),
        )
    )


def opportunity_access_users(opportunity: Opportunity) -> list:
    """The access list; uses the prefetched rows of `opportunity_with_related` when present."""
    return access_list_users(OpportunityUserObjectPermission, opportunity)


def opportunity_access_user_ids(opportunity: Opportunity) -> set[int]:
    """The access list's user ids (prefetched rows when present, else one query)."""
    return prefetched_access_user_ids(OpportunityUserObjectPermission, opportunity)


def opportunity_can_read(*, user, opportunity: Opportunity, access_user_ids=None) -> bool:
    """`OPPORTUNITY_READERS` for a loaded opportunity or row (`AccessRule.allows`)."""
    return OPPORTUNITY_READERS.allows(user, opportunity, access_user_ids=access_user_ids)


# ONLYOFFICE's CanEdit (and CanDelete) is the read rule.
opportunity_can_edit = opportunity_can_read


def opportunity_can_change_access(*, user, opportunity: Opportunity) -> bool:
    """Only admins and the creator change who may see an opportunity."""
    return OPPORTUNITY_SHARERS.allows(user, opportunity)


def opportunity_stage_totals(opportunities: QuerySet[Opportunity]) -> list[dict]:
    """Count, whole amount and weighted amount per stage and currency, in one aggregate query
    (weighted: amount x probability summed, divided by 100 once per result row)."""
    rows = list(
        opportunities.order_by()
        .values("stage_id", "bid_currency_id")
        .annotate(
            count=Count("id"),
            total=Sum(whole_amount_sql()),
            weighted_x100=Sum(whole_amount_sql() * F("success_probability")),
        )
    )
    for row in rows:
        row["weighted"] = Decimal(row.pop("weighted_x100") or 0) / 100
    return rows


def opportunity_counts_by_stage(opportunities: QuerySet[Opportunity]) -> list[tuple[int, int, int]]:
    """(stage id, stage sort order, count) of the given opportunities, in one aggregate query."""
    return list(
        opportunities.order_by()
        .values_list("stage_id", "stage__sort_order")
        .annotate(count=Count("pk"))
        .order_by()
    )


def opportunity_stage_history(opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by")


def stage_list() -> QuerySet[Stage]:
    return Stage.objects.order_by("sort_order", "id")


def stage_list_with_counts(*, user) -> QuerySet[Stage]:
    """The stages with `relative_items_count`: how many opportunities `user` may see are in
    each (private deals of others are not counted), in one aggregate query."""
    if OPPORTUNITY_READERS.reach(user) is True:  # every live deal (the join sees the trash)
        live = Q(opportunities__deleted_at__isnull=True)
        return stage_list().annotate(relative_items_count=Count("opportunities", filter=live))
    visible_ids = opportunity_list_visible_to(user=user).values("pk")
    return stage_list().annotate(
        relative_items_count=Count("opportunities", filter=Q(opportunities__in=visible_ids))
    )


def stage_get(*, stage_id: int) -> Stage:
    stage = Stage.objects.filter(pk=stage_id).first()
    if stage is None:
        raise StageNotFound()
    return stage


def lost_reason_list(*, include_inactive: bool = False, keep_id: int | None = None):
    """The lost reasons offered, in their order: the active ones, plus `keep_id` (a deal's
    current reason, even if no longer offered); every one with `include_inactive`."""
    reasons = LostReason.objects.order_by("sort_order", "title", "id")
    if include_inactive:
        return reasons
    return reasons.filter(Q(is_active=True) | Q(pk=keep_id))


def lost_reason_find(*, reference) -> LostReason | None:
    """A lost reason by id or by title (any case), active or not; None when none matches."""
    text = str(reference or "").strip()
    if not text:
        return None
    if text.isdigit():
        return LostReason.objects.filter(pk=int(text)).first() if len(text) < 19 else None
    if len(text) > LostReason._meta.get_field("title").max_length:
        return None  # no title is that long (and SQLite refuses so long a LIKE pattern)
    return LostReason.objects.filter(title__iexact=text).first()


def stage_first_open() -> Stage:
    stage = stage_list().filter(stage_type=0).first() or stage_list().first()
    if stage is None:
        raise StageNotFound("No stage is defined.")
    return stage


# -- board and page lists ----------------------------------------------------------------------

CONTACT_NAME = ("is_company", "company_name", "first_name", "last_name")  # display_name
BOARD_CARD_ORDER = (F("expected_close_date").asc(nulls_last=True), F("id").asc())


def opportunity_overdue_q(*, now=None) -> Q:
    """`Opportunity.is_overdue` as one SQL condition (the same `overdue_cutoff`)."""
    now = now or timezone.now()
    return Q(stage__stage_type=StageType.OPEN, expected_close_date__lt=overdue_cutoff(now))


def opportunity_rotting_q(*, stages=None, now=None) -> Q:
    """`Opportunity.is_rotting` as one SQL condition, one term per stage that has a limit
    (the same `rotting_limit` and `rotting_cutoff`); `stages` saves reading them again."""
    now = now or timezone.now()
    condition = Q(pk__in=[])  # no stage with a limit: nothing rots
    for stage in stage_list() if stages is None else stages:
        limit = rotting_limit(stage.stage_type, stage.days_before_warning)
        if limit is not None:
            condition |= Q(stage_id=stage.pk, stage_entered_at__lte=rotting_cutoff(limit, now))
    return condition


def opportunity_next_step_q(*, now=None) -> Q:
    """`has_no_next_step or is_next_task_overdue` as one SQL condition: an open deal without
    an open task, or whose earliest open task was due before today."""
    now = now or timezone.now()
    return Q(stage__stage_type=StageType.OPEN) & (
        Q(next_task_due__isnull=True) | Q(next_task_due__lt=overdue_cutoff(now))
    )


def opportunity_needs_attention_q(*, stages=None, now=None) -> Q:
    """Opportunities flagged on the board (`Opportunity.needs_attention`): overdue, rotting,
    without a next step or with an overdue next task, as one SQL condition."""
    now = now or timezone.now()
    return (
        opportunity_overdue_q(now=now)
        | opportunity_rotting_q(stages=stages, now=now)
        | opportunity_next_step_q(now=now)
    )


def opportunity_filter(
    queryset: QuerySet[Opportunity],
    *,
    user,
    text: str = "",
    responsible=None,
    contact=None,
    tag=None,
    private_only: bool = False,
    needs_attention: bool = False,
    stages=None,
) -> QuerySet[Opportunity]:
    """Narrow a queryset already visible to `user` by the board and list filters. Free text
    matches the title, the description and the names of the contact and the customer that
    `user` may read (a hidden contact matches nothing, as it shows nothing)."""
    if (text or "").split():
        names = ("first_name", "last_name", "company_name")
        shown = [
            (contact_visible_q(user=user, through=person), [f"{person}__{n}" for n in names])
            for person in ("contact", "customer")
        ]
        queryset = queryset.filter(
            text_search_q(text, ("title", "description"), guarded=shown, entity="opportunity")
        )
    if responsible is not None:
        queryset = queryset.filter(responsible=responsible)
    if contact is not None:
        is_member = OpportunityMember.objects.filter(opportunity=OuterRef("pk"), contact=contact)
        queryset = queryset.filter(Q(contact=contact) | Q(customer=contact) | Exists(is_member))
    if tag is not None:
        tagged = Opportunity.tags.through.objects.filter(opportunity=OuterRef("pk"), tag=tag)
        queryset = queryset.filter(Exists(tagged))
    if private_only:
        queryset = queryset.filter(is_private=True)
    if needs_attention:
        queryset = queryset.filter(opportunity_needs_attention_q(stages=stages))
    return queryset


CARD_COLUMNS = (
    # the opportunity: what a card shows, its warnings and the edit right
    *("title", "stage", "is_private", "contact", "customer", "responsible", "created_by"),
    *("bid_value", "bid_currency", "bid_type", "per_period_value"),
    *("expected_close_date", "stage_entered_at", "next_task_due"),
    # the names shown (stages and currencies are small rows: read whole)
    *(f"{person}__{name}" for person in ("contact", "customer") for name in CONTACT_NAME),
    *("responsible__display_name", "responsible__first_name", "responsible__last_name"),
    "responsible__username",
)


def opportunity_card_related(queryset: QuerySet[Opportunity], *, user) -> QuerySet[Opportunity]:
    """What a board card shows `user`, in a constant number of queries: the related rows, the
    access lists (for the per-card edit right) and `contact_shown`/`customer_shown`; only
    the `CARD_COLUMNS` (a template reading another column costs a query per card)."""
    return (
        opportunity_with_contacts_shown(queryset, user=user)
        .select_related("stage", "bid_currency", "contact", "customer", "responsible")
        .only(*CARD_COLUMNS)
        .prefetch_related(access_list_prefetch(OpportunityUserObjectPermission, with_users=False))
    )


def opportunity_board_cards(
    queryset: QuerySet[Opportunity],
    *,
    user,
    stage_ids: list[int],
    per_column: int,
    searching: bool = False,
) -> list[Opportunity]:
    """The first `per_column` cards of every stage, in one query: a `LIMIT n` per stage
    joined with UNION ALL, or, when `searching` (the search joins the contacts), the matches
    numbered per stage in one pass."""
    if not stage_ids:
        return []
    if searching:
        numbered = (
            queryset.annotate(
                board_position=Window(
                    RowNumber(), partition_by=[F("stage_id")], order_by=list(BOARD_CARD_ORDER)
                )
            )
            .filter(board_position__lte=per_column)
            .values("pk")
        )
        cards = Opportunity.objects.filter(pk__in=numbered)
        return list(
            opportunity_card_related(cards, user=user).order_by("stage_id", *BOARD_CARD_ORDER)
        )
    # each LIMIT sits in its own subquery: SQLite allows no LIMIT in the parts of a UNION
    firsts = [
        Opportunity.objects.filter(
            pk__in=queryset.filter(stage_id=stage_id)
            .order_by(*BOARD_CARD_ORDER)
            .values("pk")[:per_column]
        )
        .order_by()
        .values("pk")
        for stage_id in stage_ids
    ]
    keys = firsts[0].union(*firsts[1:], all=True)
    cards = Opportunity.objects.filter(pk__in=keys)
    return list(opportunity_card_related(cards, user=user).order_by("stage_id", *BOARD_CARD_ORDER))


def opportunity_column_cards(
    queryset: QuerySet[Opportunity], *, user, stage_id: int, offset: int, limit: int
) -> list[Opportunity]:
    """One page of a single column, for "load more"."""
    page = queryset.filter(stage_id=stage_id).order_by(*BOARD_CARD_ORDER)[offset : offset + limit]
    return list(opportunity_card_related(page, user=user))


def opportunity_list_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(entity_type=EntityType.OPPORTUNITY).order_by("title")


def opportunity_related_to_contact(*, user, contact) -> QuerySet[Opportunity]:
    """The opportunities `user` may see where `contact` is the contact, customer or member."""
    return opportunity_filter(opportunity_list_visible_to(user=user), user=user, contact=contact)


# -- tags and custom field values (API list routes) ----------------------------------------------


def opportunity_custom_fields_with_counts(*, user) -> QuerySet[CustomFieldDefinition]:
    """The opportunity custom field definitions with `relative_items_count`: how many
    opportunities `user` may see hold a value (private deals of others are not counted), in
    one aggregate query."""
    definitions = custom_field_list(entity_type=EntityType.OPPORTUNITY)
    if OPPORTUNITY_READERS.reach(user) is True:  # every live deal (the join sees the trash)
        live = Q(opportunity_values__opportunity__deleted_at__isnull=True)
        return definitions.annotate(relative_items_count=Count("opportunity_values", filter=live))
    visible_ids = opportunity_list_visible_to(user=user).values("pk")
    return definitions.annotate(
        relative_items_count=Count(
            "opportunity_values", filter=Q(opportunity_values__opportunity__in=visible_ids)
        )
    )


def opportunity_tags_with_counts(*, user) -> QuerySet[Tag]:
    """Every opportunity tag with `relative_items_count`: how many opportunities `user` may see
    carry it (private deals of others are not counted), in one aggregate query."""
    visible_ids = opportunity_list_visible_to(user=user).values("pk")
    return (
        Tag.objects.filter(entity_type=EntityType.OPPORTUNITY)
        .annotate(
            relative_items_count=Count(
                "opportunities", filter=Q(opportunities__in=visible_ids), distinct=True
            )
        )
        .order_by(Lower("title"), "id")
    )


def opportunity_tag_find(*, title: str) -> Tag | None:
    """The opportunity tag with this title, compared without case and surrounding spaces."""
    title = (title or "").strip()
    if not title:
        return None
    return Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, title__iexact=title).first()


def opportunity_tag_titles(opportunity: Opportunity) -> list[str]:
    return list(opportunity.tags.order_by(Lower("title"), "id").values_list("title", flat=True))


def opportunity_custom_field_values(
    opportunity: Opportunity,
) -> list[tuple[CustomFieldDefinition, str | None]]:
    """(definition, value) for the fields holding a value, plus the headings, in field order
    (ONLYOFFICE's non-empty values plus Headings)."""
    values = dict(opportunity.custom_values.values_list("field_id", "value"))
    definitions = CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY).order_by(
        "position", "id"
    )
    return [
        (definition, values.get(definition.pk))
        for definition in definitions
        if definition.pk in values or definition.field_type == FieldType.HEADING
    ]
