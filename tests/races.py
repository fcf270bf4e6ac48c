"""Two or more people doing the same thing at the same moment, on PostgreSQL: each action runs in its own thread
(its own connection), all released together by a barrier. SQLite's shared in-memory test database locks tables
instead of waiting, so these tests run on PostgreSQL only; they need transaction=True so the threads see the
rows the test made."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database locks tables instead of waiting; the race runs on PostgreSQL")

# What a losing action raises: a clear refusal (TransitionRefused is a ValidationError), never anything else.
REFUSED = (ValidationError, PermissionDenied)


def race(actions, *, refused=REFUSED, timeout: float = 30) -> list[str]:
    """Run the actions at once; return their outcomes sorted: "won", "refused", or the repr of anything else
    raised (which a test's assertion then shows)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except refused:
            outcomes.append("refused")
        except Exception as exc:  # reported in the outcome, so the test's assertion shows it
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return sorted(outcomes)
