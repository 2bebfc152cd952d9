"""The mixed scenario: `opportunity/filter` pages while writer threads move and edit
opportunities through the API (docs/performance.md, "How to run it": Mixed)."""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc

import orjson
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import log, summarize
from bench.scenarios import API, Call, Env, response_json, send, visible_opportunities
from core.counts_cache import counts_cache_enabled
from opportunities import counts_cache
from opportunities.models import Opportunity

NAME = "mixed"
DESCRIPTION = (
    f"GET {API}/opportunity/filter?count=50 (pages, open, one stage) while writer threads move "
    "and edit opportunities through the API"
)


class _CountingCompute:
    """Wraps the count that `counts_cache` runs on a miss, counting the calls made by the
    measured thread only (the writers' requests never count)."""

    def __init__(self, module):
        self.module = module
        self.original = module.opportunity_counts_by_stage
        self.thread = threading.get_ident()
        self.misses = 0

    def __enter__(self):
        def counting(matches):
            if threading.get_ident() == self.thread:
                self.misses += 1
            return self.original(matches)

        self.module.opportunity_counts_by_stage = counting
        return self

    def __exit__(self, *exc):
        self.module.opportunity_counts_by_stage = self.original


def _writer(env: Env, pool, stages, stop: threading.Event, tally: dict, lock, number: int):
    """Writer `number`: even ones move, odd ones edit, through the API, until `stop`."""
    client = Client(headers={"authorization": f"Bearer {env.token}"})
    current = {pk: stage for pk, stage in pool}
    n = 0
    try:
        while not stop.is_set():
            pk = pool[n % len(pool)][0]
            n += 1
            if number % 2 == 0:
                target = stages[0] if current[pk] != stages[0] else stages[1]
                current[pk] = target
                path, body = f"{API}/opportunity/{pk}/stage/{target}", {"stageid": target}
            else:
                path = f"{API}/opportunity/{pk}"
                body = {"title": f"Mixed edit {number}-{n}", "bidValue": 1000 + n % 500}
            response = client.put(path, orjson.dumps(body), content_type="application/json")
            with lock:
                tally["writes"] += 1
                if response.status_code != 200:
                    tally["errors"] += 1
                    tally["error_samples"].append(
                        f"{response.status_code} {response.content[:200]!r}"
                    )
    except Exception as exc:  # a failed write, reported by the scenario
        with lock:
            tally["errors"] += 1
            tally["error_samples"].append(repr(exc))
    finally:
        connection.close()


def run(runner, env: Env, *, iterations: int, warmup: int, writers: int) -> dict:
    fx = env.fixture
    stages = fx.stage_ids[4:6]

    # the user's own open opportunities, wherever earlier scenarios left them
    pool = list(
        Opportunity.objects.filter(responsible_id=env.user.pk, stage__stage_type=0)
        .order_by("pk")
        .values_list("pk", "stage_id")[:100]
    )
    if not pool:
        raise RuntimeError("the mixed scenario found no open opportunity of the user to write")
    if connection.vendor == "sqlite":
        writers = 1  # SQLite has one writer at a time; more threads only wait for the lock
    expected_total = env.visible_count
    expected_open = visible_opportunities(env.user.pk).filter(stage__stage_type=0).count()
    pages = max(min(expected_total // 50, 40), 1)

    def call(i: int) -> tuple[Call, int | None]:
        kind = i % 4
        if kind == 3:
            return Call("GET", f"{API}/opportunity/filter?count=50&stageType=0"), expected_open
        if kind == 2:
            path = f"{API}/opportunity/filter?count=50&opportunityStagesid={stages[0]}"
            return Call("GET", path), None
        start = (i % pages) * 50
        return Call("GET", f"{API}/opportunity/filter?count=50&startIndex={start}"), expected_total

    result: dict = {"name": NAME, "description": DESCRIPTION}
    problems: list[str] = []
    first, _ = call(0)
    with CaptureQueriesContext(connection) as queries:
        response = send(env, first)
    result["status"] = response.status_code
    result["queries"] = len(queries)
    result["response_bytes"] = len(response.content)
    gc.collect()
    tracemalloc.start()
    send(env, first)
    result["peak_memory_kb"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
    tracemalloc.stop()

    stop = threading.Event()
    lock = threading.Lock()
    tally = {"writes": 0, "errors": 0, "error_samples": []}
    threads = [
        threading.Thread(target=_writer, args=(env, pool, stages, stop, tally, lock, number))
        for number in range(writers)
    ]
    for thread in threads:
        thread.start()
    give_up = time.monotonic() + 10  # measure once every writer is writing
    while (
        tally["writes"] < writers
        and time.monotonic() < give_up
        and any(thread.is_alive() for thread in threads)
    ):
        time.sleep(0.005)
    samples, wrong, errors = [], [], 0
    perf = time.perf_counter
    started = perf()
    try:
        with _CountingCompute(counts_cache) as counter:
            for i in range(warmup + iterations):
                request, expected = call(i)
                began = perf()
                response = send(env, request)
                elapsed = (perf() - began) * 1000
                if response.status_code != 200:
                    errors += 1
                    continue
                total = response_json(response).get("total")
                if expected is not None and total != expected:
                    wrong.append(f"{request.path}: total {total}, expected {expected}")
                if i >= warmup:
                    samples.append(elapsed)
            measured_misses = counter.misses
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    seconds = perf() - started
    # quiescent: every total, the one-stage ones included, must match the database now
    path = f"{API}/opportunity/filter?count=1&opportunityStagesid={stages[0]}"
    stage_total = response_json(send(env, Call("GET", path))).get("total")
    stage_expected = visible_opportunities(env.user.pk).filter(stage_id=stages[0]).count()
    if stage_total != stage_expected:
        wrong.append(f"after the writes: {path} total {stage_total}, expected {stage_expected}")
    requests = warmup + iterations
    result.update(summarize(samples))
    result.update(
        {
            "errors_in_process": errors,
            "cache": "shared" if counts_cache_enabled() else "off (per-process cache)",
            "writer_threads": writers,
            "writes": tally["writes"],
            "writes_per_second": round(tally["writes"] / seconds, 1),
            "write_errors": tally["errors"],
            "count_requests": requests,
            "count_misses": measured_misses,
            "count_hits": requests - measured_misses,
            "miss_rate": round(measured_misses / requests, 3) if requests else None,
            "wrong_totals": len(wrong),
        }
    )
    if wrong:
        problems.append(f"{len(wrong)} wrong totals, e.g. {wrong[0]}")
    if errors:
        problems.append(f"{errors} measured requests failed")
    if tally["errors"]:
        problems.append(f"{tally['errors']} writes failed, e.g. {tally['error_samples'][0]}")
    result["ok"] = not problems
    if problems:
        result["problems"] = problems
    log(
        f"  {NAME:<18} p50 {result['p50_ms']:8.2f} ms  p95 {result['p95_ms']:8.2f} ms  "
        f"{result['writes']} writes ({result['writes_per_second']}/s, {writers} threads)  "
        f"counts: {result['count_hits']} hits, {result['count_misses']} misses "
        f"({result['cache']})  wrong totals: {len(wrong)}"
        + ("" if result["ok"] else "  FAILED: " + "; ".join(problems))
    )
    return result
