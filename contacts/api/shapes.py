"""ONLYOFFICE's ContactBase, the contact shape embedded in opportunities (members, contact)."""

from contacts.models import Contact
from contacts.selectors import contact_access_users, contact_can_edit
from crm_project.api.shapes import RenderContext


def contact_base_shape(contact: Contact, ctx: RenderContext) -> dict:
    """Every key always present (decision 3); `accessList` is `[]` for public contacts.
    Expects `contact_with_access` prefetching, else costs a query for the access list."""
    photo = f"{ctx.base_url}/static/img/{'company' if contact.is_company else 'person'}.svg"
    can_edit = contact_can_edit(user=ctx.user, contact=contact)
    return {
        "smallFotoUrl": photo,
        "mediumFotoUrl": photo,
        "displayName": contact.display_name,
        "isCompany": contact.is_company,
        "accessList": (
            [ctx.employee(user) for user in contact_access_users(contact)]
            if contact.is_private
            else []
        ),
        "isPrivate": contact.is_private,
        "isShared": not contact.is_private and contact.share_type != 0,
        "shareType": contact.share_type,
        "currency": ctx.currency(contact.currency) if contact.currency_id else None,
        "canEdit": can_edit,
        "canDelete": can_edit,
        "id": contact.pk,
    }
