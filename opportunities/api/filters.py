"""`opportunity/filter`'s criteria and order, as a django-filter FilterSet.

Values are bound by `crm_project.api.binding.Params` (case-insensitive names, lists in any of
ONLYOFFICE's forms, enums by name or number, 400 naming the parameter on a bad value) and handed
to the FilterSet already typed; the FilterSet turns them into one SQL query. The same criteria
serve GET (list), DELETE (batch delete) and PUT `filter/access`."""

import django_filters
from django.db.models import Case, Exists, F, IntegerChoices, OuterRef, Q, QuerySet, When
from django.db.models.functions import Lower

from contacts.selectors import contact_list_visible_to
from core.errors import InvalidInput
from core.selectors import text_search_q
from opportunities.models import Opportunity, OpportunityMember, StageType


class SortBy(IntegerChoices):
    """ONLYOFFICE's DealSortedByType, by name (any case) or number; `id` is ours."""

    TITLE = 0, "title"
    RESPONSIBLE = 1, "responsible"
    STAGE = 2, "stage"
    BID_VALUE = 3, "bidvalue"
    DATE_AND_TIME = 4, "dateandtime"
    ID = 5, "id"


# Every criterion's wire name, for the schema and the DELETE/PUT variants.
FILTER_PARAMETERS = (
    "responsibleid",
    "opportunityStagesid",
    "tags",
    "contactid",
    "stageType",
    "contactAlsoIsParticipant",
    "fromDate",
    "toDate",
    "filterValue",
)

# The close date ONLYOFFICE filters and sorts on: expected for open stages, else actual.
CLOSE_DATE = Case(
    When(stage__stage_type=StageType.OPEN, then=F("expected_close_date")),
    default=F("actual_close_date"),
)


# `filterValue`: ONLYOFFICE's SQL search, every keyword at the start of a word of the title or
# the description (the board's search, `opportunity_filter`, matches anywhere and in contacts).
SEARCH_FIELDS = ("title", "description")


# The default order inside one stage (after the stage's sort order); the index
# `opp_stage_default_order_idx` (migration 0004) holds it on PostgreSQL.
WITHIN_STAGE_ORDER = (
    F("contact_id").asc(nulls_first=True),
    F("actual_close_date").desc(nulls_last=True),
    F("expected_close_date").asc(nulls_last=True),
    Lower("title").asc(),
    F("id").asc(),
)


class OpportunityFilterSet(django_filters.FilterSet):
    filterValue = django_filters.Filter(method="filter_text")
    responsibleid = django_filters.Filter(field_name="responsible__uuid")
    opportunityStagesid = django_filters.Filter(field_name="stage_id")
    stageType = django_filters.Filter(field_name="stage__stage_type")
    tags = django_filters.Filter(method="filter_tags")
    contactid = django_filters.Filter(method="filter_contact")
    # Read by `filter_contact` and `filter_queryset`; they filter nothing on their own.
    contactAlsoIsParticipant = django_filters.Filter(method="filter_nothing")
    fromDate = django_filters.Filter(method="filter_nothing")
    toDate = django_filters.Filter(method="filter_nothing")
    sortBy = django_filters.Filter(method="filter_nothing")
    sortOrder = django_filters.Filter(method="filter_nothing")

    class Meta:
        model = Opportunity
        fields: list[str] = []

    @classmethod
    def from_params(
        cls, params, queryset: QuerySet[Opportunity], *, user
    ) -> "OpportunityFilterSet":
        """Bind the request's parameters. ONLYOFFICE's C# defaults (0, Guid.Empty) mean
        "no criterion". `queryset` is what `user` may see; `user` also decides which contacts
        exist for `contactid`."""
        responsible = params.guid("responsibleid")
        if responsible is not None and responsible.int == 0:
            responsible = None
        tags = [str(tag).strip() for tag in params.sequence("tags") or []]
        data = {
            "filterValue": (params.string("filterValue") or "").strip(),
            "responsibleid": responsible,
            "opportunityStagesid": params.integer("opportunityStagesid") or None,
            "stageType": params.enum("stageType", StageType),
            "tags": [tag for tag in tags if tag],
            "contactid": params.integer("contactid") or None,
            "contactAlsoIsParticipant": params.boolean("contactAlsoIsParticipant"),
            "fromDate": params.date("fromDate"),
            "toDate": params.date("toDate"),
            "sortBy": cls._sort_by(params),
            "sortOrder": (params.string("sortOrder") or "").strip().lower(),
        }
        filterset = cls(
            data={k: v for k, v in data.items() if v not in (None, "", [])}, queryset=queryset
        )
        filterset.user = user
        return filterset

    @staticmethod
    def _sort_by(params) -> int | None:
        """An unknown `sortBy` falls back to the default order, as ONLYOFFICE's unsorted
        fetch does, rather than refusing a request ONLYOFFICE would answer."""
        try:
            return params.enum("sortBy", SortBy)
        except InvalidInput:
            return None

    # -- criteria -----------------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            text_search_q(value, SEARCH_FIELDS, word_start=True, entity="opportunity")
        )

    def filter_tags(self, queryset, name, value):
        """The opportunity must have all the tags (case-insensitive, trimmed)."""
        through = Opportunity.tags.through
        for title in dict.fromkeys(tag.lower() for tag in value):
            tagged = through.objects.filter(opportunity=OuterRef("pk"), tag__title__iexact=title)
            queryset = queryset.filter(Exists(tagged))
        return queryset

    def filter_contact(self, queryset, name, value):
        """The primary contact; with `contactAlsoIsParticipant=true`, also any member. A
        contact hidden from the caller matches as an unknown id does: nothing (one condition
        in the same query, no lookup of its own)."""
        contact = contact_list_visible_to(user=self.user).filter(pk=value).values("pk")
        if self.form.cleaned_data.get("contactAlsoIsParticipant"):
            member = OpportunityMember.objects.filter(
                opportunity=OuterRef("pk"), contact__in=contact
            )
            return queryset.filter(Q(contact_id__in=contact) | Exists(member))
        return queryset.filter(contact_id__in=contact)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end = data.get("fromDate"), data.get("toDate")
        if start is not None or end is not None:
            queryset = queryset.alias(close_date=CLOSE_DATE)
            if start is not None:
                queryset = queryset.filter(close_date__gte=start)
            if end is not None:
                queryset = queryset.filter(close_date__lte=end)
        return queryset.order_by(*self.ordering())

    # -- order --------------------------------------------------------------------------------

    def ordering(self) -> list:
        """ONLYOFFICE's orders; `id` breaks ties so pages never overlap. Text is compared in
        lower case and NULLs placed explicitly, so SQLite and PostgreSQL agree."""
        data = self.form.cleaned_data
        descending = data.get("sortOrder") == "descending"
        sort_by = data.get("sortBy")
        if sort_by is None:
            sort_by = SortBy.STAGE

        def direction(expression):
            return (
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )

        if sort_by == SortBy.TITLE:
            keys = [direction(Lower("title"))]
        elif sort_by == SortBy.RESPONSIBLE:
            keys = [
                direction(Lower("responsible__display_name")),
                direction(Lower("responsible__first_name")),
                direction(Lower("responsible__last_name")),
            ]
        elif sort_by == SortBy.BID_VALUE:
            keys = [direction(F("bid_value"))]
        elif sort_by == SortBy.DATE_AND_TIME:
            keys = [direction(CLOSE_DATE)]
        elif sort_by == SortBy.ID:
            return [direction(F("id"))]
        else:  # stage: ONLYOFFICE's default order
            return [direction(F("stage__sort_order")), *WITHIN_STAGE_ORDER]
        return [*keys, F("id").asc()]

    def orders_by_stage(self) -> bool | None:
        """For the stage order (the default), whether stages come in descending order;
        None for the other orders. The page can then be chosen stage by stage."""
        data = self.form.cleaned_data
        if data.get("sortBy") not in (None, SortBy.STAGE):
            return None
        return data.get("sortOrder") == "descending"

    def criteria_key(self) -> tuple:
        """Every criterion (no order), as a key for caching counts. Falsy values stay in:
        `stageType=0` (Open) is a criterion, not the absence of one."""
        data = self.form.cleaned_data
        return tuple((name, repr(data.get(name))) for name in FILTER_PARAMETERS)
