from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "Activities and tasks"

    def ready(self):
        # The opportunity page shows the timeline: opportunities may not import activities,
        # so activities plugs its section in.
        from activities.views import timeline_section
        from opportunities.page_sections import register_opportunity_section

        register_opportunity_section(timeline_section)
