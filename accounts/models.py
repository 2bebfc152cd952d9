import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. The API identifies people by `uuid` (ONLYOFFICE's Employee GUID)."""

    uuid = models.UUIDField("GUID", default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = "user"

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_crm_admin(self) -> bool:
        """Portal or CRM administrators in ONLYOFFICE's terms: they see and change everything."""
        return self.is_active and (self.is_superuser or self.is_staff)
