"""GET /sales/opportunities lists (contract §6): $top, $skip, $pageKey, $inlinecount,
$orderby, $select, the paging object, and a constant number of queries per page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import OpportunityFactory, PersonFactory
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


def _titles(body) -> list[str]:
    return [item["title"] for item in body["salesOpportunities"]]


@pytest.fixture
def twelve(user):
    return [
        OpportunityFactory(created_by=user, title=f"Deal {n:02d}", bid_value=Decimal(n * 100))
        for n in range(12)
    ]


def test_default_page_is_ten_by_id_with_paging(rb, twelve):
    body = rb.get(URL).json()
    assert _titles(body) == [f"Deal {n:02d}" for n in range(10)]
    paging = body["paging"]
    assert paging["position"] == 0 and paging["page"] == 1 and paging["size"] == 10
    assert paging["totalCount"] is None and paging["lastPage"] is None
    assert paging["previousPage"] is None
    assert paging["nextPageKey"] == "cDoxMA"  # p:10
    assert paging["nextPage"] == "http://testserver/sales/opportunities?$pageKey=cDoxMA"
    assert paging["firstPage"] == "http://testserver/sales/opportunities"


def test_next_page_key_leads_to_the_rest(rb, twelve):
    first = rb.get(f"{URL}?$top=5&$inlinecount=allpages").json()
    assert first["paging"]["totalCount"] == 12
    second = rb.get(f"{URL}?$top=5&$pageKey={first['paging']['nextPageKey']}").json()
    assert _titles(second) == [f"Deal {n:02d}" for n in range(5, 10)]
    assert second["paging"]["position"] == 5 and second["paging"]["page"] == 2
    third = rb.get(second["paging"]["nextPage"]).json()
    assert _titles(third) == ["Deal 10", "Deal 11"]
    assert third["paging"]["nextPage"] is None and third["paging"]["nextPageKey"] is None
    last = rb.get(f"{URL}?$top=5&$inlinecount=allpages").json()["paging"]["lastPage"]
    assert _titles(rb.get(last).json()) == ["Deal 10", "Deal 11"]


def test_skip_and_previous_page(rb, twelve):
    body = rb.get(f"{URL}?$top=4&$skip=6").json()
    assert _titles(body) == ["Deal 06", "Deal 07", "Deal 08", "Deal 09"]
    assert _titles(rb.get(body["paging"]["previousPage"]).json())[0] == "Deal 02"


def test_top_is_capped_at_80_and_max_is_80(rb, user):
    for n in range(82):
        OpportunityFactory(created_by=user, title=f"Bulk {n:03d}")
    assert len(rb.get(f"{URL}?$top=500").json()["salesOpportunities"]) == 80
    assert rb.get(f"{URL}?$top=$max").json()["paging"]["size"] == 80


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("$top=0", "$top"),
        ("$top=-3", "$top"),
        ("$top=ten", "$top"),
        ("$skip=-1", "$skip"),
        ("$pageKey=garbage!", "$pageKey"),
        ("$inlinecount=some", "$inlinecount"),
        ("$orderby=Nope", "$orderby"),
        ("$orderby=Title sideways", "$orderby"),
        ("$orderby=Title,Probability,CreatedAt,Currency,Source", "$orderby"),
        ("$select=Title,Nope", "$select"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(rb, query, parameter):
    assert_error(rb.get(f"{URL}?{query}"), 400, 990004, parameter)


def test_orderby_several_fields_with_directions_and_nulls_last(rb, user):
    now = timezone.now()
    OpportunityFactory(created_by=user, title="B", bid_value=Decimal(5), expected_close_date=None)
    OpportunityFactory(created_by=user, title="A", bid_value=Decimal(5), expected_close_date=now)
    OpportunityFactory(
        created_by=user, title="C", bid_value=Decimal(9), expected_close_date=now + timedelta(1)
    )
    body = rb.get(f"{URL}?$orderby=Value.UnweightedAmount desc,Title").json()
    assert _titles(body) == ["C", "A", "B"]
    body = rb.get(f"{URL}?$orderby=expectedclosedate DESC").json()
    assert _titles(body) == ["C", "A", "B"]
    assert _titles(rb.get(f"{URL}?$orderby=ExpectedCloseDate").json()) == ["A", "C", "B"]


def test_select_keeps_the_named_fields_and_the_id(rb, user):
    opportunity = OpportunityFactory(created_by=user, title="Chosen", bid_value=Decimal(180000))
    query = "$select=Title,Value.UnweightedAmount,OpportunityStage.Name"
    item = rb.get(f"{URL}?{query}").json()["salesOpportunities"][0]
    assert item == {
        "salesOpportunityId": opportunity.pk + 100000,
        "title": "Chosen",
        "value": {"unweightedAmount": 180000},
        "opportunityStage": {"name": opportunity.stage.title},
    }
    whole = rb.get(f"{URL}?$select=Value").json()["salesOpportunities"][0]
    assert set(whole) == {"salesOpportunityId", "value"} and len(whole["value"]) == 5


def test_list_in_xml_has_rows_under_the_root_and_paging_last(rb, twelve):
    root = xml_of(rb.get(f"{URL}?$format=xml&$top=3&$inlinecount=allpages"))
    assert root.tag == "SalesOpportunities"
    assert [child.tag for child in root] == ["SalesOpportunity"] * 3 + ["Paging"]
    assert root.findtext("Paging/TotalCount") == "12"
    assert root.findtext("Paging/NextPageKey") == "cDoz"


def _fill(user, count):
    for n in range(count):
        contact = PersonFactory(created_by=user)
        OpportunityFactory(created_by=user, title=f"Q{n}", contact=contact, customer=contact)


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_costs_the_same_queries_whatever_its_size(
    rb, user, count, django_assert_num_queries
):
    _fill(user, count)
    query = "$top=80&$inlinecount=allpages&$filter=Title ne 'x' and Value.UnweightedAmount ge 0"
    # the token's user, the page's rows, the count
    with django_assert_num_queries(3):
        body = rb.get(f"{URL}?{query}").json()
    assert len(body["salesOpportunities"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_custom_fields_and_descriptions_cost_constant_queries(
    rb, user, count, django_assert_num_queries
):
    from opportunities.models import Opportunity
    from tests.factories import CustomFieldFactory, LeadSourceFactory, OpportunityStatusFactory

    CustomFieldFactory(label="Deal size")
    _fill(user, count)
    Opportunity.objects.update(source=LeadSourceFactory(), status=OpportunityStatusFactory())
    # the user, the definitions, the rows, their custom values, their sources, statuses and
    # currencies (for the descriptions)
    with django_assert_num_queries(7):
        body = rb.get(f"{URL}?$top=80&$showCustomFields=true&$showDomainDescriptions=true").json()
    assert len(body["salesOpportunities"]) == count


def test_orderby_on_computed_fields(rb, user):
    from tests.factories import CompanyFactory

    zed, acme = CompanyFactory(company_name="Zed AS"), CompanyFactory(company_name="Acme")
    OpportunityFactory(created_by=user, title="Z", customer=zed, bid_value=Decimal(10))
    OpportunityFactory(created_by=user, title="A", customer=acme, bid_value=Decimal(500))
    OpportunityFactory(created_by=user, title="N", customer=None, bid_value=Decimal(100))
    by_name = rb.get(f"{URL}?$orderby=Customer.Name desc").json()
    assert _titles(by_name) == ["Z", "A", "N"]  # nulls last in either direction
    by_weight = rb.get(f"{URL}?$orderby=Value.WeightedAmount desc,Title").json()
    assert _titles(by_weight) == ["A", "N", "Z"]
    assert _titles(rb.get(f"{URL}?$orderby=CustomerId").json())[-1] == "N"
