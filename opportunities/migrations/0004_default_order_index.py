"""An index in the API's default order inside one stage, for PostgreSQL.

`opportunity/filter` pages stage by stage (opportunities/api/filters.py): inside one stage the
order is `contact_id NULLS FIRST, actual_close_date DESC NULLS LAST, expected_close_date,
lower(title), id`, which this index holds, so `WHERE stage_id = X ... LIMIT 51` stops after 51
rows instead of sorting the whole stage. The visibility columns are INCLUDEd so choosing the
page's keys is an index-only scan. SQLite cannot declare NULLS FIRST/LAST in an index, and its
tables are small: it gets none."""

from django.db import migrations

INDEX = "opp_stage_default_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON opportunities_opportunity "
        "(stage_id, contact_id ASC NULLS FIRST, actual_close_date DESC NULLS LAST, "
        "expected_close_date ASC NULLS LAST, lower(title), id) "
        "INCLUDE (is_private, responsible_id, created_by_id)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0003_board_covering_index")]

    operations = [migrations.RunPython(create, drop)]
