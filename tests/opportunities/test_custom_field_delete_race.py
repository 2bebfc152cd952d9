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
from opportunities.models import Opportunity, OpportunityCustomFieldValue
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
