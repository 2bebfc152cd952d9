"""The benchmark's quick profile at a tiny size, as a smoke test: every scenario runs and returns
correct data (the bench checks statuses, counts, and the raw query's ids against the API's).
Speed is never asserted here; `make bench` measures it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# One worker runs the module under pytest-xdist (`--dist loadgroup`): the bench runs once.
pytestmark = pytest.mark.xdist_group("bench_smoke")
ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = {
    "filter_50",
    "filter_1000",
    "filter_search",
    "get_one",
    "create",
    "move",
    "group_delete_100",
    "board",
    "board_filtered",
    "mixed",
    "opportunity_page",
    "opportunity_page_small",
    "my_tasks",
    "my_tasks_small",
    "rambase_list_80",
    "forecast",
    "export_csv",
    "export_xlsx",
    "reports",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--opportunities",
            "300",
            "--no-load",
            "--iterations",
            "2",
            "--warmup",
            "0",
            "--bench-database-url",
            f"sqlite:///{work / 'bench.sqlite3'}",
            "--output",
            str(work / "results.json"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang: a loaded machine takes minutes
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return json.loads((work / "results.json").read_text())


def test_every_scenario_runs_and_returns_correct_data_when_quick_profile_runs(results):
    scenarios = results["scenarios"]
    assert set(scenarios) == SCENARIOS
    failed = {name: s.get("problems") for name, s in scenarios.items() if not s["ok"]}
    assert failed == {}
    for name, scenario in scenarios.items():
        assert scenario["status"] in (200, 201), name
        assert scenario["queries"] > 0, name
        for key in ("p50_ms", "p95_ms", "queries", "peak_memory_kb"):
            assert isinstance(scenario[key], int | float), (name, key)


def test_raw_query_returns_the_api_page_when_filtering(results):
    for name in ("filter_50", "filter_1000"):
        scenario = results["scenarios"][name]
        assert scenario["raw_p50_ms"] > 0
        assert scenario["ratio_to_raw"] > 0
        assert scenario["raw_same_json"], scenario.get("raw_json_differences")


def test_growth_and_targets_are_reported_when_quick_profile_runs(results):
    assert results["small_opportunities"] == 30
    assert results["opportunities"] == 300
    for name in ("filter_50", "board"):
        assert results["scenarios"][name]["growth_ratio"] > 0
    assert {row["scenario"] for row in results["targets"]} >= {"filter_50", "board", "move"}


def test_mixed_scenario_reports_count_misses_and_no_wrong_total_when_clients_write(results):
    mixed = results["scenarios"]["mixed"]
    assert mixed["writes"] > 0 and mixed["write_errors"] == 0
    assert mixed["count_hits"] + mixed["count_misses"] == mixed["count_requests"] > 0
    assert 0 <= mixed["miss_rate"] <= 1
    assert mixed["wrong_totals"] == 0
    assert results["settings"]["cache"] and "counts_cached" in results["settings"]
