import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "iso4217_currencies.json"


def load_currencies(apps, schema_editor):
    Currency = apps.get_model("core", "Currency")
    base = settings.BASE_CURRENCY.upper()
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    existing = set(Currency.objects.values_list("abbreviation", flat=True))
    Currency.objects.bulk_create(
        Currency(
            abbreviation=row["abbreviation"],
            title=row["title"],
            symbol=row["symbol"],
            culture_name=row["culture_name"],
            is_convertible=True,
            is_basic=row["abbreviation"] == base,
        )
        for row in rows
        if row["abbreviation"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load_currencies, migrations.RunPython.noop)]
