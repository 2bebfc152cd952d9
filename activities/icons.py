"""The category icons the product ships (static/img/history/, static/img/tasks/): an icon
name it does not ship has no URL, rather than a URL that answers 404."""

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static

HISTORY_ICONS = "img/history/"
TASK_ICONS = "img/tasks/"


@lru_cache(maxsize=256)
def icon_url(folder: str, image_name: str) -> str | None:
    """The icon's site path (hashed in production), or None when it is not shipped."""
    if not image_name or "/" in image_name or "\\" in image_name or "\0" in image_name:
        return None
    path = f"{folder}{image_name}"
    return static(path) if finders.find(path) else None
