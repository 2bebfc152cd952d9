"""`manage.py seed_demo`: a realistic pipeline to click through, made by the real services.

Creates an admin and two sales users, companies and people, and about sixty opportunities across
every stage, in the base currency and EUR. Opportunities are created and moved through the
services, so their stage history, probabilities and close dates follow the product's rules; only
the dates are then moved into the past so the board has old, overdue and "rotting" cards.

The data is the same on every machine (one seeded `random.Random`). A second run adds nothing: it
recognises the demo admin, says so and prints the user names (with `--password` it also resets
the demo users' password).
"""

import json
import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from contacts.services import contact_create_company, contact_create_person
from core.models import Currency, EntityType, FieldType
from core.selectors import currency_base
from core.services import custom_field_create, exchange_rate_set
from opportunities.models import (
    BidType,
    LeadSource,
    Opportunity,
    OpportunityStatus,
    StageChange,
    StageType,
)
from opportunities.selectors import stage_list
from opportunities.services import opportunity_create, opportunity_move_to_stage, stage_update

SEED = 20240501
OPPORTUNITY_COUNT = 60

ADMIN = ("demo_admin", "Morgan", "Reyes", "Sales director")
SALES = [
    ("demo_anna", "Anna", "Lindqvist", "Account executive"),
    ("demo_ben", "Ben", "Okafor", "Account executive"),
]
DEMO_USERNAMES = [ADMIN[0]] + [row[0] for row in SALES]

# name, e-mail domain, industry, phone, prefers EUR
COMPANIES = [
    ("Northwind Traders", "northwind.example", "Wholesale", "+1 415 555 0134", False),
    ("Contoso Pharmaceuticals", "contoso.example", "Healthcare", "+1 212 555 0187", False),
    ("Fabrikam Robotics", "fabrikam.example", "Manufacturing", "+49 89 5550 2211", True),
    ("Tailspin Airlines", "tailspin.example", "Transportation", "+1 206 555 0199", False),
    ("Adventure Works Cycles", "adventure-works.example", "Retail", "+1 503 555 0142", False),
    ("Litware Software", "litware.example", "Software", "+44 20 7946 0321", False),
    ("Blue Yonder Logistics", "blueyonder.example", "Logistics", "+31 20 555 0177", True),
    ("Wingtip Toys", "wingtiptoys.example", "Retail", "+1 312 555 0108", False),
    ("Coho Vineyard", "cohovineyard.example", "Food and beverage", "+33 1 5550 4412", True),
    ("Proseware Health", "proseware.example", "Healthcare", "+1 617 555 0165", False),
    ("Alpine Ski House", "alpineskihouse.example", "Hospitality", "+41 44 555 0190", True),
    ("Woodgrove Bank", "woodgrovebank.example", "Financial services", "+1 646 555 0123", False),
    ("Trey Research", "treyresearch.example", "Public sector", "+1 202 555 0156", False),
    ("Lucerne Publishing", "lucernepublishing.example", "Media", "+49 30 5550 7788", True),
]
FIRST_NAMES = [
    "Olivia", "Noah", "Emma", "Lucas", "Sofia", "Mateo", "Chloe", "Ethan", "Mia", "Arjun",
    "Hannah", "Kenji", "Isabel", "Omar", "Grace", "Luca", "Priya", "Daniel", "Elena", "Samuel",
    "Nora", "Tomás", "Leah", "Felix", "Aisha", "Jonas", "Zoe", "Marcus", "Ingrid", "Rafael",
]  # fmt: skip
LAST_NAMES = [
    "Bennett", "Fischer", "Nakamura", "Moreau", "Castillo", "Andersen", "Kowalski", "Haddad",
    "Rossi", "O'Brien", "Varga", "Silva", "Chen", "Dubois", "Novak", "Schmidt", "Patel",
    "Eriksen", "Costa", "Murphy", "Weber", "Ibrahim", "Tanaka", "Larsen", "Romero",
]  # fmt: skip
JOB_TITLES = [
    "Chief Operating Officer", "Head of Procurement", "IT Director", "VP Sales",
    "Operations Manager", "Finance Director", "Project Lead", "CTO", "Purchasing Manager",
]  # fmt: skip
PRODUCTS = [
    "CRM rollout", "Support contract", "Data platform migration", "Fleet telematics",
    "Annual licence renewal", "Onboarding package", "Security audit", "Analytics add-on",
    "Field service app", "Managed hosting", "Training programme", "API integration",
    "Warehouse automation", "Customer portal", "Pilot project",
]  # fmt: skip
TAGS = ["enterprise", "smb", "renewal", "upsell", "hot", "partner", "strategic", "q3-push"]
SEGMENTS = ["Manufacturing", "Retail", "Healthcare", "Financial services", "Software", "Public"]
# Days an opportunity may stay in an open stage before its card is flagged, by column.
WARNING_DAYS = [7, 10, 14, 21, 21, 30, 14]
# How often a deal ends in a closed column, against 3 for each open column.
CLOSED_WEIGHTS = {StageType.CLOSED_AND_WON: 7, StageType.CLOSED_AND_LOST: 5}


class Command(BaseCommand):
    help = "Create demo users, contacts and a pipeline of opportunities (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password of the demo users (default: a generated one). On a second run, "
            "resets the demo users' password to it.",
        )

    def handle(self, *args, password=None, **options):
        existing = User.objects.filter(username__in=DEMO_USERNAMES)
        if existing.filter(username=ADMIN[0]).exists():
            self.stdout.write("Demo data is already present; nothing was added.")
            if password:
                for user in existing:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                self.stdout.write("The demo users' password was reset.")
            self._print_users(password or "(unchanged; pass --password to reset it)")
            return
        password = password or secrets.token_urlsafe(9)
        with transaction.atomic():
            counts = Seeder(random.Random(SEED), password).run()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data created: {companies} companies, {people} people, "
                "{opportunities} opportunities.".format(**counts)
            )
        )
        self._print_users(password)

    def _print_users(self, password: str) -> None:
        self.stdout.write(f"Admin user:  {ADMIN[0]}")
        self.stdout.write(f"Sales users: {', '.join(row[0] for row in SALES)}")
        self.stdout.write(f"Password:    {password}")


class Seeder:
    def __init__(self, rng: random.Random, password: str):
        self.rng = rng
        self.password = password
        self.now = timezone.now().replace(microsecond=0)

    def run(self) -> dict:
        self.admin = self._user(*ADMIN, is_admin=True)
        self.sales = [self._user(*row) for row in SALES]
        self.team = [*self.sales, self.admin]
        self.base = currency_base()
        self.foreign = Currency.objects.get(pk="EUR" if self.base.pk != "EUR" else "USD")
        exchange_rate_set(
            from_currency=self.foreign,
            to_currency=self.base,
            rate=Decimal("1.08") if self.foreign.pk == "EUR" else Decimal("0.93"),
            set_by=self.admin,
        )
        self.stages = list(stage_list())
        self._stage_warnings()
        self.segment_field = custom_field_create(
            created_by=self.admin,
            entity_type=EntityType.OPPORTUNITY,
            label="Industry segment",
            field_type=FieldType.SELECT_BOX,
            mask=json.dumps(SEGMENTS),
        )
        self.renewal_field = custom_field_create(
            created_by=self.admin,
            entity_type=EntityType.OPPORTUNITY,
            label="Renewal date",
            field_type=FieldType.DATE,
        )
        self.sources = list(LeadSource.objects.filter(is_active=True))
        self.statuses = {status.title: status for status in OpportunityStatus.objects.all()}
        companies, people = self._contacts()
        for number in range(OPPORTUNITY_COUNT):
            self._opportunity(number, people)
        return {
            "companies": len(companies),
            "people": len(people),
            "opportunities": OPPORTUNITY_COUNT,
        }

    # -- people ------------------------------------------------------------------------------

    def _user(self, username, first_name, last_name, job_title, *, is_admin=False) -> User:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            email=f"{username}@pipeline.example",
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        user.set_password(self.password)
        user.save()
        return user

    def _stage_warnings(self) -> None:
        open_stages = [stage for stage in self.stages if stage.stage_type == StageType.OPEN]
        for position, stage in enumerate(open_stages):
            if stage.days_before_warning is None:
                days = WARNING_DAYS[min(position, len(WARNING_DAYS) - 1)]
                stage_update(stage=stage, updated_by=self.admin, days_before_warning=days)
                stage.days_before_warning = days

    def _contacts(self) -> tuple[list[Contact], list[Contact]]:
        rng = self.rng
        companies, people = [], []
        names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(names)
        names = iter(names)
        for name, domain, industry, phone, prefers_foreign in COMPANIES:
            company = contact_create_company(
                created_by=rng.choice(self.team),
                company_name=name,
                industry=industry,
                email=f"info@{domain}",
                phone=phone,
                currency=self.foreign if prefers_foreign else self.base,
                tags=rng.sample(["customer", "prospect", "partner"], 1),
            )
            companies.append(company)
            for _ in range(rng.randint(1, 3)):
                first, last = next(names)
                people.append(
                    contact_create_person(
                        created_by=company.created_by,
                        first_name=first,
                        last_name=last,
                        job_title=rng.choice(JOB_TITLES),
                        company=company,
                        email=f"{_ascii(first)}.{_ascii(last)}@{domain}",
                        phone=phone[:-2] + f"{rng.randint(10, 99)}",
                    )
                )
        for _ in range(6):  # people on their own: consultants, freelancers
            first, last = next(names)
            people.append(
                contact_create_person(
                    created_by=rng.choice(self.team),
                    first_name=first,
                    last_name=last,
                    job_title="Independent consultant",
                    email=f"{_ascii(first)}{rng.randint(1, 99)}@mail.example",
                    phone=f"+1 555 01{rng.randint(10, 99)}",
                )
            )
        # A private contact only its creator and the admin see.
        first, last = next(names)
        contact_create_person(
            created_by=self.sales[0],
            first_name=first,
            last_name=last,
            job_title="Board advisor",
            email=f"{_ascii(first)}.{_ascii(last)}@mail.example",
            is_private=True,
            access_list=[self.admin],
        )
        return companies, people

    # -- opportunities -----------------------------------------------------------------------

    def _target_stage(self, number: int):
        if number < len(self.stages):  # every column has at least one card
            return self.stages[number]
        weights = [CLOSED_WEIGHTS.get(stage.stage_type, 3) for stage in self.stages]
        return self.rng.choices(self.stages, weights=weights)[0]

    def _opportunity(self, number: int, people: list[Contact]) -> None:
        rng = self.rng
        target = self._target_stage(number)
        creator = rng.choice(self.sales if rng.random() < 0.85 else self.team)
        responsible = creator if rng.random() < 0.7 else rng.choice(self.sales)
        contact = rng.choice(people)
        company = contact.company
        members = [contact]
        if company is not None:
            members.append(company)
            colleagues = [p for p in people if p.company_id == company.pk and p.pk != contact.pk]
            members += rng.sample(colleagues, min(len(colleagues), rng.randint(0, 1)))
        customer_name = company.company_name if company else contact.display_name
        currency = self.foreign if rng.random() < 0.25 else self.base

        recurring = rng.random() < 0.4
        one_time = Decimal(rng.randrange(0, 40_000, 500))
        monthly = Decimal(rng.randrange(500, 8_000, 250)) if recurring else Decimal(0)
        months = rng.choice([12, 24, 36]) if recurring else 0
        amount = one_time + monthly * months if recurring else Decimal(rng.randrange(2, 250)) * 1000
        custom_fields = {self.segment_field.pk: rng.choice(SEGMENTS)}
        if recurring:
            renewal = self.now + timedelta(days=rng.randint(120, 720))
            custom_fields[self.renewal_field.pk] = renewal.date().isoformat()

        is_private = rng.random() < 0.15
        access_list = []
        if is_private:
            access_list = [user for user in self.sales if user != creator][: rng.randint(0, 1)]

        opportunity = opportunity_create(
            created_by=creator,
            title=f"{customer_name}: {rng.choice(PRODUCTS)}",
            description=rng.choice(
                [
                    "",
                    "Met at the spring trade fair; wants a proposal before budget review.",
                    "Existing customer looking to expand to a second site.",
                    "Replacing a legacy system; the decision is with the board.",
                    "Price-sensitive, compares us with two competitors.",
                ]
            ),
            stage=self.stages[0],
            bid_currency=currency,
            bid_type=BidType.PER_MONTH if recurring else BidType.FIXED_BID,
            bid_value=amount,
            per_period_value=months,
            responsible=responsible,
            owner=creator,
            contact=contact,
            customer=company or contact,
            members=members,
            tags=rng.sample(TAGS, rng.randint(0, 3)),
            custom_fields=custom_fields,
            is_private=is_private,
            access_list=access_list,
            source=rng.choice(self.sources) if self.sources else None,
            status=self._status(target),
            one_time_revenue=one_time,
            recurring_revenue=monthly,
            contract_months=months,
        )
        for stage in self._path_to(target):
            opportunity = opportunity_move_to_stage(
                opportunity=opportunity, stage=stage, moved_by=responsible
            )
        self._backdate(opportunity, target)

    def _status(self, stage):
        if stage.stage_type == StageType.CLOSED_AND_WON:
            title = "Won"
        elif stage.stage_type == StageType.CLOSED_AND_LOST:
            title = self.rng.choice(["Lost", "Cancelled"])
        else:
            title = "Active" if self.rng.random() < 0.85 else "On hold"
        return self.statuses.get(title)

    def _path_to(self, target) -> list:
        """The stages a deal went through after the first one, ending at `target`."""
        open_stages = [s for s in self.stages[1:] if s.stage_type == StageType.OPEN]
        if target.stage_type == StageType.OPEN:
            before = [s for s in open_stages if s.sort_order < target.sort_order]
        else:
            before = open_stages
        path = [stage for stage in before if self.rng.random() < 0.45]
        if target.pk != self.stages[0].pk:
            path.append(target)
        return path

    def _backdate(self, opportunity: Opportunity, target) -> None:
        """Spread the history over the past: most cards moved recently, some long ago."""
        rng = self.rng
        if rng.random() < 0.3:
            days_in_stage = rng.randint(35, 120)  # long enough to rot in any open stage
        else:
            days_in_stage = rng.randint(0, 6)
        entered = self.now - timedelta(days=days_in_stage, hours=rng.randint(0, 23))
        changes = list(opportunity.stage_changes.order_by("changed_at", "id"))
        created = entered - timedelta(days=rng.randint(3, 40) * (len(changes) - 1))
        step = (entered - created) / max(len(changes) - 1, 1)
        for index, change in enumerate(changes):
            change.changed_at = created + step * index
        StageChange.objects.bulk_update(changes, ["changed_at"])

        values = {
            "created_at": created,
            "updated_at": entered,
            "stage_entered_at": entered,
            "status_changed_at": entered,
        }
        if target.stage_type == StageType.OPEN:
            values["expected_close_date"] = self.now + timedelta(days=rng.randint(-30, 90))
        else:
            values["actual_close_date"] = entered
            values["expected_close_date"] = entered + timedelta(days=rng.randint(-20, 20))
        Opportunity.objects.filter(pk=opportunity.pk).update(**values)


def _ascii(text: str) -> str:
    return "".join(c for c in text.lower().replace("á", "a") if c.isascii() and c.isalpha())
