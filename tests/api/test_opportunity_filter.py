"""GET and DELETE opportunity/filter: each criterion, paging, sorting, `total`, visibility and
a constant number of queries per page."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Currency
from opportunities.models import Opportunity
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity/filter"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [o["id"] for o in response.json()["response"]]


def when(day: int) -> datetime:
    return datetime(2024, 5, day, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(client_for, user):
    return client_for(user)


def test_filter_lists_public_and_own_but_not_others_private_opportunities(
    client_for, user, other_user, opportunity, private_opportunity
):
    others_secret = OpportunityFactory(created_by=other_user, access_list=[other_user])

    assert set(ids(client_for(user).get(URL))) == {opportunity.pk, private_opportunity.pk}
    assert set(ids(client_for(other_user).get(URL))) == {opportunity.pk, others_secret.pk}


def test_filter_shows_every_opportunity_when_the_caller_is_admin(
    client_for, admin_user, opportunity, private_opportunity
):
    assert set(ids(client_for(admin_user).get(URL))) == {opportunity.pk, private_opportunity.pk}


def test_filter_by_responsible_guid(client, user, other_user):
    mine = OpportunityFactory(created_by=user)
    OpportunityFactory(created_by=other_user)

    assert ids(client.get(URL, {"responsibleid": str(user.uuid)})) == [mine.pk]


def test_filter_by_stage_id(client, user):
    proposal = default_stage("Proposal")
    match = OpportunityFactory(created_by=user, stage=proposal)
    OpportunityFactory(created_by=user)

    assert ids(client.get(URL, {"opportunityStagesid": proposal.pk})) == [match.pk]


@pytest.mark.parametrize("value", ["ClosedAndWon", "closedandwon", "1"])
def test_filter_by_stage_type_by_name_or_number(client, user, value):
    won = OpportunityFactory(created_by=user, stage=default_stage("Closure/Transaction"))
    OpportunityFactory(created_by=user)

    assert ids(client.get(URL, {"stageType": value})) == [won.pk]


def test_filter_by_stage_type_returns_400_when_the_name_is_unknown(client):
    response = client.get(URL, {"stageType": "Sideways"})

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "stageType"


def test_filter_by_tags_requires_all_tags_case_insensitively(client, user):
    hot, big = TagFactory(title="Hot"), TagFactory(title="Big")
    both = OpportunityFactory(created_by=user, tags=[hot, big])
    OpportunityFactory(created_by=user, tags=[hot])

    assert ids(client.get(URL + "?tags=hot&tags=%20BIG%20")) == [both.pk]
    assert ids(client.get(URL + "?tags[]=hot&tags[]=big")) == [both.pk]
    assert ids(client.get(URL, {"tags": '["hot", "big"]'})) == [both.pk]


def test_filter_by_contact_matches_the_primary_contact_only(client, user):
    contact = PersonFactory(created_by=user)
    primary = OpportunityFactory(created_by=user, contact=contact)
    OpportunityFactory(created_by=user, members=[contact])

    assert ids(client.get(URL, {"contactid": contact.pk})) == [primary.pk]


def test_filter_by_contact_also_matches_members_when_contact_also_is_participant(client, user):
    contact = PersonFactory(created_by=user)
    primary = OpportunityFactory(created_by=user, contact=contact, title="A")
    member = OpportunityFactory(created_by=user, members=[contact], title="B")
    OpportunityFactory(created_by=user, title="C")

    response = client.get(
        URL, {"contactid": contact.pk, "contactAlsoIsParticipant": "true", "sortBy": "title"}
    )

    assert ids(response) == [primary.pk, member.pk]


def test_filter_by_close_dates_uses_expected_for_open_and_actual_for_closed(client, user):
    won = default_stage("Closure/Transaction")
    open_inside = OpportunityFactory(created_by=user, expected_close_date=when(10))
    OpportunityFactory(created_by=user, expected_close_date=when(20))
    closed_inside = OpportunityFactory(
        created_by=user, stage=won, actual_close_date=when(12), expected_close_date=when(25)
    )
    OpportunityFactory(
        created_by=user, stage=won, actual_close_date=when(25), expected_close_date=when(12)
    )

    response = client.get(URL, {"fromDate": "2024-05-09", "toDate": "2024-05-15T00:00:00Z"})

    assert set(ids(response)) == {open_inside.pk, closed_inside.pk}


def test_filter_by_a_bad_date_returns_400_naming_it(client):
    response = client.get(URL, {"fromDate": "soon-ish", "toDate": "2024-05-15"})

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "fromDate"


def test_filter_value_matches_word_starts_in_title_or_description(client, user):
    title_hit = OpportunityFactory(created_by=user, title="Hotel catalogue")
    description_hit = OpportunityFactory(
        created_by=user, title="Other", description="for the big hotel chain"
    )
    OpportunityFactory(created_by=user, title="Photel")  # "hotel" inside a word

    assert set(ids(client.get(URL, {"filterValue": "hot"}))) == {title_hit.pk, description_hit.pk}
    assert ids(client.get(URL, {"filterValue": "hotel cat"})) == [title_hit.pk]


@pytest.mark.parametrize(
    ("sort_by", "expected"),
    [
        ("title", ["Alpha", "beta", "Gamma"]),
        ("TITLE", ["Alpha", "beta", "Gamma"]),
        ("0", ["Alpha", "beta", "Gamma"]),
        ("bidvalue", ["beta", "Gamma", "Alpha"]),
        ("3", ["beta", "Gamma", "Alpha"]),
        ("stage", ["Gamma", "Alpha", "beta"]),
        ("dateandtime", ["Alpha", "Gamma", "beta"]),
        ("responsible", ["Gamma", "beta", "Alpha"]),
        ("id", ["Alpha", "beta", "Gamma"]),
        ("nonsense", ["Gamma", "Alpha", "beta"]),  # unknown: the default (stage) order
    ],
)
def test_filter_sorts_by_each_key(client, user, sort_by, expected):
    zed, mid = UserFactory(first_name="Zed"), UserFactory(first_name="Mia")
    aaron = UserFactory(first_name="Aaron")
    OpportunityFactory(
        created_by=user,
        responsible=zed,
        title="Alpha",
        bid_value=Decimal("300"),
        stage=default_stage("Suspect"),
        expected_close_date=when(1),
    )
    OpportunityFactory(
        created_by=user,
        responsible=mid,
        title="beta",
        bid_value=Decimal("100"),
        stage=default_stage("Proposal"),
        expected_close_date=None,
    )
    OpportunityFactory(
        created_by=user,
        responsible=aaron,
        title="Gamma",
        bid_value=Decimal("200"),
        stage=default_stage("Initial contact"),
        expected_close_date=when(3),
    )

    ascending = client.get(URL, {"sortBy": sort_by})
    descending = client.get(URL, {"sortBy": sort_by, "sortOrder": "descending"})

    assert [o["title"] for o in ascending.json()["response"]] == expected
    if sort_by not in ("dateandtime",):  # NULLs stay last either way
        assert [o["title"] for o in descending.json()["response"]] == expected[::-1]


def test_filter_pages_with_start_index_count_next_index_and_total(client, user):
    created = [OpportunityFactory(created_by=user, title=f"Deal {i:02d}") for i in range(7)]
    by_title = [o.pk for o in created]

    first = client.get(URL, {"sortBy": "title", "count": 3}).json()
    second = client.get(URL, {"sortBy": "title", "count": 3, "startIndex": 3}).json()
    last = client.get(URL, {"sortBy": "title", "count": 3, "startIndex": 6}).json()

    assert [o["id"] for o in first["response"]] == by_title[:3]
    assert first["count"] == 3 and first["total"] == 7 and first["nextIndex"] == 4
    assert "startIndex" not in first
    assert [o["id"] for o in second["response"]] == by_title[3:6]
    assert second["startIndex"] == 3 and second["nextIndex"] == 7 and second["total"] == 7
    assert [o["id"] for o in last["response"]] == by_title[6:]
    assert "nextIndex" not in last and last["total"] == 7


def test_filter_total_counts_matches_not_the_page(client, user):
    OpportunityFactory.create_batch(4, created_by=user, title="Match")
    OpportunityFactory(created_by=user, title="Other")

    body = client.get(URL, {"filterValue": "match", "count": 2}).json()

    assert body["count"] == 2 and body["total"] == 4


def test_filter_total_is_zero_and_count_absent_when_nothing_matches(client):
    body = client.get(URL).json()

    assert body["response"] == [] and body["total"] == 0 and "count" not in body


def test_filter_returns_400_when_start_index_is_negative(client):
    assert client.get(URL, {"startIndex": -1}).status_code == 400


def test_filter_returns_401_when_unauthenticated(api_client, opportunity):
    assert api_client.get(URL).status_code == 401


def test_filter_lists_access_list_of_private_and_empty_list_of_public(
    client, user, opportunity, private_opportunity
):
    shapes = {o["id"]: o for o in client.get(URL).json()["response"]}

    assert shapes[opportunity.pk]["accessList"] == []
    assert [e["id"] for e in shapes[private_opportunity.pk]["accessList"]] == [str(user.uuid)]


# -- DELETE opportunity/filter -------------------------------------------------------------------


def test_filter_delete_deletes_only_visible_matches_and_returns_them(client_for, user, other_user):
    hot = TagFactory(title="hot")
    visible = OpportunityFactory(created_by=user, tags=[hot])
    hidden = OpportunityFactory(created_by=other_user, tags=[hot], access_list=[other_user])
    untagged = OpportunityFactory(created_by=user)

    response = client_for(user).delete(URL + "?tags=hot")

    assert ids(response) == [visible.pk]
    assert set(Opportunity.objects.values_list("pk", flat=True)) == {hidden.pk, untagged.pk}


def test_filter_delete_without_criteria_deletes_everything_the_caller_can_see(
    client_for, other_user, opportunity, private_opportunity
):
    response = client_for(other_user).delete(URL)

    assert ids(response) == [opportunity.pk]
    assert list(Opportunity.objects.values_list("pk", flat=True)) == [private_opportunity.pk]


# -- query counts --------------------------------------------------------------------------------

# The caller, the count, the page, then prefetches: members, their currencies, tags, custom
# values, the access list, access rows of members, contact and customer; the Headings.
PAGE_QUERIES = 9


def make_rich_opportunities(count: int, *, user, other_user) -> None:
    """Opportunities with members (one private contact), custom values, tags, and private ones
    with access lists: everything the wrapper renders."""
    heading = CustomFieldFactory(label="Heading", field_type=4)
    field = CustomFieldFactory(label="Region")
    tag = TagFactory(title="t")
    eur = Currency.objects.get(pk="EUR")
    for index in range(count):
        contact = PersonFactory(created_by=user, currency=eur)
        secret = PersonFactory(created_by=user, currency=eur, access_list=[user, other_user])
        customer = CompanyFactory(created_by=user, access_list=[user, other_user])
        kwargs = {"access_list": [user, other_user]} if index % 3 == 0 else {}
        opportunity = OpportunityFactory(
            created_by=user,
            responsible=other_user if index % 2 else user,
            contact=contact,
            customer=customer,
            members=[contact, secret],
            tags=[tag],
            **kwargs,
        )
        OpportunityCustomFieldValueFactory(opportunity=opportunity, field=field, value="v")
    assert heading.pk


def count_queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("size", [3, 40])
def test_filter_renders_a_page_in_a_fixed_number_of_queries(
    client_for, user, other_user, size, django_assert_num_queries
):
    make_rich_opportunities(size, user=user, other_user=other_user)
    client = client_for(other_user)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL)

    body = response.json()
    assert body["total"] == size and len(body["response"]) == size
    first = body["response"][0]
    assert len(first["members"]) == 2 and len(first["customFields"]) == 2
    assert first["customer"]["accessList"] and first["contact"]["currency"]["abbreviation"] == "EUR"


def test_filter_query_count_is_the_same_for_3_and_40_opportunities(client_for, user, other_user):
    make_rich_opportunities(3, user=user, other_user=other_user)
    client = client_for(other_user)
    small, _ = count_queries(client, URL)
    for _ in range(37):
        OpportunityFactory(created_by=user, access_list=[user, other_user])

    large, body = count_queries(client, URL)

    assert body["total"] == 40
    assert small == large


def test_filter_renders_1000_opportunities_in_a_fixed_number_of_queries(
    client_for, user, django_assert_max_num_queries
):
    stage = default_stage("Proposal")
    Opportunity.objects.bulk_create(
        Opportunity(
            title=f"Bulk {i:04d}",
            created_by=user,
            responsible=user,
            owner=user,
            stage=stage,
            bid_currency_id="USD",
            bid_value=Decimal(i),
        )
        for i in range(1001)
    )

    with django_assert_max_num_queries(PAGE_QUERIES):
        body = client_for(user).get(URL, {"count": 1000}).json()

    assert body["count"] == 1000 and body["total"] == 1001 and body["nextIndex"] == 1001
