"""The limit: the same page of `opportunity/filter` from hand-written SQL on the raw DB-API
connection, no ORM, DRF or middleware (docs/performance.md, "How to run it": The limit)."""

from __future__ import annotations

import orjson

from bench import dataset
from bench.raw_wrappers import RawWrappers

# Live rows only (the board's covering index is partial on it), and the access list as
# `IN (...)`, not a correlated EXISTS (why: docs/performance.md).
VISIBLE = """o.deleted_at IS NULL
  AND (o.is_private = {false} OR o.responsible_id = %(uid)s OR o.created_by_id = %(uid)s
  OR o.id IN (SELECT p.content_object_id FROM opportunities_opportunityuserobjectpermission p
              WHERE p.user_id = %(uid)s AND p.permission_id = %(perm)s))"""

ORDER = """s.sort_order ASC, o.contact_id ASC NULLS FIRST, o.actual_close_date DESC NULLS LAST,
  o.expected_close_date ASC NULLS LAST, LOWER(o.title) ASC, o.id ASC"""

USER_COLUMNS = ("id", "uuid", "username", "first_name", "last_name", "display_name", "job_title")
CONTACT_COLUMNS = (
    "id",
    "is_company",
    "first_name",
    "last_name",
    "company_name",
    "is_private",
    "share_type",
    "created_by_id",
    "currency_id",
)
# the page shows none of these
BOOKKEEPING_COLUMNS = {
    "status_changed_at",
    "version",
    "next_task_due",
    "deleted_at",
    "deleted_by_id",
    "deletion_batch",
}


class RawFilter(RawWrappers):
    """One user's `opportunity/filter` page from raw SQL. Construct once per run; the stage,
    currency and lookup tables are tiny and loaded per request like everything else."""

    def __init__(self, connection, *, user_id: int, permission_id: int, base_url: str):
        self.django_connection = connection
        self.vendor = connection.vendor
        self.user_id = user_id
        self.permission_id = permission_id
        self.base_url = base_url
        self.now = None
        self.opportunity_columns = tuple(
            c for c in dataset.opportunity_columns() if c not in BOOKKEEPING_COLUMNS
        )

    # -- SQL plumbing ---------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{false}", "false" if self.vendor == "postgresql" else "0")
        if self.vendor == "sqlite":
            sql = sql.replace("%(uid)s", ":uid").replace("%(perm)s", ":perm")
            sql = sql.replace("%(limit)s", ":limit").replace("%(offset)s", ":offset")
        return sql

    def _cursor(self):
        self.django_connection.ensure_connection()
        return self.django_connection.connection.cursor()

    def _ids_sql(self, ids: list[int]) -> str:
        return ",".join(str(int(i)) for i in ids) or "NULL"

    # -- the page -------------------------------------------------------------------------------

    def page(self, *, count: int, start: int = 0, with_total: bool = True) -> dict:
        params = {"uid": self.user_id, "perm": self.permission_id, "limit": count + 1}
        params["offset"] = start
        cols = ", ".join(f"o.{c}" for c in self.opportunity_columns)
        cur = self._cursor()
        try:
            cur.execute(
                self._sql(
                    f"SELECT {cols} FROM opportunities_opportunity o "
                    "JOIN opportunities_stage s ON s.id = o.stage_id "
                    f"WHERE {VISIBLE} ORDER BY {ORDER} LIMIT %(limit)s OFFSET %(offset)s"
                ),
                params,
            )
            rows = cur.fetchall()
            has_more = len(rows) > count
            rows = rows[:count]
            total = None
            if with_total:
                cur.execute(
                    self._sql(f"SELECT COUNT(*) FROM opportunities_opportunity o WHERE {VISIBLE}"),
                    params,
                )
                total = cur.fetchone()[0]
            columns = self.opportunity_columns
            opportunities = [dict(zip(columns, row, strict=True)) for row in rows]
            ids = self._ids_sql([o["id"] for o in opportunities])
            lookups = self._lookups(cur, opportunities, ids)
        finally:
            cur.close()
        items = [self._shape(o, lookups) for o in opportunities]
        envelope: dict = {}
        if items:
            envelope["count"] = len(items)
        if start:
            envelope["startIndex"] = start
        if has_more:
            envelope["nextIndex"] = start + len(items) + 1
        if total is not None:
            envelope["total"] = total
        envelope.update(status=0, statusCode=200, response=items)
        return envelope

    def page_json(self, **kwargs) -> bytes:
        return orjson.dumps(self.page(**kwargs))

    def ids(self, *, count: int, start: int = 0) -> list[int]:
        return [item["id"] for item in self.page(count=count, start=start)["response"]]

    def visible_count(self) -> int:
        cur = self._cursor()
        try:
            cur.execute(
                self._sql(f"SELECT COUNT(*) FROM opportunities_opportunity o WHERE {VISIBLE}"),
                {"uid": self.user_id, "perm": self.permission_id},
            )
            return cur.fetchone()[0]
        finally:
            cur.close()

    def stage_counts(self) -> dict[int, int]:
        """Visible opportunities per stage (what the board's column headers must show)."""
        cur = self._cursor()
        try:
            cur.execute(
                self._sql(
                    "SELECT o.stage_id, COUNT(*) FROM opportunities_opportunity o "
                    f"WHERE {VISIBLE} GROUP BY o.stage_id"
                ),
                {"uid": self.user_id, "perm": self.permission_id},
            )
            counts = dict(cur.fetchall())
        finally:
            cur.close()
        cur = self._cursor()
        try:
            cur.execute("SELECT id FROM opportunities_stage")
            return {row[0]: counts.get(row[0], 0) for row in cur.fetchall()}
        finally:
            cur.close()

    def _lookups(self, cur, opportunities: list[dict], ids: str) -> dict:
        user_cols = ", ".join(f"u.{c}" for c in USER_COLUMNS)
        contact_cols = ", ".join(f"c.{c}" for c in CONTACT_COLUMNS)
        # members, in the order the product lists them (Contact's default ordering)
        cur.execute(
            f"SELECT m.opportunity_id, {contact_cols} FROM opportunities_opportunitymember m "
            "JOIN contacts_contact c ON c.id = m.contact_id "
            f"WHERE m.opportunity_id IN ({ids}) "
            "ORDER BY c.company_name, c.last_name, c.first_name, c.id"
        )
        members: dict[int, list[dict]] = {}
        contacts: dict[int, dict] = {}
        for row in cur.fetchall():
            contact = contacts.setdefault(row[1], dict(zip(CONTACT_COLUMNS, row[1:], strict=True)))
            members.setdefault(row[0], []).append(contact)
        missing = {
            o["contact_id"]
            for o in opportunities
            if o["contact_id"] and o["contact_id"] not in contacts
        } | {o["customer_id"] for o in opportunities if o["customer_id"]} - set(contacts)
        if missing:
            cur.execute(
                f"SELECT {contact_cols} FROM contacts_contact c "
                f"WHERE c.id IN ({self._ids_sql(sorted(missing))})"
            )
            for row in cur.fetchall():
                contacts[row[0]] = dict(zip(CONTACT_COLUMNS, row, strict=True))
        # access lists: of the private opportunities, and of private contacts
        cur.execute(
            f"SELECT p.content_object_id, {user_cols} "
            "FROM opportunities_opportunityuserobjectpermission p "
            "JOIN accounts_user u ON u.id = p.user_id "
            f"WHERE p.content_object_id IN ({ids}) ORDER BY p.user_id"
        )
        access: dict[int, list] = {}
        users: dict[int, tuple] = {}
        for row in cur.fetchall():
            users[row[1]] = row[1:]
            access.setdefault(row[0], []).append(row[1])
        private_contacts = [c for c in contacts.values() if c["is_private"]]
        contact_access: dict[int, list] = {}
        if private_contacts:
            cur.execute(
                f"SELECT p.content_object_id, {user_cols} "
                "FROM contacts_contactuserobjectpermission p "
                "JOIN accounts_user u ON u.id = p.user_id "
                "WHERE p.content_object_id IN "
                f"({self._ids_sql([c['id'] for c in private_contacts])}) "
                "ORDER BY p.user_id"
            )
            for row in cur.fetchall():
                users[row[1]] = row[1:]
                contact_access.setdefault(row[0], []).append(row[1])
        wanted_users = (
            {o[k] for o in opportunities for k in ("responsible_id", "created_by_id", "owner_id")}
            - {None}
            - set(users)
        )
        if wanted_users:
            cur.execute(
                f"SELECT {user_cols} FROM accounts_user u "
                f"WHERE u.id IN ({self._ids_sql(sorted(wanted_users))})"
            )
            for row in cur.fetchall():
                users[row[0]] = row
        cur.execute(
            "SELECT t.opportunity_id, g.title FROM opportunities_opportunity_tags t "
            f"JOIN core_tag g ON g.id = t.tag_id WHERE t.opportunity_id IN ({ids})"
        )
        tags: dict[int, list[str]] = {}
        for opportunity_id, title in cur.fetchall():
            tags.setdefault(opportunity_id, []).append(title)
        cur.execute(
            "SELECT v.opportunity_id, v.value, f.id, f.label, f.field_type, f.position, f.mask "
            "FROM opportunities_opportunitycustomfieldvalue v "
            "JOIN core_customfielddefinition f ON f.id = v.field_id "
            f"WHERE v.opportunity_id IN ({ids})"
        )
        values: dict[int, list] = {}
        for row in cur.fetchall():
            values.setdefault(row[0], []).append(row[1:])
        cur.execute(
            "SELECT id, label, field_type, position, mask FROM core_customfielddefinition "
            "WHERE entity_type = 'opportunity' AND field_type = 4"
        )
        headings = cur.fetchall()
        cur.execute(
            "SELECT id, title, description, color, sort_order, success_probability, stage_type, "
            "days_before_warning FROM opportunities_stage"
        )
        stages = {row[0]: row for row in cur.fetchall()}
        currency_ids = {o["bid_currency_id"] for o in opportunities} | {
            c["currency_id"] for c in contacts.values() if c["currency_id"]
        }
        currencies = {}
        if currency_ids:
            cur.execute(
                "SELECT abbreviation, title, symbol, culture_name, is_convertible, is_basic "
                "FROM core_currency WHERE abbreviation IN ("
                + ",".join(f"'{c}'" for c in sorted(currency_ids))
                + ")"
            )
            currencies = {row[0]: row for row in cur.fetchall()}
        named = {}
        if any(o["source_id"] or o["status_id"] for o in opportunities):
            cur.execute("SELECT 'source', id, title FROM opportunities_leadsource")
            named.update({(k, i): t for k, i, t in cur.fetchall()})
            cur.execute("SELECT 'status', id, title FROM opportunities_opportunitystatus")
            named.update({(k, i): t for k, i, t in cur.fetchall()})
        lost_reasons = {}
        if any(o["lost_reason_id"] for o in opportunities):
            cur.execute("SELECT id, title FROM opportunities_lostreason")
            lost_reasons = dict(cur.fetchall())
        return {
            "lost_reasons": lost_reasons,
            "members": members,
            "contacts": contacts,
            "access": access,
            "contact_access": contact_access,
            "users": users,
            "tags": tags,
            "values": values,
            "headings": headings,
            "stages": stages,
            "currencies": currencies,
            "named": named,
            "employees": {},
            "contact_shapes": {},
            "stage_shapes": {},
            "currency_shapes": {},
        }


def diff(product, raw, path: str = "$", limit: int = 10) -> list[str]:
    """Where two decoded JSON documents differ (the first `limit` places)."""
    out: list[str] = []

    def walk(a, b, where):
        if len(out) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in a.keys() | b.keys():
                if key not in a:
                    out.append(f"{where}.{key}: only in raw")
                elif key not in b:
                    out.append(f"{where}.{key}: only in product")
                else:
                    walk(a[key], b[key], f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(f"{where}: {len(a)} items in product, {len(b)} in raw")
            for n, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, f"{where}[{n}]")
        elif a != b:
            out.append(f"{where}: product {a!r} != raw {b!r}")

    walk(product, raw, path)
    return out
