"""The IPC demo's connection to its API: port-forward, HTTP calls, live feed."""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any, Dict, List, Optional, Sequence, Tuple

from demos.console import format_command
from demos.framework import Context
from demos.ipc.client import ApiClient, Response
from demos.ipc.cluster import NAMESPACE
from demos.ipc.feed import STREAM_PATH, EventFeed
from demos.report import Report
from demos.waiting import WaitTimeout, wait_for

# Local end of the port-forward; another free port is used when it is taken.
LOCAL_PORT = 18080
FINISHED = ("complete", "failed")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class IpcSession:
    def __init__(self, ctx: Context, report: Report) -> None:
        self.ctx = ctx
        self.report = report
        self.console = ctx.console
        self.kube = ctx.kube
        self.plan = ctx.plan
        self.port = LOCAL_PORT if self.plan or port_is_free(LOCAL_PORT) else free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.client = ApiClient(self.console, self.base_url, plan=self.plan)
        self.feed: Optional[EventFeed] = None

    def connect(self) -> None:
        """Start the port-forward to svc/api and the live event feed."""
        argv = self.kube.argv(
            ["port-forward", "--address", "127.0.0.1", "svc/api", f"{self.port}:80"],
            NAMESPACE,
        )
        self.console.command(argv)
        self.console.note(
            "(in the background until the demo ends; by hand, run it in a second "
            "terminal)"
        )
        process = self.ctx.runner.start(
            argv, show=False, log_path=self.ctx.out_path("ipc-port-forward.log")
        )
        self.client.wait_until_live(30, process)
        self.console.command(["curl", "-s", "-N", self.base_url + STREAM_PATH])
        self.console.note(
            "(the live event feed: each job event below is one line of this stream)"
        )
        if not self.plan:
            self.feed = EventFeed("127.0.0.1", self.port, self.console.note)
            self.feed.start()
            if not self.feed.connected.wait(timeout=15):
                self.console.note("The event feed is not connected yet; it retries.")

    def close(self) -> None:
        if self.feed is not None:
            self.feed.stop()

    def muted(self, reason: str) -> Any:
        """Return a context in which the feed counts events instead of printing."""
        if self.feed is None:
            return contextlib.nullcontext()
        return self.feed.muted(reason)

    # -- jobs -------------------------------------------------------------

    def enqueue(self, body: Dict[str, Any], show: bool = True) -> Tuple[str, Response]:
        reply = self.client.post(
            "/calculate/async",
            body,
            show=show,
            plan_status=202,
            plan_body={"job_id": "<job-id>"},
        )
        if reply.status != 202:
            raise RuntimeError(
                f"POST /calculate/async returned HTTP {reply.status}: {reply.body}"
            )
        return str(reply.body["job_id"]), reply

    def enqueue_many(self, count: int, body: Dict[str, Any]) -> List[str]:
        """Enqueue ``count`` identical jobs; print the shell loop that does the same."""
        curl = ["curl", "-s", "-X", "POST", self.base_url + "/calculate/async"]
        curl += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
        self.console.write(
            f"$ for i in $(seq {count}); do {format_command(curl)}; echo; done"
        )
        if self.plan:
            return [f"<job-id-{i + 1}>" for i in range(count)]
        return [self.enqueue(body, show=False)[0] for _ in range(count)]

    def job_events(self, job_id: str, show: bool = False) -> List[Dict[str, Any]]:
        reply = self.client.get(f"/jobs/{job_id}/events", show=show)
        if reply.status != 200 or not isinstance(reply.body, dict):
            return []
        return list(reply.body.get("events", []))

    def wait_started(self, job_id: str, timeout_s: float = 60) -> Tuple[str, str]:
        """Wait for the job's first "started" event; return (worker pod, time)."""
        self.client.get(f"/jobs/{job_id}/events")
        self.console.note("(polled until a worker has started the job)")
        if self.plan:
            return "<worker-pod>", ""

        def started() -> Optional[Tuple[str, str]]:
            for event in self.job_events(job_id):
                if event.get("event") == "started":
                    return str(event.get("pod")), str(event.get("at"))
            return None

        return wait_for(started, f"job {job_id} to start", timeout_s, 0.2)

    def read_result(self, job_id: str, show: bool = False) -> Dict[str, Any]:
        reply = self.client.get(
            f"/result/{job_id}", show=show, plan_body={"status": "complete"}
        )
        return reply.body if isinstance(reply.body, dict) else {}

    def wait_result(self, job_id: str, timeout_s: float) -> Dict[str, Any]:
        """Poll GET /result/<id> until the job is complete or failed."""
        self.client.get(f"/result/{job_id}")
        self.console.note("(polled until the job has finished)")
        if self.plan:
            return {"status": "complete"}

        def finished() -> Optional[Dict[str, Any]]:
            record = self.read_result(job_id)
            return record if record.get("status") in FINISHED else None

        return wait_for(finished, f"job {job_id} to finish", timeout_s, 0.3)

    def wait_queue_empty(self, timeout_s: float) -> bool:
        """Poll GET /queue until arq's queue contains no job (waiting or running)."""
        self.client.get("/queue")
        self.console.note("(polled until the queue is empty)")
        if self.plan:
            return True

        def empty() -> bool:
            reply = self.client.get("/queue", show=False)
            return reply.status == 200 and reply.body.get("jobs") == 0

        try:
            wait_for(empty, "the queue to be empty", timeout_s, 0.3)
        except WaitTimeout as error:
            self.console.fail(str(error))
            return False
        return True

    def records(self, job_ids: Sequence[str]) -> List[Dict[str, Any]]:
        """Read every job's record; print the curl for one of them."""
        if not job_ids:
            return []
        self.client.get(f"/result/{job_ids[0]}")
        self.console.note(f"(the same for each of the {len(job_ids)} jobs)")
        if self.plan:
            return []
        return [self.read_result(job_id) for job_id in job_ids]

    def events_of(self, job_ids: Sequence[str]) -> Dict[str, List[Dict[str, Any]]]:
        """Read every job's events; print the curl for one of them."""
        if not job_ids:
            return {}
        self.client.get(f"/jobs/{job_ids[0]}/events")
        self.console.note(f"(the same for each of the {len(job_ids)} jobs)")
        if self.plan:
            return {}
        return {job_id: self.job_events(job_id) for job_id in job_ids}
