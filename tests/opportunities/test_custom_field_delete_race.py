"""A custom field deleted while an edit sets a value of it on a deal that had none, on
PostgreSQL: the edit waits for the delete's lock and is then refused with a clear InvalidInput
naming the field, nothing of it saved; never the foreign key's IntegrityError (a 500)."""

import threading
import time

import pytest
from django.db import transaction

from core.errors import InvalidInput
from core.models import CustomFieldDefinition
from core.services import custom_field_delete
from opportunities.models import Opportunity, OpportunityAudit, OpportunityCustomFieldValue
from opportunities.services import opportunity_update
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_in_threads
from tests.factories import CustomFieldFactory, OpportunityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]


def test_edit_setting_a_value_of_a_field_deleted_meanwhile_is_invalid_input(user, admin_user):
    field = CustomFieldFactory(label="Region")
    deal = OpportunityFactory(created_by=user, title="Before")
    deleted = threading.Event()

    def delete():
        try:
            with transaction.atomic():
                custom_field_delete(definition=field, deleted_by=admin_user)
                deleted.set()
                time.sleep(0.5)  # the edit now reads the field (still there for it) and waits
        finally:
            deleted.set()

    def edit():
        deleted.wait(5)
        opportunity_update(
            opportunity=Opportunity.objects.get(pk=deal.pk),
            updated_by=user,
            title="After",
            custom_fields={field.pk: "North"},
        )

    errors = run_in_threads(delete, edit)

    assert [type(e) for e in errors] == [InvalidInput]
    assert f"Custom field {field.pk} no longer exists" in str(errors[0])
    assert not CustomFieldDefinition.objects.filter(pk=field.pk).exists()
    assert not OpportunityCustomFieldValue.objects.filter(opportunity=deal).exists()
    assert Opportunity.objects.get(pk=deal.pk).title == "Before"


def test_delete_waits_for_an_edit_adding_a_value_and_takes_that_value_too(user, admin_user):
    """The other order: the edit adds the first value of the field and is still open when the
    delete starts. The delete waits for it, then removes that value as well (recording it on
    the deal's timeline); never the foreign key's IntegrityError (a 500 on the delete)."""
    field = CustomFieldFactory(label="Region")
    deal = OpportunityFactory(created_by=user, title="Before")
    edited = threading.Event()

    def edit():
        try:
            with transaction.atomic():
                opportunity_update(
                    opportunity=Opportunity.objects.get(pk=deal.pk),
                    updated_by=user,
                    title="After",
                    custom_fields={field.pk: "North"},
                )
                edited.set()
                time.sleep(0.5)  # the delete now collects the values (none yet) and waits
        finally:
            edited.set()

    def delete():
        edited.wait(5)
        custom_field_delete(definition=field, deleted_by=admin_user)

    errors = run_in_threads(edit, delete)

    assert errors == []
    assert not CustomFieldDefinition.objects.filter(pk=field.pk).exists()
    assert not OpportunityCustomFieldValue.objects.filter(opportunity=deal).exists()
    assert Opportunity.objects.get(pk=deal.pk).title == "After"
    cleared = OpportunityAudit.objects.filter(
        opportunity=deal, field=f"custom_field_{field.pk}", changed_by=admin_user
    )
    assert [(row.old_value, row.new_value) for row in cleared] == [("Region: North", "")]
