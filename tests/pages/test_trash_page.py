"""The Trash page and the pages a deleted deal leaves: through the test client, as a browser posts.

A deal in the trash is on no page (board, list, contact, people pages) and every page of its own
is a 404; the Trash page lists what the user may restore, newest first, with days left, and
restores one deal or a whole delete batch in one action."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from opportunities.services import opportunity_delete, opportunity_delete_many
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def card_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-opportunity-id="(\d+)"', html)}


def header_count(html: str, stage_id: int) -> int:
    match = re.search(rf'id="column-header-{stage_id}"[^>]*data-count="(\d+)"', html)
    assert match
    return int(match[1])


def trash_rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-opportunity-id="(\d+)"', html)]


@pytest.fixture
def gone(user, person):
    deal = OpportunityFactory(title="Gone deal", created_by=user, contact=person, members=[person])
    opportunity_delete(opportunity=deal, deleted_by=user)
    return deal


# -- a deleted deal is on no page ------------------------------------------------------------


def test_not_on_the_board_nor_in_its_counts(signed_in, user, gone):
    kept = OpportunityFactory(title="Kept deal", created_by=user, stage=gone.stage)
    html = signed_in.get("/").content.decode()
    assert card_ids(html) == {kept.pk}
    assert "Gone deal" not in html
    assert header_count(html, gone.stage_id) == 1
    column = signed_in.get(f"/board/columns/{gone.stage_id}/?offset=0").content.decode()
    assert "Gone deal" not in column


def test_not_in_the_list_nor_on_the_contact_and_people_pages(signed_in, user, person, gone):
    for url in ("/opportunities/", "/opportunities/?q=Gone", f"/contacts/{person.pk}/"):
        response = signed_in.get(url)
        assert response.status_code == 200
        assert "Gone deal" not in response.content.decode(), url
    assert "Gone deal" not in signed_in.get("/accounts/me/").content.decode()
    assert "Gone deal" not in signed_in.get(f"/accounts/people/{user.uuid}/").content.decode()


@pytest.mark.parametrize("action", ["", "edit/", "delete/", "sharing/"])
def test_its_own_pages_are_404(signed_in, gone, action):
    assert signed_in.get(f"/opportunities/{gone.pk}/{action}").status_code == 404


@pytest.mark.parametrize("action", ["edit/", "delete/", "sharing/", "move/"])
def test_posting_to_its_pages_is_404_and_changes_nothing(signed_in, gone, action):
    version = Opportunity.all_objects.get(pk=gone.pk).version
    response = signed_in.post(f"/opportunities/{gone.pk}/{action}", {"title": "Back"})
    assert response.status_code == 404
    row = Opportunity.all_objects.get(pk=gone.pk)
    assert row.deleted_at is not None and row.version == version


# -- deleting on the deal page ------------------------------------------------------------------


def test_delete_on_the_deal_page_says_trash_and_offers_undo(signed_in, user):
    deal = OpportunityFactory(title="Oops <b>deal</b>", created_by=user)
    confirm = signed_in.get(f"/opportunities/{deal.pk}/delete/").content.decode()
    assert "trash" in confirm and "30 days" in confirm

    response = signed_in.post(f"/opportunities/{deal.pk}/delete/", follow=True)

    html = response.content.decode()
    assert "Oops &lt;b&gt;deal&lt;/b&gt;” moved to the" in html
    assert f'action="/trash/{deal.pk}/restore/"' in html
    assert not Opportunity.objects.filter(pk=deal.pk).exists()

    undo = signed_in.post(
        f"/trash/{deal.pk}/restore/", {"next": f"/opportunities/{deal.pk}/"}, follow=True
    )
    assert undo.redirect_chain[-1][0] == f"/opportunities/{deal.pk}/"
    assert undo.status_code == 200
    assert "restored" in undo.content.decode()
    assert Opportunity.objects.filter(pk=deal.pk).exists()


def test_undo_never_redirects_off_site(signed_in, gone):
    response = signed_in.post(f"/trash/{gone.pk}/restore/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/trash/"


# -- the Trash page -----------------------------------------------------------------------------


def test_lists_own_deleted_deals_newest_first_with_days_left(signed_in, user, other_user, settings):
    settings.TRASH_DAYS = 30
    older = OpportunityFactory(title="Older", created_by=user)
    newer = OpportunityFactory(title="Newer", created_by=user)
    theirs = OpportunityFactory(title="Theirs", created_by=other_user)
    expired = OpportunityFactory(title="Expired", created_by=user)
    for deal in (older, newer, expired):
        opportunity_delete(opportunity=deal, deleted_by=user)
    opportunity_delete(opportunity=theirs, deleted_by=other_user)
    now = timezone.now()
    Opportunity.all_objects.filter(pk=older.pk).update(deleted_at=now - timedelta(days=20))
    Opportunity.all_objects.filter(pk=expired.pk).update(deleted_at=now - timedelta(days=31))

    html = signed_in.get("/trash/").content.decode()

    assert trash_rows(html) == [newer.pk, older.pk]
    assert re.search(rf'data-opportunity-id="{older.pk}".*?data-days-left="10"', html, re.S)
    assert re.search(rf'data-opportunity-id="{newer.pk}".*?data-days-left="30"', html, re.S)
    assert "Theirs" not in html and "Expired" not in html


def test_admin_sees_everyones_deleted_deals(client, admin_user, user, other_user):
    mine = OpportunityFactory(created_by=user, access_list=[user])
    theirs = OpportunityFactory(created_by=other_user)
    opportunity_delete(opportunity=mine, deleted_by=user)
    opportunity_delete(opportunity=theirs, deleted_by=other_user)
    client.force_login(admin_user)
    assert set(trash_rows(client.get("/trash/").content.decode())) == {mine.pk, theirs.pk}


def test_empty_trash_says_so(signed_in):
    assert "The trash is empty." in signed_in.get("/trash/").content.decode()


def test_guest_and_anonymous_get_no_trash(client, guest, gone):
    assert client.get("/trash/").status_code == 302  # to sign in
    client.force_login(guest)
    assert client.get("/trash/").status_code == 403
    assert client.post(f"/trash/{gone.pk}/restore/").status_code == 403
    assert Opportunity.all_objects.get(pk=gone.pk).deleted_at is not None


def test_restore_puts_it_back_on_the_board(signed_in, gone):
    response = signed_in.post(f"/trash/{gone.pk}/restore/", follow=True)
    assert response.redirect_chain[-1][0] == "/trash/"
    assert "Gone deal" in response.content.decode()  # the message
    assert gone.pk in card_ids(signed_in.get("/").content.decode())
    assert trash_rows(signed_in.get("/trash/").content.decode()) == []


def test_restore_by_a_stranger_is_404_and_leaves_it_in_the_trash(other_client, gone):
    assert other_client.post(f"/trash/{gone.pk}/restore/").status_code == 404
    assert "Gone deal" not in other_client.get("/trash/").content.decode()
    assert Opportunity.all_objects.get(pk=gone.pk).deleted_at is not None


@pytest.mark.parametrize("path", ["0", "99999999999999999999999", "abc"])
def test_restore_of_no_deal_is_404(signed_in, path):
    assert signed_in.post(f"/trash/{path}/restore/").status_code == 404


def test_restore_only_by_post(signed_in, gone):
    assert signed_in.get(f"/trash/{gone.pk}/restore/").status_code == 405
    assert Opportunity.all_objects.get(pk=gone.pk).deleted_at is not None


def test_a_batch_shows_its_count_and_comes_back_in_one_action(signed_in, user):
    deals = [OpportunityFactory(created_by=user) for _ in range(3)]
    single = OpportunityFactory(created_by=user)
    deleted = opportunity_delete_many(opportunity_ids=[d.pk for d in deals], deleted_by=user)
    opportunity_delete(opportunity=single, deleted_by=user)
    batch = deleted[0].deletion_batch

    html = signed_in.get("/trash/").content.decode()
    assert html.count("Restore all 3") == 1
    assert f'action="/trash/batch/{batch}/restore/"' in html
    assert "Restore all 1" not in html  # a single delete has no batch action

    response = signed_in.post(f"/trash/batch/{batch}/restore/", follow=True)
    assert "3 deals restored." in response.content.decode()
    assert set(Opportunity.objects.values_list("pk", flat=True)) == {d.pk for d in deals}
    assert trash_rows(response.content.decode()) == [single.pk]


def test_filter_wide_api_delete_without_a_filter_is_one_batch_on_the_trash_page(signed_in, user):
    from rest_framework.test import APIClient

    from accounts.api.authentication import token_issue

    deals = [OpportunityFactory(created_by=user) for _ in range(4)]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
    answer = api.delete("/api/2.0/crm/opportunity/filter")
    assert sorted(item["id"] for item in answer.json()["response"]) == sorted(d.pk for d in deals)

    html = signed_in.get("/trash/").content.decode()
    assert "4 opportunities" in html and "Restore all 4" in html


def test_restore_of_someone_elses_batch_is_404(other_client, user):
    deals = [OpportunityFactory(created_by=user, access_list=[user]) for _ in range(2)]
    batch = opportunity_delete_many(opportunity_ids=[d.pk for d in deals], deleted_by=user)[
        0
    ].deletion_batch
    assert other_client.post(f"/trash/batch/{batch}/restore/").status_code == 404
    assert other_client.post("/trash/batch/not-a-uuid/restore/").status_code == 404
    assert not Opportunity.objects.exists()


def test_paginated_25_a_page(signed_in, user):
    deals = [OpportunityFactory(created_by=user) for _ in range(27)]
    for deal in deals:
        opportunity_delete(opportunity=deal, deleted_by=user)
    first = trash_rows(signed_in.get("/trash/").content.decode())
    second = trash_rows(signed_in.get("/trash/?page=2").content.decode())
    assert len(first) == 25 and len(second) == 2
    assert first + second == [d.pk for d in reversed(deals)]


def test_trash_page_costs_a_fixed_number_of_queries(signed_in, user):
    """The same queries at 2 and at 20 deals (half of them one batch); of them, three read the
    trash: the count, the page of rows (stage, currency and users joined), the batches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def trash_page_queries(size: int) -> list[str]:
        Opportunity.all_objects.all().delete()
        deals = [OpportunityFactory(created_by=user) for _ in range(size)]
        opportunity_delete_many(opportunity_ids=[d.pk for d in deals[: size // 2]], deleted_by=user)
        for deal in deals[size // 2 :]:
            opportunity_delete(opportunity=deal, deleted_by=user)
        signed_in.get("/trash/")
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get("/trash/")
        assert len(trash_rows(response.content.decode())) == size
        return [q["sql"] for q in queries.captured_queries]

    small, large = trash_page_queries(2), trash_page_queries(20)
    assert len(small) == len(large)
    reading_the_trash = [sql for sql in large if 'deleted_at" IS NOT NULL' in sql]
    assert len(reading_the_trash) == 3
