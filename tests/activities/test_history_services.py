"""The history services and selectors other surfaces call (pages, the timeline, tasks): their
rules hold without the API in front of them."""

from datetime import datetime

import pytest
from django.utils import timezone

from activities.history_selectors import (
    history_event_can_delete,
    history_events_of_opportunity,
    history_events_visible_to,
)
from activities.history_services import history_event_add, history_event_delete
from activities.models import HistoryEvent, SystemCategory
from core.errors import AccessDenied, InvalidInput, NotFound
from tests.activities.history_factories import HistoryEventFactory, history_category
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_add_takes_objects_and_returns_the_event(user, opportunity, person):
    event = history_event_add(
        added_by=user,
        content="Lunch with Paula",
        category=history_category("Appointment"),
        opportunity=opportunity,
        contact=person,
    )

    assert HistoryEvent.objects.get() == event
    assert (event.opportunity, event.contact, event.created_by) == (opportunity, person, user)


def test_add_of_a_system_event_needs_no_category(user, opportunity):
    event = history_event_add(
        added_by=user,
        content="The «Call» task is closed",
        system_category=SystemCategory.TASK_CLOSED,
        opportunity=opportunity,
    )

    assert event.category is None and event.system_category == SystemCategory.TASK_CLOSED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": "a\x00b"}, "content"),
        ({"content": None}, "content"),
        ({"created_at": datetime(2026, 1, 1)}, "created_at"),  # naive
        ({"created_at": "2026-01-01"}, "created_at"),
        ({"category": None}, "category"),
        ({"system_category": -9, "category": None}, "category"),
        ({"opportunity": None}, "opportunity"),
    ],
)
def test_add_refuses_what_the_domain_cannot_keep(user, opportunity, changes, field):
    arguments = {
        "added_by": user,
        "content": "ok",
        "category": history_category(),
        "opportunity": opportunity,
        **changes,
    }

    with pytest.raises(InvalidInput) as refused:
        history_event_add(**arguments)

    assert refused.value.field == field
    assert not HistoryEvent.objects.exists()


def test_add_by_a_guest_is_refused(guest, opportunity):
    with pytest.raises(AccessDenied):
        history_event_add(
            added_by=guest, content="x", category=history_category(), opportunity=opportunity
        )


def test_events_of_an_opportunity_leave_out_those_with_a_hidden_contact(
    user, other_user, opportunity
):
    shown = HistoryEventFactory(opportunity=opportunity, created_at=timezone.now())
    HistoryEventFactory(
        opportunity=opportunity, contact=PersonFactory(created_by=user, access_list=[user])
    )

    assert list(history_events_of_opportunity(user=other_user, opportunity=opportunity)) == [shown]
    assert history_events_of_opportunity(user=user, opportunity=opportunity).count() == 2


def test_delete_rules(user, other_user, admin_user, opportunity):
    event = HistoryEventFactory(opportunity=opportunity, created_by=user)

    assert history_event_can_delete(user=user, event=event)
    assert history_event_can_delete(user=admin_user, event=event)
    assert not history_event_can_delete(user=other_user, event=event)
    with pytest.raises(AccessDenied):
        history_event_delete(event_id=event.pk, deleted_by=other_user)
    deleted = history_event_delete(event_id=event.pk, deleted_by=user)
    assert deleted.pk == event.pk
    with pytest.raises(NotFound):
        history_event_delete(event_id=event.pk, deleted_by=user)


def test_guest_sees_no_event(guest, opportunity):
    HistoryEventFactory(opportunity=opportunity)

    assert not history_events_visible_to(user=guest).exists()
