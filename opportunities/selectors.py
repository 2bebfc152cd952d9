"""Reads on opportunities. Visibility is decided here, once, in SQL; every surface uses it."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from core.access import access_list_user_ids, visible_q
from opportunities.errors import OpportunityNotFound, StageNotFound
from opportunities.models import (
    WEIGHTED_AMOUNT,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityUserObjectPermission,
    Stage,
    StageChange,
)


def _is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def opportunity_list_visible_to(*, user) -> QuerySet[Opportunity]:
    """Every opportunity `user` may read, as one SQL condition.

    Admins read everything. Others read public opportunities, those they are responsible for or
    created (decision 7), and private ones whose access list holds them. Global model
    permissions never widen this (guardian's accept_global_perms would leak private rows)."""
    opportunities = Opportunity.objects.all()
    if not _is_signed_in(user):
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


def opportunity_with_related(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Everything a full rendering needs, in a constant number of queries per page."""
    return queryset.select_related(
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
    ).prefetch_related(
        "members",
        "members__currency",
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
    if not _is_signed_in(user):
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
    if not _is_signed_in(user):
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
    return _is_signed_in(user) and (user.is_crm_admin or opportunity.created_by_id == user.pk)


def opportunity_stage_totals(opportunities: QuerySet[Opportunity]) -> list[dict]:
    """Count, amount and weighted amount per stage and currency, in one aggregate query."""
    return list(
        opportunities.order_by()
        .values("stage_id", "bid_currency_id")
        .annotate(count=Count("id"), total=Sum("bid_value"), weighted=Sum(WEIGHTED_AMOUNT))
    )


def opportunity_stage_history(opportunity: Opportunity) -> QuerySet[StageChange]:
    return opportunity.stage_changes.select_related("from_stage", "to_stage", "changed_by")


def stage_list() -> QuerySet[Stage]:
    return Stage.objects.order_by("sort_order", "id")


def stage_list_with_counts() -> QuerySet[Stage]:
    return stage_list().annotate(relative_items_count=Count("opportunities"))


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
