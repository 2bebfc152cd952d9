"""Export in a real browser: filter the board (the filters swap the board in place), then
"Export CSV" downloads what the filtered board shows; the table's "Export XLSX" a workbook."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.factories import OpportunityFactory, TagFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_export_follows_the_filters_when_the_board_is_filtered(
    page, live_server, sign_in, user, other_user
):
    hot = TagFactory(title="hot")
    start = default_stage("Initial contact")
    OpportunityFactory(title="Hot deal", created_by=user, stage=start, tags=[hot])
    OpportunityFactory(title="Cold deal", created_by=user, stage=start)
    OpportunityFactory(title="Bob secret", created_by=other_user, access_list=[other_user])
    sign_in(page, user)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Tag", exact=True).select_option(label="hot")
    page.wait_for_url("**/?*tag=*")
    page.wait_for_function("() => document.querySelector('.export-links a').href.includes('tag=')")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.startswith("pipeline-board-")
    rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert [row[1] for row in rows[1:]] == ["Hot deal"]

    page.goto(f"{live_server.url}/opportunities/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {"Hot deal", "Cold deal"}
