"""Read the Events that follow a pod deletion and name the component behind each."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, List, NamedTuple, Optional, Sequence, Tuple

from demos.kube import Obj

# The order in which the components act after a pod of a ReplicaSet is deleted.
# Event times have one-second resolution, so this order breaks ties.
REASON_ORDER = (
    "Killing",
    "SuccessfulCreate",
    "Scheduled",
    "Pulled",
    "Created",
    "Started",
)
# Each expected event as (reason, a word in the name of the component that
# reports it).
EXPECTED = (
    ("SuccessfulCreate", "replicaset"),
    ("Scheduled", "scheduler"),
    ("Pulled", "kubelet"),
    ("Created", "kubelet"),
    ("Started", "kubelet"),
)


class EventRow(NamedTuple):
    time: Optional[datetime]
    reason: str
    object: str
    component: str
    message: str

    def cells(self) -> Tuple[str, str, str, str, str]:
        clock = self.time.strftime("%H:%M:%S") if self.time else "-"
        return (clock, self.reason, self.object, self.component, self.message)


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """Parse an RFC 3339 API timestamp, truncated to whole seconds."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(microsecond=0)


def event_time(event: Obj) -> Optional[datetime]:
    # Events recorded through the events.k8s.io API, such as the scheduler's, set
    # eventTime and leave lastTimestamp empty. The older recorders do the opposite.
    for value in (
        event.get("lastTimestamp"),
        event.get("eventTime"),
        event.get("metadata", {}).get("creationTimestamp"),
    ):
        parsed = parse_time(value)
        if parsed:
            return parsed
    return None


def event_component(event: Obj) -> str:
    """Return the component that reported ``event``, such as kubelet."""
    source = (event.get("source") or {}).get("component")
    return event.get("reportingComponent") or source or "-"


def follow_up_events(
    events: Iterable[Obj], deleted_pod: str, new_pods: Sequence[str]
) -> List[EventRow]:
    """Return, in order, the events about the deletion and the replacement pods.

    Of the deleted pod, only the Killing event counts, because its older events
    are from when it was created.
    """
    rows = []
    for event in events:
        involved = event.get("involvedObject") or {}
        kind, name = involved.get("kind", ""), involved.get("name", "")
        reason = event.get("reason", "")
        message = (event.get("message") or "").strip()
        about_new = kind == "Pod" and name in new_pods
        killed = kind == "Pod" and name == deleted_pod and reason == "Killing"
        created = (
            kind == "ReplicaSet"
            and reason == "SuccessfulCreate"
            and any(pod in message for pod in new_pods)
        )
        if about_new or killed or created:
            rows.append(
                EventRow(
                    event_time(event),
                    reason,
                    f"{kind}/{name}",
                    event_component(event),
                    message,
                )
            )
    return sorted(rows, key=_order)


def _order(row: EventRow) -> Tuple[float, int]:
    rank = REASON_ORDER.index(row.reason) if row.reason in REASON_ORDER else 99
    return (row.time.timestamp() if row.time else 0.0, rank)


def found_expected(rows: Sequence[EventRow], reason: str, component_word: str) -> bool:
    return any(r.reason == reason and component_word in r.component for r in rows)


def missing_events(rows: Sequence[EventRow]) -> List[str]:
    """Return "reason (component)" for each expected event not in ``rows`` yet."""
    return [
        f"{reason} ({word})"
        for reason, word in EXPECTED
        if not found_expected(rows, reason, word)
    ]
