"""The database itself refuses impossible rows, whatever code path writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Contact
from core.models import Currency, EntityType, Tag
from opportunities.models import Opportunity, Stage
from tests.factories import (
    CompanyFactory,
    ContactCustomFieldValueFactory,
    CustomFieldFactory,
    ExchangeRateFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
    StageFactory,
    TagFactory,
    currency,
)

pytestmark = pytest.mark.django_db


def update_refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.parametrize("probability", [101, -1])
def test_opportunity_refused_when_probability_outside_0_100(opportunity, probability):
    update_refused(Opportunity.objects.filter(pk=opportunity.pk), success_probability=probability)


@pytest.mark.parametrize("probability", [0, 100])
def test_opportunity_saved_when_probability_at_the_bounds(opportunity, probability):
    Opportunity.objects.filter(pk=opportunity.pk).update(success_probability=probability)
    opportunity.refresh_from_db()
    assert opportunity.success_probability == probability


@pytest.mark.parametrize("field", ["bid_value", "one_time_revenue", "recurring_revenue"])
def test_opportunity_refused_when_amount_negative(opportunity, field):
    update_refused(Opportunity.objects.filter(pk=opportunity.pk), **{field: Decimal("-0.01")})


@pytest.mark.parametrize("field", ["contract_months", "per_period_value"])
def test_opportunity_refused_when_count_negative(opportunity, field):
    update_refused(Opportunity.objects.filter(pk=opportunity.pk), **{field: -1})


def test_opportunity_refused_when_title_empty(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityFactory(title="", created_by=user)
    assert Opportunity.objects.count() == 0


def test_opportunity_refused_when_bid_type_unknown(opportunity):
    update_refused(Opportunity.objects.filter(pk=opportunity.pk), bid_type=6)


def test_stage_refused_when_probability_above_100():
    with pytest.raises(IntegrityError), transaction.atomic():
        StageFactory(success_probability=101)


def test_stage_refused_when_title_empty():
    before = Stage.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        StageFactory(title="")
    assert Stage.objects.count() == before


def test_currency_refused_when_second_base_currency():
    assert Currency.objects.filter(is_basic=True).count() == 1
    update_refused(Currency.objects.filter(pk="EUR"), is_basic=True)
    assert not currency("EUR").is_basic


def test_currency_refused_when_code_not_three_capitals():
    with pytest.raises(IntegrityError), transaction.atomic():
        Currency.objects.create(abbreviation="eu", title="Lower")


def test_exchange_rate_refused_when_not_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRateFactory(rate=Decimal("0"))


def test_exchange_rate_refused_when_currency_pair_is_one_currency():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRateFactory(from_currency=currency("EUR"), to_currency=currency("EUR"))


def test_person_refused_when_no_first_or_last_name(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(first_name="", last_name="", created_by=user)
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(("first_name", "last_name"), [("Ann", ""), ("", "Lee")])
def test_person_saved_when_one_name_given(user, first_name, last_name):
    person = PersonFactory(first_name=first_name, last_name=last_name, created_by=user)
    assert person.pk is not None


def test_company_refused_when_company_name_empty(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(company_name="", created_by=user)


def test_company_refused_when_it_belongs_to_a_company(company, user):
    other = CompanyFactory(created_by=user)
    update_refused(Contact.objects.filter(pk=other.pk), company=company)


def test_tag_refused_when_title_differs_only_in_case():
    TagFactory(entity_type=EntityType.OPPORTUNITY, title="VIP")
    with pytest.raises(IntegrityError), transaction.atomic():
        TagFactory(entity_type=EntityType.OPPORTUNITY, title="vip")
    assert Tag.objects.filter(title__iexact="vip").count() == 1


def test_tag_saved_when_same_title_for_another_entity_type():
    TagFactory(entity_type=EntityType.OPPORTUNITY, title="VIP")
    TagFactory(entity_type=EntityType.CONTACT, title="vip")
    assert Tag.objects.filter(title__iexact="vip").count() == 2


def test_tag_refused_when_title_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        TagFactory(title="")


def test_custom_field_refused_when_label_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomFieldFactory(label="")


def test_opportunity_custom_field_value_refused_when_empty(opportunity):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityCustomFieldValueFactory(opportunity=opportunity, value="")


def test_opportunity_custom_field_value_refused_when_field_set_twice(opportunity):
    value = OpportunityCustomFieldValueFactory(opportunity=opportunity)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityCustomFieldValueFactory(opportunity=opportunity, field=value.field)


def test_contact_custom_field_value_refused_when_empty(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactCustomFieldValueFactory(contact=person, value="")
