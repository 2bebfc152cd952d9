"""The measured requests, each as a non-admin sales user, and how to tell they were right.

A scenario gives the request for call number `i` (writes need a fresh target each time) and checks
a response: status, counts, and for the list the same ids in the same order as the raw query."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import orjson
from django.db.models import Q

from bench import dataset
from opportunities.models import Opportunity, OpportunityUserObjectPermission

API = "/api/2.0/crm"


@dataclass
class Call:
    method: str
    path: str
    data: dict | None = None
    client: str = "api"  # "api": token header; "page": browser session; else Env.clients


@dataclass
class Env:
    """What the scenarios share: clients, the user, the fixture, the raw reader."""

    api: object
    page: object
    user: object
    other_user: object
    fixture: dataset.Fixture
    raw: object
    visible_count: int = 0
    stage_counts: dict = field(default_factory=dict)
    move_pool: list = field(default_factory=list)
    get_pool: list = field(default_factory=list)
    delete_chunks: list = field(default_factory=list)
    created_ids: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)  # more signed-in users' page clients, by name
    activities: object = None  # bench.activities_data.Activities


def send(env: Env, call: Call):
    clients = {"api": env.api, "page": env.page}
    client = clients.get(call.client) or env.clients[call.client]
    if call.method == "GET":
        return client.get(call.path)
    body = orjson.dumps(call.data or {})
    method = getattr(client, call.method.lower())
    return method(call.path, body, content_type="application/json")


def response_json(response) -> dict:
    return orjson.loads(response.content)


def visible_opportunities(user_id: int):
    """The opportunities the user sees, selected without the product's code (the bench checks
    the product against it): public ones, their own, and those on their access list."""
    on_list = OpportunityUserObjectPermission.objects.filter(user_id=user_id).values(
        "content_object_id"
    )
    return Opportunity.objects.filter(
        Q(is_private=False)
        | Q(responsible_id=user_id)
        | Q(created_by_id=user_id)
        | Q(pk__in=on_list)
    )


def expect_status(response, status: int) -> list[str]:
    if response.status_code != status:
        return [f"HTTP {response.status_code}, expected {status}: {response.content[:300]!r}"]
    return []


class Scenario:
    name = ""
    description = ""
    raw_count: int | None = None  # measured beside the raw query when set

    def setup(self, env: Env) -> None:
        pass

    def call(self, env: Env, i: int) -> Call:
        raise NotImplementedError

    def check(self, env: Env, response, call: Call) -> list[str]:
        return []


class FilterPage(Scenario):
    def __init__(self, count: int):
        self.count = count
        self.raw_count = count
        self.name = f"filter_{count}"
        self.description = f"GET {API}/opportunity/filter?count={count}"

    def call(self, env, i):
        return Call("GET", f"{API}/opportunity/filter?count={self.count}")

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        body = response_json(response)
        items = body.get("response", [])
        expected = min(self.count, env.visible_count)
        if len(items) != expected:
            problems.append(f"{len(items)} items, expected {expected}")
        if body.get("total") != env.visible_count:
            problems.append(f"total {body.get('total')}, expected {env.visible_count}")
        raw_ids = env.raw.ids(count=self.count)
        ids = [item.get("id") for item in items]
        if ids != raw_ids:
            first = next(
                (n for n, (a, b) in enumerate(zip(ids, raw_ids, strict=False)) if a != b), None
            )
            problems.append(f"ids differ from the raw query (first at position {first})")
        return problems


class FilterSearch(Scenario):
    name = "filter_search"
    word = dataset.SEARCH_WORD

    @property
    def description(self):
        return (
            f"GET {API}/opportunity/filter?count=50&filterValue={self.word}"
            "&stageType=Open&responsibleid=<a colleague>"
        )

    def _expected_ids(self, env) -> set[int]:
        word = self.word
        text = (
            Q(title__istartswith=word)
            | Q(title__icontains=f" {word}")
            | Q(description__istartswith=word)
            | Q(description__icontains=f" {word}")
        )
        rows = visible_opportunities(env.user.pk).filter(
            text, responsible_id=env.other_user.pk, stage__stage_type=0
        )
        return set(rows.values_list("pk", flat=True))

    def call(self, env, i):
        query = urlencode(
            {
                "count": 50,
                "filterValue": self.word,
                "stageType": "Open",
                "responsibleid": str(env.other_user.uuid),
            }
        )
        return Call("GET", f"{API}/opportunity/filter?{query}")

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        body = response_json(response)
        items = body.get("response", [])
        expected = self._expected_ids(env)
        if body.get("total") != len(expected):
            problems.append(f"total {body.get('total')}, expected {len(expected)}")
        if len(items) != min(50, len(expected)):
            problems.append(f"{len(items)} items, expected {min(50, len(expected))}")
        stray = [item["id"] for item in items if item["id"] not in expected]
        if stray:
            problems.append(f"ids not matching the criteria: {stray[:5]}")
        return problems


class GetOne(Scenario):
    name = "get_one"
    description = f"GET {API}/opportunity/{{id}} (rotating over visible ids)"

    def call(self, env, i):
        return Call("GET", f"{API}/opportunity/{env.get_pool[i % len(env.get_pool)]}")

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if not problems:
            item = response_json(response).get("response", {})
            if f"/{item.get('id')}" not in call.path:
                problems.append(f"returned id {item.get('id')} for {call.path}")
            for key in ("members", "stage", "responsible", "bidCurrency", "accessList"):
                if key not in item:
                    problems.append(f"missing {key}")
        return problems


class Create(Scenario):
    name = "create"
    description = f"POST {API}/opportunity (three members, two custom field values)"

    def call(self, env, i):
        fx = env.fixture
        contacts = fx.contact_ids
        members = [contacts[(i * 7 + k * 131) % len(contacts)] for k in range(3)]
        return Call(
            "POST",
            f"{API}/opportunity",
            {
                "title": f"Bench created deal {i}",
                "description": "Created by the benchmark",
                "responsibleid": str(env.user.uuid),
                "bidCurrencyAbbr": fx.currencies[1],
                "bidValue": 12500,
                "stageid": fx.stage_ids[1],
                "contactid": members[0],
                "members": members,
                "customFieldList": [
                    {"key": fx.field_ids[0], "value": "North"},
                    {"key": fx.field_ids[1], "value": f"PO-{i:06d}"},
                ],
                "isPrivate": False,
            },
        )

    def check(self, env, response, call):
        problems = expect_status(response, 201)
        if problems:
            return problems
        item = response_json(response).get("response", {})
        env.created_ids.append(item.get("id"))
        member_ids = sorted(m["id"] for m in item.get("members", []))
        if member_ids != sorted(set(call.data["members"])):
            problems.append(f"members {member_ids}, expected {sorted(set(call.data['members']))}")
        values = {f["id"]: f["fieldValue"] for f in item.get("customFields", [])}
        for entry in call.data["customFieldList"]:
            if values.get(entry["key"]) != entry["value"]:
                problems.append(f"custom field {entry['key']} = {values.get(entry['key'])!r}")
        if item.get("stage", {}).get("id") != call.data["stageid"]:
            problems.append("wrong stage")
        return problems


class Move(Scenario):
    name = "move"
    description = f"PUT {API}/opportunity/{{id}}/stage/{{stageid}} (an open stage to another)"

    def setup(self, env):
        self.current = {}

    def call(self, env, i):
        fx = env.fixture
        opportunity_id, stage_id = env.move_pool[i % len(env.move_pool)]
        stage_id = self.current.get(opportunity_id, stage_id)
        target = fx.stage_ids[4] if stage_id != fx.stage_ids[4] else fx.stage_ids[5]
        self.current[opportunity_id] = target
        return Call(
            "PUT",
            f"{API}/opportunity/{opportunity_id}/stage/{target}",
            {"stageid": target},
        )

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if not problems:
            item = response_json(response).get("response", {})
            if item.get("stage", {}).get("id") != call.data["stageid"]:
                problems.append(f"stage {item.get('stage')}, expected {call.data['stageid']}")
        return problems


class GroupDelete(Scenario):
    name = "group_delete_100"
    description = f"PUT {API}/opportunity with 100 opportunityids"

    def call(self, env, i):
        return Call("PUT", f"{API}/opportunity", {"opportunityids": env.delete_chunks[i]})

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        items = response_json(response).get("response", [])
        ids = call.data["opportunityids"]
        if sorted(item["id"] for item in items) != sorted(ids):
            problems.append(f"{len(items)} deleted in the response, expected {len(ids)}")
        left = Opportunity.objects.filter(pk__in=ids).count()
        if left:
            problems.append(f"{left} of the opportunities are still there")
        return problems


COLUMN_COUNT = re.compile(r'class="column-header"[^>]*data-stage-id="(\d+)"[^>]*data-count="(\d+)"')
SUMMARY_COUNT = re.compile(r'data-summary="count">(\d+)<')
CLOSED_COUNT = re.compile(r"<strong data-closed-count>(\d+)<")


class Board(Scenario):
    def __init__(self, name: str, query: dict | None = None):
        self.name = name
        self.query = query or {}

    @property
    def description(self):
        return "GET /" + (f"?{urlencode(self.query)}" if self.query else "") + " (the board page)"

    def call(self, env, i):
        query = {k: (v(env) if callable(v) else v) for k, v in self.query.items()}
        return Call("GET", "/" + (f"?{urlencode(query)}" if query else ""), client="page")

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        html = response.content.decode()
        columns = {int(s): int(n) for s, n in COLUMN_COUNT.findall(html)}
        summary = SUMMARY_COUNT.search(html)
        if len(columns) != len(env.fixture.stage_ids):
            problems.append(f"{len(columns)} column headers, expected {len(env.fixture.stage_ids)}")
        if summary is None:
            return [*problems, "no summary count"]
        shown = int(summary.group(1))
        closed = env.fixture.stage_closed
        open_sum = sum(n for stage, n in columns.items() if not closed[stage])
        if shown != open_sum:  # the summary counts open deals; won and lost are apart
            problems.append(f"summary {shown} != sum of the open columns {open_sum}")
        closed_shown = [int(n) for n in CLOSED_COUNT.findall(html)]
        closed_sum = sum(n for stage, n in columns.items() if closed[stage])
        if closed_shown and sum(closed_shown) != closed_sum:
            problems.append(f"won and lost {closed_shown} != their columns' {closed_sum}")
        if not self.query:
            if columns != env.stage_counts:
                problems.append(f"column counts {columns} != raw {env.stage_counts}")
        elif shown > env.visible_count or shown == 0:
            problems.append(f"filtered board shows {shown} of {env.visible_count}")
        return problems


class RamBaseListPage(Scenario):
    """The RamBase list (rambase/): a page of 80 with a $filter, checked against the visible
    rows selected without the product's code, in id order (RamBase's default)."""

    name = "rambase_list_80"
    minimum = 1000
    query = {
        "$top": "80",
        "$inlinecount": "allpages",
        "$filter": f"Value.UnweightedAmount ge {minimum} and Probability le 100",
    }
    description = "GET /sales/opportunities?" + urlencode(query)

    def call(self, env, i):
        return Call("GET", "/sales/opportunities?" + urlencode(self.query))

    def check(self, env, response, call):
        problems = expect_status(response, 200)
        if problems:
            return problems
        body = response_json(response)
        matching = visible_opportunities(env.user.pk).filter(bid_value__gte=self.minimum)
        expected = [pk + 100000 for pk in matching.order_by("pk").values_list("pk", flat=True)[:80]]
        ids = [item.get("salesOpportunityId") for item in body.get("salesOpportunities", [])]
        if ids != expected:
            problems.append(f"{len(ids)} ids, not the {len(expected)} expected in id order")
        total = body.get("paging", {}).get("totalCount")
        if total != matching.count():
            problems.append(f"totalCount {total}, expected {matching.count()}")
        return problems


def all_scenarios() -> list[Scenario]:

    return [
        FilterPage(50),
        FilterPage(1000),
        FilterSearch(),
        GetOne(),
        Board("board"),
        Board("board_filtered", {"q": "cloud", "responsible": "me"}),
        Create(),
        Move(),
        GroupDelete(),
        RamBaseListPage(),
    ]
