"""Every icon the API names as `imagePath` is a static file: the default history and task
categories (as the migrations left them in the database) and the two system categories.
The PNGs are drawn from SVG sources by tools/render_activity_icons.py."""

import struct

import pytest
from django.contrib.staticfiles import finders

from activities.api.history_rendering import ICON_PATH as HISTORY_ICON_PATH
from activities.api.history_rendering import SYSTEM_CATEGORY_ICONS
from activities.api.task_rendering import ICON_PATH as TASK_ICON_PATH
from activities.models import HistoryCategory, TaskCategory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def static_name(icon_path: str, image_name: str) -> str:
    """`/static/img/history/x.png` -> `img/history/x.png`, the name the finders look up."""
    return f"{icon_path.removeprefix('/static/')}{image_name}"


def default_icons() -> list[str]:
    history = list(HistoryCategory.objects.values_list("image_name", flat=True))
    tasks = list(TaskCategory.objects.values_list("image_name", flat=True))
    assert len(history) == 4 and len(tasks) == 12, "the migrations' default categories"
    system = list(SYSTEM_CATEGORY_ICONS.values())
    return [static_name(HISTORY_ICON_PATH, name) for name in history + system] + [
        static_name(TASK_ICON_PATH, name) for name in tasks
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
