"""Arranging history state in tests, bypassing the services (use `history_event_add` when the
test is about adding)."""

import factory
from django.utils import timezone

from activities.models import HistoryCategory, HistoryEvent, SystemCategory
from tests.factories import OpportunityFactory


def history_category(title: str = "Note") -> HistoryCategory:
    """One of ONLYOFFICE's four default history categories, created by the migration."""
    return HistoryCategory.objects.get(title=title)


class HistoryCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoryCategory

    title = factory.Sequence(lambda n: f"Category {n}")
    image_name = "event_category_note.png"
    sort_order = factory.Sequence(lambda n: 100 + n)


class HistoryEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoryEvent

    content = factory.Sequence(lambda n: f"Called them, round {n}")
    category = factory.LazyFunction(history_category)
    system_category = SystemCategory.NONE
    opportunity = factory.SubFactory(OpportunityFactory)
    contact = None
    created_at = factory.LazyFunction(timezone.now)
    created_by = factory.SelfAttribute("opportunity.created_by")
