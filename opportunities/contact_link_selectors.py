"""Reads that link contacts and opportunities (the API's `bycontact`, `byprefix` and
`contact/filter?contactListView=withopportunity`). Opportunities sit above contacts, so the
link is read from this side."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from core.selectors import text_search_q
from opportunities.models import Opportunity, OpportunityMember
from opportunities.selectors import opportunity_list_visible_to

BY_PREFIX_LIMIT = 30
BY_TITLE = (Lower("title"), "id")


def opportunity_list_by_contact(*, user, contact_id: int) -> QuerySet[Opportunity]:
    """The opportunities `user` may see whose primary contact or member is the contact, by
    title; none when the contact is unknown or hidden from `user`."""
    if not contact_list_visible_to(user=user).filter(pk=contact_id).exists():
        return Opportunity.objects.none()
    member = OpportunityMember.objects.filter(contact_id=contact_id).values("opportunity_id")
    return (
        opportunity_list_visible_to(user=user)
        .filter(Q(contact_id=contact_id) | Q(pk__in=member))
        .order_by(*BY_TITLE)
    )


def opportunity_list_by_prefix(*, user, prefix: str, contact_id: int = 0, internal: bool = False):
    """ONLYOFFICE's autocomplete. With a contact and `internal`: that contact's opportunities
    whose title contains `prefix` (case-sensitive, as ONLYOFFICE's ordinal Contains). Otherwise
    up to BY_PREFIX_LIMIT whose title holds every word, by title; with a contact, only those not
    linked to it. A contact hidden from `user` is an unknown one: linked to nothing."""
    visible = opportunity_list_visible_to(user=user)
    linked = Q()
    if contact_id > 0:
        contact = contact_list_visible_to(user=user).filter(pk=contact_id).values("pk")
        member = OpportunityMember.objects.filter(contact_id__in=contact).values("opportunity_id")
        linked = Q(contact_id__in=contact) | Q(pk__in=member)
        if internal:
            rows = visible.filter(linked).order_by(*BY_TITLE).only("pk", "title")
            return [opportunity for opportunity in rows if prefix in opportunity.title]
    matches = visible.filter(text_search_q(prefix, ["title"]))
    if contact_id > 0:
        matches = matches.exclude(linked)
    return matches.order_by(*BY_TITLE)[:BY_PREFIX_LIMIT]


def contact_list_of_opportunity(*, user, opportunity: Opportunity) -> QuerySet[Contact]:
    """The opportunity's members and its primary contact, those `user` may see."""
    member_ids = OpportunityMember.objects.filter(opportunity=opportunity).values("contact_id")
    return contact_list_visible_to(user=user).filter(
        Q(pk__in=member_ids) | Q(pk=opportunity.contact_id)
    )


def contact_list_with_visible_opportunity(
    contacts: QuerySet[Contact], *, user
) -> QuerySet[Contact]:
    """The contacts linked (primary contact or member) to an opportunity `user` may see: a link
    to a hidden one does not exist."""
    visible = opportunity_list_visible_to(user=user)
    return contacts.filter(
        Exists(
            OpportunityMember.objects.filter(
                contact=OuterRef("pk"), opportunity__in=visible.values("pk")
            )
        )
        | Exists(visible.filter(contact=OuterRef("pk")))
    )
