"""$showCustomFields (read and write, validated by the definitions), $showDomainDescriptions
and the accepted-and-ignored parameters (contract §3, §9, §10)."""

import json

import pytest

from core.models import FieldType
from opportunities.models import OpportunityCustomFieldValue
from tests.factories import (
    CustomFieldFactory,
    LeadSourceFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
)
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


@pytest.fixture
def definitions(db):
    return {
        "size": CustomFieldFactory(
            label="Deal size class",
            field_type=FieldType.SELECT_BOX,
            mask=json.dumps(["S", "M", "L"]),
            position=1,
        ),
        "heading": CustomFieldFactory(label="Section", field_type=FieldType.HEADING, position=2),
        "signed": CustomFieldFactory(label="Signed?", field_type=FieldType.CHECK_BOX, position=3),
        "due": CustomFieldFactory(label="Go-live date", field_type=FieldType.DATE, position=4),
        "note": CustomFieldFactory(
            label="Kundens språk", field_type=FieldType.TEXT_FIELD, mask='{"size": 5}', position=5
        ),
        "digits": CustomFieldFactory(label="2026 plan", position=6),
        "twin_a": CustomFieldFactory(label="Region", position=7),
        "twin_b": CustomFieldFactory(label="region!", position=8),
    }


def _url(opportunity, query="") -> str:
    return f"{URL}/{opportunity.pk + 100000}{query}"


def test_custom_fields_are_shown_last_by_name_in_position_order(rb, user, definitions):
    opportunity = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(
        opportunity=opportunity, field=definitions["size"], value="M"
    )
    OpportunityCustomFieldValueFactory(
        opportunity=opportunity, field=definitions["signed"], value="true"
    )
    shape = rb.get(_url(opportunity, "?$showCustomFields=TRUE")).json()["salesOpportunity"]
    assert list(shape)[-1] == "customFields"
    assert shape["customFields"] == {
        "dealSizeClass": "M",
        "signed": True,
        "goLiveDate": None,
        "kundensSprak": None,
        f"customField{definitions['digits'].pk}": None,
        f"customField{definitions['twin_a'].pk}": None,
        f"customField{definitions['twin_b'].pk}": None,
    }
    assert "customFields" not in rb.get(_url(opportunity)).json()["salesOpportunity"]
    root = xml_of(rb.get(_url(opportunity, "?$showCustomFields=true&$format=xml")))
    assert root[-1].tag == "CustomFields"
    assert root.findtext("CustomFields/DealSizeClass") == "M"
    assert root.findtext("CustomFields/Signed") == "true"


def test_custom_fields_are_written_in_json_by_name_in_any_case(rb, user, definitions):
    response = rb.send_json(
        "post",
        f"{URL}?$showCustomFields=true",
        {
            "title": "T",
            "customFields": {"DEALSIZECLASS": "L", "signed": True, "goLiveDate": "2026-05-01"},
        },
    )
    assert response.status_code == 201, response.content
    fields = response.json()["salesOpportunity"]["customFields"]
    assert fields["dealSizeClass"] == "L" and fields["signed"] is True
    assert fields["goLiveDate"] == "2026-05-01"


def test_custom_fields_are_written_in_xml_and_null_clears(rb, user, definitions):
    opportunity = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(
        opportunity=opportunity, field=definitions["size"], value="S"
    )
    text = (
        "<SalesOpportunity><CustomFields><DealSizeClass/><Signed>no</Signed>"
        "</CustomFields></SalesOpportunity>"
    )
    response = rb.send_xml("put", _url(opportunity), text)
    assert response.status_code == 200, response.content
    values = dict(
        OpportunityCustomFieldValue.objects.filter(opportunity=opportunity).values_list(
            "field__label", "value"
        )
    )
    assert values == {"Signed?": "false"}


@pytest.mark.parametrize(
    ("fields", "error_id", "parameter"),
    [
        ({"Nope": "x"}, 990002, "CustomFields.nope"),
        ({"Section": "x"}, 990002, "CustomFields.section"),  # headings are not listed
        ({"DealSizeClass": "XL"}, 990001, "CustomFields.DealSizeClass"),
        ({"Signed": "maybe"}, 990001, "CustomFields.Signed"),
        ({"GoLiveDate": "someday"}, 990001, "CustomFields.GoLiveDate"),
        ({"KundensSprak": "toolong"}, 990001, "CustomFields.KundensSprak"),
        ({"DealSizeClass": {"a": 1}}, 990001, "CustomFields.dealsizeclass"),
    ],
)
def test_refused_custom_field_values_change_nothing(
    rb, user, definitions, fields, error_id, parameter
):
    opportunity = OpportunityFactory(created_by=user)
    response = rb.send_json("put", _url(opportunity), {"customFields": fields})
    assert_error(response, 400, error_id, parameter)
    assert not OpportunityCustomFieldValue.objects.filter(opportunity=opportunity).exists()


def test_custom_fields_are_shared_with_onlyoffice(rb, client_for_onlyoffice, user, definitions):
    opportunity = OpportunityFactory(created_by=user)
    rb.send_json("put", _url(opportunity), {"customFields": {"DealSizeClass": "M"}})
    wire = client_for_onlyoffice(user).get(f"/api/2.0/crm/opportunity/{opportunity.pk}")
    fields = wire.json()["response"]["customFields"]
    values = {field["label"]: field["fieldValue"] for field in fields}
    assert values["Deal size class"] == "M"


@pytest.fixture
def client_for_onlyoffice(db):
    from rest_framework.test import APIClient

    from accounts.api.authentication import token_issue

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
        return client

    return make


def test_domain_descriptions_follow_each_coded_field(rb, user, base_currency):
    source, status = LeadSourceFactory(title="Web zz"), OpportunityStatusFactory(title="Hot zz")
    opportunity = OpportunityFactory(created_by=user, source=source, status=status)
    shape = rb.get(_url(opportunity, "?$showDomainDescriptions=true")).json()["salesOpportunity"]
    keys = list(shape)
    assert keys[keys.index("status") + 1] == "statusDescription"
    assert keys[keys.index("source") + 1] == "sourceDescription"
    assert keys[keys.index("currency") + 1] == "currencyDescription"
    assert shape["statusDescription"] == "Hot zz" and shape["sourceDescription"] == "Web zz"
    assert shape["currencyDescription"] == base_currency.title
    assert shape["status"] == status.pk  # the code keeps its type
    assert shape["customer"]["salesDistrictDescription"] is None
    assert shape["customer"]["marketSegmentDescription"] is None
    root = xml_of(rb.get(_url(opportunity, "?$showDomainDescriptions=true&$format=xml")))
    assert root.findtext("SourceDescription") == "Web zz"
    plain = rb.get(_url(opportunity)).json()["salesOpportunity"]
    assert "statusDescription" not in plain


def test_lang_db_expand_and_minimum_version_are_accepted(rb, user):
    opportunity = OpportunityFactory(created_by=user)
    query = "?$lang=nor&$db=ACME&$useMinimumVersion=2&$expand=Value"
    assert rb.get(_url(opportunity, query)).status_code == 200
    assert rb.get(f"{URL}{query}").status_code == 200
