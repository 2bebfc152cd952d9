"""ONLYOFFICE's parameter binding, in one place.

Parameters come from the route, the query string and the body (JSON, form or multipart), with
case-insensitive names. Lists may be sent as `x=1&x=2`, `x[]=1`, a JSON array or (for objects)
`x[0][key]=…`. Enums take their name (any case) or their number. A value that cannot be
converted is a 400 naming the parameter; a missing one is "not given", which services treat as
"leave unchanged" (decision 1).

Text no route can keep is refused here, for every parameter, before any view reads it: NUL
(PostgreSQL cannot store it), lone surrogates (not encodable as UTF-8) and the C0 control
characters other than tab, line feed and carriage return (XML 1.0 cannot carry them, so one
stored value would break every `.xml` answer that includes it)."""

import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.http import QueryDict

from core.errors import InvalidInput
from crm_project.api.dates import parse_datetime
from crm_project.api.text import NOT_XML_TEXT

MISSING = object()
_INDEXED = re.compile(r"^(?P<name>[^\[]+)\[(?P<index>\d*)\](?:\[(?P<key>[^\]]+)\])?\Z", re.ASCII)
# A list index is at most this many digits: Django takes 1000 fields, so 6 is plenty, and
# Python refuses to convert numbers of more than 4300 digits.
MAX_INDEX_DIGITS = 6
# Integers a database column can hold at all (PostgreSQL's bigint).
INTEGER_RANGE = (-(2**63), 2**63 - 1)
TRUE_WORDS = {"true", "1", "on", "yes"}
FALSE_WORDS = {"false", "0", "off", "no", ""}


class Params:
    """The request's parameters, looked up by case-insensitive name."""

    def __init__(self, request, route_kwargs: dict | None = None):
        self._values: dict[str, object] = {}
        self._absorb_querydict(request.query_params)
        body = self._body(request)
        if isinstance(body, QueryDict):
            self._absorb_querydict(body)
        elif isinstance(body, dict):
            for key, value in body.items():
                self._values[key.lower()] = value
        elif body not in (None, MISSING):
            raise InvalidInput("The request body must be a JSON object or a form.")
        for key, value in (route_kwargs or {}).items():
            if key != "format":
                self._values[key.lower()] = value
        for key, value in self._values.items():
            check_text(key, name="A parameter name", field=None)
            check_text(value, name=key)

    @staticmethod
    def _body(request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return MISSING
        return request.data

    def _absorb_querydict(self, data: QueryDict) -> None:
        indexed: dict[str, dict] = {}
        for raw_key in data:
            values = data.getlist(raw_key)
            match = _INDEXED.match(raw_key)
            if match:
                name = match["name"].lower()
                if len(match["index"]) > MAX_INDEX_DIGITS:
                    raise InvalidInput(
                        f"{match['name']}: the list index in '{raw_key[:40]}…' is too large.",
                        field=match["name"],
                    )
                if match["key"] is not None:  # x[0][key]=value
                    slot = indexed.setdefault(name, {}).setdefault(int(match["index"] or 0), {})
                    slot[match["key"]] = values[-1]
                else:  # x[]=1&x[]=2 or x[0]=1
                    existing = self._values.get(name)
                    self._values[name] = (existing if isinstance(existing, list) else []) + values
                continue
            self._values[raw_key.lower()] = values if len(values) > 1 else values[0]
        for name, slots in indexed.items():
            self._values[name] = [slots[i] for i in sorted(slots)]

    # -- presence --------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name.lower() in self._values

    def raw(self, name: str, default=None):
        return self._values.get(name.lower(), default)

    def names(self) -> set[str]:
        return set(self._values)

    def positive_id(self, name: str) -> int:
        """An id parameter (usually a route segment): a whole number above zero."""
        return positive_id(self.integer(name), name)

    # -- typed getters: each raises InvalidInput naming the parameter ----------------------

    def string(self, name: str, default=None) -> str | None:
        value = self.raw(name, MISSING)
        if value is MISSING:
            return default
        if value is None:
            return None
        if isinstance(value, list) and value:  # the first value wins (see `_scalar`)
            value = value[0]
        if isinstance(value, (dict, list)):
            raise InvalidInput(f"{name} must be text.", field=name)
        return str(value)

    def reference(self, name: str, default=None) -> str | None:
        """Text naming a list item (an id or a title), or an object echoed from an answer
        (`{"id": 3, "title": …}`), which stands for its id."""
        value = self.raw(name, MISSING)
        if isinstance(value, dict):
            return str(_object_id(value, name))
        return self.string(name, default)

    def integer(self, name: str, default=None) -> int | None:
        def convert(value):
            if isinstance(value, bool):
                raise InvalidInput(f"{name} must be a whole number.", field=name)
            if isinstance(value, int):
                number = value
            elif isinstance(value, float) and value.is_integer():
                number = int(value)
            else:
                try:
                    number = int(str(value).strip())
                except ValueError as exc:
                    raise InvalidInput(
                        f"{name} must be a whole number, not '{_clip(value)}'.", field=name
                    ) from exc
            return _in_integer_range(number, name)

        return self._typed(name, default, convert)

    def decimal(self, name: str, default=None) -> Decimal | None:
        def convert(value):
            if isinstance(value, bool):
                raise InvalidInput(f"{name} must be a number.", field=name)
            try:
                number = Decimal(str(value).strip())
            except (InvalidOperation, ValueError) as exc:
                raise InvalidInput(f"{name} must be a number, not '{value}'.", field=name) from exc
            if not number.is_finite():
                raise InvalidInput(f"{name} must be a number, not '{value}'.", field=name)
            return number

        return self._typed(name, default, convert)

    def boolean(self, name: str, default=None) -> bool | None:
        value = self._scalar(name)
        if value is MISSING:
            return default
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise InvalidInput(f"{name} must be true or false, not '{value}'.", field=name)

    def guid(self, name: str, default=None) -> uuid.UUID | None:
        return self._typed(name, default, lambda value: _to_guid(value, name, "be a GUID"))

    def date(self, name: str, default=None):
        value = self._scalar(name)
        if value is MISSING:
            return default
        return parse_datetime(value, field=name)

    def enum(self, name: str, choices, default=None) -> int | None:
        """An IntegerChoices member by label (any case) or number."""

        def convert(value):
            if isinstance(value, bool):
                raise InvalidInput(f"{name} has no value '{value}'.", field=name)
            text = str(value).strip()
            for member in choices:
                if text.lower() == str(member.label).lower() or text == str(member.value):
                    return member.value
            allowed = ", ".join(f"{m.label} ({m.value})" for m in choices)
            raise InvalidInput(f"{name} must be one of {allowed}, not '{value}'.", field=name)

        return self._typed(name, default, convert)

    def sequence(self, name: str, default=None) -> list | None:
        """A list from repeated keys, `x[]`, a JSON array, or a JSON array in a string."""
        value = self.raw(name, MISSING)
        if value is MISSING:
            return default
        if value is None:
            return None
        if isinstance(value, list):
            items = value
        elif isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    items = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(f"{name} is not a valid list.", field=name) from exc
            elif text == "":
                items = []
            else:
                items = [part for part in (p.strip() for p in text.split(",")) if part]
        else:
            items = [value]
        return items

    def int_list(self, name: str, default=None) -> list[int] | None:
        def convert(item):
            if isinstance(item, bool):
                raise InvalidInput(f"{name} must hold whole numbers.", field=name)
            if isinstance(item, float) and item.is_integer():
                return _in_integer_range(int(item), name)
            try:
                number = int(str(item).strip())
            except ValueError as exc:
                raise InvalidInput(
                    f"{name} must hold whole numbers, not '{_clip(item)}'.", field=name
                ) from exc
            return _in_integer_range(number, name)

        return self._typed_items(name, default, convert)

    def guid_list(self, name: str, default=None) -> list[uuid.UUID] | None:
        return self._typed_items(name, default, lambda item: _to_guid(item, name, "hold GUIDs"))

    def key_value_list(self, name: str, default=None) -> dict | None:
        """`customFieldList`: `[{key, value}]` (JSON or `x[0][key]=…`) as {key: value}."""
        items = self.sequence(name, MISSING)
        if items is MISSING:
            return default
        if items is None:
            return None
        if isinstance(items, dict):
            items = [items]
        result = {}
        for item in items:
            if not isinstance(item, dict):
                raise InvalidInput(f"{name} must be a list of {{key, value}} objects.", field=name)
            lowered = {str(k).lower(): v for k, v in item.items()}
            if "key" not in lowered:
                raise InvalidInput(f"Every {name} entry needs a key.", field=name)
            try:
                key = int(str(lowered["key"]).strip())
            except ValueError as exc:
                raise InvalidInput(f"{name} keys are field ids.", field=name) from exc
            result[key] = lowered.get("value")
        return result

    def _typed(self, name: str, default, convert):
        """A single value through `convert`; missing gives `default`, null or "" gives None."""
        value = self._scalar(name)
        if value is MISSING:
            return default
        if value is None or value == "":
            return None
        return convert(value)

    def _typed_items(self, name: str, default, convert):
        """Every item of a list through `convert`; missing gives `default`, null gives None.
        An object stands for its `id` (any case of the key): clients echo the employees and
        contacts of an answer (`{"id": …, "displayName": …}`, or `x[0][id]=…` in a form)."""
        items = self.sequence(name, MISSING)
        if items is MISSING:
            return default
        if items is None:
            return None
        return [convert(_object_id(item, name)) for item in items]

    def _scalar(self, name: str):
        """One value: the first when the name is repeated (`x=1&x=2`, `x[]=…`) or a JSON array
        is given, as ONLYOFFICE's `ApiContext.GetRequestValue` takes the first. An empty array
        or an object (no id to take, no text) is a 400 naming the parameter."""
        value = self.raw(name, MISSING)
        if isinstance(value, list):
            if not value:
                raise InvalidInput(f"{name} takes one value, not an empty list.", field=name)
            value = value[0]
            if isinstance(value, list):
                raise InvalidInput(f"{name} takes one value, not a list of lists.", field=name)
        if isinstance(value, dict):
            raise InvalidInput(f"{name} takes one value, not an object.", field=name)
        return value


def positive_id(value: int | None, name: str) -> int:
    """`value` when it is an id (above zero), else a 400 naming `name`."""
    if value is None or value <= 0:
        raise InvalidInput(f"{name} must be a positive number.", field=name)
    return value


def check_text(value, *, name: str, field: str | None = MISSING) -> None:
    """Refuse text no column and no XML answer can hold, anywhere in a parsed value (the
    parsers bound how deep a body nests). The error names `field` (by default `name`)."""
    field = name if field is MISSING else field
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = NOT_XML_TEXT.search(item)
            if found:
                raise InvalidInput(
                    f"{name} contains a character that cannot be stored "
                    f"(U+{ord(found.group()):04X}).",
                    field=field,
                )
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _object_id(item, name: str):
    """The id an object in an id list stands for; any other item is itself."""
    if not isinstance(item, dict):
        return item
    ids = [value for key, value in item.items() if str(key).lower() == "id"]
    if len(ids) != 1 or ids[0] is None or isinstance(ids[0], (dict, list)):
        raise InvalidInput(f"{name} holds an object without an id.", field=name)
    return ids[0]


def _in_integer_range(number: int, name: str) -> int:
    low, high = INTEGER_RANGE
    if not low <= number <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}.", field=name)
    return number


def _clip(value, limit: int = 40) -> str:
    """A value quoted in a message, shortened (a 100,000-character value is no message)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _to_guid(value, name: str, must: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value).strip())
    except ValueError as exc:
        raise InvalidInput(f"{name} must {must}, not '{value}'.", field=name) from exc
