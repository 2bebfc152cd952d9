"""ONLYOFFICE's list paging: `startIndex` and `count` (default and maximum 1000)."""

from dataclasses import dataclass

from core.errors import InvalidInput

MAX_PAGE = 1000


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
        if count < 0:
            raise InvalidInput("count cannot be negative.", field="count")
        return cls(start_index=start, count=min(count, MAX_PAGE))

    def slice(self, queryset) -> tuple[list, bool]:
        """The page's rows and whether more follow (fetches count+1 rows, as ONLYOFFICE does)."""
        rows = list(queryset[self.start_index : self.start_index + self.count + 1])
        return rows[: self.count], len(rows) > self.count

    def meta(self, *, returned: int, has_more: bool, total: int | None = None) -> dict:
        meta = {"startIndex": self.start_index, "total": total}
        if has_more:
            # ONLYOFFICE's formula, kept for wire compatibility.
            meta["nextIndex"] = self.start_index + returned + 1
        return meta
