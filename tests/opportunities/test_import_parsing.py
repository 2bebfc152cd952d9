"""The import file reader (opportunities/import_parsing.py) and the cell conversions
(opportunities/import_fields.py): property tests (hypothesis) and the hostile files.

- any bytes either parse or are an ImportFileError (never another exception);
- a table written as CSV (UTF-8 with or without a BOM, or Windows-1252) or as XLSX reads back
  as the same header and cells;
- a cell's text is a value of its field or a CellError, never another exception."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.export_selectors import EXPORT_HEADER
from opportunities.import_fields import (
    CellError,
    check_text,
    guess_mapping,
    parse_bid_type,
    parse_date,
    parse_money,
    parse_whole,
    parse_yes_no,
)
from opportunities.import_parsing import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    ImportFileError,
    parse_import_file,
)
from opportunities.models import BID_TYPE_LABELS, BidType

# Text a person types in a cell: no control characters, no leading/trailing spaces (the
# reader strips them), not empty.
CELL = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
TABLE = st.integers(min_value=1, max_value=6).flatmap(
    lambda width: st.tuples(
        st.lists(CELL, min_size=width, max_size=width),
        st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=8),
    )
)


def csv_bytes(header, rows, *, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_are_an_import_file_error(data):
    try:
        parsed = parse_import_file(data)
    except ImportFileError as exc:
        assert str(exc)
    else:
        assert parsed.header and parsed.rows


@settings(max_examples=100, deadline=None)
@given(TABLE, st.sampled_from(["utf-8", "utf-8-sig"]))
def test_a_utf8_csv_reads_back_as_written_when_written_with_or_without_a_bom(table, encoding):
    header, rows = table
    parsed = parse_import_file(csv_bytes(header, rows, encoding=encoding))
    assert parsed.header == tuple(header)
    assert parsed.rows == tuple(tuple(row) for row in rows)
    assert parsed.encoding == "utf-8"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLE)
def test_an_xlsx_reads_back_as_written(table):
    header, rows = table
    # openpyxl writes a text starting with "=" as a formula (read back as its missing value)
    header = ["x" if cell.startswith("=") else cell for cell in header]
    rows = [["x" if cell.startswith("=") else cell for cell in row] for row in rows]
    parsed = parse_import_file(xlsx_bytes(header, rows), filename="deals.xlsx")
    assert parsed.file_format == "xlsx"
    assert parsed.header == tuple(header)
    assert [list(row) for row in parsed.rows] == rows


def test_a_windows_1252_csv_is_read_as_such_and_says_so():
    parsed = parse_import_file(csv_bytes(["Title"], [["Café Müller – €"]], encoding="cp1252"))
    assert parsed.rows == (("Café Müller – €",),)
    assert parsed.encoding == "windows-1252"


def test_bytes_neither_utf8_nor_windows_1252_are_refused():
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        parse_import_file(b"Title\n\x81\x8d\xff\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Title\nA\x00B\n", "NUL"),
        (b"Title\n", "no rows"),
        (b",,,\n1,2,3\n", "no header"),
        (b"," * (MAX_COLUMNS * 4) + b"\n1\n", "columns"),
        (("c," * 100_000).encode() + b"\n1\n", "columns"),
        (b"Title\n" + b"a\n" * (MAX_ROWS + 1), "rows"),
        (b"x" * (MAX_BYTES + 1), "larger"),
        (b"PK\x03\x04 broken zip", "XLSX"),
        (b"Title\n" + b"a" * 20_000 + b"\n", "characters"),
    ],
)
def test_hostile_files_are_refused_with_a_sentence(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse_import_file(data)


def test_a_csv_named_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="not an XLSX"):
        parse_import_file(b"Title\nA\n", filename="deals.xlsx")


def test_an_xlsx_with_a_hundred_thousand_columns_is_refused():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"c{i}" for i in range(MAX_COLUMNS + 1)])
    sheet.append(["x"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFileError, match="columns"):
        parse_import_file(out.getvalue())


def test_xlsx_dates_and_numbers_become_text_the_fields_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Amount", "Close"])
    sheet.append(["A", 1500.0, date(2027, 3, 31)])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_import_file(out.getvalue())
    assert parsed.rows == (("A", "1500", "2027-03-31"),)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_cell_text_is_a_value_or_a_cell_error(text):
    for convert in (
        lambda t: parse_money(t, "Amount"),
        lambda t: parse_whole(t, "Probability", high=100),
        lambda t: parse_date(t, "Expected close date"),
        lambda t: check_text(t, "Title", limit=255),
        parse_bid_type,
        lambda t: parse_yes_no(t, "Private"),
    ):
        try:
            convert(text)
        except CellError as exc:
            assert str(exc)


@given(st.decimals(min_value=0, max_value=10**15, places=2, allow_nan=False))
def test_money_reads_back_what_it_was_written_as(amount):
    assert parse_money(str(amount), "Amount") == amount


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_read_in_both_layouts(value):
    assert parse_date(value.isoformat(), "Close") == value
    assert parse_date(value.strftime("%Y%m%d"), "Close") == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e400", "too large"),
        ("9" * 30, "too large"),
        ("-5", "negative"),
        ("NaN", "not an amount"),
        ("12,50", "not an amount"),
    ],
)
def test_bad_amounts_are_named(text, message):
    with pytest.raises(CellError, match=message):
        parse_money(text, "Amount")


@pytest.mark.parametrize("text", ["00010101", "99991231", "2027-02-30", "tomorrow", "1899-12-31"])
def test_bad_or_out_of_range_dates_are_named(text):
    with pytest.raises(CellError, match="Expected close date"):
        parse_date(text, "Expected close date")


def test_the_rambase_header_selects_the_rambase_preset():
    header = ["OWNER", "TITLE", "ASSIGNEE", "CNTNO", "CUSNO", "OPSNAME", "VALUE", "PROBABILITY"]
    assert guess_mapping(header) == [
        "owner",
        "title",
        "responsible",
        "contact",
        "customer",
        "stage",
        "bid_value",
        "success_probability",
    ]
    # OPSNAME and OPSNO both name the stage: the first column takes it
    assert guess_mapping(["TITLE", "OPSNAME", "OPSNO"]) == ["title", "stage", ""]


@pytest.mark.parametrize("bid_type", list(BidType))
def test_a_bid_type_reads_by_its_label_or_its_onlyoffice_name(bid_type):
    label = dict(BID_TYPE_LABELS)[bid_type]
    for text in (
        label,
        label.upper(),
        f"  {label.lower()} ",
        bid_type.label,
        bid_type.label.lower(),
    ):
        assert parse_bid_type(text) == bid_type


@pytest.mark.parametrize("text", ["Per fortnight", "4", "", "Fixed"])
def test_an_unknown_bid_type_is_named_with_the_choices(text):
    with pytest.raises(CellError, match="Unknown bid type .*Fixed bid, Per hour"):
        parse_bid_type(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [("yes", True), ("TRUE", True), (" 1 ", True), ("No", False), ("false", False), ("0", False)],
)
def test_private_reads_yes_or_no(text, answer):
    assert parse_yes_no(text, "Private") is answer


@pytest.mark.parametrize("text", ["maybe", "y", "2", "on"])
def test_private_refuses_anything_else(text):
    with pytest.raises(CellError, match="Private: .* is not yes or no"):
        parse_yes_no(text, "Private")


def test_the_export_header_maps_back_to_every_field_the_import_reads():
    guessed = dict(zip(EXPORT_HEADER, guess_mapping(EXPORT_HEADER), strict=True))
    assert {column: field for column, field in guessed.items() if field} == {
        "Title": "title",
        "Stage": "stage",
        "Status": "status",
        "Responsible email": "responsible",
        "Owner email": "owner",
        "Contact": "contact",
        "Customer": "customer",
        "Currency": "bid_currency",
        "Bid type": "bid_type",
        "Bid value": "bid_value",
        "Periods": "per_period_value",
        "Probability": "success_probability",
        "One-time revenue": "one_time_revenue",
        "Monthly recurring revenue": "recurring_revenue",
        "Contract months": "contract_months",
        "Expected close date": "expected_close_date",
        "Tags": "tags",
        "Lost reason": "lost_reason",
        "Lost comment": "lost_comment",
        "Source": "source",
        "Private": "is_private",
        "External ID": "external_id",
        "Description": "description",
    }  # the whole "Amount" is left out: "Bid value" is the amount the import reads


def test_amount_alone_is_still_the_bid_value():
    assert guess_mapping(["Title", "Amount"]) == ["title", "bid_value"]
    assert guess_mapping(["Amount", "Title", "bid value"]) == ["", "title", "bid_value"]
