"""Two admins making two currencies the base at once, on PostgreSQL (row locks are a no-op on
SQLite): the second waits for the first and then moves the base again; never two bases, never
an error from the one-base constraint."""

import threading
import time

import pytest
from django.db import transaction

from core.currency_services import currency_update
from core.models import Currency
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_in_threads
from tests.factories import AdminUserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]


def test_a_second_base_switch_waits_for_the_first_and_wins():
    admin = AdminUserFactory()
    first, second = [c for c in ("EUR", "GBP", "CHF") if not Currency.objects.get(pk=c).is_basic][
        :2
    ]
    first_written = threading.Event()

    def first_admin():
        try:
            with transaction.atomic():
                currency_update(
                    currency=Currency.objects.get(pk=first), updated_by=admin, is_basic=True
                )
                first_written.set()
                time.sleep(0.5)  # uncommitted: the second switch is now waiting
        finally:
            first_written.set()

    def second_admin():
        first_written.wait(5)
        currency_update(currency=Currency.objects.get(pk=second), updated_by=admin, is_basic=True)

    errors = run_in_threads(first_admin, second_admin)

    assert errors == []
    assert list(Currency.objects.filter(is_basic=True).values_list("pk", flat=True)) == [second]
