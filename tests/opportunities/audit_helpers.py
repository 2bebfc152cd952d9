"""What the audit row tests share: an API client, the rows of a deal as tuples, and the deal
they change."""

from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.models import OpportunityAudit
from tests.factories import OpportunityFactory, currency


def api(user) -> APIClient:
    """A client sending `user`'s token, as an ONLYOFFICE client does."""
    token, _ = token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


def rows(opportunity) -> list[tuple]:
    """(action, field, old, new, who) of each row, oldest first."""
    return [
        (row.action, row.field, row.old_value, row.new_value, row.changed_by)
        for row in OpportunityAudit.objects.filter(opportunity=opportunity).order_by("id")
    ]


def audited_deal(user, person):
    """A public deal of `user` with `person` as its contact, USD 500.00 at 10%, due 2027-03-01."""
    return OpportunityFactory(
        title="Old title",
        created_by=user,
        responsible=user,
        contact=person,
        members=[person],
        bid_value=Decimal("500.00"),
        bid_currency=currency("USD"),
        success_probability=10,
        expected_close_date=timezone.make_aware(timezone.datetime(2027, 3, 1)),
    )
