"""Under load: the product served by gunicorn (workers = cores) on 127.0.0.1, driven for a
bounded time per scenario by `wrk` (installed with apt-get when missing and allowed) or, failing
that, by a bounded Python load generator. Only 127.0.0.1 traffic; the server is stopped after."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.report import log, percentile

ROOT = Path(__file__).resolve().parent.parent
LOAD_SCENARIOS = ("filter_50", "board", "get_one")

WRK_SCRIPT = """
local paths = {%(paths)s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, '
    .. '"p99_us": %%d, "status_errors": %%d, "connect": %%d, "read": %%d, "write": %%d, '
    .. '"timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.status, errors.connect, errors.read, errors.write,
    errors.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


def find_wrk(*, allow_install: bool) -> str | None:
    path = shutil.which("wrk")
    if path or not allow_install:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    log("  installing wrk with apt-get (load generator)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(
        ["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, timeout=300
    )
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, timeout=300
        )
    return shutil.which("wrk")


def _paths(name: str, env) -> list[str]:
    if name == "filter_50":
        return ["/api/2.0/crm/opportunity/filter?count=50"]
    if name == "board":
        return ["/"]
    return [f"/api/2.0/crm/opportunity/{pk}" for pk in env.get_pool]


def _headers(name: str, env) -> dict:
    if name == "board":
        return {"Cookie": f"sessionid={env.session_cookie}"}
    return {"Authorization": f"Bearer {env.token}"}


def run_wrk(wrk: str, port: int, name: str, env, *, seconds: float, connections: int) -> dict:
    paths = ", ".join(json.dumps(p) for p in _paths(name, env))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": paths})
    try:
        command = [
            wrk,
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{max(int(seconds), 1)}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        for key, value in _headers(name, env).items():
            command += ["-H", f"{key}: {value}"]
        command.append(f"http://127.0.0.1:{port}")
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line[len("BENCH_JSON ") :])
    errors = sum(data[k] for k in ("status_errors", "connect", "read", "write", "timeout"))
    return {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "load_p50_ms": round(data["p50_us"] / 1000, 2),
        "load_p95_ms": round(data["p95_us"] / 1000, 2),
        "load_p99_ms": round(data["p99_us"] / 1000, 2),
        "requests": data["requests"],
        "errors": errors,
        "load_generator": "wrk",
        "connections": connections,
    }


def run_python(port: int, name: str, env, *, seconds: float, connections: int) -> dict:
    """A bounded keep-alive load generator: `connections` threads for `seconds`."""
    paths = _paths(name, env)
    headers = _headers(name, env)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = offset
        mine = []
        while time.monotonic() < deadline:
            n += 1
            started = time.perf_counter()
            try:
                conn.request("GET", paths[n % len(paths)], headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i * 7,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "load_p50_ms": round(percentile(latencies, 50), 2) if latencies else None,
        "load_p95_ms": round(percentile(latencies, 95), 2) if latencies else None,
        "requests": len(latencies),
        "errors": errors[0],
        "load_generator": "python",
        "connections": connections,
    }


def run(runner, env, results: dict) -> dict:
    args = runner.args
    port = _free_port()
    workers = args.workers
    wrk = find_wrk(allow_install=not args.no_install)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server_env = {
        **os.environ,
        "DATABASE_URL": runner.url,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "bench.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    log(
        f"-- under load: gunicorn, {workers} sync workers on 127.0.0.1:{port}; "
        f"{wrk and 'wrk' or 'Python load generator'}, {args.load_seconds:.0f} s per scenario"
    )
    server = subprocess.Popen(command, cwd=ROOT, env=server_env)
    numbers: dict = {}
    try:
        _wait_for(port)
        connections = max(2 * workers, 2)
        for name in LOAD_SCENARIOS:
            if not runner.wanted(name):
                continue
            # a short warm-up so every worker has imported, connected and compiled templates
            run_python(port, name, env, seconds=1.0, connections=workers)
            if wrk:
                result = run_wrk(
                    wrk, port, name, env, seconds=args.load_seconds, connections=connections
                )
            else:
                result = run_python(
                    port, name, env, seconds=args.load_seconds, connections=connections
                )
            numbers[name] = result
            log(
                f"  {name:<18} {result['rps']:8.1f} req/s  p95 {result['load_p95_ms']} ms  "
                f"{result['errors']} errors ({result['requests']} requests)"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return numbers
