from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet

from accounts.models import User


def user_list_active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def user_get_by_uuid(user_uuid: UUID | str) -> User | None:
    return User.objects.filter(uuid=user_uuid, is_active=True).first()


def users_by_uuids(uuids: Iterable[UUID | str]) -> tuple[list[User], list[str]]:
    """Active users for the given GUIDs, and the GUIDs that match nobody."""
    wanted = {str(u).lower() for u in uuids}
    found = list(User.objects.filter(uuid__in=wanted, is_active=True))
    missing = sorted(wanted - {str(u.uuid) for u in found})
    return found, missing
