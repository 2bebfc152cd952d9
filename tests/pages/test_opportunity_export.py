"""Export of the board and of the opportunities table (issue 13 point 3) through the test
client: the files read back as CSV and as XLSX, the page's filters applied, only what the
user may see, formula injection guarded, and a query count that does not grow with the rows."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import Tag
from opportunities.export_selectors import EXPORT_HEADER, opportunity_export_rows
from opportunities.models import BidType, Opportunity
from opportunities.selectors import opportunity_list_visible_to
from tests.factories import (
    ExchangeRateFactory,
    LeadSourceFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    PersonFactory,
    TagFactory,
    currency,
    default_stage,
)

pytestmark = pytest.mark.django_db

BOARD, TABLE = "/board/export/", "/opportunities/export/"
COLUMN = {name: index for index, name in enumerate(EXPORT_HEADER)}


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8"))))
    assert rows[0] == list(EXPORT_HEADER)
    return rows[1:]


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(EXPORT_HEADER)
    return rows[1:]


def by_title(rows) -> dict[str, dict]:
    return {row[COLUMN["Title"]]: dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows}


@pytest.fixture
def deals(user, other_user):
    """Alice's view: a USD and a EUR deal (1 EUR = 1.10 USD), a lost one, bob's public deal
    naming his private contact, bob's private deal and a deal in the trash."""
    ExchangeRateFactory(rate=Decimal("1.10"))
    proposal, lost = default_stage("Proposal"), default_stage("Unsuccessfully closed")
    alpha, beta = TagFactory(title="alpha"), TagFactory(title="beta")
    paula = PersonFactory(first_name="Paula", last_name="Person", created_by=user)
    hidden = PersonFactory(first_name="Hidden", last_name="Henry", created_by=other_user)
    hidden.is_private = True
    hidden.save(update_fields=["is_private"])
    usd = OpportunityFactory(
        title="Dollar deal",
        created_by=user,
        stage=proposal,
        success_probability=75,
        bid_value=Decimal("1000.50"),
        contact=paula,
        customer=paula,
        expected_close_date=datetime(2026, 3, 31, 12, tzinfo=UTC),
        created_at=datetime(2026, 1, 2, 9, 30, tzinfo=UTC),
        tags=[beta, alpha],
        external_id="EXT-1",
        source=LeadSourceFactory(title="Fair"),
        status=OpportunityStatusFactory(title="Hot"),
        description="Two lines\nof text",
    )
    eur = OpportunityFactory(
        title="Euro deal",
        created_by=user,
        stage=proposal,
        success_probability=50,
        bid_value=Decimal("2000"),
        bid_currency=currency("EUR"),
        tags=[alpha],
    )
    lost_deal = OpportunityFactory(
        title="Lost deal",
        created_by=user,
        stage=lost,
        actual_close_date=datetime(2026, 2, 1, 8, tzinfo=UTC),
        lost_comment="Too expensive",
    )
    OpportunityFactory(title="Bob public", created_by=other_user, contact=hidden)
    OpportunityFactory(title="Bob secret", created_by=other_user, access_list=[other_user])
    trashed = OpportunityFactory(title="Trashed deal", created_by=user)
    Opportunity.all_objects.filter(pk=trashed.pk).update(deleted_at=datetime.now(UTC))
    return {"usd": usd, "eur": eur, "lost": lost_deal}


def test_board_csv_has_every_column_when_exported(signed_in, user, deals):
    response = signed_in.get(BOARD, {"format": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="pipeline-board-')
    rows = by_title(csv_rows(response))
    assert set(rows) == {"Dollar deal", "Euro deal", "Lost deal", "Bob public"}
    assert rows["Dollar deal"] == {
        "ID": str(deals["usd"].pk),
        "Title": "Dollar deal",
        "Stage": "Proposal",
        "State": "Open",
        "Status": "Hot",
        "Responsible": "Alice Archer",
        "Responsible email": "alice@example.com",
        "Owner": "Alice Archer",
        "Owner email": "alice@example.com",
        "Contact": "Paula Person",
        "Customer": "Paula Person",
        "Amount": "1000.50",
        "Currency": "USD",
        "Bid type": "Fixed bid",
        "Bid value": "1000.50",
        "Periods": "",
        "Amount (base)": "1000.50",
        "Base currency": "USD",
        "Probability": "75",
        "Weighted amount (base)": "750.38",
        "One-time revenue": "0.00",
        "Monthly recurring revenue": "0.00",
        "Contract months": "0",
        "Expected close date": "2026-03-31",
        "Actual close date": "",
        "Created": "2026-01-02T09:30:00+00:00",
        "Updated": rows["Dollar deal"]["Updated"],
        "Tags": "alpha, beta",
        "Lost reason": "",
        "Lost comment": "",
        "Source": "Fair",
        "Private": "false",
        "External ID": "EXT-1",
        "Description": "Two lines\nof text",
    }
    euro = rows["Euro deal"]
    assert (euro["Amount"], euro["Currency"], euro["Amount (base)"]) == (
        "2000.00",
        "EUR",
        "2200.00",
    )
    assert euro["Weighted amount (base)"] == "1100.00"
    assert euro["Tags"] == "alpha"
    assert rows["Lost deal"]["State"] == "Lost"
    assert rows["Lost deal"]["Actual close date"] == "2026-02-01"
    assert rows["Lost deal"]["Lost comment"] == "Too expensive"


def test_a_per_month_deal_exports_its_bid_and_revenues_when_downloaded(signed_in, user):
    OpportunityFactory(
        title="Monthly",
        created_by=user,
        bid_type=BidType.PER_MONTH,
        bid_value=Decimal("154500"),
        per_period_value=24,
        one_time_revenue=Decimal("5000"),
        recurring_revenue=Decimal("250.50"),
        contract_months=36,
    )
    names = ("Amount", "Bid type", "Bid value", "Periods")
    names += ("One-time revenue", "Monthly recurring revenue", "Contract months")
    row = by_title(csv_rows(signed_in.get(TABLE)))["Monthly"]
    assert [row[name] for name in names] == [
        "3708000.00",
        "Per month",
        "154500.00",
        "24",
        "5000.00",
        "250.50",
        "36",
    ]
    cells = by_title(xlsx_rows(signed_in.get(TABLE, {"format": "xlsx"})))["Monthly"]
    assert [cells[name] for name in names] == [3708000, "Per month", 154500, 24, 5000, 250.5, 36]


def test_board_rows_follow_the_columns_order_when_exported(signed_in, deals):
    titles = [row[COLUMN["Title"]] for row in csv_rows(signed_in.get(BOARD))]
    # Initial contact (Bob public), Proposal (by expected close date, none last), Lost
    assert titles == ["Bob public", "Dollar deal", "Euro deal", "Lost deal"]


def test_board_xlsx_holds_the_same_rows_with_types_when_exported(signed_in, deals):
    response = signed_in.get(BOARD, {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = by_title(xlsx_rows(response))
    assert set(rows) == {"Dollar deal", "Euro deal", "Lost deal", "Bob public"}
    usd = rows["Dollar deal"]
    assert usd["ID"] == deals["usd"].pk
    assert usd["Amount"] == pytest.approx(1000.5)
    assert usd["Weighted amount (base)"] == pytest.approx(750.38)
    assert usd["Expected close date"] == datetime(2026, 3, 31)
    assert usd["Created"] == datetime(2026, 1, 2, 9, 30)
    assert usd["Private"] is False
    assert usd["Tags"] == "alpha, beta"
    assert rows["Euro deal"]["Amount (base)"] == pytest.approx(2200)
    assert rows["Euro deal"]["Actual close date"] is None


def test_private_deal_of_someone_else_is_never_exported_when_alice_downloads(
    signed_in, other_client, deals
):
    for url in (BOARD, TABLE):
        for file_format in ("csv", "xlsx"):
            response = signed_in.get(url, {"format": file_format})
            rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
            titles = {row[COLUMN["Title"]] for row in rows}
            assert "Bob secret" not in titles and "Trashed deal" not in titles
            assert len(titles) == 4
    # bob sees his private deal, and his contact's name on his deal
    bob = by_title(csv_rows(other_client.get(BOARD, {"private": "on"})))
    assert set(bob) == {"Bob secret"}


def test_contact_hidden_from_alice_is_an_empty_cell_when_exported(signed_in, other_client, deals):
    assert by_title(csv_rows(signed_in.get(TABLE)))["Bob public"]["Contact"] == ""
    assert by_title(csv_rows(other_client.get(TABLE)))["Bob public"]["Contact"] == "Hidden Henry"


def test_admin_exports_every_live_deal_when_downloading(client, admin_user, deals):
    client.force_login(admin_user)
    titles = set(by_title(csv_rows(client.get(TABLE))))
    assert titles == {"Dollar deal", "Euro deal", "Lost deal", "Bob public", "Bob secret"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tag": "beta"}, {"Dollar deal"}),
        ({"responsible": "me"}, {"Dollar deal", "Euro deal", "Lost deal"}),
        ({"q": "euro"}, {"Euro deal"}),
        ({"private": "on"}, set()),
        ({"tag": "no-such-tag"}, {"Dollar deal", "Euro deal", "Lost deal", "Bob public"}),
    ],
)
def test_board_filters_apply_when_given_in_the_query_string(signed_in, deals, query, expected):
    if query.get("tag") in ("alpha", "beta"):
        query = {"tag": Tag.objects.get(title=query["tag"]).pk}
    assert set(by_title(csv_rows(signed_in.get(BOARD, query)))) == expected


def test_table_state_stage_and_sort_apply_when_given(signed_in, deals):
    lost = default_stage("Unsuccessfully closed")
    assert set(by_title(csv_rows(signed_in.get(TABLE, {"state": "lost"})))) == {"Lost deal"}
    assert set(by_title(csv_rows(signed_in.get(TABLE, {"state": "open"})))) == {
        "Dollar deal",
        "Euro deal",
        "Bob public",
    }
    assert set(by_title(csv_rows(signed_in.get(TABLE, {"stage": lost.pk})))) == {"Lost deal"}
    # by the amount in the base currency, largest first: 2200 (EUR), 1000.50, 1000, 1000
    rows = csv_rows(signed_in.get(TABLE, {"sort": "-value", "format": "csv"}))
    assert [row[COLUMN["Amount (base)"]] for row in rows] == [
        "2200.00",
        "1000.50",
        "1000.00",
        "1000.00",
    ]


def test_table_default_order_puts_open_deals_first_when_unsorted(signed_in, deals):
    titles = [row[COLUMN["Title"]] for row in csv_rows(signed_in.get(TABLE))]
    assert titles[-1] == "Lost deal"
    assert titles[0] == "Dollar deal"  # the only open deal with an expected close date


def test_text_starting_like_a_formula_is_neutralised_when_exported(signed_in, user):
    OpportunityFactory(title='=HYPERLINK("http://evil.example","x")', created_by=user)
    OpportunityFactory(title="@SUM(1+1)", created_by=user, lost_comment="-2+3")
    rows = csv_rows(signed_in.get(TABLE))
    titles = sorted(row[COLUMN["Title"]] for row in rows)
    assert titles == ['\'=HYPERLINK("http://evil.example","x")', "'@SUM(1+1)"]
    assert "'-2+3" in [row[COLUMN["Lost comment"]] for row in rows]
    response = signed_in.get(TABLE, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(_body(response))).active
    cells = [row[COLUMN["Title"]] for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(cell.value for cell in cells) == [
        '=HYPERLINK("http://evil.example","x")',
        "@SUM(1+1)",
    ]


@pytest.mark.parametrize("url", [BOARD, TABLE])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_query_count_stays_the_same_when_the_export_grows(signed_in, user, url, file_format):
    tags = [TagFactory(), TagFactory()]
    counts = []
    for size in (3, 40):
        Opportunity.objects.all().delete()
        for index in range(size):
            OpportunityFactory(created_by=user, tags=tags[: index % 3])
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(url, {"format": file_format})
            rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
        assert len(rows) == size
        counts.append(len(captured.captured_queries))
    # the session, the user, the filter's users, the base currency, its rates (2), the
    # deals, their tags (one query per CHUNK_SIZE deals)
    assert counts == [8, 8]


def test_tags_are_read_once_per_chunk_when_the_export_is_big(user, base_currency):
    tags = [TagFactory(title="a"), TagFactory(title="b")]
    for index in range(5):
        OpportunityFactory(created_by=user, tags=tags[: index % 3])
    queryset = opportunity_list_visible_to(user=user).order_by("id")
    with CaptureQueriesContext(connection) as captured:
        rows = list(opportunity_export_rows(queryset, user=user, base=base_currency, chunk_size=2))
    # the rates (2), the deals (one query, read two at a time), the tags of 3 chunks
    assert len(captured.captured_queries) == 6
    assert [row[COLUMN["Tags"]] for row in rows] == ["", "a", "a, b", "", "a"]


def test_unknown_format_is_a_400_when_asked(signed_in, deals):
    for url in (BOARD, TABLE):
        response = signed_in.get(url, {"format": "pdf"})
        assert response.status_code == 400


def test_hostile_filters_are_ignored_or_refused_when_given(signed_in, deals):
    for query in (
        {"q": "x\x00y"},
        {"responsible": "9" * 40},
        {"contact": "-1"},
        {"tag": "1e999"},
        {"stage": "\x00"},
        {"state": "both"},
        {"sort": "-" * 500},
        {"q": "word " * 500},
    ):
        response = signed_in.get(TABLE, query)
        assert response.status_code in (200, 400), query
        if response.status_code == 200:
            csv_rows(response)


def test_sign_in_is_required_when_anonymous(client, deals):
    for url in (BOARD, TABLE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_guest_gets_no_file_when_asking(client, guest, deals):
    client.force_login(guest)
    for url in (BOARD, TABLE):
        assert client.get(url).status_code == 403


def test_pages_link_their_export_with_their_filters_when_filtered(signed_in, deals):
    board = signed_in.get("/", {"responsible": "me"}).content.decode()
    assert 'href="/board/export/?responsible=me&amp;format=csv"' in board
    assert 'href="/board/export/?responsible=me&amp;format=xlsx"' in board
    table = signed_in.get("/opportunities/", {"state": "open", "page": "1"}).content.decode()
    assert 'href="/opportunities/export/?state=open&amp;format=csv"' in table
    assert 'href="/opportunities/export/?state=open&amp;format=xlsx"' in table


def test_expected_close_date_is_the_local_day_when_a_time_zone_is_set(signed_in, user, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    OpportunityFactory(created_by=user, expected_close_date=datetime(2026, 3, 31, 12, tzinfo=UTC))
    row = csv_rows(signed_in.get(TABLE))[0]
    assert row[COLUMN["Expected close date"]] == date(2026, 4, 1).isoformat()
