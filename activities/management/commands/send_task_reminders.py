"""`manage.py send_task_reminders`: mail the responsible of every open task whose reminder
(`alertValue` minutes before its deadline) is due. Run it from cron every few minutes, e.g.

    */5 * * * *  cd /srv/pipeline && .venv/bin/python manage.py send_task_reminders

Safe to run again or twice at once: each reminder is mailed once (a changed deadline or alert
is reminded again when its new time comes; a reopened task only if its reminder time is still
ahead, never late for a time that passed while it was closed)."""

from django.core.management.base import BaseCommand

from activities.task_notifications import tasks_remind


class Command(BaseCommand):
    help = "Mail the reminders of open tasks whose reminder time has passed (run from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=1000, help="At most this many reminders per run."
        )

    def handle(self, *args, limit, **options):
        sent = tasks_remind(limit=limit)
        self.stdout.write(f"{sent} task reminder{'s' if sent != 1 else ''} sent.")
