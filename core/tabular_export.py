"""Every export's file: rows (an iterator of lists) under a header, as CSV or XLSX.

One writer for the board, the opportunities table, the forecast and the reports, so that every
download has the same shape (docs/import_export.md):

- **CSV**: UTF-8 without a BOM, comma separated, a header row; streamed
  (`StreamingHttpResponse`), so a big export never sits in memory whole.
- **XLSX**: an openpyxl *write-only* workbook (it writes each row to a temporary file as it
  comes), saved to an anonymous temporary file and served from it (`FileResponse`): memory
  stays bounded at any size.
- **Values**: `None` is an empty cell; dates and datetimes are ISO 8601 (`2026-12-02`,
  `2026-12-02T08:15:00+01:00` in the current time zone; an XLSX cell holds a real date with an
  ISO number format); decimals are plain numbers (`1234.50`, never `1.2345E+3`, no grouping);
  booleans are `true` / `false`.
- **Formula injection** (OWASP "CSV injection"): a text cell starting with `=`, `+`, `-`, `@`,
  a tab or a carriage return gets a leading apostrophe in CSV, so a spreadsheet shows it as
  text; in XLSX every text is written as a string cell (never a formula). Numbers are numbers,
  so a negative amount stays `-5.00`.
- **Filename**: reduced to safe characters, with its extension, in `Content-Disposition`
  (`attachment`).
"""

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.errors import InvalidInput

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A CSV chunk is sent once it holds about this many characters (not one chunk per row).
CSV_CHUNK_CHARS = 64 * 1024
# Spreadsheets evaluate a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit for one cell's text, and the control characters XML 1.0 cannot hold.
XLSX_CELL_CHARS = 32767
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
FILENAME_CHARS = 100
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def export_format(value) -> str:
    """The `format` asked for (`csv`, the default, or `xlsx`); anything else is InvalidInput."""
    text = str(value or CSV).strip().lower()
    if text not in FORMATS:
        raise InvalidInput("Choose the csv or xlsx format.", field="format")
    return text


def safe_filename(name: str, file_format: str) -> str:
    """`name` reduced to letters, digits, dots, dashes and underscores, with the extension."""
    stem = str(name or "").removesuffix(f".{file_format}")
    stem = _FILENAME_UNSAFE.sub("-", stem).strip(".-_")[:FILENAME_CHARS] or "export"
    return f"{stem}.{file_format}"


def tabular_response(
    *, file_format: str, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> HttpResponse:
    """The download of `rows` under `header` in `file_format` (see `export_format`)."""
    if file_format == XLSX:
        return xlsx_response(header=header, rows=rows, filename=filename)
    return csv_response(header=header, rows=rows, filename=filename)


# -- CSV ---------------------------------------------------------------------------------------


def csv_text(value) -> str:
    """One CSV cell's text (see the module's notes on values and formula injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


def csv_chunks(*, header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text of the header and `rows`, in chunks of about CSV_CHUNK_CHARS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_text(name) for name in header])
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_chunks(header=header, rows=rows)),
        content_type=CSV_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename, CSV))
    return response


# -- XLSX --------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value):
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):  # Excel has no time zones: the current one's wall time
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(sheet, value=value.replace(microsecond=0))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    text = _XML_ILLEGAL.sub("", str(value))[:XLSX_CELL_CHARS]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes "=..." a formula: a text stays a text
    return cell


def xlsx_write(
    target, *, header: Sequence[str], rows: Iterable[Sequence], title: str = "Export"
) -> None:
    """Write the workbook of `header` and `rows` to `target` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_XML_ILLEGAL.sub("", title)[:31] or "Export")
    sheet.append([_xlsx_cell(sheet, str(name)) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def xlsx_response(
    *, header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> FileResponse:
    # closed by the response once sent; an anonymous temporary file leaves nothing behind
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        xlsx_write(target, header=header, rows=rows)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(
        target,
        as_attachment=True,
        filename=safe_filename(filename, XLSX),
        content_type=XLSX_CONTENT_TYPE,
    )
