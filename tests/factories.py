from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from core.models import Currency, CustomFieldDefinition, EntityType, ExchangeRate, FieldType, Tag
from opportunities.models import Opportunity, Stage, StageType

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


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    is_company = False
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")
    created_by = factory.SubFactory(UserFactory)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    is_company = True
    company_name = factory.Faker("company")
    created_by = factory.SubFactory(UserFactory)


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
