import logging

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from core.errors import AccessDenied, InvalidInput, NotFound
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_access_user_ids
from opportunities.services import opportunity_set_access
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def access_state(opportunity) -> tuple:
    fresh = Opportunity.objects.get(pk=opportunity.pk)
    return fresh.is_private, opportunity_access_user_ids(fresh)


def test_private_with_list_and_caller_when_creator_sets_access(opportunity, user, other_user):
    opportunity_set_access(
        opportunity=opportunity, is_private=True, access_list=[other_user], set_by=user
    )

    assert access_state(opportunity) == (True, {user.pk, other_user.pk})


def test_private_with_caller_only_when_access_list_empty(opportunity, user):
    opportunity_set_access(opportunity=opportunity, is_private=True, access_list=[], set_by=user)

    assert access_state(opportunity) == (True, {user.pk})


def test_access_list_kept_when_access_list_not_given(user, other_user):
    opportunity = OpportunityFactory(created_by=user, access_list=[user, other_user])

    opportunity_set_access(opportunity=opportunity, is_private=True, access_list=None, set_by=user)

    assert access_state(opportunity) == (True, {user.pk, other_user.pk})


def test_public_and_list_cleared_when_made_public(user, other_user):
    opportunity = OpportunityFactory(created_by=user, access_list=[user, other_user])

    opportunity_set_access(
        opportunity=opportunity, is_private=False, access_list=[other_user], set_by=user
    )

    assert access_state(opportunity) == (False, set())


def test_admin_sets_access_when_not_creator(private_opportunity, admin_user, other_user, user):
    opportunity_set_access(
        opportunity=private_opportunity,
        is_private=True,
        access_list=[other_user],
        set_by=admin_user,
    )

    assert access_state(private_opportunity) == (True, {admin_user.pk, other_user.pk})


def test_access_denied_and_nothing_changes_when_responsible_sets_access(
    user, responsible_user, other_user
):
    opportunity = OpportunityFactory(created_by=user, responsible=responsible_user)

    with pytest.raises(AccessDenied):
        opportunity_set_access(
            opportunity=opportunity,
            is_private=True,
            access_list=[other_user],
            set_by=responsible_user,
        )

    assert access_state(opportunity) == (False, set())


def test_access_denied_and_nothing_changes_when_listed_user_sets_access(user, other_user):
    opportunity = OpportunityFactory(created_by=user, access_list=[user, other_user])

    with pytest.raises(AccessDenied):
        opportunity_set_access(
            opportunity=opportunity, is_private=False, access_list=[], set_by=other_user
        )

    assert access_state(opportunity) == (True, {user.pk, other_user.pk})


def test_not_found_and_nothing_changes_when_stranger_sets_access(
    private_opportunity, user, other_user
):
    with pytest.raises(NotFound):
        opportunity_set_access(
            opportunity=private_opportunity, is_private=False, access_list=[], set_by=other_user
        )

    assert access_state(private_opportunity) == (True, {user.pk})


def test_nothing_changes_when_access_list_holds_inactive_user(opportunity, user, other_user):
    other_user.is_active = False
    other_user.save()

    with pytest.raises(InvalidInput):
        opportunity_set_access(
            opportunity=opportunity, is_private=True, access_list=[other_user], set_by=user
        )

    assert access_state(opportunity) == (False, set())


def test_only_newly_added_users_notified_after_commit_when_notify(
    user,
    other_user,
    third_user,
    responsible_user,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    opportunity = OpportunityFactory(created_by=user, access_list=[user, other_user])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        opportunity_set_access(
            opportunity=opportunity,
            is_private=True,
            access_list=[other_user, third_user, responsible_user],
            set_by=user,
            notify=True,
        )
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [third_user.email, responsible_user.email]
    )
    assert opportunity.title in mailoutbox[0].subject


def test_nobody_notified_when_notify_off(
    opportunity, user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_set_access(
            opportunity=opportunity, is_private=True, access_list=[other_user], set_by=user
        )

    assert mailoutbox == []


def test_change_kept_and_no_error_when_mail_server_fails(
    opportunity, user, other_user, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        opportunity_set_access(
            opportunity=opportunity,
            is_private=True,
            access_list=[other_user],
            set_by=user,
            notify=True,
        )

    assert access_state(opportunity) == (True, {user.pk, other_user.pk})
    assert "Could not send the access notification" in caplog.text
