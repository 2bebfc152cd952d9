from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact, ContactCustomFieldValue
from core.models import Currency, CustomFieldDefinition, EntityType, ExchangeRate, FieldType, Tag
from opportunities.models import (
    LeadSource,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityStatus,
    Stage,
    StageChange,
    StageType,
)

DEFAULT_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    job_title = "Account executive"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


def currency(code: str = "USD") -> Currency:
    """Currencies come from the ISO migration; tests look them up rather than create them."""
    return Currency.objects.get(pk=code)


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    from_currency = factory.LazyFunction(lambda: currency("EUR"))
    to_currency = factory.LazyFunction(lambda: Currency.objects.get(is_basic=True))
    rate = Decimal("1.10")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    title = factory.Sequence(lambda n: f"Stage {n}")
    color = "#cccccc"
    sort_order = factory.Sequence(lambda n: 100 + n)
    success_probability = 10
    stage_type = StageType.OPEN


def default_stage(title: str) -> Stage:
    """One of ONLYOFFICE's nine default stages, created by the migration."""
    return Stage.objects.get(title=title)


class ContactFactory(factory.django.DjangoModelFactory):
    """Base of PersonFactory and CompanyFactory."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def access_list(obj, create, extracted, **kwargs):
        """`access_list=[users]` makes the contact private with exactly those users."""
        if create and extracted is not None:
            from contacts.models import ContactUserObjectPermission
            from core.access import replace_access_list

            obj.is_private = True
            obj.save(update_fields=["is_private"])
            replace_access_list(ContactUserObjectPermission, obj, extracted)


class PersonFactory(ContactFactory):
    is_company = False
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")


class CompanyFactory(ContactFactory):
    is_company = True
    company_name = factory.Faker("company")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    entity_type = EntityType.OPPORTUNITY
    title = factory.Sequence(lambda n: f"tag-{n}")


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomFieldDefinition

    entity_type = EntityType.OPPORTUNITY
    label = factory.Sequence(lambda n: f"Field {n}")
    field_type = FieldType.TEXT_FIELD
    position = factory.Sequence(lambda n: n)
    mask = ""


class LeadSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadSource

    title = factory.Sequence(lambda n: f"Source {n}")
    sort_order = factory.Sequence(lambda n: 100 + n)


class OpportunityStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityStatus

    title = factory.Sequence(lambda n: f"Status {n}")
    sort_order = factory.Sequence(lambda n: 100 + n)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A saved opportunity, bypassing the services: for arranging state in tests. Use the
    services (`opportunity_create`) when the test is about creating."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Deal {n}")
    created_by = factory.SubFactory(UserFactory)
    responsible = factory.SelfAttribute("created_by")
    owner = factory.SelfAttribute("created_by")
    bid_value = Decimal("1000.00")
    bid_currency = factory.LazyFunction(lambda: Currency.objects.get(is_basic=True))
    stage = factory.LazyFunction(lambda: Stage.objects.order_by("sort_order").first())
    success_probability = factory.SelfAttribute("stage.success_probability")
    stage_entered_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def access_list(obj, create, extracted, **kwargs):
        """`access_list=[users]` makes the opportunity private with exactly those users."""
        if create and extracted is not None:
            from core.access import replace_access_list
            from opportunities.models import OpportunityUserObjectPermission

            obj.is_private = True
            obj.save(update_fields=["is_private"])
            replace_access_list(OpportunityUserObjectPermission, obj, extracted)


class OpportunityCustomFieldValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityCustomFieldValue

    opportunity = factory.SubFactory(OpportunityFactory)
    field = factory.SubFactory(CustomFieldFactory)
    value = "some text"


class ContactCustomFieldValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactCustomFieldValue

    contact = factory.SubFactory(PersonFactory)
    field = factory.SubFactory(CustomFieldFactory, entity_type=EntityType.CONTACT)
    value = "some text"


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    opportunity = factory.SubFactory(OpportunityFactory)
    from_stage = None
    to_stage = factory.SelfAttribute("opportunity.stage")
    changed_by = factory.SelfAttribute("opportunity.created_by")
    changed_at = factory.LazyFunction(timezone.now)
