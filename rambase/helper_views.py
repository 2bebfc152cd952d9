"""The read-only helpers of contract §1: domain values (Source, Status, Currency), employees,
contacts and customers. Reads go through the selectors and their visibility rules."""

from django.db.models import F, IntegerField, Value

from accounts.models import User
from accounts.selectors import user_list_active
from contacts.selectors import contact_get_visible
from core.errors import NotFound
from core.models import Currency
from opportunities.models import LeadSource, OpportunityStatus
from rambase import ids
from rambase.errors import invalid_parameter, not_found
from rambase.formats import Document
from rambase.listing import list_document, list_page
from rambase.names import EMPLOYEE_FIELDS, INTEGER, STRING, Field
from rambase.opportunity_shape import (
    CONTACT_LINK,
    CUSTOMER_LINK,
    ShapeContext,
    contact_names,
    employee_shape,
)
from rambase.views_base import RamBaseView, path_id

DOMAIN_OBJECTS = {"salesopportunity", "opt"}
EMPLOYEE_MAXIMUM = 500


def _domain_fields(key_kind: str) -> dict[str, Field]:
    return {
        "key": Field("Key", "rb_key", key_kind),
        "description": Field("Description", "title", STRING),
        "priority": Field("Priority", "rb_priority", INTEGER),
    }


def _domain_rows(field: str):
    """(rows with rb_key and rb_priority, key kind) for a domain field; active items only."""
    if field in ("source", "status"):
        model = LeadSource if field == "source" else OpportunityStatus
        rows = model.objects.filter(is_active=True).annotate(
            rb_key=F("id"), rb_priority=F("sort_order")
        )
        return rows, INTEGER
    rows = Currency.objects.annotate(
        rb_key=F("abbreviation"), rb_priority=Value(0, output_field=IntegerField())
    )
    return rows, STRING


class DomainValuesView(RamBaseView):
    """`/system/domain-values/applicable-values?object=SalesOpportunity&field=Source`."""

    def get(self, request):
        query = self.query()
        domain_object = (query.get("object") or "").strip().lower()
        field = (query.get("field") or "").strip().lower()
        if domain_object not in DOMAIN_OBJECTS:
            raise invalid_parameter("object must be SalesOpportunity (or OPT).", "object")
        if field not in ("source", "status", "currency"):
            raise invalid_parameter("field must be Source, Status or Currency.", "field")
        rows, key_kind = _domain_rows(field)
        page = list_page(
            request,
            rows,
            fields=_domain_fields(key_kind),
            id_field="key",
            render=lambda row: {
                "Key": row.rb_key,
                "Description": row.title,
                "Priority": row.rb_priority,
            },
            valid_select={"key", "description", "priority"},
            default_order="Priority,Key",
        )
        return self.respond(list_document("DomainValues", "DomainValue", page))


def _employee(user, view) -> dict:
    shape = employee_shape(user, ShapeContext(base_url=view.link("/").rstrip("/")))
    return {
        "EmployeeId": shape["EmployeeId"],
        "FirstName": shape["FirstName"],
        "LastName": shape["LastName"],
        "Guid": str(user.uuid),
        "EmployeeLink": shape["EmployeeLink"],
    }


class EmployeeCollectionView(RamBaseView):
    open_to_guests = True

    def get(self, request):
        page = list_page(
            request,
            user_list_active(),
            fields=EMPLOYEE_FIELDS,
            id_field="employeeid",
            render=lambda user: _employee(user, self),
            valid_select={"employeeid", "firstname", "lastname", "guid", "employeelink"},
            maximum=EMPLOYEE_MAXIMUM,
        )
        return self.respond(list_document("Employees", "Employee", page))


class EmployeeDetailView(RamBaseView):
    """Any user, active or not (stored opportunities still name deactivated ones)."""

    open_to_guests = True

    def get(self, request, employee_id: str):
        user = User.objects.filter(pk=path_id(employee_id, ids.EMPLOYEE, "employeeId")).first()
        if user is None:
            raise not_found("The employee does not exist.")
        return self.respond(Document("Employee", _employee(user, self)))


class ContactDetailView(RamBaseView):
    def contact(self, raw_id: str, name: str):
        pk = path_id(raw_id, ids.CONTACT, name)
        try:
            return contact_get_visible(user=self.request.user, contact_id=pk)
        except NotFound as exc:
            raise not_found("The contact does not exist.") from exc

    def get(self, request, contact_id: str):
        contact = self.contact(contact_id, "contactId")
        first, last = contact_names(contact)
        rambase_id = contact.pk + ids.CONTACT
        return self.respond(
            Document(
                "Contact",
                {
                    "ContactId": rambase_id,
                    "FirstName": first,
                    "LastName": last,
                    "ContactLink": self.link(CONTACT_LINK.format(rambase_id)),
                },
            )
        )


class CustomerDetailView(ContactDetailView):
    def get(self, request, customer_id: str):
        customer = self.contact(customer_id, "customerId")
        first, last = contact_names(customer)
        rambase_id = customer.pk + ids.CONTACT
        return self.respond(
            Document(
                "Customer",
                {
                    "CustomerId": rambase_id,
                    "Name": last,
                    "FirstName": first,
                    "CustomerLink": self.link(CUSTOMER_LINK.format(rambase_id)),
                },
            )
        )
