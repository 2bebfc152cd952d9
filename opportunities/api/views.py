"""ONLYOFFICE's opportunity routes (`/api/2.0/crm/opportunity…`).

Views bind parameters (`self.params()`), authorize through the selectors, call one service and
render OpportunityWrappers with `OpportunityRenderer`. A private opportunity the caller may not
read is a 404 everywhere and never appears in a list or a batch."""

from functools import partial

from django.db.models import Q
from django.db.models.functions import Lower
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.models import User
from contacts.api.serializers import contact_render_queryset, contact_shape
from contacts.models import Contact
from contacts.selectors import contact_get_visible, contact_list_visible_to
from core.errors import AccessDenied, InvalidInput, NotFound
from core.models import Currency
from crm_project.api.shapes import RenderContext
from crm_project.api.views import OnlyOfficeAPIView
from opportunities import services
from opportunities.api import serializers as docs
from opportunities.api.filters import WITHIN_STAGE_ORDER, OpportunityFilterSet, SortBy
from opportunities.api.serializers import OpportunityRenderer
from opportunities.counts_cache import opportunity_counts_by_stage_cached
from opportunities.errors import OpportunityNotFound, StageNotFound
from opportunities.models import (
    BidType,
    LeadSource,
    Opportunity,
    OpportunityMember,
    OpportunityStatus,
    Stage,
    StageType,
)
from opportunities.selectors import (
    opportunity_can_edit,
    opportunity_list_visible_to,
    opportunity_with_access,
)

TAGS = ["Opportunities"]


# -- binding helpers ---------------------------------------------------------------------------


def _positive(value: int | None, name: str) -> int:
    if value is None or value <= 0:
        raise InvalidInput(f"{name} must be a positive number.", field=name)
    return value


def _users(guids, field: str) -> list[User]:
    """Active users by GUID; an unknown one is a 400 naming the field."""
    wanted = list(dict.fromkeys(guids or []))
    users = {user.uuid: user for user in User.objects.filter(uuid__in=wanted, is_active=True)}
    missing = [guid for guid in wanted if guid not in users]
    if missing:
        raise InvalidInput(f"Unknown user in {field}: {missing[0]}.", field=field)
    return [users[guid] for guid in wanted]


def _user(guid, field: str) -> User | None:
    if guid is None or guid.int == 0:  # ONLYOFFICE's Guid.Empty: none
        return None
    return _users([guid], field)[0]


def _contacts(ids, field: str, *, user) -> list[Contact]:
    """Contacts `user` may read, by id; one that is missing or hidden from `user` is the same
    400 naming the field (a caller cannot tell the two apart)."""
    wanted = list(dict.fromkeys(ids or []))
    contacts = contact_list_visible_to(user=user).in_bulk(wanted) if wanted else {}
    missing = [contact_id for contact_id in wanted if contact_id not in contacts]
    if missing:
        raise InvalidInput(f"Unknown contact in {field}: {missing[0]}.", field=field)
    return [contacts[contact_id] for contact_id in wanted]


def _contact(contact_id: int | None, field: str, *, user) -> Contact | None:
    if not contact_id:  # 0: none
        return None
    return _contacts([contact_id], field, user=user)[0]


def _currency(abbreviation: str | None) -> Currency | None:
    code = (abbreviation or "").strip().upper()
    if not code:
        return None
    currency = Currency.objects.filter(pk=code).first()
    if currency is None:
        raise InvalidInput(f"Unknown currency '{code}'.", field="bidCurrencyAbbr")
    return currency


def _stage(stage_id: int | None) -> Stage | None:
    if not stage_id:
        return None
    stage = Stage.objects.filter(pk=stage_id).first()
    if stage is None:
        raise InvalidInput("Deal milestone is not found", field="stageid")
    return stage


def _list_item(model, value: str | None, field: str):
    """A lead source or status by id or title (any case); empty means none."""
    text = (value or "").strip()
    if not text:
        return None
    item = (
        model.objects.filter(pk=int(text)).first()
        if text.isdigit()
        else model.objects.filter(title__iexact=text).first()
    )
    if item is None:
        raise InvalidInput(f"Unknown {field} '{text}'.", field=field)
    return item


def _probability(value: int | None) -> int | None:
    """Clamped to 0..100, as ONLYOFFICE does."""
    return None if value is None else max(0, min(100, value))


# Wire name -> (service argument, converter(params, wire name)).
WRITE_FIELDS = {
    "title": ("title", lambda p, n: p.string(n)),
    "description": ("description", lambda p, n: p.string(n)),
    # contact ids; `opportunity_changes` turns them into the contacts the caller may read
    "contactid": ("contact", lambda p, n: p.integer(n)),
    "customerid": ("customer", lambda p, n: p.integer(n)),
    "members": ("members", lambda p, n: p.int_list(n)),
    "responsibleid": ("responsible", lambda p, n: _user(p.guid(n), n)),
    "ownerid": ("owner", lambda p, n: _user(p.guid(n), n)),
    "bidType": ("bid_type", lambda p, n: p.enum(n, BidType)),
    "bidValue": ("bid_value", lambda p, n: p.decimal(n)),
    "bidCurrencyAbbr": ("bid_currency", lambda p, n: _currency(p.string(n))),
    "perPeriodValue": ("per_period_value", lambda p, n: p.integer(n)),
    "stageid": ("stage", lambda p, n: _stage(p.integer(n))),
    "successProbability": ("success_probability", lambda p, n: _probability(p.integer(n))),
    "actualCloseDate": ("actual_close_date", lambda p, n: p.date(n)),
    "expectedCloseDate": ("expected_close_date", lambda p, n: p.date(n)),
    "customFieldList": ("custom_fields", lambda p, n: p.key_value_list(n)),
    "isPrivate": ("is_private", lambda p, n: p.boolean(n)),
    "accessList": ("access_list", lambda p, n: _users(p.guid_list(n), n)),
    "isNotify": ("notify", lambda p, n: bool(p.boolean(n))),
    "source": ("source", lambda p, n: _list_item(LeadSource, p.reference(n), n)),
    "status": ("status", lambda p, n: _list_item(OpportunityStatus, p.reference(n), n)),
    "oneTimeRevenue": ("one_time_revenue", lambda p, n: p.decimal(n)),
    "recurringRevenue": ("recurring_revenue", lambda p, n: p.decimal(n)),
    "contractMonths": ("contract_months", lambda p, n: p.integer(n)),
    "tags": ("tags", lambda p, n: [t for t in (str(t).strip() for t in p.sequence(n) or []) if t]),
}


CONTACT_FIELDS = {"contactid": "contact", "customerid": "customer", "members": "members"}


def opportunity_changes(params, *, user) -> dict:
    """The service arguments for the fields the request names (decision 1: omitted fields are
    left out; an explicit null or "" is passed on and clears). Contacts are looked up among
    those `user` may read."""
    changes = {
        argument: convert(params, wire)
        for wire, (argument, convert) in WRITE_FIELDS.items()
        if params.has(wire)
    }
    for wire, argument in CONTACT_FIELDS.items():
        if argument not in changes:
            continue
        if argument == "members":
            changes[argument] = _contacts(changes[argument], wire, user=user)
        else:
            changes[argument] = _contact(changes[argument], wire, user=user)
    return changes


# -- shared view behaviour ---------------------------------------------------------------------


class OpportunityBaseView(OnlyOfficeAPIView):
    def renderer(self) -> OpportunityRenderer:
        return OpportunityRenderer(self.request)

    def visible(self):
        return opportunity_list_visible_to(user=self.request.user)

    def opportunity_id(self, name: str = "opportunityid") -> int:
        return _positive(self.params().integer(name), name)

    def get_visible(self, opportunity_id: int) -> Opportunity:
        """The opportunity with its access list (for the edit right), or 404 when it is
        missing or hidden from the caller."""
        opportunity = opportunity_with_access(self.visible().filter(pk=opportunity_id)).first()
        if opportunity is None:
            raise OpportunityNotFound()
        return opportunity

    def render_one(self, opportunity_id: int) -> Response:
        """The wrapper, read in the same query that checks visibility (404 when hidden)."""
        shapes = self.renderer().shapes(self.visible().filter(pk=opportunity_id))
        if not shapes:
            raise OpportunityNotFound()
        return Response(shapes[0])

    def filterset(self) -> OpportunityFilterSet:
        return OpportunityFilterSet.from_params(
            self.params(), self.visible(), user=self.request.user
        )

    def delete_rendered(self, candidates) -> Response:
        """Delete the candidates (a queryset) the caller may delete, others are skipped
        silently, in one transaction; answer with their wrappers as ONLYOFFICE builds them
        after deletion. The wrappers are built first: their `canEdit` is the delete right."""
        shapes = self.renderer().deleted_shapes(candidates)
        deletable = [pk for pk, shape in shapes.items() if shape["canEdit"]]
        if not deletable:
            return Response([])
        deleted = services.opportunity_delete_many(
            opportunity_ids=deletable, deleted_by=self.request.user, skip_unavailable=True
        )
        return Response([shapes[o.pk] for o in deleted])

    def set_access_many(self, candidates: list[Opportunity]) -> Response:
        """Change access on those the caller may change (the others are skipped silently),
        all or nothing. Without `accessList`, each keeps its current list, as the
        single-opportunity route does."""
        params = self.params()
        guids = params.guid_list("accessList")
        changed = services.opportunity_set_access_many(
            opportunities=candidates,
            is_private=bool(params.boolean("isPrivate")),
            access_list=None if guids is None else _users(guids, "accessList"),
            set_by=self.request.user,
            notify=bool(params.boolean("isNotify")),
        )
        rows = self.visible().filter(pk__in=changed).order_by("pk")
        return Response(self.renderer().shapes(rows))


# -- schema helpers ----------------------------------------------------------------------------

ID_PARAMETER = OpenApiParameter("opportunityid", int, OpenApiParameter.PATH)
FILTER_DOCS = [
    OpenApiParameter("responsibleid", str, description="Responsible user's GUID"),
    OpenApiParameter("opportunityStagesid", int, description="Stage id"),
    OpenApiParameter("tags", str, many=True, description="All of these tags"),
    OpenApiParameter("contactid", int, description="Primary contact"),
    OpenApiParameter(
        "stageType", str, enum=[m.label for m in StageType], description="Name or number"
    ),
    OpenApiParameter("contactAlsoIsParticipant", bool, description="With contactid: members too"),
    OpenApiParameter("fromDate", str, description="Close date from (inclusive)"),
    OpenApiParameter("toDate", str, description="Close date to (inclusive)"),
    OpenApiParameter(
        "filterValue", str, description="Every word starts a word of title or description"
    ),
]
PAGE_DOCS = [
    OpenApiParameter(
        "sortBy", str, enum=[m.label for m in SortBy], description="Name (any case) or number"
    ),
    OpenApiParameter("sortOrder", str, enum=["ascending", "descending"]),
    OpenApiParameter("startIndex", int),
    OpenApiParameter("count", int, description="Default and maximum 1000"),
]


# -- routes ------------------------------------------------------------------------------------


class OpportunityDetailView(OpportunityBaseView):
    """`opportunity/{opportunityid}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_read",
        summary="Get an opportunity",
        parameters=[ID_PARAMETER],
        responses=docs.OpportunitySerializer,
    )
    def get(self, request, opportunityid, format=None):
        return self.render_one(self.opportunity_id())

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_update",
        summary="Update an opportunity",
        description="Changes only the fields the request names; an explicit null or empty "
        "value clears a field. Access fields apply only for admins and the creator.",
        parameters=[ID_PARAMETER],
        request=docs.OpportunityWriteSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, format=None):
        opportunity = self.get_visible(self.opportunity_id())
        changes = opportunity_changes(self.params(), user=request.user)
        services.opportunity_update(opportunity=opportunity, updated_by=request.user, **changes)
        return self.render_one(opportunity.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_delete",
        summary="Delete an opportunity",
        description="Returns the deleted opportunity as ONLYOFFICE builds it after deletion "
        "(no members, custom fields, tags or access list).",
        parameters=[ID_PARAMETER],
        responses={200: docs.OpportunitySerializer},
    )
    def delete(self, request, opportunityid, format=None):
        opportunity = self.get_visible(self.opportunity_id())
        shape = self.renderer().deleted_shape(opportunity)
        services.opportunity_delete(opportunity=opportunity, deleted_by=request.user)
        return Response(shape)


class OpportunityCollectionView(OpportunityBaseView):
    """`opportunity`: POST creates, PUT deletes a group."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_create",
        summary="Create an opportunity",
        description="Missing `responsibleid` means the caller, missing `bidCurrencyAbbr` the "
        "base currency, missing `stageid` the first open stage.",
        request=docs.OpportunityWriteSerializer,
        responses={201: docs.OpportunitySerializer},
    )
    def post(self, request, format=None):
        changes = opportunity_changes(self.params(), user=request.user)
        for name in ("members", "access_list", "tags"):
            if changes.get(name) is None:
                changes.pop(name, None)
        changes["custom_fields"] = changes.get("custom_fields") or {}
        changes["is_private"] = bool(changes.get("is_private"))
        changes["title"] = changes.get("title") or ""
        opportunity = services.opportunity_create(created_by=request.user, **changes)
        return self.render_one(opportunity.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_delete_group",
        summary="Delete a group of opportunities",
        description="Ids that are unknown, hidden or not deletable are skipped; returns the "
        "opportunities actually deleted.",
        request=docs.OpportunityIdsSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        ids = self.params().int_list("opportunityids")
        if not ids:
            raise InvalidInput("The list of opportunity ids is empty.", field="opportunityids")
        return self.delete_rendered(self.visible().filter(pk__in=ids).order_by("pk"))


class OpportunityFilterView(OpportunityBaseView):
    """`opportunity/filter`: GET lists a page, DELETE deletes every match."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter",
        summary="Find opportunities",
        description="A page of the opportunities the caller can see that match every given "
        "criterion; the envelope's `total` counts all matches.",
        parameters=[*FILTER_DOCS, *PAGE_DOCS],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, format=None):
        page = self.page_request()
        filterset = self.filterset()
        matches = filterset.qs
        counts = opportunity_counts_by_stage_cached(
            matches, user=request.user, criteria=filterset.criteria_key()
        )
        total = sum(count for _, _, count in counts)
        descending = filterset.orders_by_stage()
        render = self.renderer().shapes
        if descending is None:
            shapes, has_more = page.slice(matches, render)
        else:
            shapes, has_more = page.slice_by_group(
                matches, self.stage_groups(matches, counts, descending=descending), render
            )
        return self.paged_response(shapes, page=page, has_more=has_more, total=total)

    @staticmethod
    def stage_groups(matches, counts, *, descending: bool) -> list:
        """The default order's groups: the stages by sort order (stages sharing one are a
        single group), each with its matches in the order inside a stage, and their count."""
        groups: dict[int, tuple[list, int]] = {}
        for stage_id, sort_order, count in counts:
            ids, size = groups.get(sort_order, ([], 0))
            groups[sort_order] = ([*ids, stage_id], size + count)
        return [
            (partial(_stage_rows, matches, ids), size)
            for _, (ids, size) in sorted(groups.items(), reverse=descending)
        ]

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter_delete",
        summary="Delete the opportunities matching a filter",
        description="Without criteria, every opportunity the caller can see and delete.",
        parameters=FILTER_DOCS,
        responses={200: docs.OpportunitySerializer(many=True)},
    )
    def delete(self, request, format=None):
        return self.delete_rendered(self.filterset().qs)


def _stage_rows(matches, stage_ids: list[int]):
    return matches.filter(stage_id__in=stage_ids).order_by(*WITHIN_STAGE_ORDER)


class OpportunityStageView(OpportunityBaseView):
    """`opportunity/{opportunityid}/stage/{id}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_move_to_stage",
        summary="Move an opportunity to a stage",
        description="`stageid` comes from the query or body; the `{id}` segment is used only "
        "when it is absent. Sets the probability from the stage, and the actual close date "
        "on a closed stage (cleared on an open one).",
        parameters=[ID_PARAMETER, OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=docs.StageMoveSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, id, format=None):
        params = self.params()
        stage_id = params.integer("stageid") or params.integer("id")
        stage_id = _positive(stage_id, "stageid")
        opportunity_id = self.opportunity_id()
        stage = Stage.objects.filter(pk=stage_id).first()
        if stage is None:
            # an opportunity the caller may not edit answers 404 before a missing stage
            opportunity = self.visible().filter(pk=opportunity_id).first()
            if opportunity is None or not opportunity_can_edit(
                user=request.user, opportunity=opportunity
            ):
                raise OpportunityNotFound()
            raise StageNotFound()
        try:
            # the service locks the row, checking visibility in the same query, then the
            # edit right; a hidden or read-only opportunity is a 404 here, as ONLYOFFICE's
            services.opportunity_move_to_stage(
                opportunity=Opportunity(pk=opportunity_id), stage=stage, moved_by=request.user
            )
        except (NotFound, AccessDenied) as exc:
            raise OpportunityNotFound() from exc
        return self.render_one(opportunity_id)


class OpportunityAccessView(OpportunityBaseView):
    """`opportunity/{opportunityid}/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_access",
        summary="Set who may see an opportunity",
        description="Admins and the creator only (403 for others). `isPrivate=true` always "
        "makes it private, with the caller on the access list.",
        parameters=[ID_PARAMETER],
        request=docs.AccessSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, format=None):
        params = self.params()
        opportunity = self.visible().filter(pk=self.opportunity_id()).first()
        if opportunity is None:
            raise OpportunityNotFound()
        access_list = params.guid_list("accessList")
        services.opportunity_set_access(
            opportunity=opportunity,
            is_private=bool(params.boolean("isPrivate")),
            access_list=None if access_list is None else _users(access_list, "accessList"),
            set_by=request.user,
            notify=bool(params.boolean("isNotify")),
        )
        return self.render_one(opportunity.pk)


class OpportunityAccessBatchView(OpportunityBaseView):
    """`opportunity/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_access_group",
        summary="Set access on a group of opportunities",
        description="Opportunities the caller may not change are skipped.",
        request=docs.AccessBatchSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        ids = self.params().int_list("opportunityid")
        if ids is None:
            raise InvalidInput("opportunityid is required.", field="opportunityid")
        return self.set_access_many(list(self.visible().filter(pk__in=ids)))


class OpportunityFilterAccessView(OpportunityBaseView):
    """`opportunity/filter/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter_set_access",
        summary="Set access on the opportunities matching a filter",
        description="Opportunities the caller may not change are skipped.",
        parameters=FILTER_DOCS,
        request=docs.AccessSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        return self.set_access_many(list(self.filterset().qs))


class OpportunityContactsView(OpportunityBaseView):
    """`opportunity/{opportunityid}/contact`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_contacts",
        summary="Get the contacts of an opportunity",
        description="Members the caller can see, the primary contact included (with "
        "`canEdit=false`).",
        parameters=[ID_PARAMETER],
        responses=docs.contact_wrapper_doc(many=True),
    )
    def get(self, request, opportunityid, format=None):
        opportunity = self.visible().filter(pk=self.opportunity_id()).first()
        if opportunity is None:
            raise OpportunityNotFound()
        member_ids = OpportunityMember.objects.filter(opportunity=opportunity).values("contact_id")
        contacts = contact_render_queryset(
            contact_list_visible_to(user=request.user).filter(
                Q(pk__in=member_ids) | Q(pk=opportunity.contact_id)
            ),
            user=request.user,
        )
        ctx = RenderContext(request)
        payload = []
        for contact in contacts:
            shape = contact_shape(contact, ctx)
            if contact.pk == opportunity.contact_id:
                shape = {**shape, "canEdit": False}
            payload.append(shape)
        return Response(payload)


class OpportunityContactView(OpportunityBaseView):
    """`opportunity/{opportunityid}/contact/{contactid}`."""

    def _arguments(self):
        opportunity_id = self.opportunity_id()
        contact_id = _positive(self.params().integer("contactid"), "contactid")
        opportunity = self.visible().filter(pk=opportunity_id).first()
        if opportunity is None:
            raise OpportunityNotFound()
        contact = contact_get_visible(user=self.request.user, contact_id=contact_id)
        return opportunity, contact

    def _render(self, contact: Contact) -> Response:
        contact = contact_render_queryset(
            Contact.objects.filter(pk=contact.pk), user=self.request.user
        ).get()
        return Response(contact_shape(contact, RenderContext(self.request)))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_add_contact",
        summary="Add a contact to an opportunity",
        parameters=[ID_PARAMETER, OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        request=None,
        responses={201: docs.contact_wrapper_doc()},
    )
    def post(self, request, opportunityid, contactid, format=None):
        opportunity, contact = self._arguments()
        services.opportunity_add_member(
            opportunity=opportunity, contact=contact, added_by=request.user
        )
        return self._render(contact)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_remove_contact",
        summary="Remove a contact from an opportunity",
        description="Removing the primary contact is allowed and clears it.",
        parameters=[ID_PARAMETER, OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses={200: docs.contact_wrapper_doc()},
    )
    def delete(self, request, opportunityid, contactid, format=None):
        opportunity, contact = self._arguments()
        services.opportunity_remove_member(
            opportunity=opportunity, contact=contact, removed_by=request.user
        )
        return self._render(contact)


BYPREFIX_LIMIT = 30


class OpportunityByPrefixView(OpportunityBaseView):
    """`opportunity/byprefix` (hidden in ONLYOFFICE's docs; used by its autocomplete)."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_by_prefix",
        summary="Find opportunities by title words",
        description="With `contactID` and `internalSearch=true`: that contact's opportunities "
        "whose title contains `prefix`. Otherwise up to 30 opportunities whose title contains "
        "every word, ordered by title; with `contactID`, only those not linked to it.",
        parameters=[
            OpenApiParameter("prefix", str, required=True),
            OpenApiParameter("contactID", int),
            OpenApiParameter("internalSearch", bool),
        ],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, format=None):
        params = self.params()
        prefix = params.string("prefix")
        if prefix is None:
            raise InvalidInput("prefix is required.", field="prefix")
        contact_id = params.integer("contactID") or 0
        internal = bool(params.boolean("internalSearch"))
        visible = self.visible()
        if contact_id > 0:
            # a contact hidden from the caller is an unknown one: linked to nothing
            contact = contact_list_visible_to(user=request.user).filter(pk=contact_id).values("pk")
            member = OpportunityMember.objects.filter(contact_id__in=contact).values(
                "opportunity_id"
            )
            linked = Q(contact_id__in=contact) | Q(pk__in=member)
        order = (Lower("title"), "id")
        if contact_id > 0 and internal:
            rows = [
                o
                for o in visible.filter(linked).order_by(*order).only("pk", "title")
                if prefix in o.title  # ONLYOFFICE's ordinal (case-sensitive) Contains
            ]
        else:
            matches = visible
            for word in prefix.split():
                matches = matches.filter(title__icontains=word)
            if contact_id > 0:
                matches = matches.exclude(linked)
            rows = matches.order_by(*order)[:BYPREFIX_LIMIT]
        return Response(self.renderer().shapes(rows))


class OpportunityByContactView(OpportunityBaseView):
    """`opportunity/bycontact/{contactid}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_by_contact",
        summary="Get the opportunities of a contact",
        description="Opportunities the caller can see where the contact is a member or the "
        "primary contact, by title. An unknown contact gives [].",
        parameters=[OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, contactid, format=None):
        contact_id = self.params().integer("contactid")
        if not contact_list_visible_to(user=request.user).filter(pk=contact_id).exists():
            return Response([])
        member = OpportunityMember.objects.filter(contact_id=contact_id).values("opportunity_id")
        matches = self.visible().filter(Q(contact_id=contact_id) | Q(pk__in=member))
        rows = matches.order_by(Lower("title"), "id")
        return Response(self.renderer().shapes(rows))


class OpportunityTimestampView(OpportunityBaseView):
    """ONLYOFFICE's hidden test methods: set the creation or last-modified date (admins)."""

    parameter: str = ""
    argument: str = ""

    def put(self, request, opportunityid, format=None):
        value = self.params().date(self.parameter)
        if value is None:
            raise InvalidInput(f"{self.parameter} is required.", field=self.parameter)
        opportunity = self.visible().filter(pk=self.opportunity_id()).first()
        if opportunity is None:
            raise NotFound()
        services.opportunity_set_timestamps(
            opportunity=opportunity, set_by=request.user, **{self.argument: value}
        )
        return Response({})


class OpportunityCreationDateView(OpportunityTimestampView):
    parameter = "creationDate"
    argument = "created_at"

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_creation_date",
        summary="Set the creation date (admin; test method)",
        parameters=[ID_PARAMETER],
        request=docs.CreationDateSerializer,
        responses=docs.EmptySerializer,
    )
    def put(self, request, opportunityid, format=None):
        return super().put(request, opportunityid, format)


class OpportunityLastModifiedDateView(OpportunityTimestampView):
    parameter = "lastModifedDate"
    argument = "updated_at"

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_last_modified_date",
        summary="Set the last-modified date (admin; test method)",
        parameters=[ID_PARAMETER],
        request=docs.LastModifiedDateSerializer,
        responses=docs.EmptySerializer,
    )
    def put(self, request, opportunityid, format=None):
        return super().put(request, opportunityid, format)
