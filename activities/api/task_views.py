"""ONLYOFFICE's task routes (`crm/task…`, `crm/contact/task/group`): bind, call one service or
selector, render (activities/api/task_rendering.py).

Where the product differs from ONLYOFFICE (wire contract, decisions 3, 4, 10-12): a task the
caller may not read is a 404 (ONLYOFFICE: 403), also for close, reopen and delete; PUT on an
unknown id is a 404 (ONLYOFFICE creates a task) and changes only the parameters it sends
(ONLYOFFICE clears the others); the responsible and the linked records are checked. A new
responsible is mailed on assignment unless `isNotify` is false: absent means true here
(ONLYOFFICE mails only when it is true, and on every update that sends it, not only when the
responsible changes)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.selectors import users_by_uuids
from activities import task_services
from activities.api import task_docs as docs
from activities.api.task_rendering import TaskRenderer
from activities.task_selectors import (
    TASK,
    TaskFilter,
    task_as_written,
    task_filter,
    task_get_visible,
    task_with_related,
    tasks_as_written,
)
from core.errors import InvalidInput
from crm_project.api.views import OnlyOfficeAPIView

TAGS = ["Tasks"]
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
TASK_ID = OpenApiParameter("taskid", int, OpenApiParameter.PATH)


class TaskBaseView(OnlyOfficeAPIView):
    permission_classes = [IsAuthenticated]

    def renderer(self) -> TaskRenderer:
        return TaskRenderer(self.request)

    def task_id(self) -> int:
        return self.params().positive_id("taskid")

    def render_written(self, task_id: int) -> Response:
        task = task_as_written(user=self.request.user, task_id=task_id)
        return Response(self.renderer().shape(task))

    # -- binding ------------------------------------------------------------------------------

    def responsible(self):
        """The user of `responsibleId`; None when absent or the empty GUID."""
        guid = self.params().guid("responsibleId")
        if guid is None or str(guid) == EMPTY_GUID:
            return None
        found, _missing = users_by_uuids([guid])
        if not found:
            raise InvalidInput(
                "The responsible ({field}) was not found.", field="responsible", entity=TASK
            )
        return found[0]

    def category_id(self) -> int | None:
        category_id = self.params().integer("categoryId")
        if category_id is not None and category_id <= 0:
            raise InvalidInput("{field} must be a positive number.", field="category", entity=TASK)
        return category_id

    def opportunity_id(self) -> int | None:
        """`entityType` (`opportunity`; `case`: none exist here) with `entityId`; 0 is none."""
        params = self.params()
        kind = (params.string("entityType") or "").strip().lower()
        if kind not in ("", "opportunity", "case"):
            raise InvalidInput(
                "{field} must be opportunity or case (a contact goes in contactId).",
                field="entity_type",
                entity=TASK,
            )
        entity_id = params.integer("entityId")
        if not entity_id:
            return None
        if kind == "case" or entity_id < 0:
            raise InvalidInput(
                "The opportunity ({field}) was not found.", field="opportunity", entity=TASK
            )
        return entity_id

    def contact_id(self) -> int | None:
        contact_id = self.params().integer("contactId")
        if contact_id is not None and contact_id < 0:
            raise InvalidInput("The contact ({field}) was not found.", field="contact", entity=TASK)
        return contact_id or None

    def alert_minutes(self) -> int:
        return self.params().integer("alertValue") or 0

    def values(self) -> dict:
        """The task fields the request names, as the services take them (omitted: absent)."""
        params = self.params()
        values = {}
        if params.has("title"):
            values["title"] = params.string("title")
        if params.has("description"):
            values["description"] = params.string("description") or ""
        if params.has("deadline"):
            values["deadline"] = params.date("deadline")
        if params.has("categoryId"):
            values["category"] = self.category_id()
        if params.has("responsibleId"):
            responsible = self.responsible()
            if responsible is not None:
                values["responsible"] = responsible
        if params.has("entityId") or params.has("entityType"):
            if params.has("entityId"):
                values["opportunity"] = self.opportunity_id()
            else:
                self.opportunity_id()  # a bad entityType is a 400 all the same
        if params.has("contactId"):
            values["contact"] = self.contact_id()
        if params.has("alertValue"):
            values["alert_minutes"] = self.alert_minutes()
        return values

    def notify(self) -> bool:
        """Whether assigning mails the responsible: unless `isNotify` is false (absent or
        null: yes, as the pages do)."""
        return self.params().boolean("isNotify") is not False

    def create_values(self) -> dict:
        values = self.values()
        for name in ("title", "deadline", "category"):
            values.setdefault(name, None)
        return values


class TaskCreateView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_create",
        summary="Create a task",
        description="`title`, `deadline` and `categoryId` are required. The responsible "
        "(default: the caller) must be an active user who can read the linked opportunity "
        "and contact, and is e-mailed when it is not the caller (unless `isNotify` is "
        "false). Linked records the caller cannot read are a 400.",
        request=docs.TaskInputSerializer,
        responses={201: docs.TaskSerializer},
    )
    def post(self, request, format=None):
        task = task_services.task_create(
            created_by=request.user, notify=self.notify(), **self.create_values()
        )
        return self.render_written(task.pk)


class TaskDetailView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_read",
        summary="Get a task",
        description="A task the caller cannot read is a 404.",
        parameters=[TASK_ID],
        responses=docs.TaskSerializer,
    )
    def get(self, request, taskid, format=None):
        task = task_get_visible(user=request.user, task_id=self.task_id())
        return Response(self.renderer().shape(task))

    @extend_schema(
        tags=TAGS,
        operation_id="task_update",
        summary="Update a task",
        description="Changes only the parameters sent (omitted ones keep their value; "
        "`entityId` 0 or `contactId` 0 unlinks). Admins, the responsible and the creator "
        "may (else 403); an unknown or unreadable task is a 404 (never created). A new "
        "responsible is e-mailed unless `isNotify` is false.",
        parameters=[TASK_ID],
        request=docs.TaskInputSerializer,
        responses=docs.TaskSerializer,
    )
    def put(self, request, taskid, format=None):
        task_id = self.task_id()
        task_services.task_update(
            task_id=task_id, updated_by=request.user, notify=self.notify(), **self.values()
        )
        return self.render_written(task_id)

    @extend_schema(
        tags=TAGS,
        operation_id="task_delete",
        summary="Delete a task",
        description="Admins, the responsible and the creator may (else 403). Returns the "
        "task as it was.",
        parameters=[TASK_ID],
        responses=docs.TaskSerializer,
    )
    def delete(self, request, taskid, format=None):
        task = task_get_visible(user=request.user, task_id=self.task_id())
        task_services.task_delete(task_id=task.pk, deleted_by=request.user)
        return Response(self.renderer().shape(task))


class TaskCloseView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_close",
        summary="Close a task",
        description="Admins, the responsible and the creator may (else 403).",
        parameters=[TASK_ID],
        request=None,
        responses=docs.TaskSerializer,
    )
    def put(self, request, taskid, format=None):
        task = task_services.task_close(task_id=self.task_id(), closed_by=request.user)
        return self.render_written(task.pk)


class TaskReopenView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_reopen",
        summary="Reopen a task",
        description="Admins, the responsible and the creator may (else 403).",
        parameters=[TASK_ID],
        request=None,
        responses=docs.TaskSerializer,
    )
    def put(self, request, taskid, format=None):
        task = task_services.task_reopen(task_id=self.task_id(), reopened_by=request.user)
        return self.render_written(task.pk)


class TaskFilterView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_filter",
        summary="Filter tasks",
        description="The tasks the caller can read (admins, the responsible, the creator, or "
        "readers of every linked record), open ones first; the envelope's `total` counts "
        "every match.",
        parameters=docs.TASK_FILTER_PARAMETERS,
        responses=docs.TaskSerializer(many=True),
    )
    def get(self, request, format=None):
        params = self.params()
        responsible = params.guid("responsibleid")
        if responsible is not None and str(responsible) == EMPTY_GUID:
            responsible = None  # ONLYOFFICE's "anyone"
        criteria = TaskFilter(
            responsible_uuid=str(responsible) if responsible is not None else None,
            category_id=params.integer("categoryid"),
            is_closed=params.boolean("isClosed"),
            from_date=params.date("fromDate"),
            to_date=params.date("toDate"),
            entity_type=params.string("entityType"),
            entity_id=params.integer("entityid"),
            text=params.string("filterValue") or "",
            sort_by=params.string("sortBy") or "deadline",
            descending=(params.string("sortOrder") or "").strip().lower() == "descending",
        )
        matches = task_filter(user=request.user, criteria=criteria)
        page = self.page_request()
        renderer = self.renderer()
        shapes, has_more = page.slice(
            matches,
            render=lambda rows: renderer.shapes(task_with_related(rows, user=request.user)),
        )
        if has_more or (not shapes and page.start_index):
            total = matches.count()
        else:
            total = page.start_index + len(shapes)
        return self.paged_response(shapes, page=page, has_more=has_more, total=total)


class ContactTaskGroupView(TaskBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_create_for_contacts",
        summary="Create one task per contact",
        description="ONLYOFFICE's hidden route: the task parameters of POST task, with "
        "`contactId` a list. All or none: every contact must be readable by the caller and "
        "the responsible.",
        request=docs.TaskGroupInputSerializer,
        responses={201: docs.TaskSerializer(many=True)},
    )
    def post(self, request, format=None):
        values = self.create_values()
        values.pop("contact", None)
        contact_ids = self.params().int_list("contactId") or []
        if any(contact_id <= 0 for contact_id in contact_ids):
            raise InvalidInput("The contact ({field}) was not found.", field="contact", entity=TASK)
        tasks = task_services.task_create_for_contacts(
            created_by=request.user, contacts=contact_ids, notify=self.notify(), **values
        )
        rows = tasks_as_written(user=request.user, task_ids=[task.pk for task in tasks])
        return Response(self.renderer().shapes(rows))
