import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A person who signs in. The API identifies people by `uuid` (ONLYOFFICE's Employee GUID)."""

    uuid = models.UUIDField("GUID", default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    is_visitor = models.BooleanField(
        "guest",
        default=False,
        help_text=(
            "ONLYOFFICE's visitor: a guest signs in and sees people, and can be made responsible "
            "for opportunities, but reads no CRM data (opportunities, contacts, stages) and can "
            "never be an administrator."
        ),
    )
    terminated_at = models.DateTimeField(
        "deactivated at",
        null=True,
        blank=True,
        editable=False,
        help_text="When the user was last deactivated (ONLYOFFICE's `terminated`).",
    )
    token_epoch = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=(
            "Bumped when the user is deactivated: API tokens and sessions from before stop "
            "working for good, also once the user is active again."
        ),
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = "user"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_visitor=False) | Q(is_staff=False, is_superuser=False),
                name="accounts_user_guest_not_admin",
                violation_error_message=(
                    "A guest cannot be an administrator: clear “guest” or the staff and "
                    "superuser flags."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (the password's HMAC), with the token epoch: a session opened
        before a deactivation does not come back with the account. Epoch 0 keeps Django's own
        value, so existing sessions survive the upgrade."""
        if not self.token_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            f"{self.password}|epoch:{self.token_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_crm_admin(self) -> bool:
        """Portal or CRM administrators in ONLYOFFICE's terms: they see and change everything."""
        return self.is_active and not self.is_visitor and (self.is_superuser or self.is_staff)

    @property
    def has_crm_access(self) -> bool:
        """Whether the CRM product is available to this user: every active user but a guest
        (ONLYOFFICE hides the CRM from visitors)."""
        return self.is_active and not self.is_visitor

    def get_choice_label(self) -> str:
        """The name in pickers (responsible, owner, access list): guests are marked."""
        name = self.get_display_name()
        return f"{name} (guest)" if self.is_visitor else name
