"""The timeline's entries (issue 11 point 3): a long timeline is paged by a cursor (a fixed
number of queries, every entry once, in order), and the audit rows the services wrote show how
the deal changed: creation, sharing, the trash and back, a lost deal's reason, a field's old and
new value."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from activities.history_services import history_event_add
from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory
from activities.task_services import task_close, task_create
from activities.timeline import PAGE_SIZE
from opportunities.models import Opportunity
from opportunities.services import opportunity_move_to_stage, opportunity_update
from tests.factories import OpportunityFactory, PersonFactory, default_stage

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def note(category="Note"):
    return HistoryCategory.objects.get(title=category)


def kind(title="Phone call"):
    return TaskCategory.objects.get(title=title)


def due(days: int, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), at))


def page(client, deal) -> str:
    response = client.get(f"/opportunities/{deal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stream(html: str) -> str:
    return html[html.index('id="timeline-stream"') :]


# -- long timelines ---------------------------------------------------------------------------


def _fill(deal, user, size: int):
    """`size` notes, `size` closed tasks and `size` open ones, and `size` field changes."""
    events = [
        HistoryEvent(
            content=f"Note {i}",
            category=note(),
            opportunity=deal,
            created_by=user,
            created_at=timezone.now() - timedelta(minutes=i),
        )
        for i in range(size)
    ]
    HistoryEvent.objects.bulk_create(events)
    for i in range(size):
        task_create(
            created_by=user,
            title=f"Task {i}",
            deadline=due(i % 5 - 2),
            category=kind(),
            opportunity=deal,
        )
    for task in Task.objects.filter(opportunity=deal)[: size // 2]:
        task_close(task_id=task.pk, closed_by=user)
    for i in range(size):
        deal = Opportunity.objects.get(pk=deal.pk)
        opportunity_update(opportunity=deal, updated_by=user, title=f"Deal v{i}")


@pytest.mark.parametrize("size", [4, 50])
def test_page_costs_a_fixed_number_of_queries_when_timeline_grows(
    signed_in, user, size, django_assert_num_queries
):
    deal = OpportunityFactory(created_by=user, contact=PersonFactory(created_by=user))
    _fill(deal, user, size)
    with django_assert_num_queries(21):
        response = signed_in.get(f"/opportunities/{deal.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    shown = stream(html).count('<li class="entry ')
    assert shown == min(PAGE_SIZE, size + size // 2 + size)  # notes, closed tasks, changes
    assert ("Show older entries" in html) == (size + size // 2 + size > PAGE_SIZE)


def test_show_more_walks_the_whole_timeline_once_in_order_when_it_is_long(
    signed_in, user, django_assert_num_queries
):
    deal = OpportunityFactory(created_by=user)
    _fill(deal, user, 40)  # 100 entries
    # entries at one instant are split across pages correctly
    HistoryEvent.objects.filter(opportunity=deal).update(created_at=timezone.now())
    html = page(signed_in, deal)
    seen = re.findall(r'id="entry-(\w+-\d+)"', stream(html))
    cursor = re.search(r'hx-get="([^"]+)"', html[html.index('id="timeline-more"') :]).group(1)
    while cursor:
        with django_assert_num_queries(7):
            more = signed_in.get(cursor.replace("&amp;", "&"), **HTMX)
        assert more.status_code == 200
        fragment = more.content.decode()
        assert 'hx-target="#timeline-stream" hx-swap="beforeend"' in fragment
        seen += re.findall(r'id="entry-(\w+-\d+)"', fragment)
        found = re.search(r'hx-get="([^"]+)"', fragment)
        cursor = found.group(1) if found else None
    assert len(seen) == len(set(seen)) == 100
    times = [
        *HistoryEvent.objects.filter(opportunity=deal).values_list("created_at", flat=True),
    ]
    assert len(times) == 40


def test_show_more_without_javascript_is_the_page_at_that_point_when_followed(signed_in, user):
    deal = OpportunityFactory(created_by=user)
    _fill(deal, user, 20)
    html = page(signed_in, deal)
    link = re.search(
        r'<a class="button small" href="([^"]+)"', html[html.index('id="timeline-more"') :]
    )
    older = signed_in.get(link.group(1).replace("&amp;", "&").split("#")[0])
    assert older.status_code == 200
    body = older.content.decode()
    assert "Back to the newest entries" in body and 'id="note-form"' not in body
    assert stream(body).count('<li class="entry ') == 50 - PAGE_SIZE
    # the fragment's address, opened without htmx, leads to that same page
    fragment_url = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    redirect = signed_in.get(fragment_url)
    assert redirect.status_code == 302
    same = signed_in.get(redirect["Location"].split("#")[0]).content.decode()
    assert re.findall(r'id="entry-[\w-]+"', same) == re.findall(r'id="entry-[\w-]+"', body)


@pytest.mark.parametrize(
    "cursor", ["garbage", "2026-01-01T00:00:00~9~1", "x~1~1", "\x00", "9" * 500]
)
def test_bad_cursor_shows_the_newest_entries_when_hand_edited(signed_in, user, cursor):
    deal = OpportunityFactory(created_by=user)
    history_event_add(added_by=user, content="Newest", category=note(), opportunity=deal)
    response = signed_in.get(f"/opportunities/{deal.pk}/", {"timeline_after": cursor})
    if "\x00" in cursor:  # refused before any view (crm_project/middleware.py)
        assert response.status_code == 400
        return
    assert response.status_code == 200 and "Newest" in response.content.decode()
    fragment = signed_in.get(
        f"/opportunities/{deal.pk}/timeline/", {"timeline_after": cursor}, **HTMX
    )
    assert fragment.status_code == 200


# -- how the deal changed: creation, sharing, trash, lost ---------------------------------------


def test_timeline_shows_creation_sharing_trash_and_restore_when_the_services_wrote_them(
    signed_in, user, other_user
):
    from opportunities.access_services import opportunity_set_access
    from opportunities.services import opportunity_create, opportunity_delete
    from opportunities.trash_services import opportunity_restore

    deal = opportunity_create(created_by=user, title="Initech", stage=default_stage("Suspect"))
    opportunity_set_access(opportunity=deal, is_private=True, access_list=[other_user], set_by=user)
    opportunity_delete(opportunity=Opportunity.objects.get(pk=deal.pk), deleted_by=user)
    assert signed_in.get(f"/opportunities/{deal.pk}/").status_code == 404  # in the trash
    opportunity_restore(opportunity_id=deal.pk, restored_by=user)

    entries = stream(page(signed_in, deal))

    order = [
        entries.index("Restored"),
        entries.index("Moved to the trash"),
        entries.index("Sharing"),
        entries.index("Started in <strong>Suspect</strong>"),
        entries.index("Created</strong> the opportunity"),
    ]
    assert order == sorted(order)
    sharing = entries[entries.index("Sharing") :]
    assert "Bob Baker" in sharing[: sharing.index("</p>")]


def test_lost_reason_shows_on_the_move_that_lost_the_deal_when_it_is_lost(signed_in, user):
    from opportunities.models import LostReason

    deal = OpportunityFactory(created_by=user)
    reason = LostReason.objects.filter(is_active=True).first()
    opportunity_move_to_stage(
        opportunity=deal,
        stage=default_stage("Unsuccessfully closed"),
        moved_by=user,
        lost_reason=reason,
        lost_comment="Went with a cheaper offer",
    )
    entries = stream(page(signed_in, deal))
    lost = entries[entries.index("Unsuccessfully closed") :]
    assert f"Lost: <strong>{reason.title}</strong> — Went with a cheaper offer" in lost
    assert entries.count('class="entry-lost"') == 1


def test_field_change_shows_who_when_old_and_new_when_deal_was_edited(signed_in, user):
    from decimal import Decimal

    deal = OpportunityFactory(created_by=user, bid_value=Decimal("100"))
    opportunity_update(opportunity=deal, updated_by=user, bid_value=Decimal("250"))
    entries = stream(page(signed_in, deal))
    row = entries[entries.index("<strong>Amount</strong>") :]
    row = row[: row.index("</li>")]
    assert 'class="value-old">100.00' in row and 'class="value-new">250.00' in row
    assert "by Alice Archer" in row
    assert "<time datetime=" in entries[: entries.index("<strong>Amount</strong>")]
