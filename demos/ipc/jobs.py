"""Job records and job events, as the IPC demo reads them (pure functions).

A record is the JSON of GET /result/<id> (status, result, worker_pod, tries,
started_at, finished_at, ...); an event is one entry of GET /jobs/<id>/events
(event, pod, try, at, ...). Event names, in order: queued, then per try
redelivered (try 2 and later), started, and one of completed, failed,
skipped or cancelled.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

Record = Dict[str, Any]
Event = Dict[str, Any]


def parse_time(at: Optional[str]) -> Optional[datetime]:
    if not at:
        return None
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        return None


def jobs_per_pod(records: Iterable[Record]) -> List[Tuple[str, int]]:
    """Return (worker pod, jobs) pairs, busiest pod first, for complete jobs."""
    counts = Counter(
        str(r.get("worker_pod")) for r in records if r.get("status") == "complete"
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def throughput(records: Sequence[Record]) -> Optional[Tuple[float, float]]:
    """Return (jobs per second, seconds) from the first start to the last finish.

    The timestamps come from the workers, so polling delays of the driver do
    not count. None when a record lacks them or the span is not positive.
    """
    starts = [parse_time(r.get("started_at")) for r in records]
    finishes = [parse_time(r.get("finished_at")) for r in records]
    known_starts = [t for t in starts if t is not None]
    known_finishes = [t for t in finishes if t is not None]
    if not records or len(known_starts) + len(known_finishes) < 2 * len(records):
        return None
    span_s = (max(known_finishes) - min(known_starts)).total_seconds()
    if span_s <= 0:
        return None
    return len(records) / span_s, span_s


def count_events(events: Iterable[Event], name: str) -> int:
    return sum(1 for e in events if e.get("event") == name)


def event_pods(events: Iterable[Event], name: str) -> List[str]:
    """Return the pod of each ``name`` event, in order."""
    return [str(e.get("pod")) for e in events if e.get("event") == name]


def ran_once(events: Sequence[Event]) -> bool:
    """Return whether the job body ran exactly once and finished normally."""
    return (
        count_events(events, "started") == 1
        and count_events(events, "completed") + count_events(events, "failed") == 1
        and count_events(events, "redelivered") == 0
        and count_events(events, "cancelled") == 0
    )


def seconds_between(
    events: Sequence[Event], first: str, second: str
) -> Optional[float]:
    """Return the seconds from the first ``first`` event to the first ``second``."""
    begin = _first_time(events, first)
    end = _first_time(events, second)
    if begin is None or end is None:
        return None
    return (end - begin).total_seconds()


def _first_time(events: Sequence[Event], name: str) -> Optional[datetime]:
    for event in events:
        if event.get("event") == name:
            return parse_time(event.get("at"))
    return None


def timeline(events: Sequence[Event]) -> List[Tuple[str, str, str, str]]:
    """Return (time, event, try, pod) rows for a table of one job's events."""
    rows = []
    for event in events:
        moment = parse_time(event.get("at"))
        clock = moment.astimezone().strftime("%H:%M:%S") if moment else "?"
        rows.append(
            (
                clock,
                str(event.get("event", "?")),
                str(event.get("try", "-")),
                str(event.get("pod", "?")),
            )
        )
    return rows
