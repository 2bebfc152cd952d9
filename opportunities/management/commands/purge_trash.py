"""`manage.py purge_trash`: delete for good the opportunities in the trash for `TRASH_DAYS`
days or more (or `--older-than-days N`), with everything hanging off them. Meant for a daily
cron line (docs/trash.md)."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import InvalidInput
from opportunities.trash_selectors import trash_days
from opportunities.trash_services import trash_purge


class Command(BaseCommand):
    help = "Delete for good the opportunities in the trash longer than TRASH_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="Purge what was deleted this many days ago or earlier (default TRASH_DAYS; "
            "0 empties the trash).",
        )

    def handle(self, *args, older_than_days=None, **options):
        try:
            purged = trash_purge(older_than_days=older_than_days)
        except InvalidInput as exc:
            raise CommandError(exc.message_naming("--older-than-days")) from exc
        days = trash_days() if older_than_days is None else older_than_days
        self.stdout.write(
            f"Purged {purged} opportunit{'y' if purged == 1 else 'ies'} "
            f"deleted {days} day{'' if days == 1 else 's'} ago or earlier."
        )
