from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"

    def ready(self):
        # Deleting a contact or a custom field changes deals: contacts and core may not import
        # opportunities, so they send a signal and the deals' audit rows are written here.
        from contacts.signals import contact_deleting
        from core.signals import custom_field_deleting
        from opportunities.audit_receivers import (
            record_contact_deleted,
            record_custom_field_deleted,
        )

        contact_deleting.connect(record_contact_deleted, dispatch_uid="opportunities_audit")
        custom_field_deleting.connect(
            record_custom_field_deleted, dispatch_uid="opportunities_audit"
        )
