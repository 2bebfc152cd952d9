"""The ONLYOFFICE wrappers (OpportunityWrapper and the contacts, employees, stages and
currencies inside it) built from the raw query's rows, as the product renders them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

LOST_USER_ID = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3"
EMPTY_DATE = "0001-01-01T00:00:00.0000000Z"


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


class RawWrappers:
    """The wrapper dicts of `RawFilter` (which sets user_id, base_url and now)."""

    user_id: int
    base_url: str
    now: datetime | None

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
            "lostReason": {
                "id": o["lost_reason_id"],
                "title": lk["lost_reasons"][o["lost_reason_id"]],
            }
            if o["lost_reason_id"]
            else None,
            "lostComment": o["lost_comment"],
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
