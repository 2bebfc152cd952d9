"""The wire shape of a category, the same for history and task categories: ONLYOFFICE's
HistoryCategoryBase / TaskCategoryBase (every key always present, `imagePath` null without a
shipped icon) and their wrappers, which add `relativeItemsCount`."""

from activities.icons import icon_url
from activities.models import Category
from crm_project.api.render_context import RenderContext


def image_path(ctx: RenderContext, icons: str, image_name: str) -> str | None:
    """The icon's URL in the folder `icons` (ONLYOFFICE's `imagePath`), null without one."""
    path = icon_url(icons, image_name)
    return f"{ctx.base_url}{path}" if path else None


def category_base_shape(category: Category, ctx: RenderContext, *, icons: str) -> dict:
    return {
        "id": category.pk,
        "title": category.title,
        "description": category.description,
        "color": category.color,
        "sortOrder": category.sort_order,
        "imagePath": image_path(ctx, icons, category.image_name),
    }


def category_shape(
    category: Category, ctx: RenderContext, *, icons: str, relative_items_count: int | None
) -> dict:
    """The category and the items using it that the caller can see (the selector's
    `relative_items_count` annotation, unless given)."""
    if relative_items_count is None:
        relative_items_count = getattr(category, "relative_items_count", 0)
    return {
        **category_base_shape(category, ctx, icons=icons),
        "relativeItemsCount": relative_items_count,
    }
