"""Bulk edit on the opportunities table (issue 13, point 5): the checked rows or every row of
the filter, one action through the one-at-a-time services and rules, a summary of what was
changed and what was skipped and why."""

import pytest

from opportunities.models import (
    AuditAction,
    LostReason,
    Opportunity,
    OpportunityAudit,
    StageChange,
    StageType,
)
from tests.factories import OpportunityFactory, StageFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = "/opportunities/bulk/"


@pytest.fixture
def negotiation():
    return StageFactory(title="Negotiation")


@pytest.fixture
def lost():
    return StageFactory(title="Lost it", stage_type=StageType.CLOSED_AND_LOST)


def post(client, action, ids, *, follow=True, **fields):
    """The bulk form's post, followed to the summary it redirects to."""
    return client.post(URL, {"action": action, "ids": [o.pk for o in ids], **fields}, follow=follow)


def fresh(deal):
    return Opportunity.all_objects.get(pk=deal.pk)


def test_move_changes_the_selected_and_writes_history_and_audit(signed_in, user, negotiation):
    deals = [OpportunityFactory(created_by=user, title=f"Deal {n}") for n in range(3)]
    response = post(signed_in, "move", deals[:2], stage=negotiation.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Moved: 2 of 2" in html
    assert {fresh(d).stage_id for d in deals[:2]} == {negotiation.pk}
    assert fresh(deals[2]).stage_id != negotiation.pk
    # the stage history rows of a move (the timeline shows them), one per deal
    assert set(
        StageChange.objects.filter(to_stage=negotiation).values_list("opportunity_id", flat=True)
    ) == {d.pk for d in deals[:2]}


def test_move_skips_a_deal_already_there(signed_in, user, negotiation):
    there = OpportunityFactory(created_by=user, title="Already", stage=negotiation)
    other = OpportunityFactory(created_by=user, title="Moves")
    html = post(signed_in, "move", [there, other], stage=negotiation.pk).content.decode()
    assert "Moved: 1 of 2" in html
    assert "Already</a>: already in Negotiation" in html


def test_move_to_a_lost_stage_asks_the_reason(signed_in, user, lost):
    deal = OpportunityFactory(created_by=user)
    response = post(signed_in, "move", [deal], stage=lost.pk, follow=False)
    assert response.status_code == 302  # back to the list, nothing changed
    assert fresh(deal).stage_id != lost.pk
    messages = signed_in.get(response.url).content.decode()
    assert "Nothing was changed" in messages and "Choose why these deals were lost" in messages
    reason = LostReason.objects.filter(is_active=True).first()
    post(signed_in, "move", [deal], stage=lost.pk, lost_reason=reason.pk, lost_comment="Too dear")
    deal = fresh(deal)
    assert (deal.stage_id, deal.lost_reason_id, deal.lost_comment) == (
        lost.pk,
        reason.pk,
        "Too dear",
    )


def test_a_row_the_user_cannot_see_is_never_changed(other_client, user, other_user, negotiation):
    secret = OpportunityFactory(created_by=user, title="Secret deal", access_list=[user])
    public = OpportunityFactory(created_by=user, title="Public deal")
    for action, extra in [
        ("move", {"stage": negotiation.pk}),
        ("responsible", {"responsible": other_user.pk}),
        ("tag_add", {"tag": "Hot"}),
        ("share", {"is_private": "on"}),
        ("delete", {}),
    ]:
        html = post(other_client, action, [secret], **extra).content.decode()
        assert "Secret deal" not in html
        assert "1 opportunity no longer exists or is hidden from you" in html
    secret = fresh(secret)
    assert secret.stage_id != negotiation.pk and secret.responsible_id == user.pk
    assert secret.deleted_at is None and not secret.tags.exists()
    assert not OpportunityAudit.objects.filter(opportunity=secret).exists()
    assert public.deleted_at is None


def test_responsible_change_on_a_private_deal_is_skipped_for_a_non_creator(
    other_client, user, other_user, third_user
):
    shared = OpportunityFactory(
        created_by=user, title="Shared private", access_list=[user, other_user]
    )
    public = OpportunityFactory(created_by=user, title="Public deal")
    html = post(
        other_client, "responsible", [shared, public], responsible=third_user.pk
    ).content.decode()
    assert "Responsible changed: 1 of 2" in html
    assert (
        "Shared private</a>: only its creator and administrators may change the responsible "
        "of this private deal" in html
    )
    assert fresh(shared).responsible_id == user.pk
    assert fresh(public).responsible_id == third_user.pk


def test_tags_are_added_and_removed(signed_in, user):
    hot = TagFactory(title="Hot")
    tagged = OpportunityFactory(created_by=user, title="Tagged", tags=[hot])
    plain = OpportunityFactory(created_by=user, title="Plain")
    html = post(signed_in, "tag_add", [tagged, plain], tag="Hot").content.decode()
    assert "Tag added: 2 of 2" in html
    assert set(plain.tags.values_list("title", flat=True)) == {"Hot"}
    assert OpportunityAudit.objects.filter(opportunity=plain, field="tags").count() == 1
    other = OpportunityFactory(created_by=user, title="Untagged")
    html = post(signed_in, "tag_remove", [tagged, other], tag="hot").content.decode()
    assert "Tag removed: 1 of 2" in html
    assert "Untagged</a>: has no tag “hot”" in html
    assert not tagged.tags.exists()


def test_share_skips_what_the_user_may_not_share(other_client, user, other_user, third_user):
    mine = OpportunityFactory(created_by=other_user, title="Mine")
    theirs = OpportunityFactory(created_by=user, title="Theirs")
    html = post(
        other_client, "share", [mine, theirs], is_private="on", access_list=[third_user.pk]
    ).content.decode()
    assert "Sharing changed: 1 of 2" in html
    assert "Theirs</a>: only its creator and administrators may change who sees this deal" in html
    assert fresh(mine).is_private and not fresh(theirs).is_private
    assert OpportunityAudit.objects.filter(opportunity=mine, action=AuditAction.SHARED).exists()


def test_delete_moves_to_the_trash_as_one_restorable_batch(signed_in, user):
    deals = [OpportunityFactory(created_by=user, title=f"Gone {n}") for n in range(3)]
    html = post(signed_in, "delete", deals).content.decode()
    assert "Moved to the trash: 3 of 3" in html
    batches = {fresh(d).deletion_batch for d in deals}
    assert len(batches) == 1 and None not in batches
    (batch,) = batches
    assert f"/trash/batch/{batch}/restore/" in html and "Restore all 3" in html
    signed_in.post(f"/trash/batch/{batch}/restore/")
    assert all(fresh(d).deleted_at is None for d in deals)


def test_every_row_of_the_filter(signed_in, user, other_user, negotiation):
    hot = TagFactory(title="Hot")
    hot_deals = [OpportunityFactory(created_by=user, tags=[hot]) for _ in range(3)]
    cold = OpportunityFactory(created_by=user)
    hidden = OpportunityFactory(created_by=other_user, tags=[hot], access_list=[other_user])
    html = signed_in.get(f"/opportunities/?tag={hot.pk}").content.decode()
    assert "Every opportunity of this filter (3)" in html
    assert f'name="filter_tag" value="{hot.pk}"' in html
    response = signed_in.post(
        URL,
        {"action": "move", "all": "on", "filter_tag": hot.pk, "stage": negotiation.pk},
        follow=True,
    )
    assert "Moved: 3 of 3" in response.content.decode()
    assert all(fresh(d).stage_id == negotiation.pk for d in hot_deals)
    assert fresh(cold).stage_id != negotiation.pk and fresh(hidden).stage_id != negotiation.pk


@pytest.mark.parametrize(
    "data",
    [
        {"action": "move"},
        {"action": "nope", "ids": ["1"]},
        {"action": "delete", "ids": ["x\x00"]},
        {"action": "delete", "ids": ["9" * 40]},
        {"action": "tag_add", "ids": ["1"], "tag": "x" * 300},
        {"action": "delete"},
    ],
)
def test_bad_input_changes_nothing(signed_in, user, data):
    deal = OpportunityFactory(created_by=user)
    response = signed_in.post(URL, data)
    assert response.status_code in (302, 400)  # a NUL byte is refused before the view
    assert fresh(deal).deleted_at is None


def test_post_only_and_csrf(client, user, opportunity):
    client.force_login(user)
    assert client.get(URL).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(URL, {"action": "delete", "ids": [opportunity.pk]})
    assert response.status_code == 403
    assert fresh(opportunity).deleted_at is None


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "action,extra",
    [("tag_add", {"tag": "Hot"}), ("delete", {})],
)
def test_batch_actions_query_count_is_constant(
    signed_in, user, django_assert_num_queries, rows, action, extra
):
    deals = [OpportunityFactory(created_by=user) for _ in range(rows)]
    TagFactory(title="Hot")
    signed_in.get("/opportunities/")
    with django_assert_num_queries(QUERIES[action]):
        response = post(signed_in, action, deals, follow=False, **extra)
    assert f": {rows} of {rows}" in signed_in.get(response.url).content.decode()


QUERIES = {"tag_add": 16, "delete": 14}  # the post; the summary is a GET of its own


def test_the_summary_is_a_page_of_its_own_and_a_reload_runs_nothing_again(
    signed_in, user, negotiation
):
    """Post/Redirect/Get: the post answers a redirect to the summary; reloading the summary
    shows the same summary and writes nothing (no second stage change, no second audit row)."""
    deal = OpportunityFactory(created_by=user, title="Once")
    response = post(signed_in, "move", [deal], stage=negotiation.pk, follow=False)
    assert response.status_code == 302
    assert response.url == "/opportunities/bulk/summary/"
    changes = StageChange.objects.filter(opportunity=deal).count()
    audits = OpportunityAudit.objects.filter(opportunity=deal).count()
    for _ in range(2):
        html = signed_in.get(response.url).content.decode()
        assert "Moved: 1 of 1" in html and "Once</a>" in html
    assert StageChange.objects.filter(opportunity=deal).count() == changes
    assert OpportunityAudit.objects.filter(opportunity=deal).count() == audits


def test_the_summary_without_a_bulk_edit_goes_back_to_the_table(signed_in):
    response = signed_in.get("/opportunities/bulk/summary/")
    assert (response.status_code, response.url) == (302, "/opportunities/")


def test_a_summary_of_many_rows_names_the_first_and_counts_the_rest(
    signed_in, user, negotiation, monkeypatch
):
    monkeypatch.setattr("opportunities.bulk_views.SUMMARY_ROWS", 2)
    deals = [OpportunityFactory(created_by=user, title=f"Many {n}") for n in range(5)]
    html = post(signed_in, "move", deals, stage=negotiation.pk).content.decode()
    assert "Moved: 5 of 5" in html
    assert html.count('<li><a href="/opportunities/') == 2
    assert "and 3 more" in html
