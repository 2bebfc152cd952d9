"""GET contact/{contactid} and GET contact/filter."""

import pytest

from contacts.api.docs_serializers import CompanySerializer, PersonSerializer
from core.models import EntityType, FieldType, Tag
from tests.factories import (
    CompanyFactory,
    ContactCustomFieldValueFactory,
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
)

CONTACT = "/api/2.0/crm/contact"
FILTER = "/api/2.0/crm/contact/filter"


def _tag(title):
    return Tag.objects.create(entity_type=EntityType.CONTACT, title=title)


def test_person_returned_when_visible(user_client, user, person, company):
    person.company = company
    person.email = "paula@example.com"
    person.save()

    response = user_client.get(f"{CONTACT}/{person.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    shape = body["response"]
    assert set(shape) == set(PersonSerializer().fields)
    assert shape["id"] == person.pk
    assert shape["firstName"] == "Paula" and shape["lastName"] == "Person"
    assert shape["company"]["id"] == company.pk
    assert shape["canEdit"] is True and shape["canDelete"] is True
    assert shape["commonData"][0]["data"] == "paula@example.com"
    assert shape["created"].endswith("Z")


def test_company_returned_with_its_visible_people_when_single(
    user_client, user, other_user, company
):
    visible = PersonFactory(created_by=user, company=company, last_name="Visible")
    PersonFactory(created_by=other_user, company=company, access_list=[other_user])

    shape = user_client.get(f"{CONTACT}/{company.pk}.json").json()["response"]

    assert set(shape) == set(CompanySerializer().fields)
    assert shape["companyName"] == "Acme Corp"
    # a person hidden from the caller is not counted either (issue 8, point 10)
    assert shape["personsCount"] == 1
    assert [p["id"] for p in shape["persons"]] == [visible.pk]


def test_company_of_person_hidden_when_caller_may_not_read_it(other_client, other_user, user):
    secret = CompanyFactory(created_by=user, access_list=[user])
    person = PersonFactory(created_by=other_user, company=secret)

    shape = other_client.get(f"{CONTACT}/{person.pk}").json()["response"]

    assert shape["company"] is None


def test_custom_fields_listed_with_headings_when_contact_has_values(user_client, person):
    heading = CustomFieldFactory(
        entity_type=EntityType.CONTACT, field_type=FieldType.HEADING, label="Extra", position=1
    )
    value = ContactCustomFieldValueFactory(
        contact=person,
        field=CustomFieldFactory(entity_type=EntityType.PERSON, position=2),
        value="blue",
    )
    CustomFieldFactory(entity_type=EntityType.COMPANY, field_type=FieldType.HEADING)

    shape = user_client.get(f"{CONTACT}/{person.pk}").json()["response"]

    assert [(f["id"], f["fieldValue"]) for f in shape["customFields"]] == [
        (heading.pk, None),
        (value.field.pk, "blue"),
    ]


def test_contact_not_found_when_private_to_someone_else(other_client, user):
    secret = PersonFactory(created_by=user, access_list=[user])

    response = other_client.get(f"{CONTACT}/{secret.pk}")

    assert response.status_code == 404
    assert response.json()["status"] == 1


def test_contact_returned_when_caller_is_on_access_list(other_client, user, other_user):
    shared = PersonFactory(created_by=user, access_list=[user, other_user])

    assert other_client.get(f"{CONTACT}/{shared.pk}").status_code == 200


def test_contact_returned_to_admin_when_private(admin_client, user):
    secret = PersonFactory(created_by=user, access_list=[user])

    assert admin_client.get(f"{CONTACT}/{secret.pk}").status_code == 200


def test_contact_not_found_when_id_unknown(user_client, db):
    assert user_client.get(f"{CONTACT}/999999").status_code == 404


def test_contact_refused_with_400_when_id_is_zero(user_client, db):
    response = user_client.get(f"{CONTACT}/0")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": "contactid"}


def test_contact_refused_with_401_when_not_signed_in(api_client, person):
    assert api_client.get(f"{CONTACT}/{person.pk}").status_code == 401


def test_contact_returned_as_xml_when_suffix_is_xml(user_client, person):
    response = user_client.get(f"{CONTACT}/{person.pk}.xml")

    assert response.status_code == 200
    assert b"<firstName>Paula</firstName>" in response.content


# -- filter ------------------------------------------------------------------------------------


def test_filter_lists_only_visible_contacts_when_signed_in(other_client, user, other_user):
    public = PersonFactory(created_by=user, first_name="Ann", last_name="Public")
    mine = PersonFactory(
        created_by=other_user, first_name="Bea", last_name="Mine", access_list=[other_user]
    )
    PersonFactory(created_by=user, access_list=[user])

    body = other_client.get(FILTER).json()

    assert body["total"] == 2
    assert [c["id"] for c in body["response"]] == [public.pk, mine.pk]


def test_filter_searches_names_and_email_when_filter_value_given(user_client, user):
    match = PersonFactory(created_by=user, first_name="Zed", last_name="Quinn")
    by_mail = PersonFactory(created_by=user, first_name="Al", email="quinnfan@example.com")
    company = CompanyFactory(created_by=user, company_name="Quinn Holdings")
    PersonFactory(created_by=user, first_name="Other", last_name="Name", email="o@example.com")

    body = user_client.get(FILTER, {"filterValue": "quinn"}).json()

    assert {c["id"] for c in body["response"]} == {match.pk, by_mail.pk, company.pk}
    assert body["total"] == 3


@pytest.mark.parametrize(
    "query, expect_company",
    [
        ({"contactListView": "company"}, True),
        ({"contactListView": "1"}, True),
        ({"contactListView": "Person"}, False),
        ({"isCompany": "true"}, True),
        ({"isCompany": "false"}, False),
    ],
)
def test_filter_keeps_one_kind_when_list_view_or_is_company_given(
    user_client, person, company, query, expect_company
):
    body = user_client.get(FILTER, query).json()

    assert [c["id"] for c in body["response"]] == [company.pk if expect_company else person.pk]
    assert body["response"][0]["isCompany"] is expect_company


def test_filter_keeps_contacts_with_opportunities_when_list_view_is_withopportunity(
    user_client, user, person, company
):
    OpportunityFactory(created_by=user, contact=company)
    member = PersonFactory(created_by=user)
    OpportunityFactory(created_by=user, members=[member])

    body = user_client.get(FILTER, {"contactListView": "withopportunity"}).json()

    assert {c["id"] for c in body["response"]} == {company.pk, member.pk}


def test_filter_keeps_contacts_having_every_tag_when_tags_given(user_client, user):
    hot, big = _tag("Hot"), _tag("Big")
    both = PersonFactory(created_by=user)
    both.tags.set([hot, big])
    only_hot = PersonFactory(created_by=user)
    only_hot.tags.set([hot])

    body = user_client.get(f"{FILTER}?tags=hot&tags=BIG").json()

    assert [c["id"] for c in body["response"]] == [both.pk]
    assert body["response"][0]["tags"] == ["Big", "Hot"]


def test_filter_sorts_by_display_name_when_no_sort_given(user_client, user):
    PersonFactory(created_by=user, first_name="Carl", last_name="Zeta")
    CompanyFactory(created_by=user, company_name="beta ltd")
    PersonFactory(created_by=user, first_name="Anna", last_name="Young")

    names = [c["displayName"] for c in user_client.get(FILTER).json()["response"]]

    assert names == ["Anna Young", "beta ltd", "Carl Zeta"]


def test_filter_sorts_by_created_descending_when_asked(user_client, user):
    first = PersonFactory(created_by=user)
    second = PersonFactory(created_by=user)

    body = user_client.get(FILTER, {"sortBy": "created", "sortOrder": "descending"}).json()

    assert [c["id"] for c in body["response"]] == [second.pk, first.pk]


def test_filter_pages_when_start_index_and_count_given(user_client, user):
    PersonFactory.create_batch(5, created_by=user)

    body = user_client.get(FILTER, {"startIndex": 1, "count": 2}).json()

    assert body["count"] == 2
    assert body["startIndex"] == 1
    assert body["nextIndex"] == 4
    assert body["total"] == 5
    assert all(c["persons"] is None for c in body["response"] if c["isCompany"])


def test_filter_returns_empty_list_when_nothing_matches(user_client, person):
    body = user_client.get(FILTER, {"filterValue": "nothing-like-this"}).json()

    assert body["response"] == []
    assert body["total"] == 0
    assert "count" not in body


@pytest.mark.parametrize(
    "query, field",
    [
        ({"sortBy": "colour"}, "sortBy"),
        ({"contactListView": "vip"}, "contactListView"),
        ({"count": "x"}, "count"),
        ({"isCompany": "maybe"}, "isCompany"),
    ],
)
def test_filter_refused_with_400_when_a_parameter_is_invalid(user_client, db, query, field):
    response = user_client.get(FILTER, query)

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": field}


def test_filter_refused_with_401_when_not_signed_in(api_client, db):
    assert api_client.get(FILTER).status_code == 401


@pytest.mark.parametrize("size", [3, 30])
def test_filter_costs_constant_queries_when_contacts_grow(
    user_client, user, other_user, django_assert_max_num_queries, size
):
    hot = _tag("hot")
    field = CustomFieldFactory(entity_type=EntityType.CONTACT)
    for index in range(size):
        company = CompanyFactory(created_by=user, access_list=[user, other_user])
        person = PersonFactory(
            created_by=other_user,
            company=company,
            currency_id="EUR",
            access_list=[other_user, user] if index % 2 else None,
        )
        person.tags.set([hot])
        ContactCustomFieldValueFactory(contact=person, field=field, value="v")

    # token user, page, access rows, company access rows, tags, custom values, headings, total
    with django_assert_max_num_queries(9):
        response = user_client.get(FILTER, {"count": 1000})

    assert response.json()["count"] == size * 2


def test_single_company_costs_constant_queries_when_people_grow(
    user_client, user, company, django_assert_max_num_queries
):
    PersonFactory.create_batch(20, created_by=user, company=company)

    with django_assert_max_num_queries(10):
        response = user_client.get(f"{CONTACT}/{company.pk}")

    assert len(response.json()["response"]["persons"]) == 20
