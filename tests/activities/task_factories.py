"""Arranging task state in tests, bypassing the services (use `task_create` or the API when the
test is about creating)."""

from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Task, TaskCategory
from tests.factories import UserFactory

API = "/api/2.0/crm/"


def task_category(title: str = "Phone call") -> TaskCategory:
    """One of ONLYOFFICE's twelve default task categories, created by the migration."""
    return TaskCategory.objects.get(title=title)


class TaskCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskCategory

    title = factory.Sequence(lambda n: f"Task kind {n}")
    image_name = "task_category_call.png"
    sort_order = factory.Sequence(lambda n: 100 + n)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Call back {n}")
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    created_by = factory.SubFactory(UserFactory)
    responsible = factory.SelfAttribute("created_by")
    category = factory.LazyFunction(task_category)
