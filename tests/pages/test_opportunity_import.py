"""Import of opportunities from CSV or XLSX (issue 13 point 4) through the pages, with the
test client: upload, map (remembered, the RamBase preset), preview with each row's errors
named, import every valid row or all or none, idempotent by external id, the audit row,
privacy, and guests kept out."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from contacts.models import Contact
from core.access import access_list_user_ids
from opportunities import import_store
from opportunities.models import (
    AuditAction,
    BidType,
    ImportMapping,
    LeadSource,
    LostReason,
    Opportunity,
    OpportunityAudit,
    OpportunityUserObjectPermission,
)
from tests.factories import (
    CompanyFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

UPLOAD, MAP, PREVIEW, RUN = (
    "/opportunities/import/",
    "/opportunities/import/map/",
    "/opportunities/import/preview/",
    "/opportunities/import/run/",
)
HEADER = ["External ID", "Title", "Stage", "Amount", "Currency", "Expected close date"]


def csv_file(header, rows, name="deals.csv") -> io.BytesIO:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    data = io.BytesIO(out.getvalue().encode())
    data.name = name
    return data


def upload(client, file):
    response = client.post(UPLOAD, {"file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(MAP)


def map_as_guessed(client, mapping_page, overrides=None):
    columns = mapping_page.context["columns"]
    data = {f"column_{c['index']}": c["field"] for c in columns}
    data.update(overrides or {})
    assert client.post(MAP, data).status_code == 302
    return client.get(PREVIEW)


def run(client, mode="valid"):
    response = client.post(RUN, {"mode": mode})
    assert response.status_code == 200
    return response.context["outcome"]


def import_file(client, file, mode="valid"):
    preview = map_as_guessed(client, upload(client, file))
    assert preview.status_code == 200
    return preview, run(client, mode)


def errors_by_line(preview) -> dict[int, list[str]]:
    return {row.number: row.errors for row, _ in preview.context["rows"] if row.errors}


def test_a_file_is_imported_through_the_services_with_an_imported_audit_row(signed_in, user):
    proposal = default_stage("Proposal")
    file = csv_file(HEADER, [["X-1", "Big deal", "Proposal", "1500.50", "EUR", "2027-03-31"]])
    preview, outcome = import_file(signed_in, file)
    assert errors_by_line(preview) == {}
    (deal,) = outcome.created
    deal = Opportunity.objects.get(pk=deal.pk)
    assert (deal.title, deal.stage, deal.bid_value, deal.bid_currency_id, deal.external_id) == (
        "Big deal",
        proposal,
        Decimal("1500.50"),
        "EUR",
        "X-1",
    )
    assert timezone.localdate(deal.expected_close_date) == date(2027, 3, 31)
    assert deal.created_by == user and deal.responsible == user
    assert deal.success_probability == proposal.success_probability  # the service's default
    actions = set(
        OpportunityAudit.objects.filter(opportunity=deal).values_list("action", flat=True)
    )
    assert actions == {AuditAction.CREATED, AuditAction.IMPORTED}
    imported = OpportunityAudit.objects.get(opportunity=deal, action=AuditAction.IMPORTED)
    assert imported.new_value == "deals.csv" and imported.changed_by == user
    page = signed_in.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "<strong>Imported</strong> from deals.csv" in page


def test_a_second_import_of_the_same_file_updates_instead_of_duplicating(signed_in):
    rows = [["X-1", "Big deal", "Proposal", "1500", "USD", "20270331"]]
    import_file(signed_in, csv_file(HEADER, rows))
    rows[0][3] = "2500"
    preview, outcome = import_file(signed_in, csv_file(HEADER, rows))
    assert [row.action for row, _ in preview.context["rows"]] == ["update"]
    assert len(outcome.updated) == 1 and not outcome.created
    deal = Opportunity.objects.get()
    assert deal.bid_value == Decimal("2500")
    assert deal.audit.filter(action=AuditAction.IMPORTED).count() == 2


def test_each_row_error_is_named_in_the_preview(signed_in, user):
    trashed = OpportunityFactory(created_by=user, external_id="T-1", deleted_at=timezone.now())
    header = [*HEADER, "Responsible email", "CNTNO"]
    rows = [
        ["A", "Good", "Proposal", "10", "USD", "2027-01-01", "", ""],
        ["B", "Stage", "Nope stage", "10", "USD", "", "", ""],
        ["C", "Currency", "Proposal", "10", "XXX", "", "", ""],
        ["D", "User", "Proposal", "10", "USD", "", "nobody@example.com", ""],
        ["E", "Contact", "Proposal", "10", "USD", "", "", "99999999"],
        ["F", "Amount", "Proposal", "ten", "USD", "", "", ""],
        ["G", "Date", "Proposal", "10", "USD", "2027-02-30", "", ""],
        ["A", "Duplicate", "Proposal", "10", "USD", "", "", ""],
        ["T-1", "Trash", "Proposal", "10", "USD", "", "", ""],
        ["H", "", "Proposal", "10", "USD", "", "", ""],
        ["I", "=HYPERLINK(1)", "Proposal", "99999999999999999999", "USD", "00010101", "", ""],
    ]
    preview = map_as_guessed(
        signed_in, upload(signed_in, csv_file(header, rows)), {"column_7": "contact"}
    )
    errors = errors_by_line(preview)
    assert 2 not in errors
    assert errors[3] == ["Unknown stage “Nope stage”."]
    assert errors[4] == ["Unknown currency “XXX”."]
    assert errors[5] == ["Responsible: unknown user “nobody@example.com”."]
    assert errors[6] == ["Contact: unknown contact number 99999999."]
    assert errors[7] == ["Bid value: “ten” is not an amount."]
    assert errors[8] == [
        "Expected close date: “2027-02-30” is not a date (YYYY-MM-DD or YYYYMMDD)."
    ]
    assert errors[9] == ["External ID “A” is also on line 2."]
    assert errors[10] == ["External ID “T-1” belongs to a deal in the trash: restore it first."]
    assert errors[11] == ["Title is required."]
    assert errors[12] == [
        "Title: formulas are not imported (“=HYPERLINK(1)”).",
        "Bid value is too large.",
        "Expected close date: 0001-01-01 is out of range (years 1900 to 2999).",
    ]
    assert "Unknown stage" in preview.content.decode()
    outcome = run(signed_in, "valid")
    assert [deal.title for deal in outcome.created] == ["Good"]
    assert len(outcome.failed) == 10
    assert Opportunity.all_objects.count() == 2  # "Good" and the trashed deal, untouched
    assert Opportunity.all_objects.get(pk=trashed.pk).title == trashed.title


def test_all_or_nothing_imports_nothing_when_a_row_has_an_error(signed_in):
    rows = [
        ["A", "Good", "Proposal", "10", "USD", ""],
        ["B", "Bad", "Proposal", "-1", "USD", ""],
    ]
    _, outcome = import_file(signed_in, csv_file(HEADER, rows), mode="all")
    assert outcome.rolled_back and not outcome.created
    assert not Opportunity.objects.exists()
    # the file stays for another try: the user picks every valid row this time
    outcome = run(signed_in, "valid")
    assert [deal.title for deal in outcome.created] == ["Good"]


def test_all_or_nothing_imports_every_row_when_none_has_an_error(signed_in):
    rows = [["A", "One", "Proposal", "10", "USD", ""], ["B", "Two", "Proposal", "20", "EUR", ""]]
    _, outcome = import_file(signed_in, csv_file(HEADER, rows), mode="all")
    assert not outcome.rolled_back and len(outcome.created) == 2
    assert Opportunity.objects.count() == 2


def test_a_service_refusal_in_all_or_nothing_rolls_back_the_rows_before_it(signed_in, user):
    # A private deal of bob's whose responsible alice may not change: the update is refused
    # by the service itself, after the first row was written.
    bob = UserFactory(username="bob2")
    deal = OpportunityFactory(created_by=bob, external_id="P-1", access_list=[user])
    header = ["External ID", "Title", "Responsible email"]
    rows = [["N-1", "New", ""], ["P-1", "Shared", bob.email.replace("bob2", "alice")]]
    _, outcome = import_file(signed_in, csv_file(header, rows), mode="all")
    assert outcome.rolled_back
    assert not Opportunity.objects.filter(external_id="N-1").exists()
    assert Opportunity.objects.get(pk=deal.pk).responsible == bob
    assert "responsible" in " ".join(outcome.failed[0].errors)


def test_a_sales_user_cannot_update_by_import_a_deal_they_cannot_see(signed_in, other_user):
    hidden = OpportunityFactory(created_by=other_user, external_id="S-1", access_list=[])
    preview = map_as_guessed(
        signed_in, upload(signed_in, csv_file(["External ID", "Title"], [["S-1", "Mine now"]]))
    )
    assert errors_by_line(preview) == {
        2: ["External ID “S-1” is already used by a deal you cannot change."]
    }
    assert hidden.title not in preview.content.decode()
    run(signed_in)
    assert Opportunity.objects.get(pk=hidden.pk).title == hidden.title


def test_contacts_the_user_cannot_read_are_not_matched(signed_in, user, other_user):
    PersonFactory(first_name="Hidden", last_name="Person", created_by=other_user, access_list=[])
    mine = PersonFactory(first_name="Paula", last_name="Visible", email="p@example.com")
    company = CompanyFactory(company_name="Acme", created_by=user)
    header = ["Title", "Contact", "Contact email", "Customer"]
    rows = [
        ["One", "Hidden Person", "", "Acme"],
        ["Two", "", "P@example.com", "New Co"],
        ["Three", "Paula Visible", "", "new co"],
    ]
    _, outcome = import_file(signed_in, csv_file(header, rows))
    one, two, three = (Opportunity.objects.get(title=t) for t in ("One", "Two", "Three"))
    assert one.contact.created_by == user and one.contact.is_private is False  # a new one
    assert Contact.objects.filter(first_name="Hidden").count() == 2
    assert one.customer == company
    assert two.contact == mine and three.contact == mine
    assert two.customer == three.customer and two.customer.company_name == "New Co"


def test_the_mapping_is_remembered_for_the_same_header(signed_in, user):
    header = ["Deal name", "Money"]
    page = upload(signed_in, csv_file(header, [["A", "5"]]))
    assert [c["field"] for c in page.context["columns"]] == ["", ""]
    map_as_guessed(signed_in, page, {"column_0": "title", "column_1": "bid_value"})
    assert ImportMapping.objects.get(user=user).columns == {"fields": ["title", "bid_value"]}
    page = upload(signed_in, csv_file([" deal NAME", "money"], [["B", "6"]]))
    assert page.context["remembered"]
    assert [c["field"] for c in page.context["columns"]] == ["title", "bid_value"]


def test_a_rambase_import_file_is_imported_with_its_preset(signed_in, user, other_user):
    contact = PersonFactory(created_by=user)
    customer = CompanyFactory(created_by=user)
    LeadSource.objects.get_or_create(title="Website")
    stage = default_stage("Negotiations")
    header = [
        "OWNER", "TITLE", "ASSIGNEE", "CNTNO", "CUSNO", "OPSNO", "VALUE", "PROBABILITY",
        "EXPECTEDCLOSEDATE", "ONETIMEREVENUE", "RECURRINGREVENUE", "CONTRACTLENGTH", "SOURCE",
    ]  # fmt: skip
    row = [
        str(user.pk + 100), "Rambase deal", str(other_user.pk + 100), str(contact.pk + 10000),
        str(customer.pk + 10000), str(stage.pk + 100000), "1000", "40", "20271231", "500",
        "100", "12", "Website",
    ]  # fmt: skip
    page = upload(signed_in, csv_file(header, [row], name="rambase.csv"))
    assert page.context["rambase"]
    preview, outcome = import_file(signed_in, csv_file(header, [row], name="rambase.csv"))
    assert errors_by_line(preview) == {}
    deal = Opportunity.objects.get(pk=outcome.created[0].pk)
    assert (deal.owner, deal.responsible, deal.contact, deal.customer, deal.stage) == (
        user,
        other_user,
        contact,
        customer,
        stage,
    )
    assert (deal.bid_value, deal.success_probability, deal.contract_months) == (1000, 40, 12)
    assert (deal.one_time_revenue, deal.recurring_revenue, deal.source.title) == (
        500,
        100,
        "Website",
    )
    assert timezone.localdate(deal.expected_close_date) == date(2027, 12, 31)


def test_a_bad_file_is_a_400_with_a_sentence_never_a_500(signed_in):
    for data in (b"Title\nA\x00\n", b"PK\x03\x04junk", b""):
        file = io.BytesIO(data)
        file.name = "x.csv"
        response = signed_in.post(UPLOAD, {"file": file})
        assert response.status_code == 400
        assert response.context["error"]


def test_the_steps_without_an_upload_go_back_to_the_upload(signed_in):
    assert signed_in.get(MAP)["Location"] == UPLOAD
    assert signed_in.get(PREVIEW)["Location"] == UPLOAD
    assert signed_in.post(RUN)["Location"] == UPLOAD


def test_guests_cannot_import(client, guest):
    client.force_login(guest)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(RUN).status_code == 403


def test_the_uploaded_file_is_removed_after_the_import(signed_in):
    import_file(signed_in, csv_file(HEADER, [["A", "One", "Proposal", "1", "USD", ""]]))
    assert import_store.stored_upload(signed_in.session) is None


def _round_trip(client, user, other_user, other_client, file_format):
    """Export the filtered table (responsible: me), empty the database, import the file:
    the same opportunities come back, every field the import reads, with the same contacts
    by name; the private deal comes back private."""
    source, _ = LeadSource.objects.get_or_create(title="Website")
    hot = OpportunityStatusFactory(title="Hot")
    paula = PersonFactory(first_name="Paula", last_name="Person", created_by=user)
    acme = CompanyFactory(company_name="Acme", created_by=user)
    wanted = [
        OpportunityFactory(
            title="Alpha", created_by=user, responsible=user, owner=other_user,
            stage=default_stage("Proposal"), bid_value=Decimal("1200.50"),
            bid_currency_id="EUR", success_probability=35, contact=paula, customer=acme,
            expected_close_date=timezone.make_aware(timezone.datetime(2027, 5, 1)),
            source=source, description="First deal", tags=[],
        ),
        OpportunityFactory(
            title="Beta", created_by=user, bid_value=Decimal("99"), owner=user,
            tags=[TagFactory(title="renewal"), TagFactory(title="big")],
        ),
        OpportunityFactory(
            title="Monthly", created_by=user, bid_type=BidType.PER_MONTH,
            bid_value=Decimal("154500"), per_period_value=24,
        ),
        OpportunityFactory(
            title="Recurring", created_by=user, one_time_revenue=Decimal("5000"),
            recurring_revenue=Decimal("250.50"), contract_months=36,
        ),
        OpportunityFactory(title="With status", created_by=user, status=hot),
        OpportunityFactory(
            title="Lost", created_by=user, stage=default_stage("Unsuccessfully closed"),
            lost_reason=LostReason.objects.get(title="Price too high"),
            lost_comment="They chose a rival",
        ),
        OpportunityFactory(title="Secret", created_by=user, access_list=[]),
    ]  # fmt: skip
    OpportunityFactory(title="Gamma", created_by=other_user, responsible=other_user)  # not mine
    export = client.get("/opportunities/export/", {"format": file_format, "responsible": "me"})
    assert export.status_code == 200
    data = b"".join(export.streaming_content)

    def snapshot(deal):
        return (
            deal.title, deal.stage.title, deal.bid_type, deal.bid_value, deal.per_period_value,
            deal.bid_currency_id, deal.success_probability,
            deal.expected_close_date and timezone.localdate(deal.expected_close_date),
            deal.responsible.username, deal.owner and deal.owner.username,
            deal.contact and deal.contact.display_name,
            deal.customer and deal.customer.display_name,
            deal.source and deal.source.title, deal.description,
            sorted(deal.tags.values_list("title", flat=True)),
            deal.one_time_revenue, deal.recurring_revenue, deal.contract_months,
            deal.status and deal.status.title,
            deal.lost_reason and deal.lost_reason.title, deal.lost_comment, deal.is_private,
        )  # fmt: skip

    before = sorted(snapshot(Opportunity.objects.get(pk=deal.pk)) for deal in wanted)
    Opportunity.all_objects.all().delete()
    Contact.objects.all().delete()
    file = io.BytesIO(data)
    file.name = f"opportunities.{file_format}"
    preview, outcome = import_file(client, file, mode="all")
    assert errors_by_line(preview) == {}
    after = sorted(snapshot(Opportunity.objects.get(pk=deal.pk)) for deal in outcome.created)
    assert after == before  # Gamma (not in the filter) did not come back
    secret = Opportunity.objects.get(title="Secret")
    assert access_list_user_ids(OpportunityUserObjectPermission, secret) == {user.pk}
    assert other_client.get(f"/opportunities/{secret.pk}/").status_code == 404


def test_an_exported_filtered_list_imported_into_an_empty_database_comes_back(
    signed_in, user, other_user, other_client
):
    _round_trip(signed_in, user, other_user, other_client, "csv")


def test_an_exported_xlsx_list_imported_into_an_empty_database_comes_back(
    signed_in, user, other_user, other_client
):
    _round_trip(signed_in, user, other_user, other_client, "xlsx")


@pytest.mark.parametrize("size", [2, 20])
def test_the_preview_costs_the_same_queries_for_2_or_20_rows(
    signed_in, user, size, django_assert_num_queries
):
    PersonFactory(first_name="Paula", last_name="Person", created_by=user)
    header = [*HEADER, "Responsible email", "Contact", "Customer", "Source"]
    rows = [
        [f"Q-{i}", f"Deal {i}", "Proposal", "10", "USD", "", user.email, "Paula Person", "Acme",
         "Website"]
        for i in range(size)
    ]  # fmt: skip
    map_as_guessed(signed_in, upload(signed_in, csv_file(header, rows)))
    with django_assert_num_queries(11):  # the stored upload is read from its table
        assert signed_in.get(PREVIEW).status_code == 200


def test_a_contact_name_two_readable_contacts_share_or_a_formula_is_a_row_error(signed_in, user):
    PersonFactory(first_name="Sam", last_name="Same", created_by=user)
    PersonFactory(first_name="Sam", last_name="Same", created_by=user)
    header = ["Title", "Contact", "Customer", "Tags"]
    rows = [["One", "Sam Same", "", ""], ["Two", "", "=cmd()", ""], ["Three", "", "", "a, ,b"]]
    preview = map_as_guessed(signed_in, upload(signed_in, csv_file(header, rows)))
    assert errors_by_line(preview) == {
        2: ["Contact: several contacts are called “Sam Same”."],
        3: ["Customer: formulas are not imported (“=cmd()”)."],
    }
    run(signed_in)
    deal = Opportunity.objects.get()
    assert sorted(deal.tags.values_list("title", flat=True)) == ["a", "b"]


def test_an_xlsx_file_is_imported_with_its_dates_and_numbers(signed_in):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Amount", "Expected close date", "Probability"])
    sheet.append(["From Excel", 1234.5, datetime(2027, 6, 30), 55])
    sheet.append(["Huge", 1e300, datetime(1800, 1, 1), 101])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "deals.xlsx"
    preview, outcome = import_file(signed_in, data)
    assert errors_by_line(preview) == {
        3: [
            "Bid value is too large.",
            "Probability must be between 0 and 100.",
            "Expected close date: 1800-01-01 is out of range (years 1900 to 2999).",
        ]
    }
    deal = Opportunity.objects.get(pk=outcome.created[0].pk)
    assert (deal.title, deal.bid_value, deal.success_probability) == ("From Excel", 1234.5, 55)
    assert timezone.localdate(deal.expected_close_date) == date(2027, 6, 30)
