"""The task admin writes through the task services: the same rules, e-mails and next task
dates as the API. Through the Django admin with the test client, asserting the database."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from activities.models import Task, TaskCategory
from opportunities.models import Opportunity
from tests.activities.task_factories import TaskCategoryFactory, TaskFactory, task_category


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def _url(model, action: str, *args) -> str:
    return reverse(f"admin:activities_{model._meta.model_name}_{action}", args=args)


def _form(**values) -> dict:
    data = {
        "title": "Call back",
        "description": "",
        "deadline_0": "2030-04-05",
        "deadline_1": "10:00:00",
        "category": task_category().pk,
        "alert_minutes": 0,
        "opportunity": "",
        "contact": "",
    }
    data.update(values)
    return data


def test_add_creates_through_the_service_and_mails_the_responsible(
    admin_browser, other_user, opportunity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            _url(Task, "add"), _form(responsible=other_user.pk, opportunity=opportunity.pk)
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    task = Task.objects.get()
    assert (task.responsible, task.opportunity) == (other_user, opportunity)
    assert [m.to for m in mail.outbox] == [[other_user.email]]
    assert Opportunity.objects.get(pk=opportunity.pk).next_task_due == task.deadline


def test_add_shows_the_service_error_on_its_field_when_the_responsible_cannot_read(
    admin_browser, other_user, private_opportunity
):
    response = admin_browser.post(
        _url(Task, "add"), _form(responsible=other_user.pk, opportunity=private_opportunity.pk)
    )

    assert response.status_code == 200
    assert "responsible" in response.context["adminform"].form.errors
    assert not Task.objects.exists()


def test_change_closes_through_the_service_when_is_closed_is_ticked(
    admin_browser, user, opportunity
):
    task = TaskFactory(
        created_by=user, opportunity=opportunity, deadline=datetime(2030, 4, 5, 10, tzinfo=UTC)
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(next_task_due=task.deadline)

    response = admin_browser.post(
        _url(Task, "change", task.pk),
        _form(
            title=task.title,
            responsible=user.pk,
            opportunity=opportunity.pk,
            is_closed="on",
        ),
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_closed and task.closed_by is not None
    assert Opportunity.objects.get(pk=opportunity.pk).next_task_due is None


def test_changelist_filters_by_open_closed_category_and_responsible(admin_browser, user):
    TaskFactory(created_by=user, title="Open one")
    TaskFactory(created_by=user, title="Closed one", is_closed=True)

    response = admin_browser.get(
        _url(Task, "changelist"),
        {"is_closed__exact": "0", "category__id__exact": task_category().pk},
    )

    assert response.status_code == 200
    assert "Open one" in response.content.decode()
    assert "Closed one" not in response.content.decode()
    assert (
        admin_browser.get(_url(Task, "changelist"), {"responsible__id__exact": user.pk}).status_code
        == 200
    )


def test_delete_goes_through_the_service_when_confirmed(admin_browser, user, opportunity):
    task = TaskFactory(created_by=user, opportunity=opportunity)

    response = admin_browser.post(_url(Task, "delete", task.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Task.objects.exists()


def test_category_add_refuses_a_duplicate_title_when_saved(admin_browser):
    response = admin_browser.post(
        _url(TaskCategory, "add"),
        {"title": "phone call", "description": "", "color": "", "image_name": "", "sort_order": 0},
    )

    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert TaskCategory.objects.count() == 12


def test_category_in_use_is_not_deleted_when_the_admin_tries(admin_browser, user):
    category = TaskCategoryFactory(title="Busy")
    TaskFactory(created_by=user, category=category)

    admin_browser.post(_url(TaskCategory, "delete", category.pk), {"post": "yes"})

    assert TaskCategory.objects.filter(pk=category.pk).exists()
