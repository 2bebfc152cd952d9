"""Who may do what to an opportunity: spec onlyoffice-api.md §5 with decisions 2 and 7.

read           = admin | public | access list | responsible | creator
edit, delete   = admin | responsible | creator | public | access list
change access  = admin | creator
A stranger who cannot read gets NotFound (404), never AccessDenied: it cannot tell the
opportunity exists. Global model permissions never widen any of this.
"""

import pytest
from django.contrib.auth.models import Permission

from core.errors import AccessDenied, NotFound
from opportunities.models import Opportunity
from opportunities.selectors import (
    opportunity_can_change_access,
    opportunity_can_edit,
    opportunity_can_read,
    opportunity_get_visible,
    opportunity_list_visible_to,
)
from opportunities.services import opportunity_delete, opportunity_set_access, opportunity_update
from tests.factories import AdminUserFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTORS = ["admin", "creator", "responsible", "listed", "other"]
PRIVACY = ["public", "private"]


def can_read(actor, privacy):
    return privacy == "public" or actor != "other"


def can_edit(actor, privacy):
    return privacy == "public" or actor != "other"


def can_change_access(actor, privacy):
    return actor in {"admin", "creator"}


def matrix(rule):
    return [
        pytest.param(actor, privacy, rule(actor, privacy), id=f"{actor}-{privacy}")
        for privacy in PRIVACY
        for actor in ACTORS
    ]


@pytest.fixture
def cast(db):
    """One user per role. `other` holds every global opportunity permission, which must not
    show them anything private (guardian's accept_global_perms would)."""
    people = {
        "admin": AdminUserFactory(username="admin"),
        "creator": UserFactory(username="creator"),
        "responsible": UserFactory(username="responsible"),
        "listed": UserFactory(username="listed"),
        "other": UserFactory(username="other"),
    }
    people["other"].user_permissions.set(
        Permission.objects.filter(content_type__app_label="opportunities")
    )
    return people


@pytest.fixture
def deals(cast):
    """The same deal, public and private. The creator is not on the private one's access list:
    they read it by decision 7, not through the list."""
    owners = {"created_by": cast["creator"], "responsible": cast["responsible"]}
    return {
        "public": OpportunityFactory(title="Public", **owners),
        "private": OpportunityFactory(title="Private", access_list=[cast["listed"]], **owners),
    }


def fresh(opportunity):
    return Opportunity.objects.filter(pk=opportunity.pk).values().first()


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_read))
def test_read_follows_rules_when_actor_and_privacy_vary(cast, deals, actor, privacy, allowed):
    user, deal = cast[actor], deals[privacy]

    assert opportunity_list_visible_to(user=user).filter(pk=deal.pk).exists() is allowed
    assert opportunity_can_read(user=user, opportunity=deal) is allowed
    if allowed:
        assert opportunity_get_visible(user=user, opportunity_id=deal.pk) == deal
    else:
        with pytest.raises(NotFound):
            opportunity_get_visible(user=user, opportunity_id=deal.pk)


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_edit))
def test_edit_follows_rules_when_actor_and_privacy_vary(cast, deals, actor, privacy, allowed):
    user, deal = cast[actor], deals[privacy]
    before = fresh(deal)

    assert opportunity_can_edit(user=user, opportunity=deal) is allowed
    if allowed:
        opportunity_update(opportunity=deal, updated_by=user, title=f"Edited by {actor}")
        assert fresh(deal)["title"] == f"Edited by {actor}"
    else:
        with pytest.raises(NotFound):
            opportunity_update(opportunity=deal, updated_by=user, title="Stolen")
        assert fresh(deal) == before


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_edit))
def test_delete_follows_rules_when_actor_and_privacy_vary(cast, deals, actor, privacy, allowed):
    user, deal = cast[actor], deals[privacy]

    if allowed:
        opportunity_delete(opportunity=deal, deleted_by=user)
        assert fresh(deal) is None
    else:
        with pytest.raises(NotFound):
            opportunity_delete(opportunity=deal, deleted_by=user)
        assert fresh(deal) is not None


@pytest.mark.parametrize(("actor", "privacy", "allowed"), matrix(can_change_access))
def test_change_access_follows_rules_when_actor_and_privacy_vary(
    cast, deals, actor, privacy, allowed
):
    user, deal = cast[actor], deals[privacy]
    before = fresh(deal)
    make_private = privacy == "public"

    assert opportunity_can_change_access(user=user, opportunity=deal) is allowed
    if allowed:
        opportunity_set_access(
            opportunity=deal, is_private=make_private, access_list=[], set_by=user
        )
        assert fresh(deal)["is_private"] is make_private
    else:
        expected = AccessDenied if can_read(actor, privacy) else NotFound
        with pytest.raises(expected):
            opportunity_set_access(
                opportunity=deal, is_private=make_private, access_list=[], set_by=user
            )
        assert fresh(deal) == before


def test_private_hidden_when_user_holds_global_view_permission(deals, cast):
    other = cast["other"]
    assert other.has_perm("opportunities.view_opportunity")

    visible = set(opportunity_list_visible_to(user=other))

    assert visible == {deals["public"]}


def test_nothing_visible_when_user_inactive_or_anonymous(deals, cast):
    from django.contrib.auth.models import AnonymousUser

    creator = cast["creator"]
    creator.is_active = False
    creator.save()

    assert not opportunity_list_visible_to(user=creator).exists()
    assert not opportunity_list_visible_to(user=AnonymousUser()).exists()
    assert not opportunity_can_edit(user=AnonymousUser(), opportunity=deals["public"])


def test_staff_user_sees_everything_when_not_superuser(deals):
    staff = UserFactory(username="staff", is_staff=True)

    assert set(opportunity_list_visible_to(user=staff)) == set(deals.values())


@pytest.mark.parametrize("rows", [1, 12])
def test_visibility_is_one_query_when_listing(cast, rows, django_assert_num_queries):
    for number in range(rows):
        OpportunityFactory(
            created_by=cast["creator"], access_list=[cast["listed"]] if number % 2 else None
        )

    with django_assert_num_queries(1):
        visible = list(opportunity_list_visible_to(user=cast["listed"]))

    assert len(visible) == rows
