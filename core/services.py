"""Writes on the shared CRM settings: tags, custom field definitions, exchange rates."""

from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model, Q, Value
from django.db.models.functions import Lower

from core.access import access_list_user_ids, clear_access_list, replace_access_list
from core.custom_fields import parse_mask
from core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from core.limits import check_integer, check_length
from core.locks import lock_rows
from core.models import CustomFieldDefinition, EntityType, ExchangeRate, FieldType, Tag
from core.notifications import notify_access_granted_on_commit
from core.signals import custom_field_deleting

DEFINITION = "customfielddefinition"  # the entity of a custom field definition's errors


def require_admin(user) -> None:
    if not (user and user.is_authenticated and user.is_crm_admin):
        raise AccessDenied()


def access_list_apply(
    *,
    record: Model,
    perm_model: type[Model],
    is_private: bool,
    access_list: Iterable | None,
    set_by,
    notification: tuple[str, str] | None = None,
) -> None:
    """Make a locked private record visible to `access_list` (None keeps the current list)
    and always to `set_by` (decision 2), or a public one with no list; `notification`
    (subject, body) is mailed to the people added."""
    if is_private:
        if access_list is None:
            current = access_list_user_ids(perm_model, record)
            access_list = get_user_model().objects.filter(pk__in=current)
        added = replace_access_list(perm_model, record, [*access_list, set_by])
        if notification is not None:
            subject, body = notification
            notify_access_granted_on_commit(
                users=[user for user in added if user.pk != set_by.pk], subject=subject, body=body
            )
    else:
        clear_access_list(perm_model, record)
    if record.is_private != is_private:
        record.is_private = is_private
        record.save(update_fields=["is_private"])


def tags_get_or_create(*, entity_type: str, titles: Iterable[str]) -> list[Tag]:
    """Tags by title, case-insensitive and trimmed; missing ones are created.

    Safe when requests create the same new tag at once: the missing titles are inserted with
    the database's "on conflict do nothing" (PostgreSQL waits for a concurrent insert of the
    same title and then skips it; no error aborts the transaction), in one order (by lower-case
    title) so two requests creating the same tags cannot deadlock; then every tag is read
    back, whoever created it."""
    wanted: dict[str, str] = {}
    for title in titles:
        title = (title or "").strip()
        if not title:
            raise InvalidInput("A tag cannot be empty.", field="tags", entity="tag")
        if len(title) > 255:
            raise InvalidInput("A tag has at most 255 characters.", field="tags", entity="tag")
        wanted.setdefault(title.lower(), title)
    if not wanted:
        return []
    same_title = Q()
    for title in wanted.values():
        same_title |= Q(title__iexact=title)
    tags = Tag.objects.filter(same_title, entity_type=entity_type)
    found = _tags_by_title(tags, wanted)
    missing = sorted(key for key in wanted if key not in found)
    if missing:
        Tag.objects.bulk_create(
            [Tag(entity_type=entity_type, title=wanted[key]) for key in missing],
            ignore_conflicts=True,
        )
        found = _tags_by_title(tags.all(), wanted)
    for key in set(wanted) - set(found):  # equal for the database's lower(), not Python's
        found[key] = Tag.objects.alias(lowered=Lower("title")).get(
            entity_type=entity_type, lowered=Lower(Value(wanted[key]))
        )
    return [found[key] for key in wanted]


def _tags_by_title(tags, wanted: dict[str, str]) -> dict[str, Tag]:
    """{lower-case title: tag} for the wanted titles, the exactly spelled tag first."""
    found: dict[str, Tag] = {}
    for tag in tags:
        key = tag.title.lower()
        if key in wanted and (key not in found or tag.title == wanted[key]):
            found[key] = tag
    return found


def _check_definition(*, label: str, field_type: int, mask: str) -> None:
    if not (label or "").strip():
        raise InvalidInput("The label is required.", field="label", entity=DEFINITION)
    check_length(CustomFieldDefinition, "label", label.strip())
    if field_type not in FieldType.values:
        raise InvalidInput("Unknown field type.", field="field_type", entity=DEFINITION)
    parse_mask(field_type, mask)


@transaction.atomic
def custom_field_create(
    *,
    created_by,
    entity_type: str,
    label: str,
    field_type: int = FieldType.TEXT_FIELD,
    position: int | None = None,
    mask: str = "",
) -> CustomFieldDefinition:
    require_admin(created_by)
    if entity_type not in EntityType.values:
        raise InvalidInput("Unknown entity type.", field="entity_type", entity=DEFINITION)
    _check_definition(label=label, field_type=field_type, mask=mask)
    check_integer(CustomFieldDefinition, "position", position)
    if not position:
        last = CustomFieldDefinition.objects.filter(entity_type=entity_type).aggregate(
            top=Max("position")
        )["top"]
        position = (last or 0) + 1
    return CustomFieldDefinition.objects.create(
        entity_type=entity_type,
        label=label.strip(),
        field_type=field_type,
        position=position,
        mask=mask or "",
    )


def _field_in_use(definition: CustomFieldDefinition) -> bool:
    return definition.opportunity_values.exists() or definition.contact_values.exists()


@transaction.atomic
def custom_field_update(
    *,
    definition: CustomFieldDefinition,
    updated_by,
    label: str,
    field_type: int | None = None,
    position: int | None = None,
    mask: str | None = None,
) -> CustomFieldDefinition:
    """A field already holding values only changes its label and mask (as ONLYOFFICE does)."""
    require_admin(updated_by)
    definition = lock_rows(CustomFieldDefinition.objects.filter(pk=definition.pk)).get()
    new_type = definition.field_type if field_type is None else field_type
    new_mask = definition.mask if mask is None else mask
    if _field_in_use(definition):
        new_type = definition.field_type
    _check_definition(label=label, field_type=new_type, mask=new_mask)
    check_integer(CustomFieldDefinition, "position", position)
    definition.label = label.strip()
    definition.field_type = new_type
    definition.mask = new_mask
    if position is not None and not _field_in_use(definition):
        definition.position = position
    definition.save()
    return definition


DELETE_ATTEMPTS = 3


@transaction.atomic
def custom_field_delete(*, definition: CustomFieldDefinition, deleted_by) -> CustomFieldDefinition:
    """Delete the field and its values. An edit in flight that adds a value of it (holding the
    definition FOR KEY SHARE: opportunities/validation.py) makes the row's DELETE wait until it
    commits, after the values were collected: the foreign key, checked at once here instead of
    at commit, then refuses the DELETE and the attempt starts again from a savepoint, collecting
    that value too (and recording it). Deals stay locked before the definition, as every writer
    takes them, so the wait cannot deadlock."""
    require_admin(deleted_by)
    field_id = definition.pk
    for attempt in range(DELETE_ATTEMPTS):
        try:
            with transaction.atomic():
                # the apps holding values of the field record what the delete takes
                # (opportunities' audit)
                custom_field_deleting.send(
                    sender=CustomFieldDefinition, definition=definition, deleted_by=deleted_by
                )
                with _foreign_keys_checked_at_once():
                    definition.delete()
        except IntegrityError:
            definition.pk = field_id
            if attempt == DELETE_ATTEMPTS - 1:
                raise Conflict(
                    "Values of this custom field are being added: try the delete again."
                ) from None
        else:
            break
    definition.pk = field_id
    return definition


@contextmanager
def _foreign_keys_checked_at_once():
    """PostgreSQL checks Django's foreign keys at commit (DEFERRABLE INITIALLY DEFERRED); here
    they are checked at each statement, so a refused delete is an error inside the savepoint.
    SQLite serializes writers: nothing can be added meanwhile there."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@transaction.atomic
def custom_field_reorder(*, entity_type: str, field_ids: list[int], reordered_by):
    require_admin(reordered_by)
    if not field_ids:
        raise InvalidInput("The list of field ids is empty.", field="field_ids", entity=DEFINITION)
    fields = CustomFieldDefinition.objects.filter(entity_type=entity_type).in_bulk(field_ids)
    missing = [i for i in field_ids if i not in fields]
    if missing:
        raise NotFound(f"Custom field not found: {missing[0]}")
    for position, field_id in enumerate(field_ids, start=1):
        fields[field_id].position = position
    CustomFieldDefinition.objects.bulk_update(fields.values(), ["position"])
    return [fields[i] for i in field_ids]


@transaction.atomic
def exchange_rate_set(*, from_currency, to_currency, rate: Decimal, set_by) -> ExchangeRate:
    require_admin(set_by)
    if from_currency.pk == to_currency.pk:
        raise InvalidInput(
            "A rate needs two different currencies.", field="to_currency", entity="exchangerate"
        )
    if rate <= 0:
        raise InvalidInput("A rate must be positive.", field="rate", entity="exchangerate")
    exchange_rate, _ = ExchangeRate.objects.update_or_create(
        from_currency=from_currency, to_currency=to_currency, defaults={"rate": rate}
    )
    return exchange_rate
