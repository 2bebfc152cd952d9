"""What a caller may not read does not exist for them, on every history route: an event is
readable only by those who read its opportunity AND its contact; an event of a deal in the trash
is gone with it; counts leave hidden events out."""

import pytest

from activities.models import HistoryEvent
from tests.activities.history_factories import HistoryEventFactory, history_category
from tests.factories import OpportunityFactory, PersonFactory

API = "/api/2.0/crm/"


@pytest.fixture
def private_event(user, private_opportunity):
    return HistoryEventFactory(
        opportunity=private_opportunity, created_by=user, content="Secret terms"
    )


@pytest.fixture
def private_contact_event(user, opportunity):
    """On a public deal, but with a contact only `user` reads."""
    secret_person = PersonFactory(created_by=user, access_list=[user])
    return HistoryEventFactory(
        opportunity=opportunity, contact=secret_person, created_by=user, content="Whisper"
    )


def _ids(response) -> list[int]:
    return [event["id"] for event in response.json()["response"]]


def test_filter_without_entity_lists_no_event_of_a_private_deal_or_contact(
    other_client, user_client, private_event, private_contact_event
):
    stranger = other_client.get(f"{API}history/filter")
    owner = user_client.get(f"{API}history/filter")

    assert _ids(stranger) == [] and stranger.json()["total"] == 0
    assert set(_ids(owner)) == {private_event.pk, private_contact_event.pk}


def test_filter_text_search_never_finds_a_hidden_event(other_client, private_event):
    response = other_client.get(f"{API}history/filter?filterValue=secret")

    assert _ids(response) == [] and response.json()["total"] == 0


def test_filter_of_a_private_deal_is_404_for_a_stranger(other_client, private_event):
    response = other_client.get(
        f"{API}history/filter?entityType=opportunity&entityId={private_event.opportunity_id}"
    )

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_filter_of_a_public_deal_hides_events_whose_contact_is_private(
    other_client, opportunity, private_contact_event
):
    """Decision 2: ONLYOFFICE judges such an event by the contact alone; both are needed."""
    shown = HistoryEventFactory(opportunity=opportunity)

    response = other_client.get(
        f"{API}history/filter?entityType=opportunity&entityId={opportunity.pk}"
    )

    assert _ids(response) == [shown.pk]
    assert response.json()["total"] == 1


def test_filter_of_a_public_contact_hides_events_of_a_private_deal(
    other_client, user, private_opportunity
):
    person = PersonFactory(created_by=user)
    HistoryEventFactory(opportunity=private_opportunity, contact=person, created_by=user)

    response = other_client.get(f"{API}history/filter?entityType=contact&entityId={person.pk}")

    assert response.status_code == 200
    assert _ids(response) == []


def test_add_to_a_private_deal_is_400_naming_the_field_and_adds_nothing(
    other_client, private_opportunity
):
    response = other_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": private_opportunity.pk,
            "content": "Intrusion",
            "categoryId": history_category().pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "entityId"
    assert "Secret" not in response.content.decode()
    assert not HistoryEvent.objects.exists()


def test_add_with_a_private_contact_is_400_naming_the_field(other_client, user, opportunity):
    secret_person = PersonFactory(created_by=user, access_list=[user])

    response = other_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "contactId": secret_person.pk,
            "content": "x",
            "categoryId": history_category().pk,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "contactId"
    assert not HistoryEvent.objects.exists()


def test_delete_of_a_hidden_event_is_404_and_deletes_nothing(other_client, private_event):
    response = other_client.delete(f"{API}history/{private_event.pk}")

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()
    assert HistoryEvent.objects.filter(pk=private_event.pk).exists()


def test_category_counts_leave_out_events_the_caller_cannot_read(
    other_client, user_client, private_event, opportunity
):
    HistoryEventFactory(opportunity=opportunity)  # a public Note

    def note_count(client):
        categories = client.get(f"{API}history/category").json()["response"]
        return next(c["relativeItemsCount"] for c in categories if c["title"] == "Note")

    assert note_count(other_client) == 1
    assert note_count(user_client) == 2


def test_guest_reads_no_history(client_for, guest, opportunity):
    HistoryEventFactory(opportunity=opportunity)
    client = client_for(guest)

    assert client.get(f"{API}history/filter").status_code == 403
    assert client.get(f"{API}history/category").status_code == 403


def test_unauthenticated_is_401_everywhere(api_client, opportunity):
    event = HistoryEventFactory(opportunity=opportunity)

    assert api_client.get(f"{API}history/filter").status_code == 401
    assert api_client.delete(f"{API}history/{event.pk}").status_code == 401
    assert api_client.post(f"{API}history", {"content": "x"}).status_code == 401
    assert HistoryEvent.objects.count() == 1


# -- the trash ------------------------------------------------------------------------------------


def test_history_of_a_deal_deleted_through_the_api_is_gone_everywhere(
    user_client, other_client, user
):
    opportunity = OpportunityFactory(created_by=user, title="Doomed deal")
    person = PersonFactory(created_by=user)
    event = HistoryEventFactory(opportunity=opportunity, contact=person, created_by=user)

    assert user_client.delete(f"{API}opportunity/{opportunity.pk}").status_code == 200

    for client in (user_client, other_client):
        assert _ids(client.get(f"{API}history/filter")) == []
        contact_view = client.get(f"{API}history/filter?entityType=contact&entityId={person.pk}")
        assert _ids(contact_view) == []
        categories = client.get(f"{API}history/category").json()["response"]
        assert all(c["relativeItemsCount"] == 0 for c in categories)
    deal_view = user_client.get(
        f"{API}history/filter?entityType=opportunity&entityId={opportunity.pk}"
    )
    assert deal_view.status_code == 404
    assert user_client.delete(f"{API}history/{event.pk}").status_code == 404
    adding = user_client.post(
        f"{API}history",
        {
            "entityType": "opportunity",
            "entityId": opportunity.pk,
            "content": "x",
            "categoryId": history_category().pk,
        },
    )
    assert adding.status_code == 400
    # kept for the restore
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


def test_admin_sees_no_history_of_a_trashed_deal(admin_client, user, opportunity):
    HistoryEventFactory(opportunity=opportunity)
    assert admin_client.delete(f"{API}opportunity/{opportunity.pk}").status_code == 200

    response = admin_client.get(f"{API}history/filter")

    assert _ids(response) == [] and response.json()["total"] == 0
