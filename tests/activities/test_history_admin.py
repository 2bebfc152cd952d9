"""History in the admin: categories written through the services (their rules shown as form
errors), events read-only and deleted through `history_event_delete`."""

import pytest
from django.urls import reverse

from activities.models import HistoryCategory, HistoryEvent
from tests.activities.history_factories import (
    HistoryCategoryFactory,
    HistoryEventFactory,
    history_category,
)
from tests.admin.test_admin_writes_through_services import add_url, change_url, changelist_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def _category_data(**changes):
    return {
        "title": "Visit",
        "description": "",
        "color": "",
        "image_name": "event_category_meeting.png",
        "sort_order": 0,
        **changes,
    }


def test_category_added_in_the_admin_goes_last(admin_browser):
    response = admin_browser.post(add_url(HistoryCategory), _category_data(title="  Visit "))

    assert response.status_code == 302
    last = HistoryCategory.objects.order_by("sort_order").last()
    assert (last.title, last.sort_order) == ("Visit", 5)


def test_category_with_a_taken_title_is_refused_on_the_form(admin_browser):
    response = admin_browser.post(add_url(HistoryCategory), _category_data(title="note"))

    assert response.status_code == 200
    assert "already called" in response.content.decode()
    assert HistoryCategory.objects.count() == 4


def test_category_in_use_is_renamed_in_the_admin(admin_browser, opportunity):
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)

    response = admin_browser.post(
        change_url(note),
        _category_data(title="Memo", image_name=note.image_name, sort_order=note.sort_order),
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.title == "Memo"


def test_unused_category_is_deleted_and_one_in_use_is_kept(admin_browser, opportunity):
    unused = HistoryCategoryFactory()
    used = history_category("Email")
    HistoryEventFactory(opportunity=opportunity, category=used)

    def delete(category):
        opts = HistoryCategory._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[category.pk])
        return admin_browser.post(url, {"post": "yes"}, follow=True)

    assert delete(unused).status_code == 200
    assert delete(used).status_code == 200
    assert not HistoryCategory.objects.filter(pk=unused.pk).exists()
    assert HistoryCategory.objects.filter(pk=used.pk).exists()


def test_events_are_listed_read_only(admin_browser, opportunity):
    event = HistoryEventFactory(opportunity=opportunity, content="<b>Called</b> the buyer")

    listing = admin_browser.get(changelist_url(HistoryEvent))
    page = admin_browser.get(change_url(event))
    posted = admin_browser.post(change_url(event), {"content": "rewritten"})

    assert listing.status_code == 200
    assert "Called the buyer" in listing.content.decode()
    assert admin_browser.get(add_url(HistoryEvent)).status_code == 403
    assert page.status_code == 200
    assert posted.status_code == 403
    event.refresh_from_db()
    assert event.content == "<b>Called</b> the buyer"


def test_events_are_filtered_by_category(admin_browser, opportunity):
    HistoryEventFactory(opportunity=opportunity, content="the note")
    HistoryEventFactory(
        opportunity=opportunity, category=history_category("Email"), content="sent the brochure"
    )

    html = admin_browser.get(
        changelist_url(HistoryEvent), {"category__id__exact": history_category().pk}
    ).content.decode()

    assert "the note" in html and "sent the brochure" not in html


def test_event_deleted_in_the_admin_goes_through_the_service(admin_browser, opportunity):
    events = [HistoryEventFactory(opportunity=opportunity) for _ in range(3)]

    response = admin_browser.post(
        changelist_url(HistoryEvent),
        {
            "action": "delete_selected",
            "_selected_action": [str(e.pk) for e in events[:2]],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(HistoryEvent.objects.values_list("pk", flat=True)) == [events[2].pk]
