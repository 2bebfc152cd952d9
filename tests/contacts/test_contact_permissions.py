"""Who may do what to a contact: read, edit and delete = admin | public | creator | access list;
change access = admin | creator. Global model permissions never widen visibility."""

import pytest
from django.contrib.auth.models import Permission

from contacts.selectors import (
    contact_can_change_access,
    contact_can_edit,
    contact_get_visible,
    contact_list_visible_to,
)
from core.errors import NotFound
from tests.factories import AdminUserFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["admin", "creator", "listed", "other"]


def matrix(rule):
    return [
        pytest.param(actor, privacy, rule(actor, privacy), id=f"{actor}-{privacy}")
        for privacy in ("public", "private")
        for actor in ACTORS
    ]


def can_read(actor, privacy):
    return privacy == "public" or actor != "other"


def can_change_access(actor, privacy):
    return actor in {"admin", "creator"}


@pytest.fixture
def cast(db):
    people = {
        "admin": AdminUserFactory(username="admin"),
        "creator": UserFactory(username="creator"),
        "listed": UserFactory(username="listed"),
        "other": UserFactory(username="other"),
    }
    people["other"].user_permissions.set(
        Permission.objects.filter(content_type__app_label="contacts")
    )
    return people


@pytest.fixture
def contacts(cast):
    return {
        "public": PersonFactory(created_by=cast["creator"]),
        "private": PersonFactory(created_by=cast["creator"], access_list=[cast["listed"]]),
    }


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_read))
def test_read_and_edit_follow_rules_when_actor_and_privacy_vary(
    cast, contacts, actor, privacy, allowed
):
    user, contact = cast[actor], contacts[privacy]

    assert contact_list_visible_to(user=user).filter(pk=contact.pk).exists() is allowed
    assert contact_can_edit(user=user, contact=contact) is allowed
    if allowed:
        assert contact_get_visible(user=user, contact_id=contact.pk) == contact
    else:
        with pytest.raises(NotFound):
            contact_get_visible(user=user, contact_id=contact.pk)


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_change_access))
def test_change_access_follows_rules_when_actor_and_privacy_vary(
    cast, contacts, actor, privacy, allowed
):
    assert contact_can_change_access(user=cast[actor], contact=contacts[privacy]) is allowed


def test_private_hidden_when_user_holds_global_view_permission(cast, contacts):
    assert cast["other"].has_perm("contacts.view_contact")

    assert list(contact_list_visible_to(user=cast["other"])) == [contacts["public"]]


def test_visibility_is_one_query_when_listing(cast, contacts, django_assert_num_queries):
    with django_assert_num_queries(1):
        visible = list(contact_list_visible_to(user=cast["listed"]))

    assert set(visible) == set(contacts.values())


def test_nothing_allowed_when_anonymous(contacts):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()

    assert not contact_list_visible_to(user=anonymous).exists()
    assert not contact_can_edit(user=anonymous, contact=contacts["public"])
    assert not contact_can_change_access(user=anonymous, contact=contacts["public"])
