from django.db import migrations

# ONLYOFFICE's nine default stages, in order: title, probability, colour, stage type.
DEFAULT_STAGES = [
    ("Initial contact", 1, "#e795c1", 0),
    ("Application of initial fit criteria", 2, "#df7895", 0),
    ("Suspect", 3, "#f48454", 0),
    ("Need assessment", 20, "#b58fd6", 0),
    ("Qualified prospect", 50, "#d28cc8", 0),
    ("Proposal", 75, "#ffb45e", 0),
    ("Negotiations", 90, "#ffd267", 0),
    ("Closure/Transaction", 100, "#6bbd72", 1),
    ("Unsuccessfully closed", 0, "#f2a9be", 2),
]
DEFAULT_SOURCES = [
    "Website",
    "Referral",
    "Conference",
    "Marketing campaign",
    "Cold call",
    "Partner",
]
DEFAULT_STATUSES = ["Active", "On hold", "Won", "Lost", "Cancelled"]


def create_defaults(apps, schema_editor):
    Stage = apps.get_model("opportunities", "Stage")
    LeadSource = apps.get_model("opportunities", "LeadSource")
    OpportunityStatus = apps.get_model("opportunities", "OpportunityStatus")
    if not Stage.objects.exists():
        Stage.objects.bulk_create(
            Stage(
                title=title,
                success_probability=probability,
                color=color,
                stage_type=stage_type,
                sort_order=position,
            )
            for position, (title, probability, color, stage_type) in enumerate(DEFAULT_STAGES)
        )
    for position, title in enumerate(DEFAULT_SOURCES):
        LeadSource.objects.get_or_create(title=title, defaults={"sort_order": position})
    for position, title in enumerate(DEFAULT_STATUSES):
        OpportunityStatus.objects.get_or_create(title=title, defaults={"sort_order": position})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
