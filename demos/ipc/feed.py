"""The live event feed: GET /events (server-sent events) in a background thread.

Every job event the API and the workers write to the Redis Stream ipc:events
is printed as one compact line while the demo's steps run. The feed reconnects
with Last-Event-ID after the stream ends, for example while Redis restarts,
so no event is skipped.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
from collections import Counter
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

# Maximum silence before the connection counts as lost. The API sends a
# keep-alive comment every SSE_KEEPALIVE_S (10 s by default).
READ_TIMEOUT_S = 30
RECONNECT_S = 1.0
STREAM_PATH = "/events?start=latest&max_s=3600"


def parse_sse(lines: Iterable[str]) -> Iterator[Dict[str, Any]]:
    """Yield the JSON data of each server-sent event in ``lines``.

    Comment lines (starting with ":") and fields other than data are skipped;
    a blank line ends an event.
    """
    data: List[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                with contextlib.suppress(ValueError):
                    yield json.loads("\n".join(data))
                data = []
            continue
        if line.startswith("data:"):
            data.append(line[5:].lstrip(" "))


def local_time(at: str) -> str:
    """Format an ISO 8601 timestamp as local HH:MM:SS.mmm (the input if invalid)."""
    try:
        moment = datetime.fromisoformat(at).astimezone()
    except ValueError:
        return at
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def format_event(event: Dict[str, Any]) -> str:
    """Return one line: time, event, short job id, try, result or reason, pod."""
    parts = [
        "feed",
        local_time(str(event.get("at", ""))),
        f"{event.get('event', '?'):<11}",
        f"job {str(event.get('job_id', '?'))[:8]}",
    ]
    if event.get("try"):
        parts.append(f"try {event['try']}")
    if event.get("event") == "completed":
        parts.append(f"result {event.get('result')}")
    elif event.get("reason"):
        parts.append(f"({event['reason']})")
    parts.append(str(event.get("pod", "?")))
    return "  ".join(parts)


class EventFeed:
    """Stream GET /events from ``host:port`` and print each event via ``write``."""

    def __init__(self, host: str, port: int, write: Callable[[str], None]) -> None:
        self.host = host
        self.port = port
        self.write = write
        self.events: List[Dict[str, Any]] = []
        self.last_id: Optional[str] = None
        # Set once GET /events has returned 200: every later event reaches the feed.
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._muted = 0
        self._muted_counts: Counter = Counter()
        self._connection: Optional[http.client.HTTPConnection] = None
        self._thread = threading.Thread(
            target=self._run, name="event-feed", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop printing and close the stream; the thread ends within seconds."""
        self._stop.set()
        connection = self._connection
        if connection is not None and connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=2)

    @contextlib.contextmanager
    def muted(self, reason: str) -> Iterator[None]:
        """Count events instead of printing them, then print one summary line."""
        self._muted += 1
        self._muted_counts.clear()
        try:
            yield
        finally:
            self._muted -= 1
            counts = ", ".join(f"{n} {name}" for name, n in self._muted_counts.items())
            self.write(f"feed (muted {reason}): {counts or 'no events'}")

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._stream()
                failures = 0
            except (OSError, http.client.HTTPException, FeedError) as error:
                if self._stop.is_set():
                    return
                failures += 1
                if failures == 1:
                    self.write(f"feed: stream interrupted ({error}); reconnecting")
            self._stop.wait(RECONNECT_S)

    def _stream(self) -> None:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=READ_TIMEOUT_S
        )
        self._connection = connection
        headers = {"Accept": "text/event-stream"}
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        try:
            connection.request("GET", STREAM_PATH, headers=headers)
            response = connection.getresponse()
            if response.status != 200:
                raise FeedError(f"GET /events returned HTTP {response.status}")
            self.connected.set()
            for event in parse_sse(self._lines(response)):
                self._handle(event)
        finally:
            connection.close()

    def _lines(self, response: http.client.HTTPResponse) -> Iterator[str]:
        # Every line counts, keep-alive comments included, so a stop request is
        # noticed within SSE_KEEPALIVE_S even if closing the socket did not wake
        # the read.
        for raw in response:
            if self._stop.is_set():
                return
            yield raw.decode("utf-8", "replace")

    def _handle(self, event: Dict[str, Any]) -> None:
        if self._stop.is_set():
            return
        if "job_id" not in event:
            # The API's "error" event, sent just before it ends the stream.
            self.write(f"feed: {event.get('detail', event)}; reconnecting")
            return
        if event.get("id"):
            self.last_id = str(event["id"])
        self.events.append(event)
        if self._muted:
            self._muted_counts[str(event.get("event", "?"))] += 1
        else:
            self.write(format_event(event))


class FeedError(RuntimeError):
    """GET /events returned something other than an event stream."""
