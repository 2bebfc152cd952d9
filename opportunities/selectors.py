"""Reads on opportunities. Visibility is decided here, once, in SQL; every surface uses it."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
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
from contacts.selectors import contact_list_visible_to, contact_visible_q
from core.access import access_list_user_ids, visible_q
from core.models import CustomFieldDefinition, EntityType, FieldType, Tag
from core.selectors import custom_field_list
from opportunities.errors import OpportunityNotFound, StageNotFound
from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    Stage,
    StageChange,
    StageType,
)


def _has_crm_access(user) -> bool:
    """Signed in, active and not a guest: guests read no CRM data, not even the opportunities
    they are responsible for or on the access list of."""
    return user_has_crm_access(user)


def opportunity_list_visible_to(*, user) -> QuerySet[Opportunity]:
    """Every opportunity `user` may read, as one SQL condition.

    Admins read everything. Others read public opportunities, those they are responsible for or
    created (decision 7), and private ones whose access list holds them. Global model
    permissions never widen this (guardian's accept_global_perms would leak private rows)."""
    opportunities = Opportunity.objects.all()
    if not _has_crm_access(user):
        return opportunities.none()
    if user.is_crm_admin:
        return opportunities
    return opportunities.filter(
        visible_q(OpportunityUserObjectPermission, Opportunity, user, "responsible", "created_by")
    )


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


def opportunity_with_contacts_shown(
    queryset: QuerySet[Opportunity], *, user
) -> QuerySet[Opportunity]:
    """`contact_shown` and `customer_shown`: whether the contact and the customer exist and
    `user` may read them, computed in the same query. A page shows `opportunity.contact` only
    where `contact_shown` holds, as the API renders a hidden contact as null."""
    return queryset.annotate(
        contact_shown=ExpressionWrapper(
            contact_visible_q(user=user, through="contact"), output_field=BooleanField()
        ),
        customer_shown=ExpressionWrapper(
            contact_visible_q(user=user, through="customer"), output_field=BooleanField()
        ),
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
            Prefetch(
                "opportunityuserobjectpermission_set",
                queryset=OpportunityUserObjectPermission.objects.select_related("user").order_by(
                    "user_id"
                ),
                to_attr="access_permissions",
            ),
        )
    )


def opportunity_with_access(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """The access list's user ids, prefetched: enough for `opportunity_can_edit` on a list
    without a query per row."""
    return queryset.prefetch_related(
        Prefetch(
            "opportunityuserobjectpermission_set",
            queryset=OpportunityUserObjectPermission.objects.only("user_id", "content_object"),
            to_attr="access_permissions",
        )
    )


def opportunity_access_users(opportunity: Opportunity) -> list:
    """The access list; uses the prefetched rows of `opportunity_with_related` when present."""
    rows = getattr(opportunity, "access_permissions", None)
    if rows is None:
        rows = OpportunityUserObjectPermission.objects.filter(
            content_object=opportunity
        ).select_related("user")
    return sorted({row.user_id: row.user for row in rows}.values(), key=lambda u: u.pk)


def opportunity_access_user_ids(opportunity: Opportunity) -> set[int]:
    rows = getattr(opportunity, "access_permissions", None)
    if rows is not None:
        return {row.user_id for row in rows}
    return access_list_user_ids(OpportunityUserObjectPermission, opportunity)


def opportunity_can_read(*, user, opportunity: Opportunity) -> bool:
    if not _has_crm_access(user):
        return False
    return (
        user.is_crm_admin
        or not opportunity.is_private
        or opportunity.responsible_id == user.pk
        or opportunity.created_by_id == user.pk
        or user.pk in opportunity_access_user_ids(opportunity)
    )


def opportunity_can_edit(*, user, opportunity: Opportunity) -> bool:
    """ONLYOFFICE's CanEdit (and CanDelete): admin, responsible, creator, anyone on a public
    opportunity, or the access list of a private one."""
    if not _has_crm_access(user):
        return False
    return (
        user.is_crm_admin
        or opportunity.responsible_id == user.pk
        or opportunity.created_by_id == user.pk
        or not opportunity.is_private
        or user.pk in opportunity_access_user_ids(opportunity)
    )


def opportunity_can_change_access(*, user, opportunity: Opportunity) -> bool:
    """Only admins and the creator change who may see an opportunity."""
    return _has_crm_access(user) and (user.is_crm_admin or opportunity.created_by_id == user.pk)


def opportunity_stage_totals(opportunities: QuerySet[Opportunity]) -> list[dict]:
    """Count, amount and weighted amount per stage and currency, in one aggregate query.

    The weighted amount is summed as amount x probability and divided by 100 once per row of
    the result, not once per opportunity: numeric division per row was a fifth of the scan at
    100000 (and SQLite divides integers without a remainder)."""
    rows = list(
        opportunities.order_by()
        .values("stage_id", "bid_currency_id")
        .annotate(
            count=Count("id"),
            total=Sum("bid_value"),
            weighted_x100=Sum(F("bid_value") * F("success_probability")),
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
    if _has_crm_access(user) and user.is_crm_admin:
        return stage_list().annotate(relative_items_count=Count("opportunities"))
    visible_ids = opportunity_list_visible_to(user=user).values("pk")
    return stage_list().annotate(
        relative_items_count=Count("opportunities", filter=Q(opportunities__in=visible_ids))
    )


def stage_get(*, stage_id: int) -> Stage:
    stage = Stage.objects.filter(pk=stage_id).first()
    if stage is None:
        raise StageNotFound()
    return stage


def stage_first_open() -> Stage:
    stage = stage_list().filter(stage_type=0).first() or stage_list().first()
    if stage is None:
        raise StageNotFound("No stage is defined.")
    return stage


def opportunity_search_q(text: str) -> Q:
    """ONLYOFFICE's search: every keyword must occur in the title or description."""
    condition = Q()
    for word in text.split():
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    return condition


# -- board and page lists ----------------------------------------------------------------------

CONTACT_NAME = ("is_company", "company_name", "first_name", "last_name")  # display_name
BOARD_CARD_ORDER = (F("expected_close_date").asc(nulls_last=True), F("id").asc())


def opportunity_needs_attention_q(*, stages=None, now=None) -> Q:
    """Opportunities flagged on the board, as one SQL condition: in an open stage and either
    overdue (expected close date passed) or rotting (in the stage longer than its
    days-before-warning; the same rule as `Opportunity.is_rotting`)."""
    now = now or timezone.now()
    if stages is None:
        stages = stage_list()
    condition = Q(stage__stage_type=StageType.OPEN, expected_close_date__lt=now)
    for stage in stages:
        if stage.days_before_warning is None or stage.is_closed:
            continue
        # days_in_stage > limit  <=>  entered at least (limit + 1) whole days ago
        entered_before = now - timedelta(days=stage.days_before_warning + 1)
        condition |= Q(stage_id=stage.pk, stage_entered_at__lte=entered_before)
    return condition


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
    words = (text or "").split()
    if words:
        shown = {
            person: contact_visible_q(user=user, through=person)
            for person in ("contact", "customer")
        }
    for word in words:
        condition = Q(title__icontains=word) | Q(description__icontains=word)
        for person, visible in shown.items():
            condition |= visible & (
                Q(**{f"{person}__first_name__icontains": word})
                | Q(**{f"{person}__last_name__icontains": word})
                | Q(**{f"{person}__company_name__icontains": word})
            )
        queryset = queryset.filter(condition)
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
    *("bid_value", "bid_currency", "bid_type", "expected_close_date", "stage_entered_at"),
    # the names shown (stages and currencies are small rows: read whole)
    *(f"{person}__{name}" for person in ("contact", "customer") for name in CONTACT_NAME),
    *("responsible__display_name", "responsible__first_name", "responsible__last_name"),
    "responsible__username",
)


def opportunity_card_related(queryset: QuerySet[Opportunity], *, user) -> QuerySet[Opportunity]:
    """What a board card shows `user`, in a constant number of queries: the related rows, the
    access lists (for the per-card edit right) and whether the contact and the customer may
    be shown (`opportunity_with_contacts_shown`, in the same query). Cards show no tags: none
    are fetched. Only the
    columns cards use are read (`CARD_COLUMNS`): the full rows made Django build and parse
    about seven timestamps per card, a sixth of the cards query; a template reading another
    column costs a query per card, which the pinned board query counts would catch."""
    return (
        opportunity_with_contacts_shown(queryset, user=user)
        .select_related("stage", "bid_currency", "contact", "customer", "responsible")
        .only(*CARD_COLUMNS)
        .prefetch_related(
            Prefetch(
                "opportunityuserobjectpermission_set",
                queryset=OpportunityUserObjectPermission.objects.only("user_id", "content_object"),
                to_attr="access_permissions",
            ),
        )
    )


def opportunity_board_cards(
    queryset: QuerySet[Opportunity],
    *,
    user,
    stage_ids: list[int],
    per_column: int,
    searching: bool = False,
) -> list[Opportunity]:
    """The first `per_column` cards of every stage, in one query.

    The keys are chosen per stage, `stage = X ORDER BY close date, id LIMIT n` for each stage
    joined with UNION ALL: on PostgreSQL each part reads the board index in column order and
    stops after n visible rows, so the cost follows the cards shown, not the table. (A row
    number per stage over every visible row read all 90000 of them, and the planner, expecting
    as many keys, hash-joined the whole table: 50 ms at 100000.) Only the chosen cards are
    joined to their related rows.

    `searching`: the queryset holds a search text, which joins the contacts. Each stage's part
    would then join them again (28 ms for `q=cloud&responsible=me` at 100000, against 6 ms for
    one pass), so the matches are numbered in one pass instead."""
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
    if _has_crm_access(user) and user.is_crm_admin:
        return definitions.annotate(relative_items_count=Count("opportunity_values"))
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
