"""Point 4 of the hardening issue: on a private opportunity only those who may change its
access (admins and the creator) may change who is responsible, since the responsible person
always sees and edits the opportunity."""

import pytest

from opportunities.models import Opportunity
from opportunities.selectors import opportunity_can_edit, opportunity_list_visible_to
from tests.factories import OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"


@pytest.fixture
def shared(user, other_user):
    """Private, created by `user`, with `other_user` on its access list."""
    return OpportunityFactory(
        title="Shared secret", created_by=user, access_list=[user, other_user]
    )


def _sees(someone, opportunity) -> bool:
    return opportunity_list_visible_to(user=someone).filter(pk=opportunity.pk).exists()


def test_access_route_refuses_when_listed_user_adds_someone(
    client_for, other_user, third_user, shared
):
    response = client_for(other_user).put(
        f"{URL}/{shared.pk}/access",
        {"isPrivate": True, "accessList": [str(other_user.uuid), str(third_user.uuid)]},
        format="json",
    )
    assert response.status_code == 403
    assert not _sees(third_user, shared)


def test_responsible_change_is_refused_when_listed_user_hands_it_to_someone_else(
    client_for, user, other_user, third_user, shared
):
    response = client_for(other_user).put(
        f"{URL}/{shared.pk}", {"responsibleid": str(third_user.uuid)}, format="json"
    )

    assert response.status_code == 403
    body = response.json()
    assert body["status"] == 1
    assert "responsible" in body["error"]["message"].lower()
    shared.refresh_from_db()
    assert shared.responsible == user
    assert not _sees(third_user, shared)
    assert not opportunity_can_edit(user=third_user, opportunity=shared)


def test_responsible_change_writes_nothing_when_refused_with_other_fields(
    client_for, other_user, third_user, shared
):
    response = client_for(other_user).put(
        f"{URL}/{shared.pk}",
        {"responsibleid": str(third_user.uuid), "title": "Renamed"},
        format="json",
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Shared secret"


def test_listed_user_loses_access_when_creator_removes_them_after_a_refused_self_assignment(
    client_for, user, other_user, shared
):
    refused = client_for(other_user).put(
        f"{URL}/{shared.pk}", {"responsibleid": str(other_user.uuid)}, format="json"
    )
    assert refused.status_code == 403

    removed = client_for(user).put(
        f"{URL}/{shared.pk}/access",
        {"isPrivate": True, "accessList": [str(user.uuid)]},
        format="json",
    )
    assert removed.status_code == 200
    assert not _sees(other_user, shared)
    assert client_for(other_user).get(f"{URL}/{shared.pk}").status_code == 404


def test_listed_user_may_edit_other_fields_when_responsible_is_unchanged(
    client_for, user, other_user, shared
):
    response = client_for(other_user).put(
        f"{URL}/{shared.pk}",
        {"responsibleid": str(user.uuid), "description": "notes"},
        format="json",
    )
    assert response.status_code == 200
    shared.refresh_from_db()
    assert (shared.responsible, shared.description) == (user, "notes")


def test_creator_may_change_responsible_when_private(client_for, user, third_user, shared):
    response = client_for(user).put(
        f"{URL}/{shared.pk}", {"responsibleid": str(third_user.uuid)}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["response"]["responsible"]["id"] == str(third_user.uuid)
    assert _sees(third_user, shared)


def test_admin_may_change_responsible_when_private(client_for, admin_user, third_user, shared):
    response = client_for(admin_user).put(
        f"{URL}/{shared.pk}", {"responsibleid": str(third_user.uuid)}, format="json"
    )
    assert response.status_code == 200
    assert _sees(third_user, shared)


def test_anyone_may_change_responsible_when_public(client_for, other_user, third_user, user):
    public = OpportunityFactory(created_by=user)
    response = client_for(other_user).put(
        f"{URL}/{public.pk}", {"responsibleid": str(third_user.uuid)}, format="json"
    )
    assert response.status_code == 200
    public.refresh_from_db()
    assert public.responsible == third_user


def test_responsible_may_not_hand_private_deal_to_someone_else_when_not_creator(
    client_for, user, other_user, third_user
):
    """The responsible person (not the creator, not on the list) cannot pass the deal on."""
    deal = OpportunityFactory(created_by=user, responsible=other_user, access_list=[user])
    response = client_for(other_user).put(
        f"{URL}/{deal.pk}", {"responsibleid": str(third_user.uuid)}, format="json"
    )
    assert response.status_code == 403
    assert not _sees(third_user, deal)


def test_create_private_with_other_responsible_gives_them_access_when_creator(
    client_for, user, third_user
):
    response = client_for(user).post(
        URL,
        {"title": "Mine", "isPrivate": True, "responsibleid": str(third_user.uuid)},
        format="json",
    )
    assert response.status_code == 201
    created = Opportunity.objects.get(title="Mine")
    assert created.is_private and created.responsible == third_user
    assert _sees(third_user, created)
    assert not _sees(UserFactory(), created)
