"""Every icon the API names as `imagePath` is a static file: the default history and task
categories (as the migrations left them in the database) and the two system categories.
The PNGs are drawn from SVG sources by tools/render_activity_icons.py."""

import struct

import pytest
from django.contrib.staticfiles import finders

from activities.api.history_rendering import SYSTEM_CATEGORY_ICONS
from activities.icons import HISTORY_ICONS, TASK_ICONS
from activities.models import HistoryCategory, TaskCategory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def default_icons() -> list[str]:
    history = list(HistoryCategory.objects.values_list("image_name", flat=True))
    tasks = list(TaskCategory.objects.values_list("image_name", flat=True))
    assert len(history) == 4 and len(tasks) == 12, "the migrations' default categories"
    system = list(SYSTEM_CATEGORY_ICONS.values())
    return [f"{HISTORY_ICONS}{name}" for name in history + system] + [
        f"{TASK_ICONS}{name}" for name in tasks
    ]


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as png:
        head = png.read(24)
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.django_db
def test_every_default_category_icon_is_a_32px_png_when_migrated():
    missing = [name for name in default_icons() if not finders.find(name)]

    assert missing == []
    for name in default_icons():
        assert png_size(finders.find(name)) == (32, 32), name


@pytest.mark.django_db
def test_every_icon_keeps_its_svg_source_when_migrated():
    sources = {name.rsplit("/", 1)[1].removesuffix(".png") for name in default_icons()}

    missing = [s for s in sorted(sources) if not finders.find(f"img/activity-icons/{s}.svg")]

    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("image_name", ["no_such_icon.png", "../../img/favicon.svg"])
def test_a_category_icon_the_product_does_not_ship_has_no_image_path(admin_client, image_name):
    category = TaskCategory.objects.create(title="Custom", image_name=image_name)
    event_category = HistoryCategory.objects.create(title="Custom", image_name=image_name)

    tasks = admin_client.get(f"/api/2.0/crm/task/category/{category.pk}").json()["response"]
    events = admin_client.get("/api/2.0/crm/history/category").json()["response"]

    assert tasks["imagePath"] is None
    assert [c["imagePath"] for c in events if c["id"] == event_category.pk] == [None]
