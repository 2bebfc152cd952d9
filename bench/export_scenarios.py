"""The export of the opportunities table (issue 13 point 3) at the bench's full size: every
deal the user may see (100000 less the others' private ones), in one download:

- `export_csv`: GET /opportunities/export/?format=csv (streamed);
- `export_xlsx`: GET /opportunities/export/?format=xlsx (a write-only workbook in a temporary
  file).

The test client hands a streamed response back before its body is made, so the scenarios'
client (`DrainingClient`) reads the whole body within the request, counting its bytes and
rows without keeping them: the time and the peak memory the runner measures (tracemalloc) are
the whole export's. The check counts the rows against the deals the user may see, selected
without the product's code. A download takes seconds, so each runs a few times only
(`max_iterations`)."""

from __future__ import annotations

import tempfile
import zipfile

from bench.scenarios import Call, Scenario, expect_status, visible_opportunities

EXPORT_PATH = "/opportunities/export/"
CLIENT = "export"
XLSX_SHEET = "xl/worksheets/sheet1.xml"


class _Length:
    """What `len(response.content)` answers for a body that was counted, not kept."""

    def __init__(self, length: int):
        self.length = length

    def __len__(self) -> int:
        return self.length


class DrainedResponse:
    def __init__(self, response, *, length: int, rows: int):
        self.status_code = response.status_code
        self.headers = response.headers
        self.content = _Length(length)
        self.rows = rows  # data rows, the header row left out


def _csv_rows(chunks) -> tuple[int, int]:
    length = lines = 0
    for chunk in chunks:
        length += len(chunk)
        lines += chunk.count(b"\r\n")  # the row terminator (a text's own line breaks are \n)
    return length, lines - 1


def _xlsx_rows(chunks) -> tuple[int, int]:
    """The file goes to a temporary file; its sheet's rows are counted in the XML as it is
    decompressed, a block at a time (neither is ever held whole)."""
    rows, tail, length = 0, b"", 0
    with tempfile.TemporaryFile() as file:
        for chunk in chunks:
            length += len(chunk)
            file.write(chunk)
        file.seek(0)
        with zipfile.ZipFile(file) as archive, archive.open(XLSX_SHEET) as sheet:
            while block := sheet.read(1 << 20):
                text = tail + block  # a "<row" cut by the block's end is whole here
                rows += text.count(b"<row")
                tail = text[-3:]  # too short to hold a whole one: never counted twice
    return length, rows - 1


class DrainingClient:
    """The page client, reading a streamed body whole inside the call."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        response = self.client.get(path)
        if response.status_code != 200:
            return response
        # read to its end, the test client closes the response itself
        if response["Content-Type"].startswith("text/csv"):
            length, rows = _csv_rows(response.streaming_content)
        else:
            length, rows = _xlsx_rows(response.streaming_content)
        return DrainedResponse(response, length=length, rows=rows)


class ExportDownload(Scenario):
    max_iterations = 3

    def __init__(self, file_format: str):
        self.file_format = file_format
        self.name = f"export_{file_format}"
        self.description = (
            f"GET {EXPORT_PATH}?format={file_format} (every deal the user may see, one file)"
        )

    def setup(self, env):
        env.clients.setdefault(CLIENT, DrainingClient(env.page))

    def call(self, env, i):
        return Call("GET", f"{EXPORT_PATH}?format={self.file_format}", client=CLIENT)

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        expected = visible_opportunities(env.user.pk).count()
        if response.rows != expected:
            problems.append(f"{response.rows} rows exported, expected {expected}")
        return problems


def export_scenarios() -> list[Scenario]:
    return [ExportDownload("csv"), ExportDownload("xlsx")]
