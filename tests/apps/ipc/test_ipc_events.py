"""GET /events: job events as server-sent events, live, with bounded streams."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from ipc_stack import ApiProcess, Stack, entry_id_key


def read_sse(lines: Iterator[str]) -> Iterator[dict]:
    """Yield SSE messages as dicts of their fields, comments under ``comment``."""
    message: dict = {}
    for line in lines:
        if not line:
            if message:
                yield message
            message = {}
        elif line.startswith(":"):
            message.setdefault("comment", []).append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            message[name] = value.removeprefix(" ")
    if message:
        yield message


def events_of_job(messages: Iterator[dict], job_id: str, last: str) -> list[dict]:
    """Collect the data of a job's events up to and including the ``last`` event."""
    collected = []
    for message in messages:
        if "data" not in message:
            continue
        data = json.loads(message["data"])
        assert message["id"] == data["id"]
        assert message["event"] == data["event"]
        if data["job_id"] == job_id:
            collected.append(data)
            if data["event"] == last:
                return collected
    raise AssertionError(f"stream ended before the {last} event of job {job_id}")


@pytest.fixture
def api(stack: Stack) -> ApiProcess:
    stack.start_worker("worker-sse")
    return stack.start_api(SSE_KEEPALIVE_S=0.2)


def test_events_stream_live(api: ApiProcess):
    with api.client.stream("GET", "/events", params={"max_s": 20}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-pod"] == api.pod_name
        messages = read_sse(response.iter_lines())
        assert "retry" in next(messages)

        job_id = api.client.post("/calculate", json={"a": 1, "b": 1}).json()["job_id"]
        events = events_of_job(messages, job_id, "completed")

    assert [event["event"] for event in events] == ["queued", "started", "completed"]
    assert [event["pod"] for event in events] == [
        api.pod_name,
        "worker-sse",
        "worker-sse",
    ]
    ids = [event["id"] for event in events]
    assert ids == sorted(ids, key=entry_id_key)


def test_events_stream_replays_from_first(api: ApiProcess):
    job_id = api.client.post("/calculate", json={"a": 2, "b": 2}).json()["job_id"]

    with api.client.stream(
        "GET", "/events", params={"start": "first", "max_s": 10}
    ) as response:
        events = events_of_job(read_sse(response.iter_lines()), job_id, "completed")

    assert [event["event"] for event in events] == ["queued", "started", "completed"]


def test_events_stream_resumes_after_last_event_id(api: ApiProcess):
    job_id = api.client.post("/calculate", json={"a": 3, "b": 3}).json()["job_id"]
    with api.client.stream(
        "GET", "/events", params={"start": "first", "max_s": 10}
    ) as response:
        queued = events_of_job(read_sse(response.iter_lines()), job_id, "queued")[-1]

    headers = {"Last-Event-ID": queued["id"]}
    with api.client.stream(
        "GET", "/events", params={"max_s": 10}, headers=headers
    ) as response:
        events = events_of_job(read_sse(response.iter_lines()), job_id, "completed")

    assert [event["event"] for event in events] == ["started", "completed"]


def test_events_stream_sends_keepalive_and_ends(api: ApiProcess):
    with api.client.stream("GET", "/events", params={"max_s": 1}) as response:
        comments = [
            comment
            for message in read_sse(response.iter_lines())
            for comment in message.get("comment", [])
        ]

    assert "keep-alive" in comments
    assert comments[-1] == "max_s 1 reached; reconnect to continue"


@pytest.mark.parametrize(
    "params", [{"start": "newest"}, {"start": "1-2-3"}, {"max_s": 0}, {"max_s": 3601}]
)
def test_events_stream_invalid_query_422(api: ApiProcess, params):
    response = api.client.get("/events", params=params)

    assert response.status_code == 422
    assert response.json()["message"].startswith("query.")
