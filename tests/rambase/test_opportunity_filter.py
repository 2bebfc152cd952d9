"""$filter on GET /sales/opportunities (contract §6): each operator and function, and/or and
parentheses, dates, null, field-to-field and in; a bad field or syntax is a 400 naming it."""

from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory, default_stage
from tests.rambase.conftest import assert_error

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


def _aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def deals(user, other_user):
    acme = CompanyFactory(company_name="Acme Corp", created_by=user)
    fjord = CompanyFactory(company_name="Fjord Logistics AS", created_by=user)
    kari = PersonFactory(first_name="Kari", last_name="Nordmann", created_by=user)
    proposal, negotiations = default_stage("Proposal"), default_stage("Negotiations")
    return {
        "alpha": OpportunityFactory(
            created_by=user,
            title="Alpha intranet",
            bid_value=Decimal(100),
            success_probability=10,
            one_time_revenue=Decimal(100),
            expected_close_date=_aware(2026, 6, 30),
            customer=acme,
            contact=kari,
            stage=proposal,
        ),
        "beta": OpportunityFactory(
            created_by=user,
            title="Beta O'Brien",
            bid_value=Decimal(250000),
            success_probability=60,
            expected_close_date=_aware(2026, 7, 1),
            customer=fjord,
            stage=negotiations,
            responsible=other_user,
            owner=None,
        ),
        "gamma": OpportunityFactory(
            created_by=user,
            title="Gamma fleet",
            bid_value=Decimal(5000),
            success_probability=90,
            expected_close_date=None,
            stage=proposal,
        ),
    }


def _matches(rb, expression: str) -> list[str]:
    response = rb.get(f"{URL}?$filter={quote(expression)}&$top=80")
    assert response.status_code == 200, response.content
    return sorted(item["title"].split()[0] for item in response.json()["salesOpportunities"])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Value.UnweightedAmount eq 5000", ["Gamma"]),
        ("Value.UnweightedAmount ne 5000", ["Alpha", "Beta"]),
        ("Value.UnweightedAmount lt 5000", ["Alpha"]),
        ("Value.UnweightedAmount le 5000", ["Alpha", "Gamma"]),
        ("Value.UnweightedAmount gt 5000", ["Beta"]),
        ("Value.UnweightedAmount ge 5000", ["Beta", "Gamma"]),
        ("Probability in (10, 90)", ["Alpha", "Gamma"]),
        ("Title eq 'alpha INTRANET'", ["Alpha"]),
        ("Title ne 'Alpha intranet'", ["Beta", "Gamma"]),
        ("Title in ('gamma fleet', 'nothing')", ["Gamma"]),
        ("Title eq 'Beta O''Brien'", ["Beta"]),
        ("startswith(Title, 'al')", ["Alpha"]),
        ("endswith(Title, 'FLEET')", ["Gamma"]),
        ("substringof('intra', Title)", ["Alpha"]),
        ("substringof(Title, 'o''b')", ["Beta"]),
        ("Customer.Name eq 'acme corp'", ["Alpha"]),
        ("startswith(Customer.Name, 'Fjord')", ["Beta"]),
        ("Customer.Name eq null", ["Gamma"]),
        ("Customer.Name ne null", ["Alpha", "Beta"]),
        ("ExpectedCloseDate eq '2026-06-30'", ["Alpha"]),
        ("ExpectedCloseDate ne '2026-06-30'", ["Beta", "Gamma"]),
        ("ExpectedCloseDate le '2026-06-30'", ["Alpha"]),
        ("ExpectedCloseDate lt '2026-07-01'", ["Alpha"]),
        ("ExpectedCloseDate gt '2026-06-30'", ["Beta"]),
        ("ExpectedCloseDate ge '2026-07-01'", ["Beta"]),
        ("ExpectedCloseDate eq null", ["Gamma"]),
        ("ExpectedCloseDate ge '2026-06-30T12:00:00Z'", ["Beta"]),
        ("CreatedAt gt '2000-01-01'", ["Alpha", "Beta", "Gamma"]),
        ("CreatedAt lt '2000-01-01T00:00:00+01:00'", []),
        ("Value.WeightedAmount eq 150000", ["Beta"]),
        ("Value.WeightedAmount gt 10 and Value.WeightedAmount lt 5000", ["Gamma"]),
        ("Value.OneTimeRevenueAmount eq Value.UnweightedAmount", ["Alpha"]),
        ("Value.OneTimeRevenueAmount lt Value.UnweightedAmount", ["Beta", "Gamma"]),
        ("Probability gt Value.ContractMonths", ["Alpha", "Beta", "Gamma"]),
        ("OpportunityStage.Name eq 'proposal'", ["Alpha", "Gamma"]),
        ("Title eq OpportunityStage.Name", []),
        ("Title ne OpportunityStage.Name", ["Alpha", "Beta", "Gamma"]),
        ("Owner.EmployeeId eq null", ["Beta"]),
        ("Value.UnweightedAmount gt 1000 or Probability eq 10", ["Alpha", "Beta", "Gamma"]),
        ("Value.UnweightedAmount gt 1000 and Probability eq 10", []),
        (
            "(Probability eq 10 or Probability eq 60) and ExpectedCloseDate le '2026-06-30'",
            ["Alpha"],
        ),
        ("Probability eq 10 or Probability eq 60 and ExpectedCloseDate le '2026-06-30'", ["Alpha"]),
        ("((Title eq 'Gamma fleet'))", ["Gamma"]),
        ("TITLE EQ 'gamma fleet' OR title Eq 'beta o''brien'", ["Beta", "Gamma"]),
        ("Status eq null", ["Alpha", "Beta", "Gamma"]),
        ("Source ne 3", ["Alpha", "Beta", "Gamma"]),
        ("Currency eq 'usd' or Currency ne 'usd'", ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_operators_and_functions(rb, deals, expression, expected):
    assert _matches(rb, expression) == expected


def test_ids_are_rambase_ids_and_bare_leaf_names_work(rb, deals, other_user):
    alpha, beta = deals["alpha"], deals["beta"]
    assert _matches(rb, f"SalesOpportunityId eq {alpha.pk + 100000}") == ["Alpha"]
    assert _matches(rb, f"SalesOpportunityId in ({alpha.pk + 100000}, {beta.pk + 100000})") == [
        "Alpha",
        "Beta",
    ]
    assert _matches(rb, f"ContactId eq {alpha.contact_id + 10000}") == ["Alpha"]
    assert _matches(rb, f"Customer.CustomerId eq {beta.customer_id + 10000}") == ["Beta"]
    assert _matches(rb, f"Assignee.EmployeeId eq {other_user.pk + 100}") == ["Beta"]
    stage_id = beta.stage_id + 100000
    assert _matches(rb, f"OpportunityStage.OpportunityStageId eq {stage_id}") == ["Beta"]
    assert _matches(rb, f"OpportunityStageId ne {stage_id}") == ["Alpha", "Gamma"]
    assert _matches(rb, "Contact.ContactId eq Customer.CustomerId") == []


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("Nope eq 1", "Nope"),
        ("EmployeeId eq 101", "EmployeeId"),  # ambiguous leaf
        ("Title eq", "end"),
        ("Title eq 'open", "unterminated"),
        ("Title lt 'b'", "Title"),
        ("Probability eq '10'", "Probability"),
        ("Title eq 5", "Title"),
        ("Probability eq null", "never null"),
        ("Probability lt null", "null"),
        ("Probability eq 1.5", "whole"),
        ("not Title eq 'a'", "not"),
        ("length(Title) eq 3", "length"),
        ("Title eq 'a' and", "end"),
        ("(Title eq 'a'", ")"),
        ("Title eq 'a')", ")"),
        ("Title eq 'a' xor Title eq 'b'", "xor"),
        ("Title like 'a'", "operator"),
        ("Title in ()", "value"),
        ("startswith(Title)", ","),
        ("startswith('a', 'b')", "field"),
        ("startswith(Probability, '1')", "startswith"),
        ("ExpectedCloseDate eq 20260630", "date"),
        ("ExpectedCloseDate eq '2026-13-01'", "date"),
        ("Title eq Probability", "same type"),
        ("Probability eq 99999999999999999999999", "range"),
        ("Title eq 'a' # 1", "#"),
        ("(" * 30 + "Title eq 'a'" + ")" * 30, "nested"),
        ("@named", "@"),
    ],
)
def test_bad_filters_are_400_naming_the_piece(rb, deals, expression, named):
    response = rb.get(f"{URL}?$filter={quote(expression)}")
    error = assert_error(response, 400, 990004, "$filter")
    assert named.lower() in error["message"].lower(), error["message"]


def test_a_long_filter_is_refused(rb):
    expression = " or ".join(["Probability eq 1"] * 400)
    assert_error(rb.get(f"{URL}?$filter={quote(expression)}"), 400, 990004, "$filter")


def test_a_filter_is_one_sql_query(rb, deals, django_assert_num_queries):
    expression = quote("startswith(Title, 'a') or Probability in (1,2)")
    with django_assert_num_queries(2):  # the token's user, the page
        body = rb.get(f"{URL}?$filter={expression}").json()
    assert [item["title"] for item in body["salesOpportunities"]] == ["Alpha intranet"]
