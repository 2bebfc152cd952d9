"""A small, realistic sales team for screenshots and end-to-end tests, made through the
services (so stage history and access lists are real)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import FieldType
from core.services import exchange_rate_set
from opportunities.models import Opportunity, Stage
from opportunities.services import opportunity_create, opportunity_move_to_stage
from tests.factories import (
    AdminUserFactory,
    CompanyFactory,
    CustomFieldFactory,
    PersonFactory,
    UserFactory,
    currency,
)

DEALS = [
    # title, company, stage #, amount, currency, days to close, tags, private
    ("Fleet telematics rollout", "Northwind Logistics", 0, "48000", "USD", 40, ["fleet"], False),
    ("CRM seats renewal", "Contoso Retail", 0, "12500", "EUR", 25, ["renewal"], False),
    ("Warehouse sensors pilot", "Globex Manufacturing", 1, "8200", "USD", 18, ["pilot"], False),
    ("Analytics add-on", "Initech", 2, "15900", "USD", 30, ["upsell"], False),
    ("Field service app", "Umbrella Health", 3, "64000", "GBP", 55, ["mobile"], True),
    ("Data migration", "Stark Industries", 3, "23000", "USD", -6, ["services"], False),
    ("Security audit", "Wayne Enterprises", 4, "31000", "EUR", 21, ["services"], False),
    ("Partner portal", "Acme Corporation", 4, "41000", "USD", 35, ["portal"], False),
    ("Support plan upgrade", "Hooli", 5, "18000", "USD", 12, ["renewal", "upsell"], False),
    ("Multi-site licence", "Soylent Foods", 5, "96000", "USD", 9, ["enterprise"], False),
    ("Training package", "Cyberdyne Systems", 6, "7400", "EUR", 5, ["training"], False),
    ("Global rollout phase 2", "Massive Dynamic", 6, "152000", "USD", 14, ["enterprise"], True),
    ("Starter bundle", "Vandelay Imports", 7, "5600", "USD", -3, [], False),
    ("Onboarding services", "Pied Piper", 7, "22000", "USD", -10, ["services"], False),
    ("API integration", "Tyrell Corp", 8, "19000", "USD", -20, [], False),
]


def build_demo():
    """Returns (sales user, other user, admin, deals by title)."""
    now = timezone.now()
    maria = UserFactory(username="maria", first_name="Maria", last_name="Lopez")
    jonas = UserFactory(username="jonas", first_name="Jonas", last_name="Berg")
    admin = AdminUserFactory(username="admin", first_name="Ada", last_name="Admin")
    exchange_rate_set(
        from_currency=currency("EUR"),
        to_currency=currency("USD"),
        rate=Decimal("1.08"),
        set_by=admin,
    )
    exchange_rate_set(
        from_currency=currency("GBP"),
        to_currency=currency("USD"),
        rate=Decimal("1.27"),
        set_by=admin,
    )
    stages = list(Stage.objects.order_by("sort_order"))
    Stage.objects.filter(pk=stages[3].pk).update(days_before_warning=14)
    stages = list(Stage.objects.order_by("sort_order"))
    budget = CustomFieldFactory(label="Budget approved", field_type=FieldType.CHECK_BOX)
    decision = CustomFieldFactory(label="Decision date", field_type=FieldType.DATE)
    competitor = CustomFieldFactory(
        label="Main competitor",
        field_type=FieldType.SELECT_BOX,
        mask='["Salesforce","HubSpot","Pipedrive","None"]',
    )
    deals = {}
    for index, (title, company_name, stage_no, amount, code, days, tags, private) in enumerate(
        DEALS
    ):
        owner = maria if index % 3 != 2 else jonas
        company = CompanyFactory(company_name=company_name, created_by=owner)
        person = PersonFactory(company=company, created_by=owner)
        deal = opportunity_create(
            created_by=owner,
            title=title,
            description=f"{company_name} wants to {title.lower()}. Next step: follow-up call.",
            contact=person,
            customer=company,
            bid_value=Decimal(amount),
            bid_currency=currency(code),
            expected_close_date=now + timedelta(days=days),
            tags=tags,
            is_private=private,
            access_list=[jonas] if private and owner == maria else [],
            custom_fields={
                budget.pk: "true" if index % 2 else "false",
                decision.pk: (now + timedelta(days=days - 7)).date().isoformat(),
                competitor.pk: ["Salesforce", "HubSpot", "Pipedrive", "None"][index % 4],
            },
        )
        for stage in stages[1 : stage_no + 1]:
            deal = opportunity_move_to_stage(opportunity=deal, stage=stage, moved_by=owner)
        deals[title] = deal
    # one deal has been waiting too long in "Need assessment"
    Opportunity.objects.filter(pk=deals["Data migration"].pk).update(
        stage_entered_at=now - timedelta(days=21)
    )
    return maria, jonas, admin, deals


def build_demo_activities(maria, jonas, deals):
    """The deals' life for the screenshots: notes, calls and tasks (some late, one done) through
    the services, so the board's cards show their next steps and the timeline has a story."""
    from activities.history_services import history_event_add
    from activities.models import HistoryCategory, TaskCategory
    from activities.task_services import task_close, task_create

    now = timezone.now()
    notes = {category.title: category for category in HistoryCategory.objects.all()}
    kinds = {category.title: category for category in TaskCategory.objects.all()}
    audit = deals["Security audit"]
    history_event_add(
        added_by=maria,
        content="First call with their CISO: two data centres in scope, <b>ISO 27001</b> by Q3.",
        category=notes["Phone call"],
        opportunity=audit,
        created_at=now - timedelta(days=9, hours=3),
    )
    history_event_add(
        added_by=maria,
        content="Sent the scope document and the day rates.",
        category=notes["Email"],
        opportunity=audit,
        created_at=now - timedelta(days=6),
    )
    sent = task_create(
        created_by=maria,
        title="Send the proposal",
        deadline=now - timedelta(days=2),
        category=kinds["Email"],
        opportunity=audit,
    )
    task_close(task_id=sent.pk, closed_by=maria)
    history_event_add(
        added_by=jonas,
        content="Met the procurement team on site; they compare us with one other vendor.",
        category=notes["Appointment"],
        opportunity=audit,
    )
    task_create(
        created_by=maria,
        title="Call back about the pricing",
        deadline=now + timedelta(days=2),
        category=kinds["Phone call"],
        opportunity=audit,
    )
    task_create(
        created_by=maria,
        title="Book the kick-off workshop",
        deadline=now + timedelta(days=9),
        category=kinds["Appointment"],
        responsible=jonas,
        opportunity=audit,
    )
    for index, (title, deal) in enumerate(deals.items()):
        if title == "Security audit" or deal.stage.stage_type != 0 or index % 4 == 3:
            continue  # every fourth open deal has no next step
        task_create(
            created_by=deal.created_by,
            title=["Follow-up call", "Send the quote", "Demo for the team"][index % 3],
            deadline=now + timedelta(days=(index % 5) - 2),
            category=kinds[["Phone call", "Email", "Demo"][index % 3]],
            opportunity=deal,
        )
