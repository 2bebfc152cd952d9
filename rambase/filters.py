"""`$filter` trees (rambase/filter_parser.py) compiled to one ORM condition over the fields of
rambase/names.py: the database does all the filtering (no Python-side filtering).

Types (contract §6): text takes eq, ne, in and the three functions, case-insensitive; lt…ge
only numbers and dates; eq null / ne null only nullable fields; compared fields must share a
type. Ids are RamBase ids (the offsets are taken off the literal, so the key's index serves).
A Date field is a calendar day in TIME_ZONE; a date against a DateTime means its midnight."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from rambase.errors import RamBaseError
from rambase.filter_parser import And, Call, FieldRef, FilterError, In, Literal, Or
from rambase.filter_parser import parse_filter as parse
from rambase.names import AMOUNT, DATE, DATETIME, INTEGER, STRING, Field, resolve
from rambase.values import midnight, parse_moment

__all__ = ["FilterError", "compile_filter"]
NUMBER_LIMIT = Decimal(2**53)
LOOKUPS = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}
FUNCTION_LOOKUPS = {
    "startswith": "istartswith",
    "endswith": "iendswith",
    "substringof": "icontains",
}


def compile_filter(text: str, fields: dict[str, Field]) -> Q:
    tree = parse(text)
    return Q() if tree is None else _compile(tree, fields)


def _field(ref: FieldRef, fields) -> Field:
    field = resolve(fields, ref.name)
    if field is None:
        raise FilterError(f"unknown field '{ref.name[:60]}'")
    return field


def _compile(node, fields) -> Q:
    if isinstance(node, Or):
        condition = Q()
        for term in node.terms:
            condition |= _compile(term, fields)
        return condition
    if isinstance(node, And):
        condition = Q()
        for term in node.terms:
            condition &= _compile(term, fields)
        return condition
    if isinstance(node, In):
        field = _field(node.field, fields)
        condition = Q(pk__in=[])
        for literal in node.values:
            condition |= _comparison(field, "eq", literal)
        return condition
    if isinstance(node, Call):
        field = _field(node.field, fields)
        if field.kind != STRING or node.text.kind != "text":
            raise FilterError(f"{node.function} takes a text field and a quoted text")
        return Q(**{f"{field.lookup}__{FUNCTION_LOOKUPS[node.function]}": node.text.value})
    if isinstance(node.operand, FieldRef):
        return _field_comparison(_field(node.field, fields), node.op, _field(node.operand, fields))
    return _comparison(_field(node.field, fields), node.op, node.operand)


def _negated(op: str, condition: Q, field: Field) -> Q:
    """`ne` is true where the field is null too (as in OData), on columns and aliases alike."""
    if op != "ne":
        return condition
    if field.nullable:
        return ~condition | Q(**{f"{field.lookup}__isnull": True})
    return ~condition


def _comparison(field: Field, op: str, literal: Literal) -> Q:
    if literal.kind == "null":
        if op not in ("eq", "ne"):
            raise FilterError(f"{field.path} {op} null: only eq and ne take null")
        if not field.nullable:
            raise FilterError(f"{field.path} is never null")
        return Q(**{f"{field.lookup}__isnull": op == "eq"})
    if field.kind == STRING:
        if op not in ("eq", "ne"):
            raise FilterError(f"{field.path} is text: use eq, ne, in or a function, not {op}")
        if literal.kind != "text":
            raise FilterError(f"{field.path} is text: quote the value")
        condition = Q(**{f"{field.lookup}__iexact": literal.value})
        return _negated(op, condition, field)
    if field.kind in (INTEGER, AMOUNT):
        if literal.kind != "number":
            raise FilterError(f"{field.path} is a number: do not quote the value")
        value = literal.value
        if abs(value) > NUMBER_LIMIT:
            raise FilterError(f"{field.path}: {value} is out of range")
        if field.kind == INTEGER:
            if value != value.to_integral_value():
                raise FilterError(f"{field.path} is a whole number")
            value = int(value) - field.offset
        condition = Q(**{f"{field.lookup}__{LOOKUPS.get(op, 'exact')}": value})
        return _negated(op, condition, field)
    if literal.kind != "text":
        raise FilterError(f"{field.path} is a date: quote it ('2026-06-30')")
    try:
        moment = parse_moment(literal.value, field.path)
    except RamBaseError as exc:
        raise FilterError(exc.message) from exc
    if field.kind == DATE and not isinstance(moment, datetime):
        return _day_comparison(field, op, moment)
    if not isinstance(moment, datetime):
        moment = midnight(moment)
    condition = Q(**{f"{field.lookup}__{LOOKUPS.get(op, 'exact')}": moment})
    return _negated(op, condition, field)


def _day_comparison(field: Field, op: str, day: date) -> Q:
    """A Date field against a day: the day is [its midnight, the next midnight) in TIME_ZONE."""
    start, end = midnight(day), midnight(day + timedelta(days=1))
    name = field.lookup
    if op in ("eq", "ne"):
        condition = Q(**{f"{name}__gte": start, f"{name}__lt": end})
        return _negated(op, condition, field)
    return Q(
        **{
            "lt": {f"{name}__lt": start},
            "le": {f"{name}__lt": end},
            "gt": {f"{name}__gte": end},
            "ge": {f"{name}__gte": start},
        }[op]
    )


def _field_comparison(left: Field, op: str, right: Field) -> Q:
    numeric = {INTEGER, AMOUNT}
    dates = {DATE, DATETIME}
    same = (
        left.kind == right.kind
        or {left.kind, right.kind} <= numeric
        or {left.kind, right.kind} <= dates
    )
    if not same:
        raise FilterError(f"{left.path} and {right.path} are not of the same type")
    if left.kind == STRING:
        if op not in ("eq", "ne"):
            raise FilterError(f"{left.path} is text: use eq or ne, not {op}")
        condition = Q(Exact(Lower(left.lookup), Lower(right.lookup)))
        return _negated(op, condition, left)
    other = F(right.lookup)
    if right.offset != left.offset:
        other = other + (right.offset - left.offset)
    return _negated(op, Q(**{f"{left.lookup}__{LOOKUPS.get(op, 'exact')}": other}), left)
