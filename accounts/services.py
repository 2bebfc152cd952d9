"""Writes on users. Only administrators add people."""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accounts.models import User
from core.errors import AccessDenied, InvalidInput

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
    """ONLYOFFICE's "add user". Without a password the account gets an unusable one: the person
    sets it through Django's password reset (or an administrator sets it in the admin)."""
    if not (created_by and created_by.is_authenticated and created_by.is_crm_admin):
        raise AccessDenied()
    if is_visitor:
        raise InvalidInput(
            "Guest (visitor) accounts are not supported: every user has the same CRM rights.",
            field="isVisitor",
        )
    email = (email or "").strip()
    if not email:
        raise InvalidInput("The e-mail address is required.", field="email")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"'{email}' is not a valid e-mail address.", field="email") from exc
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput("A user with this e-mail address already exists.", field="email")
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    for field, value in (("firstname", first_name), ("lastname", last_name)):
        if len(value) > 150:
            raise InvalidInput(f"{field} has at most 150 characters.", field=field)
    job_title = (job_title or "").strip()
    if len(job_title) > 150:
        raise InvalidInput("title has at most 150 characters.", field="title")
    user = User(
        username=_username_from_email(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the user name
        raise InvalidInput(
            "A user with this e-mail address already exists.", field="email"
        ) from exc
    return user
