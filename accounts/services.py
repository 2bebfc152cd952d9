"""Writes on users. Only administrators add people."""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from accounts.models import User
from core.errors import AccessDenied, InvalidInput
from core.limits import check_length
from core.locks import lock_rows

_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")
USERNAME_MAX = User._meta.get_field("username").max_length


def _username_from_email(email: str) -> str:
    """The e-mail's local part, made a valid and free Django user name (`jane.doe`,
    `jane.doe2`, ...)."""
    stem = _USERNAME_UNSAFE.sub("", email.split("@", 1)[0]).lower() or "user"
    stem = stem[: USERNAME_MAX - 6]
    taken = set(User.objects.filter(username__istartswith=stem).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}{number}"
    return candidate


@transaction.atomic
def user_create(
    *,
    created_by: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    password: str | None = None,
    is_visitor: bool = False,
) -> User:
    """ONLYOFFICE's "add user"; `is_visitor` makes a guest (no CRM access of its own, see
    `User.has_crm_access`). Without a password the account gets an unusable one: the person
    sets it through Django's password reset (or an administrator sets it in the admin)."""
    if not (created_by and created_by.is_authenticated and created_by.is_crm_admin):
        raise AccessDenied()
    email = (email or "").strip()
    if not email:
        raise InvalidInput("The e-mail address is required.", field="email", entity="user")
    check_length(User, "email", email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(
            "'{email}' is not a valid e-mail address.", field="email", entity="user", email=email
        ) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(
            "A user with this e-mail address already exists.", field="email", entity="user"
        )
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    check_length(User, "first_name", first_name)
    check_length(User, "last_name", last_name)
    job_title = (job_title or "").strip()
    check_length(User, "job_title", job_title)
    user = User(
        username=_username_from_email(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        is_visitor=is_visitor,
    )
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise InvalidInput(
                "{reasons}", field="password", entity="user", reasons=" ".join(exc.messages)
            ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the user name
        raise InvalidInput(
            "A user with this e-mail address already exists.", field="email", entity="user"
        ) from exc
    return user


@transaction.atomic
def user_set_active(*, user: User, is_active: bool, changed_by: User | None = None) -> User:
    """Activate or deactivate a user. Deactivating bumps `token_epoch`: the user's API tokens
    and browser sessions stop working and stay revoked when the account is activated again.
    Every surface that deactivates goes through here (the admin's user form included)."""
    if changed_by is not None and not (changed_by.is_authenticated and changed_by.is_crm_admin):
        raise AccessDenied()
    updates = {"is_active": is_active, "terminated_at": None}
    if not is_active:
        updates["token_epoch"] = F("token_epoch") + 1
        # the moment of the deactivation: deactivating again keeps it
        updates["terminated_at"] = Case(
            When(is_active=True, then=Value(timezone.now())), default=F("terminated_at")
        )
    User.objects.filter(pk=user.pk).update(**updates)
    user.refresh_from_db(fields=["is_active", "token_epoch", "terminated_at"])
    return user


@transaction.atomic
def user_set_visitor(*, user: User, is_visitor: bool, changed_by: User | None = None) -> User:
    """Make a user a guest (ONLYOFFICE's visitor) or a full user again. A guest keeps the
    opportunities it is responsible for, and reads none of them while it is a guest. An
    administrator cannot be a guest: take the staff and superuser flags away first."""
    if changed_by is not None and not (changed_by.is_authenticated and changed_by.is_crm_admin):
        raise AccessDenied()
    locked = lock_rows(User.objects.filter(pk=user.pk)).get()
    if is_visitor and (locked.is_staff or locked.is_superuser):
        raise InvalidInput(
            "An administrator cannot be a guest: take the staff and superuser flags away first.",
            field="is_visitor",
            entity="user",
        )
    if locked.is_visitor != is_visitor:
        User.objects.filter(pk=user.pk).update(is_visitor=is_visitor)
    user.is_visitor = is_visitor
    return user
