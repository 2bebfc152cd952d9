"""An import in a real browser: from the opportunities table, upload a CSV, keep the guessed
mapping, see the row with an unknown stage named in the preview, import the valid rows."""

import pytest

from opportunities.models import Opportunity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CSV = (
    "External ID,Title,Stage,Amount,Currency\n"
    "B-1,Acme renewal,Proposal,1200,USD\n"
    "B-2,Globex pilot,No such stage,800,USD\n"
)


def test_an_import_with_a_preview_error_imports_the_valid_row(
    page, live_server, sign_in, user, tmp_path
):
    file = tmp_path / "deals.csv"
    file.write_text(CSV, encoding="utf-8")
    sign_in(page, user)
    page.goto(f"{live_server.url}/opportunities/")
    page.get_by_role("link", name="Import").click()
    page.wait_for_url(f"{live_server.url}/opportunities/import/")
    page.get_by_label("File").set_input_files(str(file))
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_url(f"{live_server.url}/opportunities/import/map/")
    assert page.get_by_label("Stage").input_value() == "stage"
    page.get_by_role("button", name="Preview the rows").click()
    page.wait_for_url(f"{live_server.url}/opportunities/import/preview/")

    assert "1 row can be imported, 1 has errors" in page.locator("#import-summary").inner_text()
    bad = page.locator('tr[data-line="3"]')
    assert "Unknown stage “No such stage”." in bad.inner_text()
    assert "skipped" in bad.inner_text()
    assert "creates" in page.locator('tr[data-line="2"]').inner_text()

    page.get_by_label("every valid row").check()
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"{live_server.url}/opportunities/import/run/")
    assert "1 created, 0 updated, 1 skipped" in page.locator("#import-result").inner_text()
    assert "Line 3: Unknown stage" in page.locator(".import-failed").inner_text()
    assert list(Opportunity.objects.values_list("title", flat=True)) == ["Acme renewal"]
