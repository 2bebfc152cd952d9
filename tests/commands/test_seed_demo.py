from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from contacts.models import Contact
from core.models import CustomFieldDefinition, ExchangeRate, Tag
from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    Stage,
    StageChange,
    StageType,
)

pytestmark = pytest.mark.django_db

DEMO_USERS = ["demo_admin", "demo_anna", "demo_ben"]
MODELS = [
    User,
    Contact,
    Opportunity,
    OpportunityMember,
    OpportunityCustomFieldValue,
    StageChange,
    Tag,
    CustomFieldDefinition,
    ExchangeRate,
    Stage,
]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_nothing_added_when_run_twice():
    first = seed("--password", "demo-pass-123")
    counts = row_counts()

    second = seed()

    assert row_counts() == counts
    assert "already present" in second
    for username in DEMO_USERS:
        assert username in first
        assert username in second
    assert "demo-pass-123" in first
    assert "demo-pass-123" not in second


def test_password_reset_when_second_run_gives_one():
    seed("--password", "first-pass-123")

    output = seed("--password", "second-pass-456")

    assert "second-pass-456" in output
    for user in User.objects.filter(username__in=DEMO_USERS):
        assert user.check_password("second-pass-456")


def test_password_generated_when_none_given():
    output = seed()

    password = output.split("Password:")[1].split()[0]
    assert User.objects.get(username="demo_anna").check_password(password)


def test_pipeline_realistic_when_seeded():
    seed("--password", "demo-pass-123")

    admin = User.objects.get(username="demo_admin")
    assert admin.is_crm_admin
    assert not User.objects.get(username="demo_ben").is_crm_admin
    opportunities = Opportunity.objects.select_related("stage")
    assert 50 <= opportunities.count() <= 70
    assert set(opportunities.values_list("stage", flat=True)) == set(
        Stage.objects.values_list("pk", flat=True)
    )
    assert set(opportunities.values_list("bid_currency", flat=True)) == {"USD", "EUR"}
    assert ExchangeRate.objects.filter(from_currency="EUR", to_currency="USD").exists()
    assert opportunities.filter(is_private=True).exists()
    assert opportunities.filter(recurring_revenue__gt=0, contract_months__gt=0).exists()
    assert opportunities.filter(tags__isnull=False).exists()
    assert opportunities.filter(source__isnull=False, status__isnull=False).exists()
    assert OpportunityCustomFieldValue.objects.values("field").distinct().count() == 2
    assert any(o.is_rotting for o in opportunities)
    assert any(o.is_overdue for o in opportunities)
    assert not Stage.objects.filter(stage_type=StageType.OPEN, days_before_warning=None).exists()
    assert Contact.objects.filter(is_company=False, company__isnull=False).exists()
    assert Contact.objects.filter(is_company=True).exists()
    for opportunity in opportunities:
        history = list(opportunity.stage_changes.order_by("changed_at", "id"))
        assert history[0].from_stage is None
        assert history[-1].to_stage == opportunity.stage
        assert history[-1].changed_at == opportunity.stage_entered_at
        assert opportunity.created_at <= opportunity.stage_entered_at
        assert (opportunity.actual_close_date is not None) is opportunity.stage.is_closed
        assert opportunity.success_probability == opportunity.stage.success_probability


def test_same_data_when_seeded_again_from_scratch():
    seed("--password", "demo-pass-123")

    titles = sorted(Opportunity.objects.values_list("title", "bid_value", "stage__title"))
    Opportunity.objects.all().delete()
    Contact.objects.all().delete()
    User.objects.filter(username__in=DEMO_USERS).delete()
    CustomFieldDefinition.objects.all().delete()
    seed("--password", "demo-pass-123")

    assert sorted(Opportunity.objects.values_list("title", "bid_value", "stage__title")) == titles
