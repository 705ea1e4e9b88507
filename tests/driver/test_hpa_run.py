"""The HPA demo's run-time path against a scripted stand-in for kubectl and minikube.

No cluster runs here, so this unit test replaces the command runner with a small
simulation: metrics-server becomes ready after a few reads, the HPA scales web
from 1 to 4 pods while the load Job runs and back to 1 after it completes, and
every pod's /metrics counter grows while the load runs. The demo's own logic
(waits, readings, live table, verdict, CSV and PNG) runs unchanged on top.
"""

from __future__ import annotations

import io
import json
import threading
from typing import List, Sequence

import pytest

import demos.hpa.demo as hpa_module
import demos.hpa.metrics as metrics_module
import demos.hpa.start as start_module
from demos.console import Console
from demos.framework import Context, prepare
from demos.hpa.demo import HpaDemo
from demos.hpa.timeline import read_csv
from demos.hpa.watch import Watch
from demos.report import Report
from demos.settings import Settings
from demos.shell import CommandError, Result, Runner

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LOAD_TICKS = 6  # HPA reads while the Job runs
REQUESTS_PER_TICK = 40.0


class FakeCluster:
    """Return output for the commands the demo runs, from a scripted HPA story."""

    def __init__(self, fail_job: bool = False, interrupt_at: int = -1) -> None:
        self.lock = threading.Lock()
        self.fail_job = fail_job
        self.interrupt_at = interrupt_at
        self.job_created = False
        self.reads = {"apiservice": 0, "top": 0}
        self.tick = 0  # HPA reads since the Job was created
        self.counters = {"web-0": 7.0}  # web-0 served requests in an earlier run

    # The scripted state, as a function of self.tick.
    def job_done(self) -> bool:
        return self.job_created and self.tick > LOAD_TICKS

    def hpa_state(self):
        """Return (current, desired, cpu percent) for the current tick."""
        if not self.job_created:
            return 1, 1, 2
        t = self.tick
        if t <= 2:
            return 1, 1, 2 if t < 2 else 30
        if t == 3:
            return 1, 4, 168
        if t <= LOAD_TICKS:
            return 4, 4, 44
        if t <= LOAD_TICKS + 2:
            return 4, 4, 3  # stabilization window: desired stays
        return 1, 1, 2

    def pods(self) -> List[str]:
        return [f"web-{i}" for i in range(self.hpa_state()[0])]

    def advance(self) -> None:
        if not self.job_created:
            return
        self.tick += 1
        if self.tick == self.interrupt_at:
            raise KeyboardInterrupt
        if not self.job_done():
            for pod in self.pods():
                self.counters[pod] = self.counters.get(pod, 0.0) + REQUESTS_PER_TICK

    # Command handlers.
    def handle(self, argv: Sequence[str]) -> Result:
        with self.lock:
            return self._handle(list(argv))

    def _handle(self, argv: List[str]) -> Result:
        if argv[0] == "minikube":
            if "status" in argv:
                status = {
                    "Host": "Running",
                    "Kubelet": "Running",
                    "APIServer": "Running",
                }
                return Result(0, json.dumps(status), "")
            if argv[3:5] == ["image", "ls"]:
                return Result(0, "[]", "")
            return Result(0, "", "")

        args = argv[3:]
        if args[:2] == ["-n", "hpa-demo"]:
            args = args[2:]

        if args[:2] == ["create", "-f"]:
            self.job_created = True
            return Result(0, "job.batch/loadgen created", "")
        if args[:2] == ["get", "apiservice"]:
            return self.apiservice(args)
        if args[0] == "top":
            return self.top()
        if args[:3] == ["get", "hpa", "web"] and "json" in args:
            self.advance()
            return Result(0, json.dumps(self.hpa_json()), "")
        if args[:2] == ["get", "pods"] and "json" in args:
            return Result(0, json.dumps(self.pods_json(args[3])), "")
        if args[:2] == ["get", "--raw"]:
            pod = args[2].split("/pods/")[1].split(":")[0]
            return Result(0, self.metrics_text(pod), "")
        if args[:2] == ["get", "job"] and "json" in args:
            return Result(0, json.dumps(self.job_json()), "")
        if args[:2] == ["logs", "job/loadgen"]:
            return Result(0, self.logs(), "")
        return Result(0, "", "")

    def apiservice(self, args: List[str]) -> Result:
        if "json" not in args:
            return Result(0, "v1beta1.metrics.k8s.io  True", "")
        self.reads["apiservice"] += 1
        available = "True" if self.reads["apiservice"] > 1 else "False"
        status = {"conditions": [{"type": "Available", "status": available}]}
        return Result(0, json.dumps({"status": status}), "")

    def top(self) -> Result:
        self.reads["top"] += 1
        if self.reads["top"] == 1:
            return Result(1, "", "error: metrics not available yet")
        return Result(0, "web-0   1m   30Mi\n", "")

    def hpa_json(self) -> dict:
        current, desired, cpu = self.hpa_state()
        metric = {"type": "Resource", "resource": {"name": "cpu"}}
        metric["resource"]["current"] = {"averageUtilization": cpu}
        return {
            "spec": {
                "minReplicas": 1,
                "maxReplicas": 5,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"averageUtilization": 50},
                        },
                    }
                ],
            },
            "status": {
                "currentReplicas": current,
                "desiredReplicas": desired,
                "currentMetrics": [metric],
            },
        }

    def pods_json(self, selector: str) -> dict:
        names = self.pods() if "name=web" in selector else ["loadgen-abc12"]
        ready = {"type": "Ready", "status": "True"}
        items = [
            {
                "metadata": {"name": name},
                "status": {
                    "phase": "Running",
                    "podIP": "10.0.0.1",
                    "conditions": [ready],
                },
            }
            for name in names
        ]
        return {"items": items}

    def metrics_text(self, pod: str) -> str:
        value = self.counters.get(pod, 0.0)
        return (
            "# TYPE web_http_requests_total counter\n"
            'web_http_requests_total{method="GET",route="/cpu",status="200"} '
            f"{value}\n"
        )

    def job_json(self) -> dict:
        if not self.job_created:
            return {}
        kind = "Failed" if self.fail_job else "Complete"
        conditions = [{"type": kind, "status": "True"}] if self.job_done() else []
        return {"metadata": {"name": "loadgen"}, "status": {"conditions": conditions}}

    def logs(self) -> str:
        served = {pod: int(n) for pod, n in self.counters.items() if pod != "web-0"}
        served["web-0"] = int(self.counters["web-0"] - 7)
        failures = 3 if self.fail_job else 0
        summary = {
            "failures": failures,
            "requests": sum(served.values()),
            "pods": served,
        }
        return f"[t] loadgen/INFO/locustfile: summary: {json.dumps(summary)}\n"


class FakeRunner(Runner):
    def __init__(self, console: Console, cluster: FakeCluster) -> None:
        super().__init__(console, plan=False)
        self.cluster = cluster
        self.commands: List[List[str]] = []

    def run(self, argv, show=True, check=True, plan_output="", timeout_s=None,
            echo_output=None):  # fmt: skip
        self.commands.append(list(argv))
        if show:
            self.console.command(argv)
        result = self.cluster.handle(argv)
        if echo_output if echo_output is not None else show:
            text = (result.stdout + result.stderr).rstrip()
            if text:
                self.console.write(text)
        if check and not result.ok:
            raise CommandError(argv, result.returncode, result.stdout + result.stderr)
        return result


class FakeClockWatch(Watch):
    """A Watch whose clock moves only when it sleeps, so readings are 5 s apart."""

    def __init__(self, reader, console, interval_s):
        self.now = 1000.0
        super().__init__(reader, console, interval_s, self.read_clock, self.advance)

    def read_clock(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def fast_polling(monkeypatch):
    monkeypatch.setattr(hpa_module, "Watch", FakeClockWatch)
    monkeypatch.setattr(start_module, "LOAD_POLL_INTERVAL_S", 0.001)
    monkeypatch.setattr(metrics_module, "POLL_INTERVAL_S", 0.001)


def run_fake(tmp_path, cluster: FakeCluster, env=None):
    out = io.StringIO()
    console = Console(out)
    settings = Settings({"OUT_DIR": str(tmp_path / "out"), "PAUSE": "0"})
    ctx = Context(settings, console)
    runner = FakeRunner(console, cluster)
    ctx.runner = runner
    ctx.kube.runner = runner
    ctx.minikube.runner = runner
    demo = HpaDemo(env=env or {})
    report = Report(demo.name)
    prepare(demo, ctx)
    try:
        demo.steps(ctx, report)
    finally:
        report.output = out.getvalue()
        report.commands = [" ".join(c) for c in runner.commands]
    return report


def test_run_passes_every_check(tmp_path):
    report = run_fake(tmp_path, FakeCluster())
    assert [c.description for c in report.checks if not c.passed] == []
    assert report.passed


def test_run_measures_scale_out_and_back(tmp_path):
    data = run_fake(tmp_path, FakeCluster()).data
    assert data["max_replicas"] == 4
    assert data["first_scale_up_s"] is not None
    assert data["back_to_min_s"] is not None
    assert data["idle_pods"] == []
    assert data["predicted_replicas"] == 4


def test_run_ignores_requests_of_earlier_run(tmp_path):
    served = run_fake(tmp_path, FakeCluster()).data["served"]
    assert served["web-0"] == LOAD_TICKS * REQUESTS_PER_TICK


def test_run_writes_csv_and_png(tmp_path):
    data = run_fake(tmp_path, FakeCluster()).data
    samples = read_csv(data["csv_path"])
    assert samples == data["samples"]
    assert {s.phase for s in samples} == {"load", "cooldown"}
    with open(data["png_path"], "rb") as f:
        assert f.read(8) == PNG_SIGNATURE


def test_run_prints_live_table(tmp_path):
    output = run_fake(tmp_path, FakeCluster()).output
    assert "serving/ready" in output
    assert "168%/50%" in output
    assert "waiting: the Metrics API is not available yet" in output
    assert "waiting: kubectl top has no reading of the web pod yet" in output


def test_run_waits_for_metrics_before_load(tmp_path):
    commands = run_fake(tmp_path, FakeCluster()).commands
    create = next(i for i, c in enumerate(commands) if " create -f " in c)
    top = max(i for i, c in enumerate(commands) if " top pods " in c)
    assert top < create


def test_run_failed_load_fails_check(tmp_path):
    report = run_fake(tmp_path, FakeCluster(fail_job=True))
    failed = [c.description for c in report.checks if not c.passed]
    assert failed == ["locust finished with no failed request"]


def test_run_overrides_render_job(tmp_path):
    report = run_fake(tmp_path, FakeCluster(), env={"LOAD_USERS": "12"})
    rendered = tmp_path / "out" / "hpa-load-job.yaml"
    assert f"create -f {rendered}" in "\n".join(report.commands)
    assert 'value: "12"' in rendered.read_text()


def test_interrupt_stops_load_and_keeps_timeline(tmp_path):
    cluster = FakeCluster(interrupt_at=4)
    with pytest.raises(KeyboardInterrupt):
        run_fake(tmp_path, cluster)
    csv_path = tmp_path / "out" / "hpa-timeline.csv"
    assert csv_path.exists()
    assert len(read_csv(str(csv_path))) >= 2
