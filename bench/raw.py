"""The limit: the same page of `opportunity/filter`, straight from the database driver.

No ORM, no DRF, no middleware: hand-written SQL on the raw DB-API connection (psycopg on
PostgreSQL), the same visibility rule for the same user, the same default order, the same joined
fields (stage, currency, contact, members, responsible, creator, owner, access list, tags, custom
fields), turned into the same OpportunityWrapper dicts and encoded with orjson in the same
envelope. What the product spends beyond this is framework and rendering overhead."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import orjson

LOST_USER_ID = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3"
EMPTY_DATE = "0001-01-01T00:00:00.0000000Z"

# The user's access list as `IN (...)`: run once and hashed (a correlated EXISTS under the OR
# is costed per row, which makes PostgreSQL JIT-compile the query).
VISIBLE = """(o.is_private = {false} OR o.responsible_id = %(uid)s OR o.created_by_id = %(uid)s
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
OPPORTUNITY_COLUMNS = (
    "id",
    "title",
    "description",
    "contact_id",
    "customer_id",
    "responsible_id",
    "owner_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "bid_type",
    "bid_value",
    "bid_currency_id",
    "per_period_value",
    "stage_id",
    "stage_entered_at",
    "success_probability",
    "expected_close_date",
    "actual_close_date",
    "is_private",
    "source_id",
    "status_id",
    "one_time_revenue",
    "recurring_revenue",
    "contract_months",
)


def _fmt_date(value) -> str:
    """ApiDateTime for a UTC time zone: `yyyy-MM-ddTHH:mm:ss.fffffffZ`."""
    if value is None:
        return EMPTY_DATE
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
        f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}0Z"
    )


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _decimal(value) -> float | int:
    value = Decimal(value) if not isinstance(value, Decimal) else value
    return int(value) if value == value.to_integral_value() else float(value)


def _uuid(value) -> str:
    text = str(value)
    if len(text) == 32:  # SQLite stores the hex digits
        text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


class RawFilter:
    """One user's `opportunity/filter` page from raw SQL. Construct once per run; the stage,
    currency and lookup tables are tiny and loaded per request like everything else."""

    def __init__(self, connection, *, user_id: int, permission_id: int, base_url: str):
        self.django_connection = connection
        self.vendor = connection.vendor
        self.user_id = user_id
        self.permission_id = permission_id
        self.base_url = base_url
        self.now = None

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
        cols = ", ".join(f"o.{c}" for c in OPPORTUNITY_COLUMNS)
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
            opportunities = [dict(zip(OPPORTUNITY_COLUMNS, row, strict=True)) for row in rows]
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
        return {
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

    # -- shapes ----------------------------------------------------------------------------------

    def _employee(self, user_id, lk) -> dict:
        cache = lk["employees"]
        shape = cache.get(user_id)
        if shape is not None:
            return shape
        row = lk["users"].get(user_id) if user_id is not None else None
        if row is None:
            shape = {
                "id": LOST_USER_ID,
                "displayName": "Unknown user",
                "title": "",
                "avatarSmall": f"{self.base_url}/static/img/avatar.svg",
                "profileUrl": "",
            }
        else:
            _, uuid, username, first, last, display, job = row
            uuid = _uuid(uuid)
            name = display or f"{first} {last}".strip() or username
            shape = {
                "id": uuid,
                "displayName": name,
                "title": job,
                "avatarSmall": f"{self.base_url}/static/img/avatar.svg",
                "profileUrl": f"{self.base_url}/accounts/people/{uuid}/",
            }
        cache[user_id] = shape
        return shape

    def _currency(self, code, lk) -> dict | None:
        if not code:
            return None
        cache = lk["currency_shapes"]
        shape = cache.get(code)
        if shape is None:
            _, title, symbol, culture, convertible, basic = lk["currencies"][code]
            shape = cache[code] = {
                "title": title,
                "symbol": symbol,
                "abbreviation": code,
                "cultureName": culture,
                "isConvertable": bool(convertible),
                "isBasic": bool(basic),
            }
        return shape

    def _contact_visible(self, contact: dict, lk) -> bool:
        return (
            not contact["is_private"]
            or contact["created_by_id"] == self.user_id
            or self.user_id in lk["contact_access"].get(contact["id"], ())
        )

    def _contact(self, contact: dict | None, lk) -> dict | None:
        if contact is None or not self._contact_visible(contact, lk):
            return None
        cache = lk["contact_shapes"]
        shape = cache.get(contact["id"])
        if shape is not None:
            return shape
        company = bool(contact["is_company"])
        photo = f"{self.base_url}/static/img/{'company' if company else 'person'}.svg"
        private = bool(contact["is_private"])
        name = (
            contact["company_name"]
            if company
            else " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)
        )
        shape = cache[contact["id"]] = {
            "smallFotoUrl": photo,
            "mediumFotoUrl": photo,
            "displayName": name,
            "isCompany": company,
            "accessList": [
                self._employee(u, lk)
                for u in sorted(set(lk["contact_access"].get(contact["id"], ())))
            ]
            if private
            else [],
            "isPrivate": private,
            "isShared": not private and contact["share_type"] != 0,
            "shareType": contact["share_type"],
            "currency": self._currency(contact["currency_id"], lk),
            "canEdit": True,  # visible contacts are editable for non-admins (read = edit)
            "canDelete": True,
            "id": contact["id"],
        }
        return shape

    def _stage(self, stage_id, lk) -> dict:
        cache = lk["stage_shapes"]
        shape = cache.get(stage_id)
        if shape is None:
            sid, title, description, color, order, probability, kind, days = lk["stages"][stage_id]
            shape = cache[stage_id] = {
                "id": sid,
                "title": title,
                "description": description,
                "color": color,
                "sortOrder": order,
                "successProbability": probability,
                "stageType": kind,
                "daysBeforeWarning": days,
            }
        return shape

    def _shape(self, o: dict, lk) -> dict:
        now = self.now or datetime.now(UTC)
        oid = o["id"]
        stage = lk["stages"][o["stage_id"]]
        closed = stage[6] != 0
        private = bool(o["is_private"])
        members = list(lk["members"].get(oid, ()))
        contacts = lk["contacts"]
        primary = contacts.get(o["contact_id"]) if o["contact_id"] else None
        if primary is not None and all(m["id"] != primary["id"] for m in members):
            members.insert(0, primary)
        member_shapes = [self._contact(m, lk) for m in members if self._contact_visible(m, lk)]
        entered = _aware(o["stage_entered_at"])
        days_in_stage = (now - entered).days
        limit = stage[7]
        rotting = limit is not None and not closed and days_in_stage > limit
        expected = _aware(o["expected_close_date"])
        overdue = not closed and expected is not None and expected < now
        access_ids = sorted(set(lk["access"].get(oid, ())))
        bid_value = o["bid_value"]
        if not isinstance(bid_value, Decimal):
            bid_value = Decimal(str(bid_value))
        weighted = (bid_value * o["success_probability"] / Decimal(100)).quantize(Decimal("0.01"))
        entries = [
            ((position, fid), fid, label, value, ftype, position, mask)
            for value, fid, label, ftype, position, mask in lk["values"].get(oid, ())
            if value != ""
        ]
        entries.extend(
            ((position, fid), fid, label, None, ftype, position, mask)
            for fid, label, ftype, position, mask in lk["headings"]
        )
        entries.sort(key=lambda e: e[0])
        uid = self.user_id
        return {
            "id": oid,
            "createBy": self._employee(o["created_by_id"], lk),
            "created": _fmt_date(o["created_at"]),
            "updated": _fmt_date(o["updated_at"]),
            "members": member_shapes,
            "contact": self._contact(primary, lk),
            "customer": self._contact(contacts.get(o["customer_id"]), lk)
            if o["customer_id"]
            else None,
            "title": o["title"],
            "description": o["description"],
            "responsible": self._employee(o["responsible_id"], lk),
            "owner": self._employee(o["owner_id"], lk) if o["owner_id"] else None,
            "bidType": o["bid_type"],
            "bidValue": _decimal(bid_value),
            "bidCurrency": self._currency(o["bid_currency_id"], lk),
            "perPeriodValue": o["per_period_value"],
            "weightedAmount": _decimal(weighted),
            "oneTimeRevenue": _decimal(o["one_time_revenue"]),
            "recurringRevenue": _decimal(o["recurring_revenue"]),
            "contractMonths": o["contract_months"],
            "stage": self._stage(o["stage_id"], lk),
            "stageChangedAt": _fmt_date(o["stage_entered_at"]),
            "daysInStage": days_in_stage,
            "isRotting": rotting,
            "isOverdue": overdue,
            "successProbability": o["success_probability"],
            "actualCloseDate": _fmt_date(o["actual_close_date"]),
            "expectedCloseDate": _fmt_date(o["expected_close_date"]),
            "source": {"id": o["source_id"], "title": lk["named"][("source", o["source_id"])]}
            if o["source_id"]
            else None,
            "status": {"id": o["status_id"], "title": lk["named"][("status", o["status_id"])]}
            if o["status_id"]
            else None,
            "tags": sorted(lk["tags"].get(oid, ()), key=str.lower),
            "isPrivate": private,
            "accessList": [self._employee(u, lk) for u in access_ids] if private else [],
            "canEdit": (
                o["responsible_id"] == uid
                or o["created_by_id"] == uid
                or not private
                or uid in access_ids
            ),
            "customFields": [
                {
                    "id": fid,
                    "entityId": oid,
                    "label": label,
                    "fieldValue": value,
                    "fieldType": ftype,
                    "position": position,
                    "mask": mask,
                }
                for _, fid, label, value, ftype, position, mask in entries
            ],
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
