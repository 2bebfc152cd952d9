"""Deleting a contact takes its own notes and tasks with it (as ONLYOFFICE), but a note or a
task that is also on a deal stays on the deal's timeline, only without the contact: nothing on
a deal is lost by deleting someone else's record."""

import pytest

from activities.models import HistoryEvent, Task, TaskCategory
from tests.activities.history_factories import HistoryEventFactory
from tests.activities.task_factories import TaskFactory
from tests.factories import OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_contact_keeps_the_deals_notes_and_tasks_when_deleted_by_api(admin_client):
    contact = PersonFactory()
    deal = OpportunityFactory(contact=contact)
    on_deal = HistoryEventFactory(opportunity=deal, contact=contact)
    contact_only = HistoryEventFactory(opportunity=None, contact=contact, created_by=None)
    deal_task = TaskFactory(opportunity=deal, contact=contact)
    contact_task = TaskFactory(contact=contact)

    response = admin_client.delete(f"/api/2.0/crm/contact/{contact.pk}")

    assert response.status_code == 200, response.content[:300]
    on_deal.refresh_from_db()
    deal_task.refresh_from_db()
    assert (on_deal.opportunity_id, on_deal.contact_id) == (deal.pk, None)
    assert (deal_task.opportunity_id, deal_task.contact_id) == (deal.pk, None)
    assert not HistoryEvent.objects.filter(pk=contact_only.pk).exists()
    assert not Task.objects.filter(pk=contact_task.pk).exists()


def test_the_kept_task_still_sets_the_deals_next_step_when_its_contact_is_deleted(admin_client):
    contact = PersonFactory()
    deal = OpportunityFactory(contact=contact)
    created = admin_client.post(
        "/api/2.0/crm/task",
        {
            "title": "Send the offer",
            "deadline": "2030-05-01T10:00:00.0000000+00:00",
            "categoryId": TaskCategory.objects.first().pk,
            "entityType": "opportunity",
            "entityId": deal.pk,
            "contactId": contact.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content[:300]

    admin_client.delete(f"/api/2.0/crm/contact/{contact.pk}")

    deal.refresh_from_db()
    assert deal.next_task_due is not None
    listed = admin_client.get(
        "/api/2.0/crm/task/filter", {"entityType": "opportunity", "entityid": deal.pk}
    ).json()["response"]
    assert [t["title"] for t in listed] == ["Send the offer"]
