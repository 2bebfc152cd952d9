"""The bench's deterministic data set, written in bulk (row `i` depends only on the seed and `i`;
docs/performance.md, "How to run it")."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from accounts.models import User
from bench import bulk_writes
from contacts.models import Contact
from core.models import (
    Currency,
    CustomFieldDefinition,
    EntityType,
    ExchangeRate,
    FieldType,
    Tag,
)
from opportunities.models import (
    LostReason,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    Stage,
    StageChange,
    StageType,
)

SEED = 20250601
ANCHOR = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
USERS = 50
CONTACTS = 5000
COMPANIES = 1000
TAGS = 20
SALES_USERNAME = "sales01"
PASSWORD = "bench-password-1"
CURRENCY_RATES = {"EUR": Decimal("1.08"), "GBP": Decimal("1.27")}  # to the base currency
CURRENCY_WEIGHTS = (70, 20, 10)  # base, EUR, GBP
STAGE_WEIGHTS = (18, 12, 12, 12, 10, 8, 6, 12, 10)
PRIVATE_SHARE = 0.10


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "Cloud Platform Migration Renewal Expansion Licence Support Analytics Security Upgrade "
    "Training Rollout Integration Hardware Consulting Subscription Pilot Warehouse Mobile "
    "Payroll Logistics Fleet Retail Marketing Portal Network Backup Storage Audit Compliance "
    "Onboarding Helpdesk Billing Reporting Forecast Inventory Website Campaign Translation "
    "Printing Catering Maintenance Office Energy Solar Telephony Video Research Design Fitness"
)
SEARCH_WORD = "Solar"  # one title word in fifty: a selective filterValue
FIRST_NAMES = _words(
    "Anna Ben Chloe David Emma Felix Grace Hugo Ines Jonas Karin Leo Maria Nils Olga Paul "
    "Quinn Rosa Sven Tara Umar Vera Will Xenia Yusuf Zoe"
)
LAST_NAMES = _words(
    "Archer Baker Cole Dunn Evans Fischer Garcia Hansen Ito Jensen Kowalski Lopez Meyer "
    "Nakamura Okafor Petrov Quist Rossi Schmidt Tanaka Ulrich Varga Weber Young Zimmer"
)
COMPANY_WORDS = _words(
    "Acme Globex Initech Umbrella Stark Wayne Wonka Hooli Vandelay Soylent Tyrell Cyberdyne "
    "Aperture Gringotts Oscorp Massive Nakatomi Virtucon Monarch Pied"
)
COMPANY_SUFFIXES = ("Ltd", "GmbH", "Inc", "AB", "SA", "BV", "Oy", "Corp")
REGIONS = ["North", "South", "East", "West", "Central"]


@dataclass
class Fixture:
    """Ids of the reference rows the generated opportunities point to."""

    user_ids: list[int]
    sales_user_id: int
    contact_ids: list[int]
    stage_ids: list[int]
    stage_probability: dict[int, int]
    stage_closed: dict[int, bool]
    currencies: list[str]
    tag_ids: list[int]
    field_ids: list[int]
    view_permission_id: int
    lost_stage_ids: set[int] = field(default_factory=set)
    lost_reason_ids: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


# -- reference rows --------------------------------------------------------------------------------


def build_reference(*, log=print) -> Fixture:
    """Users, contacts, currencies and rates, tags and custom fields (small: the ORM is fine)."""
    rng = random.Random(SEED)
    base = settings.BASE_CURRENCY.upper()
    started = time.perf_counter()
    with transaction.atomic():
        password = make_password(PASSWORD)
        users = []
        for n in range(1, USERS + 1):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            users.append(
                User(
                    username=f"sales{n:02d}",
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    first_name=first,
                    last_name=last,
                    email=f"sales{n:02d}@bench.example",
                    job_title="Account executive",
                    password=password,
                )
            )
        User.objects.bulk_create(users)
        user_ids = list(
            User.objects.filter(username__startswith="sales")
            .order_by("username")
            .values_list("pk", flat=True)
        )
        sales_user_id = User.objects.get(username=SALES_USERNAME).pk

        currencies = [base] + [c for c in ("EUR", "GBP", "USD") if c != base][:2]
        Currency.objects.filter(pk__in=currencies).update(is_convertible=True)
        for code in currencies[1:]:
            ExchangeRate.objects.create(
                from_currency_id=code,
                to_currency_id=base,
                rate=CURRENCY_RATES.get(code, Decimal("1.10")),
            )

        tags = Tag.objects.bulk_create(
            Tag(entity_type=EntityType.OPPORTUNITY, title=f"{WORDS[n * 2].lower()}-{n}")
            for n in range(TAGS)
        )
        fields = [
            CustomFieldDefinition.objects.create(
                entity_type=EntityType.OPPORTUNITY,
                label="Region",
                field_type=FieldType.SELECT_BOX,
                position=0,
                mask='["North", "South", "East", "West", "Central"]',
            ),
            CustomFieldDefinition.objects.create(
                entity_type=EntityType.OPPORTUNITY,
                label="Purchase order",
                field_type=FieldType.TEXT_FIELD,
                position=1,
            ),
        ]

        companies = []
        for n in range(COMPANIES):
            name = (
                f"{COMPANY_WORDS[n % len(COMPANY_WORDS)]} {WORDS[n % len(WORDS)]} "
                f"{COMPANY_SUFFIXES[n % len(COMPANY_SUFFIXES)]} {n + 1}"
            )
            companies.append(
                Contact(
                    is_company=True,
                    company_name=name,
                    industry=WORDS[(n * 3) % len(WORDS)],
                    email=f"info{n + 1}@company.example",
                    currency_id=currencies[n % 3] if n % 4 == 0 else None,
                    created_by_id=user_ids[n % USERS],
                    created_at=ANCHOR - timedelta(days=400 + n % 300),
                    updated_at=ANCHOR - timedelta(days=n % 300),
                )
            )
        Contact.objects.bulk_create(companies, batch_size=1000)
        company_ids = list(
            Contact.objects.filter(is_company=True).order_by("pk").values_list("pk", flat=True)
        )
        people = []
        for n in range(CONTACTS - COMPANIES):
            people.append(
                Contact(
                    is_company=False,
                    first_name=FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
                    last_name=LAST_NAMES[rng.randrange(len(LAST_NAMES))],
                    job_title="Buyer",
                    company_id=company_ids[n % COMPANIES],
                    email=f"person{n + 1}@people.example",
                    created_by_id=user_ids[rng.randrange(USERS)],
                    created_at=ANCHOR - timedelta(days=300 + n % 300),
                    updated_at=ANCHOR - timedelta(days=n % 300),
                )
            )
        Contact.objects.bulk_create(people, batch_size=1000)
    contact_ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    stages = list(Stage.objects.order_by("sort_order", "pk"))
    permission = Permission.objects.get(
        codename="view_opportunity", content_type__app_label="opportunities"
    )
    log(
        f"  reference rows: {len(user_ids)} users, {len(contact_ids)} contacts, "
        f"{len(stages)} stages, {len(currencies)} currencies, {len(tags)} tags, 2 custom fields "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return Fixture(
        user_ids=user_ids,
        sales_user_id=sales_user_id,
        contact_ids=contact_ids,
        stage_ids=[s.pk for s in stages],
        stage_probability={s.pk: s.success_probability for s in stages},
        stage_closed={s.pk: s.stage_type != 0 for s in stages},
        currencies=currencies,
        tag_ids=[t.pk for t in tags],
        field_ids=[f.pk for f in fields],
        view_permission_id=permission.pk,
        **_lost(stages),
    )


def load_reference() -> Fixture:
    """The fixture of an already seeded bench database (for `--reuse`)."""
    base = settings.BASE_CURRENCY.upper()
    stages = list(Stage.objects.order_by("sort_order", "pk"))
    rates = list(ExchangeRate.objects.order_by("pk").values_list("from_currency_id", flat=True))
    return Fixture(
        user_ids=list(
            User.objects.filter(username__startswith="sales")
            .order_by("username")
            .values_list("pk", flat=True)
        ),
        sales_user_id=User.objects.get(username=SALES_USERNAME).pk,
        contact_ids=list(Contact.objects.order_by("pk").values_list("pk", flat=True)),
        stage_ids=[s.pk for s in stages],
        stage_probability={s.pk: s.success_probability for s in stages},
        stage_closed={s.pk: s.stage_type != 0 for s in stages},
        currencies=[base, *rates],
        tag_ids=list(
            Tag.objects.filter(entity_type=EntityType.OPPORTUNITY)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        field_ids=list(
            CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        ),
        view_permission_id=Permission.objects.get(
            codename="view_opportunity", content_type__app_label="opportunities"
        ).pk,
        **_lost(stages),
    )


def _lost(stages) -> dict:
    """The lost stages and the lost reasons (the migration's defaults) a lost deal names."""
    return {
        "lost_stage_ids": {s.pk for s in stages if s.stage_type == StageType.CLOSED_AND_LOST},
        "lost_reason_ids": list(LostReason.objects.order_by("pk").values_list("pk", flat=True)),
    }


# -- opportunities ---------------------------------------------------------------------------------


def opportunity_columns() -> tuple[str, ...]:
    """The opportunity table's columns, as the model declares them (`_opportunity` fills each)."""
    return tuple(f.column for f in Opportunity._meta.concrete_fields)


def _opportunity(i: int, fx: Fixture, *, overrides: dict | None = None):
    """Row `i` and its related rows: (opportunity, members, tags, values, access users)."""
    rng = random.Random(SEED * 1_000_003 + i)
    stage_id = rng.choices(fx.stage_ids, weights=STAGE_WEIGHTS[: len(fx.stage_ids)])[0]
    closed = fx.stage_closed[stage_id]
    created = ANCHOR - timedelta(days=rng.randrange(720), minutes=rng.randrange(1440))
    creator = fx.user_ids[rng.randrange(len(fx.user_ids))]
    responsible = creator if rng.random() < 0.6 else fx.user_ids[rng.randrange(len(fx.user_ids))]
    contact = fx.contact_ids[rng.randrange(len(fx.contact_ids))] if rng.random() < 0.9 else None
    words = rng.sample(WORDS, 3)
    expected = created + timedelta(days=rng.randrange(15, 240))
    entered = created + timedelta(days=rng.randrange(0, 60))
    bid_type = 0 if rng.random() < 0.85 else rng.randrange(1, 6)
    private = rng.random() < PRIVATE_SHARE
    row = {
        "id": i,
        "title": f"{words[0]} {words[1]} {words[2].lower()} #{i}",
        "description": f"{words[2]} for {WORDS[rng.randrange(len(WORDS))].lower()} team"
        if rng.random() < 0.7
        else "",
        "contact_id": contact,
        "customer_id": None,
        "responsible_id": responsible,
        "owner_id": responsible,
        "created_by_id": creator,
        "created_at": created,
        "updated_at": entered,
        "bid_type": bid_type,
        "bid_value": Decimal(rng.randrange(5, 5000) * 100),
        "bid_currency_id": rng.choices(fx.currencies, weights=CURRENCY_WEIGHTS)[0],
        "per_period_value": rng.randrange(1, 24) if bid_type else 0,
        "stage_id": stage_id,
        "stage_entered_at": entered,
        "success_probability": fx.stage_probability[stage_id],
        "expected_close_date": expected,
        "actual_close_date": entered if closed else None,
        "is_private": private,
        "source_id": None,
        "status_id": None,
        "status_changed_at": None,
        "one_time_revenue": Decimal(0),
        "recurring_revenue": Decimal(0),
        "contract_months": 0,
        "lost_reason_id": None,
        "lost_comment": "",
        "next_task_due": None,  # set by write_activities for the deals that get tasks
        "deleted_at": None,
        "deleted_by_id": None,
        "deletion_batch": None,
        "version": 1,
    }
    if overrides:
        row.update(overrides)
    members = {contact} if contact else set()
    for _ in range(rng.randrange(3)):
        members.add(fx.contact_ids[rng.randrange(len(fx.contact_ids))])
    tags = set(rng.sample(fx.tag_ids, rng.randrange(4)))
    values = {}
    if rng.random() < 0.6:
        values[fx.field_ids[0]] = REGIONS[rng.randrange(len(REGIONS))]
    if rng.random() < 0.4:
        values[fx.field_ids[1]] = f"PO-{rng.randrange(10**6):06d}"
    access = set()
    if row["is_private"]:
        access = {row["created_by_id"]}
        while len(access) < 1 + rng.randrange(3):
            access.add(fx.user_ids[rng.randrange(len(fx.user_ids))])
    if stage_id in fx.lost_stage_ids and fx.lost_reason_ids:
        # drawn last, so the rows above are those of the data set before lost reasons
        row["lost_reason_id"] = fx.lost_reason_ids[rng.randrange(len(fx.lost_reason_ids))]
        if rng.random() < 0.3:
            row["lost_comment"] = "Went with the incumbent"
    return row, sorted(members), sorted(tags), values, sorted(access)


def write_opportunities(
    fx: Fixture, start: int, stop: int, *, overrides: dict | None = None, log=print
) -> None:
    """Insert opportunities with ids start..stop-1 and everything hanging off them."""
    if stop <= start:
        return
    started = time.perf_counter()
    writer = bulk_writes.BulkWriter(connection)
    columns = opportunity_columns()
    # a column the data set does not fill (one added since) gets the model's default
    defaults = {f.column: f.get_default() for f in Opportunity._meta.concrete_fields}
    opportunities, members, tags, values, access, history = [], [], [], [], [], []
    next_ids = {
        model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for model in (
            OpportunityMember,
            Opportunity.tags.through,
            OpportunityCustomFieldValue,
            OpportunityUserObjectPermission,
            StageChange,
        )
    }
    for i in range(start, stop):
        row, member_ids, tag_ids, field_values, access_ids = _opportunity(
            i, fx, overrides=overrides
        )
        opportunities.append(tuple(row[c] if c in row else defaults[c] for c in columns))
        for contact_id in member_ids:
            members.append((i, contact_id))
        for tag_id in tag_ids:
            tags.append((i, tag_id))
        for field_id, value in field_values.items():
            values.append((i, field_id, value))
        for user_id in access_ids:
            access.append((i, user_id, fx.view_permission_id))
        history.append((i, None, row["stage_id"], row["created_at"], row["created_by_id"]))

    def numbered(model, rows):
        first = next_ids[model]
        return [(first + n, *r) for n, r in enumerate(rows)]

    with transaction.atomic():
        counts = _write_all(
            writer, columns, opportunities, members, tags, values, access, history, numbered
        )
    reset_sequences()
    log(
        "  wrote "
        + ", ".join(f"{n} {what}" for what, n in counts.items())
        + f" ({time.perf_counter() - started:.1f} s)"
    )


def _write_all(
    writer, columns, opportunities, members, tags, values, access, history, numbered
) -> dict:
    return {
        "opportunities": writer.write(Opportunity._meta.db_table, columns, opportunities),
        "members": writer.write(
            OpportunityMember._meta.db_table,
            ("id", "opportunity_id", "contact_id"),
            numbered(OpportunityMember, members),
        ),
        "tags": writer.write(
            Opportunity.tags.through._meta.db_table,
            ("id", "opportunity_id", "tag_id"),
            numbered(Opportunity.tags.through, tags),
        ),
        "custom values": writer.write(
            OpportunityCustomFieldValue._meta.db_table,
            ("id", "opportunity_id", "field_id", "value"),
            numbered(OpportunityCustomFieldValue, values),
        ),
        "access rows": writer.write(
            OpportunityUserObjectPermission._meta.db_table,
            ("id", "content_object_id", "user_id", "permission_id"),
            numbered(OpportunityUserObjectPermission, access),
        ),
        "history rows": writer.write(
            StageChange._meta.db_table,
            ("id", "opportunity_id", "from_stage_id", "to_stage_id", "changed_at", "changed_by_id"),
            numbered(StageChange, history),
        ),
    }


def reset_sequences() -> None:
    models = [
        Opportunity,
        OpportunityMember,
        Opportunity.tags.through,
        OpportunityCustomFieldValue,
        OpportunityUserObjectPermission,
        StageChange,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def opportunity_count() -> int:
    return Opportunity.objects.count()


def max_opportunity_id() -> int:
    return Opportunity.objects.aggregate(m=Max("pk"))["m"] or 0
