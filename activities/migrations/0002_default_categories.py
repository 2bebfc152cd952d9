"""ONLYOFFICE's default history and task categories (ProductEntryPoint.cs), in its order."""

from django.db import migrations

HISTORY = [
    ("Note", "event_category_note.png"),
    ("Email", "event_category_email.png"),
    ("Phone call", "event_category_call.png"),
    ("Appointment", "event_category_meeting.png"),
]
TASK = [
    ("Phone call", "call"),
    ("Opportunity", "deal"),
    ("Demo", "demo"),
    ("Email", "email"),
    ("Fax", "fax"),
    ("Execution control", "follow_up"),
    ("Lunch", "lunch"),
    ("Appointment", "meeting"),
    ("Note", "note"),
    ("Delivery", "ship"),
    ("Social networks", "social_networks"),
    ("Expression of gratitude", "thank_you"),
]


def load(apps, schema_editor):
    HistoryCategory = apps.get_model("activities", "HistoryCategory")
    TaskCategory = apps.get_model("activities", "TaskCategory")
    for order, (title, icon) in enumerate(HISTORY, start=1):
        HistoryCategory.objects.get_or_create(
            title=title, defaults={"image_name": icon, "sort_order": order}
        )
    for order, (title, icon) in enumerate(TASK, start=1):
        TaskCategory.objects.get_or_create(
            title=title, defaults={"image_name": f"task_category_{icon}.png", "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
