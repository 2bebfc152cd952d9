"""ONLYOFFICE's contact routes (/api/2.0/crm/contact…): parse, authorize through the
selectors, call one service, render."""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Lower
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.selectors import users_by_uuids
from contacts import services
from contacts.api.docs_serializers import (
    CompanySerializer,
    CompanyWriteSerializer,
    ContactAccessSerializer,
    PersonSerializer,
    PersonWriteSerializer,
    contact_wrapper_doc,
)
from contacts.api.rendering import contact_render_queryset, contact_shape
from contacts.models import Contact, ShareType
from contacts.selectors import (
    contact_get_visible,
    contact_list_visible_to,
    contact_search,
    contact_with_access,
)
from core.errors import InvalidInput, NotFound
from core.selectors import currency_get
from crm_project.api.render_context import RenderContext
from crm_project.api.views import OnlyOfficeAPIView

TAGS = ["contacts"]
CONTACT_RESPONSE = contact_wrapper_doc()
CONTACT_LIST_RESPONSE = contact_wrapper_doc(many=True)


def _render(request, contact_id: int) -> dict:
    """The ContactWrapper of a contact as stored now; a company lists its visible people."""
    ctx = RenderContext(request)
    contact = contact_render_queryset(
        Contact.objects.filter(pk=contact_id), user=request.user
    ).get()
    persons = None
    if contact.is_company:
        persons = list(
            contact_with_access(
                contact_list_visible_to(user=request.user).filter(company=contact)
            ).order_by("last_name", "first_name", "pk")
        )
    return contact_shape(contact, ctx, persons=persons)


def _route_contact(view, id_param: str, *, is_company: bool | None = None) -> Contact:
    """The contact the route's `id_param` names, if the caller may read it (else 404); a
    person's route naming a company, or a company's naming a person, is the same 404."""
    contact_id = view.params().positive_id(id_param)
    contact = contact_get_visible(user=view.request.user, contact_id=contact_id)
    if is_company is not None and contact.is_company != is_company:
        raise NotFound("Contact not found")
    return contact


class ContactWriteMixin:
    """Maps the ONLYOFFICE parameters a request names onto service keyword arguments, so a
    parameter left out is a field left alone (decision 1)."""

    TEXT = {
        "about": "about",
        "industry": "industry",
        "email": "email",
        "phone": "phone",
    }

    def contact_changes(self, *, text_fields: dict[str, str]) -> dict:
        params = self.params()
        changes = {}
        for wire, field in {**self.TEXT, **text_fields}.items():
            if params.has(wire):
                changes[field] = params.string(wire) or ""
        if params.has("currency"):
            changes["currency"] = self._currency(params.string("currency"))
        if params.has("shareType"):
            changes["share_type"] = params.enum("shareType", ShareType) or ShareType.NONE
        elif params.has("isShared"):
            changes["share_type"] = (
                ShareType.READ_WRITE if params.boolean("isShared") else ShareType.NONE
            )
        if params.has("tags"):
            changes["tags"] = [str(tag) for tag in params.sequence("tags") or []]
        if params.has("customFieldList"):
            changes["custom_fields"] = params.key_value_list("customFieldList") or {}
        changes.update(self.access_changes())
        return changes

    def access_changes(self) -> dict:
        """`isPrivate` and `accessList`, or ONLYOFFICE's `managerList` (a non-empty list makes
        the contact private with it), and `isNotify`."""
        params = self.params()
        changes = {}
        names = ("accessList", "managerList")
        given = next((name for name in names if params.has(name)), None)
        users = None
        if given is not None:
            users = self._users(params.guid_list(given) or [], given)
        if params.has("isPrivate"):
            changes["is_private"] = bool(params.boolean("isPrivate"))
        elif given == "managerList":
            changes["is_private"] = bool(users)
        if users is not None:
            changes["access_list"] = users
        if params.has("isNotify"):
            changes["notify"] = bool(params.boolean("isNotify"))
        return changes

    @staticmethod
    def _users(guids, field: str) -> list:
        users, missing = users_by_uuids(guids)
        if missing:
            raise InvalidInput(f"{field}: unknown user {missing[0]}.", field=field)
        return users

    @staticmethod
    def _currency(code: str | None):
        if not code:
            return None
        try:
            return currency_get(abbreviation=code.strip())
        except NotFound as exc:  # a parameter naming no currency is a 400
            raise InvalidInput(f"Unknown currency '{code}'.", field="currency") from exc

    def company_param(self):
        """`companyId`: 0 or empty means no company; an id that is unknown or hidden from the
        caller is the same 400."""
        company_id = self.params().integer("companyId")
        if not company_id:
            return None
        company = contact_list_visible_to(user=self.request.user).filter(pk=company_id).first()
        if company is None:
            raise InvalidInput("Company not found", field="companyId")
        return company


PERSON_TEXT = {"firstName": "first_name", "lastName": "last_name", "jobTitle": "job_title"}
COMPANY_TEXT = {"companyName": "company_name"}


class PersonCreateView(ContactWriteMixin, OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_person_create",
        summary="Create a person",
        description=(
            "A first or last name is required. `companyId` must be a company the caller can "
            "read. Unknown custom field, user GUID or currency: 400."
        ),
        request=PersonWriteSerializer,
        responses=PersonSerializer,
        tags=TAGS,
    )
    def post(self, request, *args, **kwargs):
        changes = self.contact_changes(text_fields=PERSON_TEXT)
        if self.params().has("companyId"):
            changes["company"] = self.company_param()
        contact = services.contact_create_person(created_by=request.user, **changes)
        return Response(_render(request, contact.pk))


class CompanyCreateView(ContactWriteMixin, OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_company_create",
        summary="Create a company",
        description=(
            "`companyName` is required. `personList` moves existing people into the new "
            "company; people the caller cannot read or edit are skipped."
        ),
        request=CompanyWriteSerializer,
        responses=CompanySerializer,
        tags=TAGS,
    )
    def post(self, request, *args, **kwargs):
        changes = self.contact_changes(text_fields=COMPANY_TEXT)
        person_ids = self.params().int_list("personList") or []
        persons = list(
            contact_with_access(
                contact_list_visible_to(user=request.user).filter(pk__in=person_ids)
            )
        )
        contact = services.contact_create_company(
            created_by=request.user, persons=persons, **changes
        )
        return Response(_render(request, contact.pk))


class PersonUpdateView(ContactWriteMixin, OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_person_update",
        summary="Update a person",
        description=(
            "Only the parameters sent change (decision 1); an explicit empty value clears. "
            "Missing, not readable or a company: 404. Cannot edit: 403. Access parameters "
            "apply only for admins and the creator (others' are ignored)."
        ),
        parameters=[OpenApiParameter("personid", int, OpenApiParameter.PATH)],
        request=PersonWriteSerializer,
        responses=PersonSerializer,
        tags=TAGS,
    )
    def put(self, request, *args, **kwargs):
        contact = _route_contact(self, "personid", is_company=False)
        changes = self.contact_changes(text_fields=PERSON_TEXT)
        if self.params().has("companyId"):
            changes["company"] = self.company_param()
        services.contact_update(contact=contact, updated_by=request.user, **changes)
        return Response(_render(request, contact.pk))


class CompanyUpdateView(ContactWriteMixin, OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_company_update",
        summary="Update a company",
        description=(
            "Only the parameters sent change (decision 1). Missing, not readable or a "
            "person: 404. Cannot edit: 403."
        ),
        parameters=[OpenApiParameter("companyid", int, OpenApiParameter.PATH)],
        request=CompanyWriteSerializer,
        responses=CompanySerializer,
        tags=TAGS,
    )
    def put(self, request, *args, **kwargs):
        contact = _route_contact(self, "companyid", is_company=True)
        changes = self.contact_changes(text_fields=COMPANY_TEXT)
        services.contact_update(contact=contact, updated_by=request.user, **changes)
        return Response(_render(request, contact.pk))


class ContactDetailView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_get",
        summary="One contact",
        description="A person or a company; missing or not readable: 404.",
        parameters=[OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses=CONTACT_RESPONSE,
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        contact = _route_contact(self, "contactid")
        return Response(_render(request, contact.pk))

    @extend_schema(
        operation_id="crm_contact_delete",
        summary="Delete a contact",
        description=(
            "Returns the contact as it was. Missing or not readable: 404; cannot edit: 403. "
            "A company's people stay, without company."
        ),
        parameters=[OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses={200: CONTACT_RESPONSE},
        tags=TAGS,
    )
    def delete(self, request, *args, **kwargs):
        contact = _route_contact(self, "contactid")
        shape = _render(request, contact.pk)
        services.contact_delete(contact=contact, deleted_by=request.user)
        return Response(shape)


class ContactAccessView(ContactWriteMixin, OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_contact_access_update",
        summary="Make a contact private or public",
        description=(
            "Admins and the contact's creator only (others: 403; not readable: 404). A private "
            "contact always keeps the caller on its access list (decision 2); without "
            "`accessList` a private contact keeps its current list (decision 1)."
        ),
        parameters=[OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        request=ContactAccessSerializer,
        responses=CONTACT_RESPONSE,
        tags=TAGS,
    )
    def put(self, request, *args, **kwargs):
        contact = _route_contact(self, "contactid")
        access = self.access_changes()
        services.contact_set_access(
            contact=contact,
            is_private=access.get("is_private", False),
            access_list=access.get("access_list"),  # omitted: keep the current list
            set_by=request.user,
            notify=access.get("notify", False),
        )
        return Response(_render(request, contact.pk))


class ContactListView(OnlyOfficeAPIView):
    LIST_VIEWS = {"all": None, "company": True, "person": False, "withopportunity": None}
    LIST_VIEW_NUMBERS = {"0": "all", "1": "company", "2": "person", "3": "withopportunity"}
    SORTS = {
        "displayname": "sort_name",
        "created": "created_at",
        "firstname": "first_name",
        "lastname": "last_name",
    }
    SORT_NUMBERS = {"0": "displayname", "2": "created", "3": "firstname", "4": "lastname"}

    @extend_schema(
        operation_id="crm_contact_filter",
        summary="Search contacts",
        description=(
            "The contacts the caller may read, paged; the envelope holds `total`. Companies "
            "carry `personsCount` and `persons: null`."
        ),
        parameters=[
            OpenApiParameter("filterValue", str, description="Words in the name or e-mail."),
            OpenApiParameter(
                "contactListView",
                str,
                description="all (0), company (1), person (2) or withopportunity (3).",
            ),
            OpenApiParameter("isCompany", bool, description="Alternative to contactListView."),
            OpenApiParameter(
                "tags", str, many=True, description="The contact must have all of them."
            ),
            OpenApiParameter(
                "sortBy", str, description="displayname (default), created, firstname, lastname."
            ),
            OpenApiParameter("sortOrder", str, description="`descending`, else ascending."),
            OpenApiParameter("startIndex", int),
            OpenApiParameter("count", int, description="Default and maximum 1000."),
        ],
        responses=CONTACT_LIST_RESPONSE,
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        params = self.params()
        page = self.page_request()
        contacts = contact_search(
            user=request.user,
            text=params.string("filterValue") or "",
            is_company=self._is_company(params),
        )
        if self._list_view(params) == "withopportunity":
            contacts = self.with_opportunity(contacts)
        for tag in params.sequence("tags") or []:
            if str(tag).strip():
                contacts = contacts.filter(tags__title__iexact=str(tag).strip())
        contacts = contacts.annotate(sort_name=_sort_name()).order_by(*self._ordering(params))
        rows, has_more = page.slice(contact_render_queryset(contacts, user=request.user))
        total = page.start_index + len(rows) if rows and not has_more else contacts.count()
        ctx = RenderContext(request)
        return self.paged_response(
            [contact_shape(contact, ctx) for contact in rows],
            page=page,
            has_more=has_more,
            total=total,
        )

    def with_opportunity(self, contacts):
        """The contacts linked to an opportunity the caller may see. Opportunities sit above
        contacts: `opportunities.api.contact_link_views.ContactFilterView` answers the route."""
        raise NotImplementedError

    def _list_view(self, params) -> str:
        value = (params.string("contactListView") or "all").strip().lower()
        value = self.LIST_VIEW_NUMBERS.get(value, value)
        if value not in self.LIST_VIEWS:
            raise InvalidInput(
                "contactListView must be all, company, person or withopportunity.",
                field="contactListView",
            )
        return value

    def _is_company(self, params) -> bool | None:
        if params.has("isCompany") and params.raw("isCompany") not in ("", None):
            return params.boolean("isCompany")
        return self.LIST_VIEWS[self._list_view(params)]

    def _ordering(self, params) -> list:
        value = (params.string("sortBy") or "displayname").strip().lower()
        value = self.SORT_NUMBERS.get(value, value)
        if value not in self.SORTS:
            raise InvalidInput(
                "sortBy must be displayname, created, firstname or lastname.", field="sortBy"
            )
        descending = (params.string("sortOrder") or "").strip().lower() == "descending"
        field = self.SORTS[value]
        key = F(field).desc() if descending else F(field).asc()
        return [key, F("pk").desc() if descending else F("pk").asc()]


def _sort_name():
    return Case(
        When(is_company=True, then=Lower("company_name")),
        default=Lower(Concat("first_name", Value(" "), "last_name")),
        output_field=CharField(),
    )
