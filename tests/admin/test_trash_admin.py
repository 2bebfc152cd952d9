"""The trash in the admin: deleted deals are gone from the opportunity admin and its history, and
listed in the trash admin, whose actions restore them or delete them for good through the trash
services. Through the Django admin with the test client."""

import pytest
from django.urls import reverse

from opportunities.models import (
    AuditAction,
    Opportunity,
    OpportunityAudit,
    Stage,
    StageChange,
    TrashedOpportunity,
)
from opportunities.services import opportunity_delete
from tests.factories import OpportunityFactory, StageChangeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def url(model, view="changelist", *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def gone(user):
    deal = OpportunityFactory(title="Gone deal", created_by=user)
    StageChangeFactory(opportunity=deal)
    opportunity_delete(opportunity=deal, deleted_by=user)
    return deal


def test_opportunity_admin_neither_lists_nor_opens_a_deal_in_the_trash(admin_browser, gone):
    kept = OpportunityFactory(title="Kept deal")
    listed = admin_browser.get(url(Opportunity))
    assert list(listed.context["cl"].result_list) == [kept]
    assert admin_browser.get(url(Opportunity, "change", gone.pk)).status_code == 302  # "no such"
    history = admin_browser.get(url(StageChange))
    assert all(row.opportunity_id != gone.pk for row in history.context["cl"].result_list)


def test_stage_admin_does_not_count_deals_in_the_trash(admin_browser, gone):
    OpportunityFactory(stage=gone.stage)
    rows = admin_browser.get(url(Stage)).context["cl"].result_list
    assert {stage.pk: stage.number for stage in rows}[gone.stage_id] == 1


def test_delete_confirmation_says_the_deal_goes_to_the_trash(admin_browser, user):
    deal = OpportunityFactory(title="Doomed", created_by=user)
    page = admin_browser.get(url(Opportunity, "delete", deal.pk)).content.decode()
    assert "Doomed (to the trash: restorable for 30 days)" in page


def test_trash_admin_lists_only_deals_in_the_trash(admin_browser, gone):
    OpportunityFactory(title="Kept deal")
    response = admin_browser.get(url(TrashedOpportunity))
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [gone.pk]
    assert "Gone deal" in response.content.decode()


def test_trash_admin_restores_through_the_service(admin_browser, admin_user, gone):
    response = admin_browser.post(
        url(TrashedOpportunity), {"action": "restore", "_selected_action": [gone.pk]}
    )
    assert response.status_code == 302
    assert Opportunity.objects.filter(pk=gone.pk).exists()
    assert OpportunityAudit.objects.filter(
        opportunity=gone, action=AuditAction.RESTORED, changed_by=admin_user
    ).exists()


def test_trash_admin_deletes_for_good_only_after_confirming(admin_browser, gone):
    data = {"action": "delete_for_good", "_selected_action": [gone.pk]}
    confirm = admin_browser.post(url(TrashedOpportunity), data)
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert Opportunity.all_objects.filter(pk=gone.pk).exists()

    done = admin_browser.post(url(TrashedOpportunity), {**data, "post": "yes"})
    assert done.status_code == 302
    assert not Opportunity.all_objects.filter(pk=gone.pk).exists()
    assert not StageChange.objects.filter(opportunity_id=gone.pk).exists()


def test_trash_admin_adds_changes_and_deletes_nothing_itself(admin_browser, gone):
    assert admin_browser.get(url(TrashedOpportunity, "add")).status_code == 403
    assert admin_browser.post(url(TrashedOpportunity, "delete", gone.pk)).status_code == 403
    admin_browser.post(url(TrashedOpportunity, "change", gone.pk), {"title": "Renamed"})
    assert Opportunity.all_objects.get(pk=gone.pk).title == "Gone deal"


def test_trash_admin_refused_to_a_user_without_the_admin(client, user, gone):
    staff = UserFactory(is_staff=False)
    client.force_login(staff)
    assert client.get(url(TrashedOpportunity)).status_code == 302  # to the admin's sign-in
    client.force_login(user)
    client.post(url(TrashedOpportunity), {"action": "restore", "_selected_action": [gone.pk]})
    assert not Opportunity.objects.filter(pk=gone.pk).exists()


def test_history_and_task_admins_do_not_list_what_a_deal_in_the_trash_holds(
    admin_browser, user, gone
):
    from django.utils import timezone

    from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory

    kept = OpportunityFactory(created_by=user)
    for deal in (gone, kept):
        HistoryEvent.objects.create(
            opportunity=deal, content="A call", category=HistoryCategory.objects.first()
        )
        Task.objects.create(
            opportunity=deal,
            title="A task",
            deadline=timezone.now(),
            responsible=user,
            category=TaskCategory.objects.first(),
        )
    for model in (HistoryEvent, Task):
        rows = admin_browser.get(url(model)).context["cl"].result_list
        assert [row.opportunity_id for row in rows] == [kept.pk], model
