"""Every figure of /reports/ against the hand-computed data set of report_data.py, read from
the page as a user sees it (the tables under the charts) and from the CSV downloads."""

import csv
import io
from decimal import Decimal

import pytest

from insights.report_forms import ReportFilterForm
from insights.report_selectors import reports_build
from tests.insights import report_data


@pytest.fixture
def data(user, other_user):
    return report_data.build(user=user, other_user=other_user)


def figures(user, query=report_data.RANGE):
    from django.http import QueryDict

    form = ReportFilterForm(QueryDict(query), user=user)
    return reports_build(user=user, filters=form.to_filters(), span=form.to_span())


def table(client, name, query=report_data.RANGE):
    response = client.get(f"/reports/{name}.csv?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_win_rate_and_cycle_when_deals_closed_in_range(data, user):
    w = figures(user).win_rate
    assert (w.won.count, w.won.amount) == (2, Decimal("4000.00"))
    assert (w.lost.count, w.lost.amount) == (2, Decimal("2600.00"))  # EUR 2000 x 1.10 + 400
    assert w.by_count == Decimal("50.0")
    assert w.by_amount == Decimal("60.6")  # 4000 / 6600
    assert (w.cycle_won, w.cycle_lost, w.cycle_all) == (60.5, 12.5, 36.5)  # (30+91)/2, (10+15)/2


@pytest.mark.django_db
def test_stage_conversion_counts_later_stages_reached(data, user):
    rows = {row.stage.title: row for row in figures(user).conversion}
    assert {title: row.entered for title, row in rows.items()} == {"A": 4, "B": 2, "W": 2, "L": 2}
    assert [(c.stage.title, c.count, c.percent) for c in rows["A"].later] == [
        ("B", 2, Decimal("50.0")),
        ("W", 1, Decimal("25.0")),
        ("L", 2, Decimal("50.0")),
    ]
    assert [(c.stage.title, c.count) for c in rows["B"].later] == [("W", 1), ("L", 0)]
    assert [(c.stage.title, c.count) for c in rows["W"].later] == [("L", 0)]
    assert rows["L"].later == []


@pytest.mark.django_db
def test_velocity_averages_stays_that_ended_in_range(data, user):
    lines = {line.stage.title: (line.stays, line.average_days) for line in figures(user).velocity}
    # A: 10, 10, 10, 91 (d4 from Dec 1), 15 days; B: d1's 20 days; W and L never left
    assert lines == {"A": (5, 27.2), "B": (1, 20.0), "W": (0, None), "L": (0, None)}


@pytest.mark.django_db
def test_lost_reasons_with_counts_and_amounts(data, user):
    lines = [
        (x.title, x.money.count, x.money.amount, x.percent) for x in figures(user).lost_reasons
    ]
    assert lines == [
        ("Price too high", 1, Decimal("2200.00"), Decimal("50.0")),
        ("No reason given", 1, Decimal("400.00"), Decimal("50.0")),
    ]


@pytest.mark.django_db
def test_new_won_lost_per_month(data, user):
    months = [
        (m.month.month, m.new.count, m.new.amount, m.won.count, m.won.amount, m.lost.count)
        for m in figures(user).monthly
    ]
    assert months == [
        (1, 2, Decimal("3200.00"), 0, Decimal("0.00"), 1),
        (2, 2, Decimal("900.00"), 1, Decimal("1000.00"), 0),
        (3, 0, Decimal("0.00"), 1, Decimal("3000.00"), 1),
    ]


@pytest.mark.django_db
def test_private_deal_of_someone_else_never_counts(data, user, other_user, admin_user):
    # bob's private d5 (won in January) counts for bob and for admins, never for alice
    for who, won in ((user, 2), (other_user, 3), (admin_user, 3)):
        assert figures(who).win_rate.won.count == won
    alice, bob = figures(user), figures(other_user)
    assert {r.stage.title: r.entered for r in alice.conversion}["A"] == 4
    assert {r.stage.title: r.entered for r in bob.conversion}["A"] == 5
    assert [m.new.count for m in alice.monthly] == [2, 2, 0]
    assert [m.new.count for m in bob.monthly] == [3, 2, 0]
    assert {v.stage.title: v.stays for v in bob.velocity}["A"] == 6


@pytest.mark.django_db
def test_filters_narrow_every_report(data, user, other_user):
    # the board's responsible filter: bob is responsible for nothing alice may see
    reports = figures(user, f"{report_data.RANGE}&responsible={other_user.pk}")
    assert reports.win_rate.closed_count == 0
    assert all(row.entered == 0 for row in reports.conversion)
    assert reports.lost_reasons == []


@pytest.mark.django_db
def test_page_shows_tables_and_charts(data, client, user):
    client.force_login(user)
    html = client.get(f"/reports/?{report_data.RANGE}").content.decode()
    assert html.count('<svg class="chart"') == 5
    assert "60.6%" in html and "$4,000" in html and "Price too high" in html
    assert 'href="/reports/"' in html  # the nav link
    assert "9,999" not in html and "9999" not in html


@pytest.mark.django_db
def test_csv_downloads_hold_the_tables(data, client, user):
    client.force_login(user)
    win = table(client, "win-rate")
    assert win[0] == ["Outcome", "Deals", "Amount (USD)", "Days from creation to close"]
    assert win[1:] == [
        ["Won", "2", "4000.00", "60.5"],
        ["Lost", "2", "2600.00", "12.5"],
        ["Closed", "4", "6600.00", "36.5"],
        ["Win rate", "50.0", "60.6", ""],
    ]
    assert table(client, "lost-reasons")[1] == ["Price too high", "1", "50.0", "2200.00"]
    assert table(client, "monthly")[1] == ["2026-01", "2", "3200.00", "0", "0.00", "1", "2200.00"]
    assert table(client, "velocity")[1] == ["A", "5", "27.2"]
    assert table(client, "conversion")[1] == ["A", "4", "2", "1", "2"]


@pytest.mark.django_db
def test_xlsx_download_and_unknown_report(data, client, user):
    client.force_login(user)
    response = client.get(f"/reports/win-rate.xlsx?{report_data.RANGE}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get("/reports/nothing.csv").status_code == 404
    assert client.get("/reports/win-rate.pdf").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "date_from=2026-13-45",
        "date_from=2026-03-01&date_to=2026-01-01",
        "date_from=0001-01-01&date_to=9999-12-31",
        "date_to=99999999-01-01",
        "date_from=%00",
        "q=" + "x" * 5000,
        "contact=99999999999999999999999",
    ],
)
def test_bad_input_shows_the_default_range_never_a_500(data, client, user, query):
    client.force_login(user)
    # a NUL byte is refused before any view (400); the rest shows the page
    expected = 400 if "%00" in query else 200
    assert client.get(f"/reports/?{query}").status_code == expected
    assert client.get(f"/reports/monthly.csv?{query}").status_code == expected


@pytest.mark.django_db
def test_default_range_is_the_last_90_days(client, user):
    from django.utils import timezone

    client.force_login(user)
    form = ReportFilterForm({}, user=user)
    span = form.to_span()
    assert span.date_to == timezone.localdate()
    assert (span.date_to - span.date_from).days == 89


@pytest.mark.django_db
def test_guest_gets_no_crm_access_on_reports_and_downloads(data, client, guest):
    client.force_login(guest)
    for url in ("/reports/", "/reports/win-rate.csv", "/reports/monthly.xlsx"):
        response = client.get(f"{url}?{report_data.RANGE}")
        assert response.status_code == 403, url
        assert b"No CRM access" in response.content


@pytest.mark.django_db
def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/reports/win-rate.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
