"""Every figure of the forecast page against the hand-computed data set of forecast_data.py,
read from the page as a user sees it (the test client), on SQLite and PostgreSQL."""

import re
from decimal import Decimal

import pytest

from tests.factories import OpportunityFactory, TagFactory, default_stage
from tests.insights import forecast_data

NZ = "Pacific/Auckland"


def rows(html: str, table: str) -> dict:
    """{(bucket, part): (count, amount, weighted)} of the forecast table."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    found = {}
    for bucket, chunk in re.findall(r'<tbody data-bucket="(-?\d+)">(.*?)</tbody>', body, re.S):
        for part, cells in re.findall(r'<tr[^>]*data-part="([^"]+)">(.*?)</tr>', chunk, re.S):
            numbers = re.findall(r'<td class="num">([^<]*)', cells)
            found[int(bucket), part] = (
                int(numbers[0]),
                Decimal(numbers[1].strip()),
                Decimal(numbers[2].strip()),
            )
    return found


def past_rows(html: str) -> list[tuple]:
    body = html.split('id="forecast-past"', 1)[1].split("</table>", 1)[0]
    result = []
    for cells in re.findall(r"<tr data-month=\"\d+\">(.*?)</tr>", body, re.S):
        won, amount, forecast, count = re.findall(r'<td class="num">([^<]*)', cells)
        result.append((int(won), Decimal(amount), Decimal(forecast), int(count)))
    return result


def total(html: str, name: str) -> str:
    return re.search(rf'data-forecast-total="{name}">([^<]*)<', html).group(1)


@pytest.fixture
def data(settings, user, other_user):
    settings.TIME_ZONE = NZ
    return forecast_data.build(user, other_user)


def test_open_deals_are_bucketed_and_converted_when_split_by_stage(data, signed_in):
    html = signed_in.get("/forecast/").content.decode()
    table = rows(html, "forecast-table")
    totals = {bucket: v for (bucket, part), v in table.items() if part == "all"}
    assert totals == {
        -1: (2, Decimal("1200.00"), Decimal("725.00")),  # overdue: D, N
        0: (2, Decimal("3200.00"), Decimal("2150.00")),  # A, B (EUR 2000 x 1.10)
        1: (2, Decimal("2200.00"), Decimal("1400.00")),  # C (NOK 10000 x 0.1), H (100 x 12)
        2: (1, Decimal("0.00"), Decimal("0.00")),  # F, GBP: no rate
        3: (0, Decimal("0.00"), Decimal("0.00")),
        4: (0, Decimal("0.00"), Decimal("0.00")),
        5: (0, Decimal("0.00"), Decimal("0.00")),
        -3: (1, Decimal("4000.00"), Decimal("2000.00")),  # G, later
        -2: (1, Decimal("300.00"), Decimal("150.00")),  # E, no date
    }
    qualified, proposal = default_stage("Qualified prospect"), default_stage("Proposal")
    assert table[0, str(qualified.pk)] == (1, Decimal("1000.00"), Decimal("500.00"))
    assert table[0, str(proposal.pk)] == (1, Decimal("2200.00"), Decimal("1650.00"))
    assert table[1, str(proposal.pk)] == (1, Decimal("1200.00"), Decimal("900.00"))
    assert (total(html, "count"), total(html, "amount"), total(html, "weighted")) == (
        "9",
        "10900.00",
        "6425.00",
    )
    assert "1 in a currency without a rate" in html
    assert "Hidden" not in html


def test_open_deals_are_split_by_responsible_and_twelve_months_when_switched(
    data, signed_in, user, other_user
):
    html = signed_in.get("/forecast/?split=responsible&months=12").content.decode()
    table = rows(html, "forecast-table")
    assert table[0, str(user.pk)] == (1, Decimal("1000.00"), Decimal("500.00"))
    assert table[0, str(other_user.pk)] == (1, Decimal("2200.00"), Decimal("1650.00"))
    assert table[7, "all"] == (1, Decimal("4000.00"), Decimal("2000.00"))  # G, its own month
    assert table[-3, "all"] == (0, Decimal("0.00"), Decimal("0.00"))
    assert other_user.get_display_name() in html
    assert 'value="responsible" selected' in html and 'value="12" selected' in html


def test_past_months_show_won_beside_forecast_at_their_start(data, signed_in):
    html = signed_in.get("/forecast/").content.decode()
    past = past_rows(html)
    assert len(past) == 6
    zero = (0, Decimal("0.00"), Decimal("0.00"), 0)
    assert past[:4] == [zero] * 4
    # two months ago: W2 expected then, in Proposal (75 %) at the month's start, EUR 1000
    assert past[4] == (0, Decimal("0.00"), Decimal("825.00"), 1)
    # last month: W1 and W2 won (3000 + 1100); forecast W1 at 50 % and L1 at 75 %; N was
    # created during the month, so nothing had forecast it at the start
    assert past[5] == (2, Decimal("4100.00"), Decimal("3000.00"), 2)


def test_private_deals_count_for_those_who_may_see_them(data, client, other_user):
    client.force_login(other_user)
    html = client.get("/forecast/").content.decode()
    assert rows(html, "forecast-table")[0, "all"] == (
        3,
        Decimal("103199.00"),
        Decimal("52149.50"),
    )
    assert past_rows(html)[5][:2] == (3, Decimal("54100.00"))


def test_board_filters_narrow_the_forecast_and_stay_in_the_url(data, signed_in, user):
    tag = TagFactory(title="focus")
    OpportunityFactory(title="Tagged", created_by=user, bid_value=Decimal("10"), tags=[tag])
    html = signed_in.get(f"/forecast/?tag={tag.pk}&split=responsible").content.decode()
    assert total(html, "count") == "1" and total(html, "amount") == "10.00"
    assert f"tag={tag.pk}" in html and "split=responsible" in html  # the downloads keep them
    html = signed_in.get("/forecast/?responsible=me").content.decode()
    assert total(html, "count") == "9"  # the 9 open and Tagged, but not B (other_user's)
    html = signed_in.get("/forecast/?private=on").content.decode()
    assert total(html, "count") == "0"


@pytest.mark.parametrize(
    "query",
    [
        "split=x",
        "months=99999999999999999999",
        "months=abc",
        "tag=x",
        "contact=-1",
        "responsible=" + "9" * 500,
        "split=" + "x" * 10000,
    ],
)
def test_hostile_parameters_fall_back_to_the_defaults(signed_in, query):
    response = signed_in.get(f"/forecast/?{query}")
    assert response.status_code == 200


def test_a_nul_byte_is_refused_as_on_every_page(signed_in):
    assert signed_in.get("/forecast/?split=%00").status_code == 400


def test_forecast_needs_a_signed_in_user(client):
    assert client.get("/forecast/").status_code == 302


@pytest.mark.parametrize("size", [3, 40])
def test_forecast_query_count_is_constant_when_pipeline_grows(
    size, settings, signed_in, user, django_assert_num_queries
):
    settings.TIME_ZONE = NZ
    stages = [default_stage("Qualified prospect"), default_stage("Proposal")]
    for index in range(size):
        OpportunityFactory(created_by=user, stage=stages[index % 2])
    # session, user, the form's users and tag choices, base currency, two for the rates,
    # the open buckets, stages (labels), won, forecast, the navigation's overdue tasks
    with django_assert_num_queries(12):
        response = signed_in.get("/forecast/?responsible=me")
    assert total(response.content.decode(), "count") == str(size)


def test_forecast_table_downloads_as_csv_with_the_filters(data, signed_in, user):
    response = signed_in.get("/forecast/?split=responsible&responsible=me&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == (
        "Expected close,Responsible,Count,Amount (USD),Weighted (USD),Base currency,"
        "Not converted (no rate)"
    )
    name = user.get_display_name()
    assert lines.count("Overdue,All,2,1200.00,725.00,USD,0") == 1
    assert sum(1 for line in lines if line.startswith(f"Overdue,{name},2,")) == 1
    # B is other_user's: the responsible filter leaves it out; the hidden deal never shows
    assert [line for line in lines if ",All," in line][1].split(",")[2:5] == [
        "1",
        "1000.00",
        "500.00",
    ]
    assert "99999" not in "\n".join(lines)


def test_forecast_table_downloads_as_xlsx(data, signed_in):
    from io import BytesIO

    from openpyxl import load_workbook

    response = signed_in.get("/forecast/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Expected close", "Stage", "Count"]
    overdue = [row for row in values if row[0] == "Overdue" and row[1] == "All"]
    assert [Decimal(str(v)) for v in overdue[0][2:5]] == [2, Decimal("1200"), Decimal("725")]


def test_an_unknown_download_format_is_a_bad_request(signed_in):
    assert signed_in.get("/forecast/?format=pdf").status_code == 400


def test_a_deactivated_responsible_keeps_their_name_and_figures(data, signed_in, other_user):
    other_user.is_active = False
    other_user.save(update_fields=["is_active"])
    html = signed_in.get("/forecast/?split=responsible").content.decode()
    assert rows(html, "forecast-table")[0, str(other_user.pk)][0] == 1
    assert other_user.get_display_name() in html
