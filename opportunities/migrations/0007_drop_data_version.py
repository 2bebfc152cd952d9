"""Drop the data version (migration 0005): its triggers made every write to the opportunity
tables update one row and hold that row's lock until commit, so all writers queued behind
each other and a transaction holding it could deadlock with one holding an opportunity.
Cached counts are now invalidated by the services when they commit
(`opportunities/counts_cache.py`). Reversing recreates the table, the row and the triggers."""

from django.db import migrations

TABLES = (
    "opportunities_opportunity",
    "opportunities_opportunityuserobjectpermission",
    "opportunities_opportunitymember",
    "opportunities_opportunity_tags",
    "opportunities_stage",
    "core_tag",
)
VERSION = "opportunities_dataversion"
FUNCTION = "opportunities_bump_data_version"


def drop_triggers(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for operation in ("insert", "update", "delete"):
                execute(f"DROP TRIGGER IF EXISTS {table}_version_{operation}")


def create_triggers(apps, schema_editor):
    """The triggers of migration 0005, as they were."""
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {VERSION} (id, token) VALUES (1, gen_random_uuid()::text) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
        )
        for table in TABLES:
            execute(
                f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        execute(f"INSERT INTO {VERSION} (id, token) VALUES (1, gen_random_uuid()::text)")
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                execute(
                    f"CREATE TRIGGER {table}_version_{operation.lower()} AFTER {operation} "
                    f"ON {table} BEGIN INSERT INTO {VERSION} (id, token) "
                    "VALUES (1, lower(hex(randomblob(16)))) "
                    "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
                )
        execute(f"INSERT INTO {VERSION} (id, token) VALUES (1, lower(hex(randomblob(16))))")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0006_opportunity_version"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.DeleteModel(name="DataVersion"),
    ]
