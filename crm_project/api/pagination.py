"""ONLYOFFICE's list paging: `startIndex` and `count` (default and maximum 1000)."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import BooleanField, F, Func, Q

from core.errors import InvalidInput

MAX_PAGE = 1000
# The largest startIndex (and board `offset`) taken: a 32-bit count of rows, far beyond any
# list, and far inside what SQLite and PostgreSQL take as OFFSET (a 64-bit integer, past
# which the database raises instead of answering an empty page).
MAX_START_INDEX = 2**31 - 1


@dataclass(frozen=True)
class PageRequest:
    start_index: int
    count: int

    @classmethod
    def from_params(cls, params) -> "PageRequest":
        start = params.integer("startIndex") or 0
        count = params.integer("count") or MAX_PAGE
        if start < 0:
            raise InvalidInput("startIndex cannot be negative.", field="startIndex")
        if start > MAX_START_INDEX:
            raise InvalidInput(
                f"startIndex cannot be larger than {MAX_START_INDEX}.", field="startIndex"
            )
        if count < 0:
            raise InvalidInput("count cannot be negative.", field="count")
        return cls(start_index=start, count=min(count, MAX_PAGE))

    def slice(self, queryset, render=list) -> tuple[list, bool]:
        """The page's rows, passed through `render` (a function of the page's queryset, by
        default `list`), and whether more follow (fetches count+1 rows, as ONLYOFFICE does).
        One query: the page's keys first, then only their rows joined (docs/performance.md)."""
        stop = self.start_index + self.count + 1
        keys = queryset.values("pk")[self.start_index : stop]
        rows = render(queryset.filter(_pk_among(queryset, keys)))
        return rows[: self.count], len(rows) > self.count

    def slice_by_group(self, queryset, groups, render=list) -> tuple[list, bool]:
        """`slice` for an order whose first key splits the rows into groups of known size
        (the stages of the default opportunity order). `groups` lists, in order, each group's
        rows (a function giving the group's queryset, ordered inside the group, built only
        for the groups the page touches) and their number; groups before the page are skipped
        by their size. Still one query."""
        skip, need = self.start_index, self.count + 1
        chosen = []
        for group, size in groups:
            if need <= 0:
                break
            if skip >= size:
                skip -= size
                continue
            take = min(need, size - skip)
            chosen.append(_pk_among(queryset, group().values("pk")[skip : skip + take]))
            need -= take
            skip = 0
        if not chosen:
            return render(queryset.none()), False
        rows = render(queryset.filter(reduce(operator.or_, chosen)))
        return rows[: self.count], len(rows) > self.count

    def meta(self, *, returned: int, has_more: bool, total: int | None = None) -> dict:
        meta = {"startIndex": self.start_index, "total": total}
        if has_more:
            # ONLYOFFICE's formula, kept for wire compatibility.
            meta["nextIndex"] = self.start_index + returned + 1
        return meta


def _pk_among(queryset, keys):
    """`pk IN (keys)`; on PostgreSQL `pk = ANY(ARRAY(keys))`, which the planner runs first
    (docs/performance.md)."""
    if connections[queryset.db].vendor == "postgresql":
        return _EqualsAny(F("pk"), ArraySubquery(keys))
    return Q(pk__in=keys)


class _EqualsAny(Func):
    """`lhs = ANY(array)` (PostgreSQL)."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()
