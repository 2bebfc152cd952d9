"""A deal's life beside its fields: history events (notes, calls, e-mails, meetings) and tasks,
each on an opportunity, a contact, or both (ONLYOFFICE's `crm/history` and `crm/task`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def keep_on_its_deal(collector, field, sub_objs, using):
    """on_delete for the contact of an event or a task: one on a deal stays on the deal (it
    only loses the contact), one on the contact alone goes with the contact."""
    on_a_deal = [obj for obj in sub_objs if obj.opportunity_id is not None]
    alone = [obj for obj in sub_objs if obj.opportunity_id is None]
    if on_a_deal:
        collector.add_field_update(field, None, on_a_deal)
    if alone:
        models.CASCADE(collector, field, alone, using)


class Category(models.Model):
    """A list admins edit: ONLYOFFICE's history and task categories share this shape."""

    title = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=20, blank=True)
    image_name = models.CharField("icon file name", max_length=100, blank=True)
    sort_order = models.IntegerField(default=0, db_index=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class HistoryCategory(Category):
    class Meta(Category.Meta):
        verbose_name_plural = "history categories"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="hcat_title_not_empty")]


class TaskCategory(Category):
    class Meta(Category.Meta):
        verbose_name_plural = "task categories"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="tcat_title_not_empty")]


class SystemCategory(models.IntegerChoices):
    """ONLYOFFICE's system history categories (negative ids on the wire)."""

    NONE = 0, "none"
    TASK_CLOSED = -1, "Task is closed"
    FILES_UPLOADED = -2, "Files are uploaded"


class HistoryEvent(models.Model):
    """Something that happened: immutable once written (ONLYOFFICE has no edit), deletable."""

    content = models.TextField(help_text="As sent (clients send HTML); sanitized when shown.")
    category = models.ForeignKey(
        HistoryCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    system_category = models.SmallIntegerField(
        choices=SystemCategory.choices, default=SystemCategory.NONE
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history_events",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=keep_on_its_deal,
        related_name="history_events",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["opportunity", "created_at"], name="event_opp_idx"),
            models.Index(fields=["contact", "created_at"], name="event_contact_idx"),
            models.Index(fields=["created_at", "id"], name="event_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opportunity__isnull=False) | Q(contact__isnull=False),
                name="event_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=False) | ~Q(system_category=0),
                name="event_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or self.get_system_category_display()}: {self.content[:40]}"


class Task(models.Model):
    """What happens next: a title, a deadline and a responsible, on a deal and/or a contact."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    deadline = models.DateTimeField()
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crm_tasks"
    )
    category = models.ForeignKey(TaskCategory, on_delete=models.PROTECT, related_name="tasks")
    alert_minutes = models.PositiveIntegerField(
        default=0, help_text="Remind this many minutes before the deadline; 0 for no reminder."
    )
    remind_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the reminder is due (deadline minus alert_minutes); null without one.",
    )
    reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "When the reminder for the current remind_at was mailed (send_task_reminders), or "
            "settled without a mail: a task reopened after its reminder time has passed."
        ),
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=keep_on_its_deal, related_name="tasks"
    )
    is_closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        # ONLYOFFICE's order: open tasks first, then by deadline and title.
        ordering = ["is_closed", "deadline", "title", "id"]
        indexes = [
            models.Index(fields=["responsible", "is_closed", "deadline"], name="task_resp_idx"),
            models.Index(fields=["opportunity", "is_closed", "deadline"], name="task_opp_idx"),
            models.Index(fields=["contact", "is_closed", "deadline"], name="task_contact_idx"),
            models.Index(fields=["is_closed", "deadline", "id"], name="task_deadline_idx"),
            models.Index(
                fields=["remind_at"],
                name="task_remind_idx",
                condition=Q(is_closed=False, reminded_at__isnull=True, remind_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="task_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title
