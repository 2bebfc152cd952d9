"""Import of the fields an export writes beyond the basics, so an export comes back whole
(issue 13, the round trip): the bid type with its bid value and periods, the status, the lost
reason and comment, and "Private". Each bad cell is named in the preview; each write goes
through the services, with their rules (the lost reasons, who may change a deal's access)."""

from decimal import Decimal

import pytest

from core.access import access_list_user_ids
from opportunities.models import BidType, LostReason, Opportunity, OpportunityUserObjectPermission
from tests.factories import OpportunityFactory, OpportunityStatusFactory, default_stage
from tests.pages.test_opportunity_import import (
    csv_file,
    errors_by_line,
    import_file,
    map_as_guessed,
    run,
    upload,
)

pytestmark = pytest.mark.django_db


def preview_of(client, header, rows):
    return map_as_guessed(client, upload(client, csv_file(header, rows)))


def access_of(deal) -> set[int]:
    return access_list_user_ids(OpportunityUserObjectPermission, deal)


def test_a_per_period_bid_is_imported_by_its_label_or_its_onlyoffice_name(signed_in):
    header = ["Title", "Bid type", "Bid value", "Periods"]
    rows = [
        ["Monthly", "Per month", "154500", "24"],
        ["Yearly", " peryear ", "10", "3"],
        ["Fixed", "Fixed bid", "99", "7"],  # a fixed bid's periods are ignored
        ["Plain", "", "5", ""],
    ]
    preview, outcome = import_file(signed_in, csv_file(header, rows))
    assert errors_by_line(preview) == {}
    assert len(outcome.created) == 4
    deals = {deal.title: deal for deal in Opportunity.objects.all()}
    monthly = deals["Monthly"]
    assert (monthly.bid_type, monthly.bid_value, monthly.per_period_value) == (
        BidType.PER_MONTH,
        Decimal("154500"),
        24,
    )
    assert monthly.whole_amount == Decimal("3708000")
    assert (deals["Yearly"].bid_type, deals["Yearly"].per_period_value) == (BidType.PER_YEAR, 3)
    for title in ("Fixed", "Plain"):
        assert (deals[title].bid_type, deals[title].per_period_value) == (BidType.FIXED_BID, 0)
    assert deals["Fixed"].whole_amount == Decimal("99")


def test_a_bad_bid_type_or_number_of_periods_is_named_in_the_preview(signed_in):
    header = ["Title", "Bid type", "Bid value", "Periods"]
    rows = [
        ["A", "Per fortnight", "1", "2"],
        ["B", "Per week", "1", "2.5"],
        ["C", "PerWeek", "1", "-1"],
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {
        2: [
            "Unknown bid type “Per fortnight” (one of: Fixed bid, Per hour, Per day, Per week, "
            "Per month, Per year)."
        ],
        3: ["Periods: “2.5” is not a whole number."],
        4: ["Periods: “-1” is not a whole number."],
    }
    assert "Unknown bid type" in preview.content.decode()
    run(signed_in)
    assert not Opportunity.objects.exists()


def test_the_bid_value_column_is_read_where_a_file_has_the_whole_amount_too(signed_in):
    header = ["Title", "Amount", "Bid type", "Bid value", "Periods"]
    page = upload(signed_in, csv_file(header, [["M", "3708000", "Per month", "154500", "24"]]))
    assert [column["field"] for column in page.context["columns"]] == [
        "title",
        "",
        "bid_type",
        "bid_value",
        "per_period_value",
    ]
    map_as_guessed(signed_in, page)
    run(signed_in)
    deal = Opportunity.objects.get()
    assert (deal.bid_value, deal.whole_amount) == (Decimal("154500"), Decimal("3708000"))


def test_a_status_is_imported_by_title_among_the_active_ones(signed_in, user):
    hot = OpportunityStatusFactory(title="Hot")
    retired = OpportunityStatusFactory(title="Old", is_active=False)
    kept = OpportunityFactory(created_by=user, external_id="K-1", status=retired)
    header = ["External ID", "Title", "Status"]
    rows = [
        ["N-1", "New", "hot"],
        ["N-2", "Retired", "Old"],
        ["N-3", "Unknown", "Lukewarm"],
        ["K-1", "Kept", "old"],  # the deal's own status, though retired
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {
        3: ["Unknown status “Old”."],
        4: ["Unknown status “Lukewarm”."],
    }
    outcome = run(signed_in)
    assert [deal.title for deal in outcome.created] == ["New"]
    assert Opportunity.objects.get(title="New").status == hot
    kept.refresh_from_db()
    assert (kept.title, kept.status) == ("Kept", retired)


def test_a_lost_reason_and_comment_are_imported_on_a_lost_stage_only(signed_in, user):
    price = LostReason.objects.get(title="Price too high")
    timing = LostReason.objects.get(title="Bad timing")
    LostReason.objects.filter(pk=timing.pk).update(is_active=False)
    lost_stage = default_stage("Unsuccessfully closed")
    lost_before = OpportunityFactory(
        created_by=user, external_id="L-1", stage=lost_stage, lost_reason=timing
    )
    header = ["External ID", "Title", "Stage", "Lost reason", "Lost comment"]
    rows = [
        ["", "Lost", "Unsuccessfully closed", "price TOO high", "A rival"],
        ["", "Open with reason", "Proposal", "Price too high", ""],
        ["", "Open with comment", "Proposal", "", "Why"],
        ["", "Unknown reason", "Unsuccessfully closed", "Weather", ""],
        ["", "Retired reason", "Unsuccessfully closed", "Bad timing", ""],
        ["", "No stage", "", "Price too high", ""],
        ["", "Lost, no reason", "Unsuccessfully closed", "", ""],
        ["L-1", "", "Unsuccessfully closed", "Bad timing", "Still too late"],  # its own reason
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {
        3: ["A lost reason is given only when the deal moves to a lost stage."],
        4: ["A lost comment is given only when the deal moves to a lost stage."],
        5: ["Unknown lost reason “Weather”."],
        6: ["This lost reason is no longer offered: choose another."],
        7: ["A lost reason is given only when the deal moves to a lost stage."],
    }
    outcome = run(signed_in)
    assert sorted(deal.title for deal in outcome.created) == ["Lost", "Lost, no reason"]
    lost = Opportunity.objects.get(title="Lost")
    assert (lost.stage, lost.lost_reason, lost.lost_comment) == (lost_stage, price, "A rival")
    assert Opportunity.objects.get(title="Lost, no reason").lost_reason is None
    lost_before.refresh_from_db()
    assert (lost_before.lost_reason, lost_before.lost_comment) == (timing, "Still too late")


def test_a_lost_row_needs_a_reason_when_the_setting_requires_one(signed_in, settings):
    settings.LOST_REASON_REQUIRED_IN_API = True
    header = ["Title", "Stage", "Lost reason"]
    rows = [
        ["Without", "Unsuccessfully closed", ""],
        ["With", "Unsuccessfully closed", "Price too high"],
        ["Open", "Proposal", ""],
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {2: ["Choose why the deal was lost."]}
    outcome = run(signed_in)
    assert sorted(deal.title for deal in outcome.created) == ["Open", "With"]


def test_a_deal_imported_as_private_is_seen_by_the_importer_alone(signed_in, user, other_client):
    header = ["Title", "Private"]
    rows = [
        ["Secret", "yes"],
        ["Also secret", "TRUE"],
        ["One", " 1 "],
        ["Open", "No"],
        ["Open too", "false"],
        ["Zero", "0"],
        ["Bad", "maybe"],
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {
        8: ["Private: “maybe” is not yes or no (yes, no, true, false, 1, 0)."]
    }
    run(signed_in)
    deals = {deal.title: deal for deal in Opportunity.objects.all()}
    assert set(deals) == {"Secret", "Also secret", "One", "Open", "Open too", "Zero"}
    for title in ("Secret", "Also secret", "One"):
        assert deals[title].is_private and access_of(deals[title]) == {user.pk}
        assert other_client.get(f"/opportunities/{deals[title].pk}/").status_code == 404
    for title in ("Open", "Open too", "Zero"):
        assert not deals[title].is_private and access_of(deals[title]) == set()
        assert other_client.get(f"/opportunities/{deals[title].pk}/").status_code == 200


def test_an_update_by_import_never_widens_who_sees_a_deal(
    signed_in, user, other_user, other_client
):
    mine_private = OpportunityFactory(created_by=user, external_id="P-1", access_list=[])
    shared = OpportunityFactory(created_by=other_user, external_id="P-2", access_list=[user])
    mine_public = OpportunityFactory(created_by=user, external_id="P-3")
    bobs_public = OpportunityFactory(created_by=other_user, external_id="P-4")
    header = ["External ID", "Title", "Private"]
    rows = [
        ["P-1", "Now public?", "no"],
        ["P-2", "Shared", "yes"],
        ["P-3", "Now private", "yes"],
        ["P-4", "Bob's", "yes"],
    ]
    preview = preview_of(signed_in, header, rows)
    assert errors_by_line(preview) == {
        2: ["Private: an import does not make a private deal public (share it from its page)."],
        5: ["Private: only the deal's creator or an admin can make it private."],
    }
    outcome = run(signed_in)
    assert sorted(deal.title for deal in outcome.updated) == ["Now private", "Shared"]
    for deal in (mine_private, shared, mine_public, bobs_public):
        deal.refresh_from_db()
    assert mine_private.is_private and mine_private.title != "Now public?"
    assert other_client.get(f"/opportunities/{mine_private.pk}/").status_code == 404
    assert shared.is_private and access_of(shared) == {user.pk}  # its list left as it was
    assert mine_public.is_private and access_of(mine_public) == {user.pk}
    assert other_client.get(f"/opportunities/{mine_public.pk}/").status_code == 404
    assert not bobs_public.is_private and bobs_public.title != "Bob's"


@pytest.mark.parametrize("size", [2, 20])
def test_the_preview_of_updates_costs_the_same_queries_for_2_or_20_rows(
    signed_in, user, size, django_assert_num_queries
):
    # Updates of lost deals: the lost-reason rule reads each deal's stage and reason, which
    # come with the deals (one query), as the statuses and the lost reasons do (one each).
    lost_stage = default_stage("Unsuccessfully closed")
    reason = LostReason.objects.get(title="Price too high")
    status = OpportunityStatusFactory(title="Hot")
    for i in range(size):
        OpportunityFactory(
            created_by=user, external_id=f"U-{i}", stage=lost_stage, lost_reason=reason,
            status=status, access_list=[] if i % 2 else None,
        )  # fmt: skip
    header = ["External ID", "Stage", "Status", "Lost reason", "Lost comment", "Private"]
    header += ["Bid type", "Bid value", "Periods"]
    rows = [
        [f"U-{i}", "Unsuccessfully closed", "Hot", "Bad timing", "Late", "yes", "Per month",
         "10", "12"]
        for i in range(size)
    ]  # fmt: skip
    map_as_guessed(signed_in, upload(signed_in, csv_file(header, rows)))
    with django_assert_num_queries(11):
        preview = signed_in.get("/opportunities/import/preview/")
    assert preview.status_code == 200
    assert errors_by_line(preview) == {}
