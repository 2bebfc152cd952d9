"""History writes at once (PostgreSQL with threads; SQLite serializes its writers): one category
per title in any case, and an event never lands on a category deleted meanwhile (no 500)."""

import pytest
from django.db import connection

from activities.models import HistoryCategory, HistoryEvent
from tests.api.test_tag_create_race import _client, _race
from tests.factories import AdminUserFactory, OpportunityFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serializes writers: no race to lose"
    ),
]

API = "/api/2.0/crm/"


@pytest.fixture
def categories(reference_data):
    """A transactional test empties the tables the migrations filled: the defaults again."""
    for order, title in enumerate(("Note", "Email", "Phone call", "Appointment"), start=1):
        HistoryCategory.objects.get_or_create(title=title, defaults={"sort_order": order})


@pytest.mark.parametrize("round_", range(3))
def test_one_category_is_created_when_the_same_title_is_posted_at_once(categories, round_):
    admin = AdminUserFactory()
    titles = ["Visit", "visit", "VISIT", " Visit "] * 2
    clients = [_client(admin) for _ in titles]

    results = _race(
        [
            (lambda c=c, t=t: c.post(f"{API}history/category", {"title": t}, format="json"))
            for c, t in zip(clients, titles, strict=True)
        ]
    )

    codes = sorted(code for code, _ in results)
    assert codes == [201] + [400] * (len(titles) - 1), results
    assert HistoryCategory.objects.filter(title__iexact="visit").count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_an_event_and_the_delete_of_its_category_at_once_never_fail(categories, round_):
    admin = AdminUserFactory()
    user = UserFactory()
    opportunity = OpportunityFactory(created_by=user)
    category = HistoryCategory.objects.create(title=f"Temporary {round_}", sort_order=50)
    adders = [_client(user) for _ in range(5)]

    def add(client):
        return client.post(
            f"{API}history",
            {
                "entityType": "opportunity",
                "entityId": opportunity.pk,
                "content": "x",
                "categoryId": category.pk,
            },
            format="json",
        )

    remover = _client(admin)
    results = _race(
        [
            *[(lambda c=c: add(c)) for c in adders],
            lambda: remover.delete(f"{API}history/category/{category.pk}"),
        ]
    )

    assert all(code in (200, 201, 400) for code, _ in results), results
    deleted = not HistoryCategory.objects.filter(pk=category.pk).exists()
    events = HistoryEvent.objects.filter(opportunity=opportunity).count()
    assert deleted != bool(events)  # either the category went first, or it is in use
