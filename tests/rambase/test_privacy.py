"""What a caller may not see does not exist for them (contract §7): a private opportunity is a
404 with RamBase's error body on every route, never listed or counted, and nothing changes;
a contact or customer the caller may not read is shown as an empty reference and cannot be
filtered on."""

import pytest

from opportunities.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory
from tests.rambase.conftest import assert_error

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


@pytest.fixture
def secret(private_opportunity):
    return private_opportunity


def _url(opportunity) -> str:
    return f"{URL}/{opportunity.pk + 100000}"


def test_a_stranger_gets_404_on_read_update_and_delete_and_nothing_changes(rb_other, secret):
    version = secret.version
    assert_error(rb_other.get(_url(secret)), 404, 990012)
    assert_error(rb_other.send_json("put", _url(secret), {"title": "Mine now"}), 404, 990012)
    assert_error(rb_other.delete(_url(secret)), 404, 990012)
    secret.refresh_from_db()
    assert secret.title == "Secret deal" and secret.version == version
    assert Opportunity.objects.filter(pk=secret.pk).exists()  # not in the trash


def test_a_stranger_gets_404_in_xml_too(rb_other, secret):
    response = rb_other.get(f"{_url(secret)}?$format=xml")
    assert response.status_code == 404
    assert b"<ErrorMessageId>990012</ErrorMessageId>" in response.content


def test_lists_neither_show_nor_count_hidden_rows(rb, rb_other, secret, user):
    OpportunityFactory(created_by=user, title="Open deal")
    body = rb_other.get(f"{URL}?$inlinecount=allpages").json()
    assert [item["title"] for item in body["salesOpportunities"]] == ["Open deal"]
    assert body["paging"]["totalCount"] == 1
    filtered = rb_other.get(f"{URL}?$filter=Title eq 'Secret deal'&$inlinecount=allpages").json()
    assert filtered["salesOpportunities"] == [] and filtered["paging"]["totalCount"] == 0
    assert rb.get(f"{URL}?$inlinecount=allpages").json()["paging"]["totalCount"] == 2


def test_the_owner_and_the_access_list_see_it(rb, rambase_for, other_user, user):
    secret = OpportunityFactory(created_by=user, title="Shared", access_list=[user, other_user])
    assert rb.get(_url(secret)).status_code == 200
    assert rambase_for(other_user).get(_url(secret)).status_code == 200


def test_a_hidden_customer_is_an_empty_reference_and_cannot_be_filtered_on(
    rb_other, user, other_user
):
    hidden = CompanyFactory(company_name="Hidden Co", created_by=user, access_list=[user])
    OpportunityFactory(created_by=other_user, customer=hidden, title="Public with hidden")
    item = rb_other.get(URL).json()["salesOpportunities"][0]
    assert item["customer"] == {
        "customerId": None,
        "name": None,
        "firstName": None,
        "salesDistrict": None,
        "marketSegment": None,
        "customerLink": None,
    }
    by_name = rb_other.get(f"{URL}?$filter=Customer.Name eq 'Hidden Co'").json()
    assert by_name["salesOpportunities"] == []
    by_id = rb_other.get(f"{URL}?$filter=CustomerId eq {hidden.pk + 10000}").json()
    assert by_id["salesOpportunities"] == []
    assert len(rb_other.get(f"{URL}?$filter=CustomerId eq null").json()["salesOpportunities"]) == 1


def test_a_stranger_updating_without_the_hidden_customer_keeps_it(rb_other, user, other_user):
    hidden = CompanyFactory(company_name="Hidden Co", created_by=user, access_list=[user])
    opportunity = OpportunityFactory(created_by=other_user, customer=hidden)
    response = rb_other.send_json("put", _url(opportunity), {"customer": None})
    assert response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.customer == hidden


def test_guests_are_refused(guest, rambase_for, opportunity):
    assert_error(rambase_for(guest).get(URL), 403, 990011)
    assert_error(rambase_for(guest).get(_url(opportunity)), 403, 990011)
