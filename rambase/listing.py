"""List resources (contract §6): `$top` (default 10, `$max`, capped), `$skip`, `$pageKey`
(opaque: `p:<position>` in base64), `$inlinecount=allpages`, `$orderby`, `$select` and
`$filter` (rambase/filters.py), and the `paging` object. A page is one query for its rows
(one more than it shows, to know whether another follows) plus one count with `allpages`."""

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, QuerySet

from rambase.errors import invalid_parameter
from rambase.filters import FilterError, compile_filter
from rambase.formats import Document, Items, query_parameters
from rambase.names import Field, resolve

DEFAULT_TOP = 10
MAX_ORDER_FIELDS = 4
PAGING_PARAMETERS = {"$skip", "$pagekey", "$access_token"}


@dataclass
class Page:
    items: list
    paging: dict


def _top(value: str | None, maximum: int) -> int:
    if value is None or not value.strip():
        return DEFAULT_TOP
    text = value.strip()
    if text.lower() == "$max":
        return maximum
    if not text.isdigit() or int(text) <= 0:
        raise invalid_parameter(f"$top must be a positive whole number, not '{text[:20]}'.", "$top")
    return min(int(text), maximum)


def _skip(value: str | None) -> int:
    if value is None or not value.strip():
        return 0
    text = value.strip()
    if not text.isdigit() or len(text) > 12:
        raise invalid_parameter(f"$skip must be a whole number ≥ 0, not '{text[:20]}'.", "$skip")
    return int(text)


def page_key(position: int) -> str:
    return base64.urlsafe_b64encode(f"p:{position}".encode()).decode().rstrip("=")


def _position_of(key: str) -> int:
    try:
        text = base64.urlsafe_b64decode(key.strip() + "=" * (-len(key.strip()) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, number = text.partition(":")
    if kind != "p" or not number.isdigit() or len(number) > 12:
        raise invalid_parameter("$pageKey is not a page key of this list.", "$pageKey")
    return int(number)


def _inline_count(value: str | None) -> bool:
    text = (value or "none").strip().lower()
    if text not in ("allpages", "none"):
        raise invalid_parameter("$inlinecount is allpages or none.", "$inlinecount")
    return text == "allpages"


def order_by(value: str | None, fields: dict[str, Field], id_field: Field) -> list:
    """`Field [asc|desc], …` (at most four) as ORM ordering, nulls last, the id last."""
    terms = [term.strip() for term in (value or "").split(",") if term.strip()]
    if len(terms) > MAX_ORDER_FIELDS:
        raise invalid_parameter(f"$orderby takes at most {MAX_ORDER_FIELDS} fields.", "$orderby")
    ordering, used = [], set()
    for term in terms:
        name, _, direction = term.partition(" ")
        direction = direction.strip().lower() or "asc"
        field = resolve(fields, name)
        if field is None:
            raise invalid_parameter(f"$orderby: unknown field '{name[:60]}'.", "$orderby")
        if direction not in ("asc", "desc"):
            raise invalid_parameter(f"$orderby: '{direction[:20]}' is not asc or desc.", "$orderby")
        expression = F(field.lookup)
        ordering.append(
            expression.desc(nulls_last=True)
            if direction == "desc"
            else expression.asc(nulls_last=True)
        )
        used.add(field.lookup)
    if id_field.lookup not in used:
        ordering.append(F(id_field.lookup).asc())
    return ordering


def selection(value: str | None, valid: set[str]) -> set[str] | None:
    """The lower-cased paths `$select` names, or None for everything."""
    if value is None or not value.strip():
        return None
    names = {name.strip().lower() for name in value.split(",") if name.strip()}
    for name in names:
        if name not in valid:
            raise invalid_parameter(f"$select: unknown field '{name[:60]}'.", "$select")
    return names


def select_fields(shape: dict, selected: set[str], id_key: str, prefix: str = "") -> dict:
    kept = {}
    for key, value in shape.items():
        path = prefix + key.lower()
        if path in selected or (not prefix and key.lower() == id_key):
            kept[key] = value
        elif isinstance(value, dict) and any(s.startswith(path + ".") for s in selected):
            kept[key] = select_fields(value, selected, id_key, path + ".")
    return kept


def shape_paths(shape: dict, prefix: str = "") -> set[str]:
    paths = set()
    for key, value in shape.items():
        path = prefix + key.lower()
        paths.add(path)
        if isinstance(value, dict):
            paths |= shape_paths(value, path + ".")
    return paths


def _link(request, query: dict[str, str], position: int | None) -> str:
    params = {name: value for name, value in query.items() if name.lower() not in PAGING_PARAMETERS}
    if position:
        params["$pageKey"] = page_key(position)
    base = request.build_absolute_uri(request.path)
    return f"{base}?{urlencode(params, safe='$,() ')}" if params else base


def list_page(
    request,
    rows: QuerySet,
    *,
    fields: dict[str, Field],
    id_field: str,
    render,
    valid_select: set[str],
    maximum: int = 80,
    default_order: str = "",
) -> Page:
    query = query_parameters(request)
    original = {name: values[0] for name, values in request.GET.lists() if values}
    size = _top(query.get("$top"), maximum)
    position = _skip(query.get("$skip"))
    if query.get("$pagekey"):
        position = _position_of(query["$pagekey"])
    with_total = _inline_count(query.get("$inlinecount"))
    id_spec = fields[id_field]
    ordering = order_by(query.get("$orderby") or default_order, fields, id_spec)
    selected = selection(query.get("$select"), valid_select)
    try:
        condition = compile_filter(query.get("$filter") or "", fields)
    except FilterError as exc:
        raise invalid_parameter(f"$filter: {exc}", "$filter") from exc
    matching = rows.filter(condition)
    found = list(matching.order_by(*ordering)[position : position + size + 1])
    has_more = len(found) > size
    items = [render(row) for row in found[:size]]
    if selected is not None:
        items = [select_fields(item, selected, id_field) for item in items]
    total = matching.count() if with_total else None
    last = ((total - 1) // size) * size if total else 0
    return Page(
        items=items,
        paging={
            "Position": position,
            "Page": position // size + 1,
            "Size": size,
            "TotalCount": total,
            "FirstPage": _link(request, original, 0),
            "PreviousPage": _link(request, original, max(0, position - size)) if position else None,
            "NextPage": _link(request, original, position + size) if has_more else None,
            "LastPage": _link(request, original, last) if total is not None else None,
            "NextPageKey": page_key(position + size) if has_more else None,
        },
    )


def list_document(root: str, item: str, page: Page) -> Document:
    """A list resource: `{"<root>": [...], "paging": {...}}` in JSON, the rows and then
    `<Paging>` under `<Root>` in XML."""
    return Document(
        root, {root: Items(item, page.items, inline=True), "Paging": page.paging}, json_root=False
    )
