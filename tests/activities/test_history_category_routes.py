"""DELETE history/category/{id} refuses a category that events use, those of trashed deals too
(the other category routes, the same for task categories, are in
test_category_lists_share_rules.py)."""

from activities.models import HistoryCategory
from tests.activities.history_factories import HistoryEventFactory, history_category

API = "/api/2.0/crm/"


def test_delete_of_a_category_in_use_is_400(admin_client, opportunity):
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)

    response = admin_client.delete(f"{API}history/category/{note.pk}")

    assert response.status_code == 400
    assert "history events" in response.json()["error"]["message"]
    assert HistoryCategory.objects.filter(pk=note.pk).exists()


def test_delete_of_a_category_used_by_a_trashed_deals_event_is_400(admin_client, opportunity):
    """The event comes back with its deal: its category must still be there."""
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)
    admin_client.delete(f"{API}opportunity/{opportunity.pk}")

    assert admin_client.delete(f"{API}history/category/{note.pk}").status_code == 400
