"""Row locks taken by the services that lock several rows, always through these querysets.

Every multi-row lock is taken in primary-key order, on the rows of the model alone (`of=self`:
never the joined rows, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer
join). Two transactions that lock overlapping sets of rows this way wait for each other
instead of deadlocking. Lock the rows before the first write. A no-op on SQLite, whose writers
are serialized by the database lock."""

from django.db.models import QuerySet

from opportunities.models import Opportunity, Stage


def opportunity_qs_select_for_update(
    queryset: QuerySet[Opportunity] | None = None,
) -> QuerySet[Opportunity]:
    """`queryset` (every opportunity by default) locked in primary-key order when evaluated."""
    queryset = Opportunity.objects.all() if queryset is None else queryset
    return queryset.order_by("pk").select_for_update(of=("self",))


def stage_qs_select_for_update() -> QuerySet[Stage]:
    return Stage.objects.order_by("pk").select_for_update(of=("self",))
