"""The wire shapes of history: ONLYOFFICE's RelationshipEventWrapper, HistoryCategoryBase and
HistoryCategoryWrapper. Every key is always present (decision 7): `category`, `contact` and
`entity` are null when there is none, `canEdit` is the delete right (also on single answers,
where ONLYOFFICE gives the read right), `files` is always `[]` (no Documents module)."""

from activities.api.category_rendering import category_base_shape, category_shape, image_path
from activities.history_selectors import history_event_can_delete
from activities.icons import HISTORY_ICONS
from activities.models import HistoryCategory, HistoryEvent, SystemCategory
from contacts.api.rendering import contact_base_shape
from crm_project.api.dates import format_datetime
from crm_project.api.render_context import RenderContext

# ONLYOFFICE's icons of the system categories (ListItemDao.cs).
SYSTEM_CATEGORY_ICONS = {
    SystemCategory.TASK_CLOSED: "event_category_close.png",
    SystemCategory.FILES_UPLOADED: "event_category_attach_file.png",
}


def history_category_base_shape(category: HistoryCategory, ctx: RenderContext) -> dict:
    return category_base_shape(category, ctx, icons=HISTORY_ICONS)


def history_category_shape(
    category: HistoryCategory, ctx: RenderContext, relative_items_count: int | None = None
) -> dict:
    """HistoryCategoryWrapper: the category and the events using it that the caller can see
    (`relative_items_count` of `history_category_list_with_counts`, unless given)."""
    return category_shape(
        category, ctx, icons=HISTORY_ICONS, relative_items_count=relative_items_count
    )


def system_category_shape(system_category: int, ctx: RenderContext) -> dict:
    member = SystemCategory(system_category)
    return {
        "id": int(member),
        "title": str(member.label),
        "description": "",
        "color": "",
        "sortOrder": 0,
        "imagePath": image_path(ctx, HISTORY_ICONS, SYSTEM_CATEGORY_ICONS.get(member, "")),
    }


class HistoryRenderer:
    """Renders RelationshipEventWrappers for one response, from events loaded through
    `history_with_related` (no query per event)."""

    def __init__(self, request):
        self.ctx = RenderContext(request)
        self.user = self.ctx.user
        self._categories: dict[int, dict] = {}

    def category(self, event: HistoryEvent) -> dict | None:
        key = event.category_id or event.system_category
        if not key:
            return None
        cached = self._categories.get(key)
        if cached is None:
            cached = self._categories[key] = (
                history_category_base_shape(event.category, self.ctx)
                if event.category_id
                else system_category_shape(event.system_category, self.ctx)
            )
        return cached

    def shape(self, event: HistoryEvent) -> dict:
        opportunity = event.opportunity if event.opportunity_id else None
        return {
            "id": event.pk,
            "createBy": self.ctx.employee(event.created_by),
            "created": format_datetime(event.created_at),
            "content": event.content,
            "category": self.category(event),
            "contact": (contact_base_shape(event.contact, self.ctx) if event.contact_id else None),
            "entity": (
                {
                    "entityType": "opportunity",
                    "entityId": opportunity.pk,
                    "entityTitle": opportunity.title,
                }
                if opportunity is not None
                else None
            ),
            "canEdit": history_event_can_delete(user=self.user, event=event),
            "files": [],
        }

    def shapes(self, events) -> list[dict]:
        return [self.shape(event) for event in events]
