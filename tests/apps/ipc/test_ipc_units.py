"""Unit tests of the apps' own logic, without Redis or processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import time
from datetime import datetime, timezone

import pytest
from api.cancellation import raise_if_cancelled as api_raise_if_cancelled
from api.events import decode_entry, format_sse
from api.jobs import state_from_arq_result
from api.settings import Settings as ApiSettings
from api.shutdown import ShutdownState
from api.store import RedisStore
from arq.jobs import serialize_result
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from worker.cancellation import raise_if_cancelled as worker_raise_if_cancelled
from worker.events import iso, utc_now
from worker.health import check_file
from worker.health import main as health_main
from worker.jobs import compute
from worker.settings import Settings as WorkerSettings


@pytest.mark.parametrize(
    ("op", "a", "b", "expected"),
    [
        ("add", 2, 3, (5, None)),
        ("sub", 2, 3, (-1, None)),
        ("mul", 1e15, 1e15, (1e30, None)),
        ("div", 1, 4, (0.25, None)),
    ],
)
def test_compute_result(op, a, b, expected):
    assert compute(op, a, b) == expected


def test_compute_division_by_zero_has_reason():
    value, reason = compute("div", 1, 0)

    assert value is None
    assert reason == "division by zero: b must not be 0 when op is div"


def test_compute_overflow_has_reason():
    value, reason = compute("div", 1e15, 1e-320)

    assert value is None
    assert "not a finite number" in reason


def test_compute_unknown_op_has_reason():
    assert compute("pow", 2, 3) == (
        None,
        "unknown op 'pow'; expected one of add, sub, mul, div",
    )


def test_check_file_states(tmp_path):
    path = tmp_path / "alive"

    missing = check_file(str(path), 15, "liveness")
    path.touch()
    fresh = check_file(str(path), 15, "liveness")
    old = time.time() - 60
    os.utime(path, (old, old))
    stale = check_file(str(path), 15, "liveness")

    assert missing[0] is False
    assert "not found" in missing[1]
    assert fresh[0] is True
    assert stale[0] is False
    assert "more than --max-age-s 15" in stale[1]


def test_health_main_reads_ready_file_from_env(tmp_path, monkeypatch, capsys):
    ready = tmp_path / "ready"
    monkeypatch.setenv("READY_FILE", str(ready))

    assert health_main(["--ready"]) == 1
    ready.touch()
    assert health_main(["--ready", "--max-age-s", "5"]) == 0
    assert str(ready) in capsys.readouterr().out


def test_decode_entry_parses_numbers():
    fields = {
        b"event": b"completed",
        b"try": b"2",
        b"result": b"3.5",
        b"a": b"not json",
        b"pod": b"worker-1",
    }

    event = decode_entry(b"1-0", fields)

    assert event == {
        "id": "1-0",
        "event": "completed",
        "try": 2,
        "result": 3.5,
        "a": "not json",
        "pod": "worker-1",
    }


def test_format_sse_message():
    message = format_sse({"id": "5-1", "event": "queued", "job_id": "x"})

    assert message.startswith("id: 5-1\nevent: queued\ndata: {")
    assert message.endswith("}\n\n")


def test_store_messages_name_address_without_password():
    settings = ApiSettings(REDIS_URL="redis://user:secret@redis.demo:6380/0")
    store = RedisStore(settings)

    unreachable = store.describe_error(RedisConnectionError("refused"))
    rejected = store.describe_error(ResponseError("MISCONF"))

    assert store.address == "redis.demo:6380"
    assert unreachable.startswith("Redis at redis.demo:6380 is unreachable")
    assert "REDIS_URL" in unreachable
    assert "returned an error" in rejected
    assert "secret" not in unreachable + rejected


def test_worker_settings_redis_address_without_password():
    settings = WorkerSettings(REDIS_URL="rediss://:secret@redis:6379/1")

    assert settings.redis_address == "redis:6379"


def test_arq_result_failure_reason():
    data = serialize_result(
        "calculate", (), {}, 3, 0, False, RuntimeError("max 3 retries exceeded"),
        0, 0, "ref", "ipc:queue", job_id="j",
    )  # fmt: skip

    state = state_from_arq_result("j", data)

    assert state == {
        "job_id": "j",
        "tries": 3,
        "status": "failed",
        "reason": "RuntimeError: max 3 retries exceeded",
    }


def test_arq_result_undecodable():
    state = state_from_arq_result("j", pickle.dumps("not a result") + b"garbage")

    assert state["status"] == "failed"
    assert "cannot decode" in state["reason"]


def test_shutdown_state_reason():
    state = ShutdownState()
    assert state.reason is None

    state.signal = 15

    assert state.reason.startswith("draining: SIGTERM received")


def test_iso_times_are_utc():
    text = iso(utc_now())

    assert datetime.fromisoformat(text).tzinfo == timezone.utc


@pytest.mark.parametrize("guard", [api_raise_if_cancelled, worker_raise_if_cancelled])
def test_raise_if_cancelled_restores_lost_cancel(guard):
    async def lose_cancel_then_check() -> str:
        # Swallow the cancel, as Python 3.11's wait_for does when its inner
        # future is done in the same loop step.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)
        guard()
        return "cancel lost"

    async def run() -> None:
        task = asyncio.create_task(lose_cancel_then_check())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())


@pytest.mark.parametrize("guard", [api_raise_if_cancelled, worker_raise_if_cancelled])
def test_raise_if_cancelled_without_cancel(guard):
    async def check() -> str:
        guard()
        return "done"

    assert asyncio.run(check()) == "done"


def test_worker_cancels_again_after_lost_cancel(monkeypatch):
    from arq.connections import ArqRedis
    from worker import queue_worker
    from worker.jobs import calculate

    monkeypatch.setattr(queue_worker, "STOP_CHECK_S", 0.05)

    async def scenario():
        worker = queue_worker.QueueWorker(
            functions=[calculate],
            redis_pool=ArqRedis(),  # never connects: no command is sent
            idle_wait_s=0.01,
            retry_max_s=1,
            redis_address="127.0.0.1:1",
            handle_signals=False,
        )
        lost = []

        async def main():
            # Swallow the first cancel, as a lost one inside redis-py would.
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                lost.append(True)
                asyncio.current_task().uncancel()
            await asyncio.sleep(10)

        worker.main_task = asyncio.create_task(main())
        await asyncio.sleep(0)
        worker.handle_sig(signal.SIGTERM)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(worker.main_task, 5)
        return lost, worker.main_task.cancelled()

    lost, cancelled = asyncio.run(scenario())
    assert lost == [True]
    assert cancelled
