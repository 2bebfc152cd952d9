"""`python -m bench`: build the data set, measure the product and the raw database, write results.

    .venv/bin/python -m bench                       # 100000 opportunities (DATABASE_URL)
    .venv/bin/python -m bench --quick               # 10000 opportunities, fewer iterations
    .venv/bin/python -m bench --opportunities 300 --no-load --bench-database-url sqlite:///x.db

It never touches the database DATABASE_URL names: PostgreSQL runs use `pipeline_bench` on the same
server, SQLite runs a file under bench/data/."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

from bench import database

BENCH_DIR = Path(__file__).resolve().parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10000 opportunities, fewer runs")
    parser.add_argument("--opportunities", type=int, help="size of the data set (default 100000)")
    parser.add_argument(
        "--small",
        type=int,
        help="size the growth check starts from (default: a tenth of --opportunities)",
    )
    parser.add_argument("--iterations", type=int, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, help="untimed requests before each scenario")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load phase")
    parser.add_argument("--load-seconds", type=float, help="seconds per load scenario (20)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: cores)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing bench database of the right size instead of rebuilding it",
    )
    parser.add_argument("--database-url", help="default: $DATABASE_URL, else SQLite")
    parser.add_argument(
        "--cache-url",
        help="the product's cache (CACHE_URL): default $CACHE_URL or $REDIS_URL, else Redis on "
        "127.0.0.1:6379 (database 15) when it answers, else locmem:// (counts then not cached)",
    )
    parser.add_argument(
        "--writers", type=int, default=2, help="writer threads of the mixed scenario (2)"
    )
    parser.add_argument(
        "--bench-database-url", help="use exactly this database for the bench (dropped!)"
    )
    parser.add_argument("--only", help="comma-separated scenario names to run (others are skipped)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument(
        "--profile",
        metavar="SCENARIO",
        help="profile one scenario with pyinstrument (HTML next to --output) and stop",
    )
    parser.add_argument(
        "--explain",
        metavar="SCENARIO",
        help="print the queries of one request of SCENARIO with EXPLAIN ANALYZE and stop",
    )
    parser.add_argument(
        "--no-install", action="store_true", help="never apt-get install wrk; use Python load"
    )
    args = parser.parse_args(argv)
    if args.opportunities is None:
        args.opportunities = 10_000 if args.quick else 100_000
    if args.small is None:
        args.small = max(args.opportunities // 10, 1)
    if args.iterations is None:
        args.iterations = 15 if args.quick else 40
    if args.warmup is None:
        args.warmup = 2 if args.quick else 5
    if args.load_seconds is None:
        args.load_seconds = 5.0 if args.quick else 20.0
    if args.workers is None:
        args.workers = os.cpu_count() or 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    source_url = args.database_url or os.environ.get("DATABASE_URL")
    url = args.bench_database_url or database.bench_url_for(source_url)
    print(f"bench database: {database.describe(url)}")
    args.cache_url = database.cache_url_for(args.cache_url)
    print(f"bench cache: {database.describe(args.cache_url)}")
    fresh = database.recreate(url, keep=args.reuse)
    database.configure_django(
        url, cache_url=args.cache_url, key_prefix=f"pipeline-bench-{secrets.token_hex(4)}"
    )

    from bench.runner import Runner  # only now: the runner's modules import the models

    runner = Runner(args, url=url, fresh=fresh)
    started = time.perf_counter()
    results = runner.run()
    print(f"done in {time.perf_counter() - started:.0f} s; results in {args.output}")
    failures = [
        name
        for name, scenario in results.get("scenarios", {}).items()
        if not scenario.get("ok", False)
    ]
    if failures:
        print("FAILED scenarios: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
