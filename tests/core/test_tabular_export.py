"""The shared export writer: CSV and XLSX files read back as a spreadsheet would read them."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import InvalidInput
from core.tabular_export import (
    csv_response,
    export_format,
    safe_filename,
    tabular_response,
    xlsx_response,
)

HEADER = ["id", "title", "amount", "day", "moment", "flag", "nothing"]
MOMENT = datetime.datetime(2026, 3, 4, 12, 30, 15, 123456, tzinfo=datetime.UTC)
ROWS = [
    [1, "Plain", Decimal("1234.50"), datetime.date(2026, 1, 31), MOMENT, True, None],
    [2, '=HYPERLINK("http://evil")', Decimal("-5.00"), None, None, False, None],
    [3, "+1", Decimal("1E+3"), None, None, None, None],
    [4, "-2", 0, None, None, None, None],
    [5, "@SUM(A1)", 1.5, None, None, None, None],
    [6, "\tTab", None, None, None, None, None],
    [7, "\rCR", None, None, None, None, None],
    [8, 'Ünïcödé, "quoted"\nline', None, None, None, None, None],
]


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")  # no BOM
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _xlsx_rows(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    response.file_to_stream.close()  # (response.close() signals request_finished)
    sheet = load_workbook(io.BytesIO(body)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows()]


@pytest.fixture
def utc():
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        yield


def test_csv_has_header_iso_dates_plain_decimals_when_streamed(utc):
    response = csv_response(header=HEADER, rows=iter(ROWS), filename="deals")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="deals.csv"'
    rows = _csv_rows(response)
    assert rows[0] == HEADER
    assert rows[1] == [
        "1",
        "Plain",
        "1234.50",
        "2026-01-31",
        "2026-03-04T12:30:15+00:00",
        "true",
        "",
    ]
    assert rows[2][2] == "-5.00"  # a number is never escaped
    assert rows[3][2] == "1000"
    assert rows[8][1] == 'Ünïcödé, "quoted"\nline'
    assert len(rows) == len(ROWS) + 1


def test_csv_text_starting_like_a_formula_gets_an_apostrophe_when_exported():
    rows = _csv_rows(csv_response(header=HEADER, rows=ROWS, filename="x"))
    titles = [row[1] for row in rows[2:8]]
    assert titles == [
        '\'=HYPERLINK("http://evil")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tTab",
        "'\rCR",
    ]


def test_csv_datetime_is_in_the_current_time_zone_when_aware():
    with timezone.override(zoneinfo.ZoneInfo("Europe/Oslo")):
        rows = _csv_rows(csv_response(header=HEADER, rows=ROWS[:1], filename="x"))
    assert rows[1][4] == "2026-03-04T13:30:15+01:00"


def test_csv_streams_in_chunks_when_big():
    many = ([index, "x" * 100] for index in range(5000))
    response = csv_response(header=["id", "text"], rows=many, filename="big")
    chunks = list(response.streaming_content)
    assert len(chunks) > 5
    assert b"".join(chunks).count(b"\r\n") == 5001


def test_xlsx_keeps_types_and_writes_formulas_as_text_when_exported(utc):
    response = xlsx_response(header=HEADER, rows=iter(ROWS), filename="deals")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="deals.xlsx"'
    cells = _xlsx_rows(response)
    assert [cell.value for cell in cells[0]] == HEADER
    first = cells[1]
    assert first[0].value == 1
    assert first[2].value == pytest.approx(1234.5)
    assert first[3].value == datetime.datetime(2026, 1, 31)
    assert first[3].number_format == "yyyy-mm-dd"
    assert first[4].value == datetime.datetime(2026, 3, 4, 12, 30, 15)
    assert first[5].value is True
    assert first[6].value is None
    for row in cells[2:8]:
        assert row[1].data_type == "s"
    assert cells[2][1].value == '=HYPERLINK("http://evil")'
    assert cells[2][2].value == -5


def test_xlsx_drops_control_characters_when_a_text_holds_them():
    response = xlsx_response(header=["t"], rows=[["a\x00b\x1fc"]], filename="x")
    assert _xlsx_rows(response)[1][0].value == "abc"


def test_tabular_response_picks_the_writer_when_given_a_format():
    assert tabular_response(file_format="csv", header=["a"], rows=[], filename="f").streaming
    xlsx = tabular_response(file_format="xlsx", header=["a"], rows=[], filename="f")
    assert xlsx["Content-Disposition"].endswith('f.xlsx"')
    xlsx.file_to_stream.close()


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "csv"), ("", "csv"), ("CSV", "csv"), (" xlsx ", "xlsx")]
)
def test_export_format_reads_the_choice_when_known(value, expected):
    assert export_format(value) == expected


@pytest.mark.parametrize("value", ["pdf", "x\x00", "c" * 10000])
def test_export_format_is_invalid_input_when_unknown(value):
    with pytest.raises(InvalidInput) as caught:
        export_format(value)
    assert caught.value.field == "format"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("deals", "deals.csv"),
        ("deals.csv", "deals.csv"),
        ('../../etc/pa"ss\r\nwd', "etc-pa-ss-wd.csv"),
        ("Åpne avtaler 2026", "pne-avtaler-2026.csv"),
        ("", "export.csv"),
        ("x" * 500, "x" * 100 + ".csv"),
    ],
)
def test_safe_filename_keeps_safe_characters_when_given_any_name(name, expected):
    assert safe_filename(name, "csv") == expected
