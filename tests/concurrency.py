"""Threads for the race tests, which mean something only on PostgreSQL: `select_for_update` is a
no-op on SQLite, which also serializes its writers. Each thread uses its own connection and
closes it, so the test database can be flushed afterwards."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

NO_ROW_LOCKS = "SQLite has no row locks to wait for"
NO_RACE_TO_LOSE = "SQLite serializes writers: no race to lose"


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    """Skip the test (or, in `pytestmark`, the module) unless it runs on PostgreSQL."""
    return pytest.mark.skipif(connection.vendor != "postgresql", reason=reason)


def run_in_threads(*bodies: Callable[[], object], timeout: float = 30) -> list[Exception]:
    """Run each body in its own thread, all started before any is joined; what they raised."""
    errors: list[Exception] = []

    def run(body):
        try:
            body()
        except Exception as exc:  # reported by the caller's assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    still_running = [thread for thread in threads if thread.is_alive()]
    assert not still_running, f"{len(still_running)} thread(s) still running after {timeout}s"
    return errors


def run_at_once(
    *bodies: Callable[[], object], timeout: float = 30, wait: float = 10
) -> list[Exception]:
    """`run_in_threads`, every body first waiting (up to `wait` seconds) at one barrier, so
    that they all start at the same moment."""
    start = threading.Barrier(len(bodies))

    def released(body):
        def run():
            start.wait(wait)
            body()

        return run

    return run_in_threads(*(released(body) for body in bodies), timeout=timeout)


def answers_at_once(*calls: Callable[[], object], timeout: float = 30) -> list:
    """What each call returned, all run in threads released together; none may raise."""
    answers: list = [None] * len(calls)

    def answering(index, call):
        def run():
            answers[index] = call()

        return run

    errors = run_at_once(
        *(answering(index, call) for index, call in enumerate(calls)), timeout=timeout
    )
    assert errors == [], errors  # plain asserts here: pytest rewrites only test modules
    return answers
