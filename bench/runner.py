"""One benchmark run: migrate, seed the small size, measure growth scenarios, top up, measure
everything (the list pages interleaved with the raw query), load-test under gunicorn, write
results.json. `python -m bench` sets Django up before it imports this module (and so the
modules it imports, which import the product's models at their top)."""

from __future__ import annotations

import gc
import json
import os
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import orjson
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.api.authentication import token_issue
from accounts.models import User
from bench import activities_data, bulk_writes, database, dataset, load, mixed
from bench.activity_scenarios import SIZE_PAIRS, activity_scenarios
from bench.export_scenarios import export_scenarios
from bench.insights_scenarios import insights_scenarios
from bench.raw import RawFilter, diff
from bench.report import (
    GROWTH_SCENARIOS,
    evaluate_targets,
    log,
    machine_info,
    render_table,
    result_line,
    summarize,
)
from bench.scenarios import Env, Scenario, all_scenarios, send, visible_opportunities
from core.counts_cache import counts_cache_enabled, counts_invalidate
from opportunities.models import Opportunity


class Runner:
    def __init__(self, args, *, url: str, fresh: bool):
        self.args = args
        self.url = url
        self.fresh = fresh
        self.counter = 0
        self.only = set(args.only.split(",")) if args.only else None
        self.activities = None  # bench.activities_data.Activities, once written

    # -- data ---------------------------------------------------------------------------------

    def migrate(self) -> None:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated ({time.perf_counter() - started:.1f} s)")

    def seed_to(self, target: int) -> float:
        """Top the opportunities up to `target` (ids 1..target); returns the seconds spent."""
        current = dataset.max_opportunity_id()
        if current >= target:
            return 0.0
        started = time.perf_counter()
        log(f"seeding opportunities {current + 1}..{target}")
        chunk = 50_000
        for start in range(current + 1, target + 1, chunk):
            dataset.write_opportunities(
                self.fixture, start, min(start + chunk, target + 1), log=log
            )
        bulk_writes.analyze()
        _counts_written_around_the_services()
        seconds = time.perf_counter() - started
        log(f"  {target} opportunities in the table ({seconds:.1f} s with ANALYZE)")
        return seconds

    # -- the environment ------------------------------------------------------------------------

    def make_env(self) -> Env:
        user = User.objects.get(username=dataset.SALES_USERNAME)
        other = User.objects.get(username="sales02")
        token, _ = token_issue(user)
        api = Client(headers={"authorization": f"Bearer {token}"})
        page = Client()
        page.force_login(user)
        raw = RawFilter(
            connection,
            user_id=user.pk,
            permission_id=self.fixture.view_permission_id,
            base_url="http://testserver",
        )
        env = Env(api=api, page=page, user=user, other_user=other, fixture=self.fixture, raw=raw)
        env.token = token
        env.session_cookie = page.cookies["sessionid"].value
        env.activities = self.activities
        if env.activities is not None:
            small_tasks = Client()
            small_tasks.force_login(User.objects.get(pk=env.activities.my_tasks_small_user_id))
            env.clients["small_tasks"] = small_tasks
        self.refresh_env(env)
        return env

    def refresh_env(self, env: Env) -> None:
        env.visible_count = env.raw.visible_count()
        env.stage_counts = env.raw.stage_counts()
        uid = env.user.pk
        visible = list(visible_opportunities(uid).order_by("pk").values_list("pk", flat=True))
        step = max(len(visible) // 200, 1)
        env.get_pool = visible[::step][:200]
        env.move_pool = list(
            Opportunity.objects.filter(responsible_id=uid, stage__stage_type=0)
            .exclude(stage_id__in=self.fixture.stage_ids[4:6])
            .order_by("pk")
            .values_list("pk", "stage_id")[:100]
        )

    # -- measuring --------------------------------------------------------------------------------

    def next_i(self) -> int:
        self.counter += 1
        return self.counter

    def measure(self, scenario: Scenario, env: Env, *, iterations: int, warmup: int) -> dict:
        scenario.setup(env)
        result: dict = {"name": scenario.name, "description": scenario.description}
        if getattr(scenario, "max_iterations", None):  # a slow one: a few runs (the exports)
            iterations, warmup = min(iterations, scenario.max_iterations), min(warmup, 1)
        # 1. correctness and queries (one request, queries captured)
        call = scenario.call(env, self.next_i())
        with CaptureQueriesContext(connection) as queries:
            response = send(env, call)
        problems = scenario.check(env, response, call)
        result["status"] = response.status_code
        result["queries"] = len(queries)
        result["response_bytes"] = len(response.content)
        # 2. peak memory of one request (tracemalloc slows it down, so it is not timed)
        gc.collect()
        tracemalloc.start()
        response = send(env, scenario.call(env, self.next_i()))
        result["peak_memory_kb"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
        tracemalloc.stop()
        raw_call = None
        if scenario.raw_count is not None:
            count = scenario.raw_count

            def raw_call():
                return env.raw.page_json(count=count)

            tracemalloc.start()
            raw_call()
            result["raw_peak_memory_kb"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
            tracemalloc.stop()
            product = orjson.loads(send(env, scenario.call(env, self.next_i())).content)
            env.raw.now = None
            differences = diff(product, orjson.loads(raw_call()))
            result["raw_same_json"] = not differences
            if differences:
                result["raw_json_differences"] = differences
        # 3. warm-up, then timed requests (product and raw alternately)
        for _ in range(warmup):
            send(env, scenario.call(env, self.next_i()))
            if raw_call:
                raw_call()
        product_ms, raw_ms, errors = [], [], 0
        perf = time.perf_counter
        for _ in range(iterations):
            call = scenario.call(env, self.next_i())
            started = perf()
            response = send(env, call)
            product_ms.append((perf() - started) * 1000)
            if response.status_code >= 400:
                errors += 1
            if raw_call:
                started = perf()
                raw_call()
                raw_ms.append((perf() - started) * 1000)
        result.update(summarize(product_ms))
        result["errors_in_process"] = errors
        if raw_ms:
            raw = summarize(raw_ms)
            result["raw_p50_ms"] = raw["p50_ms"]
            result["raw_p95_ms"] = raw["p95_ms"]
            result["ratio_to_raw"] = round(result["p50_ms"] / raw["p50_ms"], 2)
        if errors:
            problems.append(f"{errors} timed requests failed")
        result["ok"] = not problems
        if problems:
            result["problems"] = problems
        log(result_line(result))
        return result

    # -- the run ----------------------------------------------------------------------------------

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def run(self) -> dict:
        args = self.args
        self.migrate()
        _counts_written_around_the_services()  # a previous run's counts, same cache
        seed_seconds = {}
        if self.fresh or dataset.max_opportunity_id() == 0:
            self.fixture = dataset.build_reference(log=log)
        else:
            self.fixture = dataset.load_reference()
        results: dict = {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "profile": "quick" if args.quick else "full",
            "opportunities": args.opportunities,
            "small_opportunities": args.small,
            "database": self.database_info(),
            "machine": machine_info(),
            "settings": {
                "iterations": args.iterations,
                "warmup": args.warmup,
                "load_seconds": None if args.no_load else args.load_seconds,
                "workers": args.workers,
                "cache": database.describe(args.cache_url),
                "counts_cached": _counts_cache_enabled(),
            },
            "scenarios": {},
        }
        every = [
            *all_scenarios(),
            *activity_scenarios(),
            *insights_scenarios(),
            *export_scenarios(),
        ]
        scenarios = {s.name: s for s in every}
        if args.profile or args.explain:
            self.seed_to(args.opportunities)
            self.activities = activities_data.ensure(self.fixture, log=log)
            if args.explain:
                return self.explain(scenarios[args.explain])
            return self.profile(scenarios[args.profile])

        growth = {}
        current = dataset.max_opportunity_id()
        if current < args.small:
            seed_seconds["small"] = self.seed_to(args.small)
            env = self.make_env()
            log(f"-- at {args.small} opportunities ({env.visible_count} visible to the user)")
            for name in GROWTH_SCENARIOS:
                if self.wanted(name):
                    growth[name] = self.measure(
                        scenarios[name], env, iterations=args.iterations, warmup=args.warmup
                    )
        else:
            log("growth check skipped: the reused database is already bigger than --small")
        seed_seconds["top_up"] = self.seed_to(args.opportunities)
        started = time.perf_counter()
        self.activities = activities_data.ensure(self.fixture, log=log)
        _counts_written_around_the_services()
        seed_seconds["activities"] = round(time.perf_counter() - started, 1)
        results["seed_seconds"] = seed_seconds
        env = self.make_env()
        results["visible_to_user"] = env.visible_count
        log(
            f"-- at {dataset.opportunity_count()} opportunities "
            f"({env.visible_count} visible to the user)"
        )
        for name, scenario in scenarios.items():
            if not self.wanted(name):
                continue
            if name == "group_delete_100":
                self.prepare_deletes(env, args.iterations + args.warmup + 4)
            result = self.measure(scenario, env, iterations=args.iterations, warmup=args.warmup)
            if name in growth:
                small = growth[name]
                result["p50_ms_small"] = small["p50_ms"]
                result["queries_small"] = small["queries"]
                result["growth_ratio"] = round(result["p50_ms"] / small["p50_ms"], 2)
            results["scenarios"][name] = result
        _compare_sizes(results["scenarios"])
        self.cleanup(env)
        if self.wanted("mixed"):
            self.refresh_env(env)
            results["scenarios"]["mixed"] = mixed.run(
                self,
                env,
                iterations=args.iterations * 4,
                warmup=args.warmup,
                writers=args.writers,
            )
        if not args.no_load:
            self.refresh_env(env)
            load_results = load.run(self, env, results)
            for name, numbers in load_results.items():
                results["scenarios"].setdefault(name, {"name": name}).update(numbers)
                if numbers.get("errors"):
                    results["scenarios"][name]["ok"] = False
                    results["scenarios"][name].setdefault("problems", []).append(
                        f"{numbers['errors']} errors under load"
                    )
        results["targets"] = evaluate_targets(results)
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        self.write(results)
        return results

    def prepare_deletes(self, env: Env, chunks: int) -> None:
        """Opportunities the user may delete, 100 per request, written in bulk beforehand."""
        start = dataset.max_opportunity_id() + 1
        stop = start + chunks * 100
        uid = env.user.pk
        dataset.write_opportunities(
            self.fixture,
            start,
            stop,
            overrides={"responsible_id": uid, "owner_id": uid, "created_by_id": uid},
            log=lambda m: log(m.replace("  wrote", "  group delete: wrote")),
        )
        _counts_written_around_the_services()
        ids = list(range(start, stop))
        env.delete_chunks = [ids[n : n + 100] for n in range(0, len(ids), 100)]
        # call numbers go on increasing; map them onto the chunks
        base = self.counter + 1
        env.delete_chunks = {base + n: chunk for n, chunk in enumerate(env.delete_chunks)}

    def cleanup(self, env: Env) -> None:
        """Leave the data set as it was seeded: remove the created deals and the delete targets
        (trashed or unused)."""
        Opportunity.all_objects.filter(pk__gt=self.args.opportunities).delete()  # trash too
        _counts_written_around_the_services()

    def profile(self, scenario: Scenario) -> dict:
        from pyinstrument import Profiler

        env = self.make_env()
        scenario.setup(env)
        for _ in range(3):
            send(env, scenario.call(env, self.next_i()))
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(self.args.iterations):
            send(env, scenario.call(env, self.next_i()))
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        path = database.DATA_DIR / f"profile-{scenario.name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(profiler.output_html())
        log(f"profile written to {path}")
        return {"scenarios": {scenario.name: {"ok": True}}}

    def explain(self, scenario: Scenario) -> dict:
        """Each query of one request, timed, with its plan (EXPLAIN ANALYZE on PostgreSQL)."""
        env = self.make_env()
        scenario.setup(env)
        send(env, scenario.call(env, self.next_i()))  # warm
        with CaptureQueriesContext(connection) as queries:
            send(env, scenario.call(env, self.next_i()))
        for n, query in enumerate(queries.captured_queries, 1):
            sql = query["sql"]
            print(f"\n-- query {n} ({float(query['time']) * 1000:.2f} ms)\n{sql}")
            if connection.vendor == "postgresql" and sql.lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    print("\n".join(row[0] for row in cursor.fetchall()))
        return {"scenarios": {scenario.name: {"ok": True}}}

    def database_info(self) -> dict:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                version = f"PostgreSQL {cursor.fetchone()[0]}"
            else:
                cursor.execute("SELECT sqlite_version()")
                version = f"SQLite {cursor.fetchone()[0]}"
        return {"vendor": connection.vendor, "version": version, "url": database.describe(self.url)}

    def write(self, results: dict) -> None:
        path = Path(self.args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
        log("")
        log(render_table(results))


def _compare_sizes(scenarios: dict) -> None:
    """A page measured at two sizes of its content: the ratio of the p50s, both query counts."""
    for big, small in SIZE_PAIRS.items():
        if big in scenarios and small in scenarios:
            result, twin = scenarios[big], scenarios[small]
            result["p50_ms_small"] = twin["p50_ms"]
            result["queries_small"] = twin["queries"]
            result["size_ratio"] = round(result["p50_ms"] / twin["p50_ms"], 2)


def _counts_written_around_the_services() -> None:
    """The bench writes rows in bulk, around the services: drop the cached counts as a
    service's commit would."""
    counts_invalidate()


def _counts_cache_enabled() -> bool:
    return counts_cache_enabled()
