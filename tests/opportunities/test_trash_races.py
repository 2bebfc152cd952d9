"""The trash under concurrent writers, on PostgreSQL (row locks are a no-op on SQLite): a stage
deleted while one of its deals is being restored, and two restores of one deal at once. Each
ends in a domain error or a success, never a database error (a 500)."""

import threading
import time

import pytest
from django.db import transaction

from core.errors import NotFound
from opportunities.errors import StageInUse
from opportunities.models import Opportunity, Stage, StageType
from opportunities.services import opportunity_delete, stage_delete
from opportunities.trash_services import opportunity_restore
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_in_threads
from tests.factories import OpportunityFactory, StageFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]


def _race(first, second) -> list[Exception]:
    """`first` runs in a transaction that starts first and holds its locks a moment; `second`
    starts while it does. Returns what each raised."""
    started = threading.Event()

    def one():
        try:
            with transaction.atomic():
                first()
                started.set()
                time.sleep(0.5)  # `second` now waits for these rows
        finally:
            started.set()

    def two():
        started.wait(5)
        second()

    return run_in_threads(one, two)


def test_stage_delete_refused_when_its_deal_is_restored_meanwhile(user, admin_user):
    stage = StageFactory(title="Doomed", stage_type=StageType.OPEN)
    deal = OpportunityFactory(created_by=user, stage=stage)
    opportunity_delete(opportunity=deal, deleted_by=user)

    errors = _race(
        lambda: opportunity_restore(opportunity_id=deal.pk, restored_by=user),
        lambda: stage_delete(stage=stage, deleted_by=admin_user),
    )

    assert [type(e) for e in errors] == [StageInUse]
    assert Stage.objects.filter(pk=stage.pk).exists()
    assert Opportunity.objects.get(pk=deal.pk).stage_id == stage.pk


def test_second_of_two_restores_at_once_finds_nothing_to_restore(user, admin_user):
    deal = OpportunityFactory(created_by=user)
    opportunity_delete(opportunity=deal, deleted_by=user)

    errors = _race(
        lambda: opportunity_restore(opportunity_id=deal.pk, restored_by=user),
        lambda: opportunity_restore(opportunity_id=deal.pk, restored_by=admin_user),
    )

    assert len(errors) == 1 and isinstance(errors[0], NotFound)
    assert Opportunity.objects.filter(pk=deal.pk).exists()
