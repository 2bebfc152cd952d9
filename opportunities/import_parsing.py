"""Reading an import file (CSV or XLSX) into a header and rows of text, with tablib.

No hand-written CSV or XLSX parsing: tablib reads both (openpyxl under it for XLSX). This
module only guards the edges: the size (bytes, rows, columns), the encoding of a CSV (UTF-8
with or without a byte-order mark, else Windows-1252, said so in `ParsedFile.encoding`), NUL
bytes, and cells of any type turned into text. Every refusal is an `ImportFileError` with a
sentence for the page; nothing here raises anything else for bad input."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

import tablib

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_CELL = 10_000
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: what it unpacks to, at most
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file cannot be read as an import file; the message says why, for the page."""


@dataclass(frozen=True)
class ParsedFile:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    file_format: str  # "csv" or "xlsx"
    encoding: str  # "utf-8", "windows-1252" or "" for XLSX

    @property
    def header_key(self) -> str:
        return header_key(self.header)


def header_key(header) -> str:
    """The remembered mapping's key: a hash of the header, case and spaces ignored."""
    text = "\x1f".join(name.strip().casefold() for name in header)
    return hashlib.sha256(text.encode()).hexdigest()


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file is neither UTF-8 nor Windows-1252 text: save it as CSV (UTF-8)."
        ) from exc


def cell_text(value) -> str:
    """A cell as text: dates ISO, whole floats without ".0", None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _load(data: bytes, file_format: str) -> tablib.Dataset:
    dataset = tablib.Dataset()
    try:
        if file_format == "xlsx":
            dataset.load(io.BytesIO(data), format="xlsx")
        else:
            text, _ = decode_csv(data)
            dataset.load(text, format="csv")
    except ImportFileError:
        raise
    except Exception as exc:  # tablib, csv and openpyxl raise many kinds for a broken file
        raise ImportFileError(f"The file cannot be read as {file_format.upper()}.") from exc
    return dataset


def _check_workbook(data: bytes) -> None:
    """A small zip that unpacks to gigabytes is refused before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError("The file cannot be read as XLSX.") from exc
    if unpacked > MAX_UNZIPPED:
        raise ImportFileError("The workbook is too large once unpacked.")


def parse_import_file(data: bytes, *, filename: str = "") -> ParsedFile:
    """The header and rows of an uploaded file, or ImportFileError."""
    if not data:
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    file_format = "xlsx" if data.startswith(XLSX_MAGIC) else "csv"
    if file_format == "csv":
        if b"\x00" in data:
            raise ImportFileError("The file holds NUL bytes: it is not a CSV text file.")
        if filename.lower().endswith((".xlsx", ".xls")):
            raise ImportFileError("The file is not an XLSX workbook.")
        # The widest header allowed is checked before tablib builds rows of it.
        first_line = data.split(b"\n", 1)[0]
        if first_line.count(b",") >= MAX_COLUMNS * 4:
            raise ImportFileError(f"The file has more than {MAX_COLUMNS} columns.")
    else:
        _check_workbook(data)
    encoding = decode_csv(data)[1] if file_format == "csv" else ""
    dataset = _load(data, file_format)
    header = tuple(cell_text(name) for name in (dataset.headers or ()))
    if not any(header):
        raise ImportFileError("The file has no header row.")
    while header and not header[-1]:
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(f"The file has more than {MAX_COLUMNS} columns.")
    if dataset.height > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS} rows.")
    rows = []
    for raw in dataset:
        row = tuple(cell_text(value) for value in raw)[: len(header)]
        row = row + ("",) * (len(header) - len(row))
        if not any(row):
            continue
        if any("\x00" in cell for cell in row):
            raise ImportFileError("The file holds NUL characters.")
        if any(len(cell) > MAX_CELL for cell in row):
            raise ImportFileError(f"A cell holds more than {MAX_CELL} characters.")
        rows.append(row)
    if not rows:
        raise ImportFileError("The file has no rows under its header.")
    return ParsedFile(header=header, rows=tuple(rows), file_format=file_format, encoding=encoding)
