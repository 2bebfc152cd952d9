from django.db import migrations

REASONS = [
    "Price too high",
    "Chose a competitor",
    "No budget",
    "Bad timing",
    "Not the right fit",
    "No response",
    "Other",
]


def load(apps, schema_editor):
    LostReason = apps.get_model("opportunities", "LostReason")
    for order, title in enumerate(REASONS, start=1):
        LostReason.objects.get_or_create(title=title, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0009_deal_life")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
