"""Labels people read on the stage and bid types (the API keeps ONLYOFFICE's names), and the
board's covering index holds the bid type and number of periods, so the column totals, now of
the whole amount (`whole_amount_sql`), still come from the index alone on PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0007_drop_data_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stage",
            name="stage_type",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Open"), (1, "Won"), (2, "Lost")], default=0
            ),
        ),
        migrations.AlterField(
            model_name="opportunity",
            name="bid_type",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "Fixed bid"),
                    (1, "Per hour"),
                    (2, "Per day"),
                    (3, "Per week"),
                    (4, "Per month"),
                    (5, "Per year"),
                ],
                default=0,
            ),
        ),
        migrations.RemoveIndex(
            model_name="opportunity",
            name="opp_stage_close_idx",
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["stage", "expected_close_date", "id"],
                include=(
                    "is_private",
                    "responsible",
                    "created_by",
                    "bid_currency",
                    "bid_value",
                    "success_probability",
                    "bid_type",
                    "per_period_value",
                ),
                name="opp_stage_close_idx",
            ),
        ),
    ]
