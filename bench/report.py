"""Numbers and how they are shown: percentiles, a scenario's summary and its log line, the
targets, the results table, and the machine the run was on."""

from __future__ import annotations

import math
import os
import platform
import statistics
from pathlib import Path

import django

GROWTH_SCENARIOS = ("filter_50", "board")
TARGETS = {
    # name: (metric, limit, what)
    "filter_50": ("p50_ms", 20.0, "p50 at most 20 ms"),
    "filter_1000": ("ratio_to_raw", 3.0, "at most 3 times the raw query"),
    "board": ("p50_ms", 100.0, "p50 at most 100 ms"),
    "get_one": ("p50_ms", 15.0, "p50 at most 15 ms"),
    "move": ("p50_ms", 15.0, "p50 at most 15 ms"),
}
GROWTH_LIMIT = 1.3
# Pages measured at two sizes of their content (bench/activity_scenarios.py): the bigger one
# must cost the same number of queries.
SIZED = {"opportunity_page": "200 vs 10 timeline entries", "my_tasks": "1000 vs 50 tasks"}


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "min_ms": round(min(samples), 3),
        "max_ms": round(max(samples), 3),
        "iterations": len(samples),
    }


def log(message: str) -> None:
    print(message, flush=True)


def result_line(result: dict) -> str:
    """One scenario's line in the log."""
    text = (
        f"  {result['name']:<18} p50 {result['p50_ms']:8.2f} ms  p95 {result['p95_ms']:8.2f} ms  "
        f"{result['queries']:3d} queries  {result['peak_memory_kb']:9.1f} KiB"
    )
    if "raw_p50_ms" in result:
        text += f"  raw p50 {result['raw_p50_ms']:.2f} ms  x{result['ratio_to_raw']}"
    if not result["ok"]:
        text += "  FAILED: " + "; ".join(result.get("problems", []))
    return text


def evaluate_targets(results: dict) -> list[dict]:
    scenarios = results["scenarios"]
    rows = []
    for name, (metric, limit, what) in TARGETS.items():
        value = scenarios.get(name, {}).get(metric)
        rows.append(
            {
                "scenario": name,
                "target": what,
                "value": value,
                "met": value is not None and value <= limit,
            }
        )
    for name in GROWTH_SCENARIOS:
        value = scenarios.get(name, {}).get("growth_ratio")
        rows.append(
            {
                "scenario": name,
                "target": f"growth {results['small_opportunities']} -> "
                f"{results['opportunities']} at most {GROWTH_LIMIT}",
                "value": value,
                "met": value is not None and value <= GROWTH_LIMIT,
            }
        )
    for name, sizes in SIZED.items():
        scenario = scenarios.get(name, {})
        value = scenario.get("queries")
        rows.append(
            {
                "scenario": name,
                "target": f"the same queries at {sizes}",
                "value": value,
                "met": value is not None and value == scenario.get("queries_small"),
            }
        )
    loaded = [s for s in scenarios.values() if "rps" in s]
    rows.append(
        {
            "scenario": ", ".join(s["name"] for s in loaded) or "(load not run)",
            "target": "zero errors under load",
            "value": sum(s.get("errors", 0) for s in loaded) if loaded else None,
            "met": bool(loaded) and all(s.get("errors", 1) == 0 for s in loaded),
        }
    )
    return rows


def render_table(results: dict) -> str:
    head = (
        "| scenario | p50 ms | p95 ms | queries | peak KiB | raw p50 ms | x raw | growth | x small "
        "| rps | load p95 ms | errors |\n|---|" + "---:|" * 11
    )
    lines = [head]

    def fmt(value, digits=1):
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value)

    for name, s in results["scenarios"].items():
        lines.append(
            f"| {name}{'' if s.get('ok', True) else ' (FAILED)'} | {fmt(s.get('p50_ms'))} "
            f"| {fmt(s.get('p95_ms'))} | {fmt(s.get('queries'))} "
            f"| {fmt(s.get('peak_memory_kb'), 0)} "
            f"| {fmt(s.get('raw_p50_ms'))} | {fmt(s.get('ratio_to_raw'), 2)} "
            f"| {fmt(s.get('growth_ratio'), 2)} | {fmt(s.get('size_ratio'), 2)} "
            f"| {fmt(s.get('rps'), 0)} "
            f"| {fmt(s.get('load_p95_ms'))} | {fmt(s.get('errors'))} |"
        )
    lines.append("")
    lines.append("| target | value | met |\n|---|---:|:---:|")
    for row in results.get("targets", []):
        lines.append(
            f"| {row['scenario']}: {row['target']} | {fmt(row['value'], 2)} "
            f"| {'yes' if row['met'] else 'no'} |"
        )
    return "\n".join(lines)


def machine_info() -> dict:
    info = {
        # other work on the machine skews every number: recorded at the start and the end
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    info["django"] = django.get_version()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info
