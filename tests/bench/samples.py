"""A hand-made BenchReport with round numbers, for the renderer's tests."""

from __future__ import annotations

from bench.cpu_bench import BurnResult, CpuSection
from bench.images import ImagesSection
from bench.queue_results import (
    LatencyResult,
    QueueSection,
    ThroughputResult,
    ThroughputRun,
)
from bench.report import BenchReport
from bench.web_bench import TARGETS, LoadResult, WebSection
from bench.wrk import WrkResult

REQUESTS_PER_S = {
    "web_root": 6800.0,
    "web_livez": 9000.0,
    "web_cpu": 95.0,
    "fastapi_root": 7200.0,
    "asgi_root": 24000.0,
}
DEMO_SETTINGS = {"MAX_JOBS": "1", "POLL_DELAY_S": "0.05"}


def web_section() -> WebSection:
    section = WebSection(duration_s=5, warmup_s=2, repeats=1)
    for target in TARGETS:
        run = WrkResult(REQUESTS_PER_S[target.key], {"50": 4.0, "99": 9.0}, 1000, 0)
        section.results[target.key] = LoadResult(target.key, target.label, [run])
    return section


def cpu_section() -> CpuSection:
    section = CpuSection(
        overhead_ms=0.2, overhead_main_thread_ms=0.2, overhead_requests=500
    )
    for requested_ms, cpu_ms in ((10, 11.2), (50, 51.0), (200, 201.0)):
        section.results.append(
            BurnResult(requested_ms, 10, cpu_ms, 0.9, float(requested_ms), 0.2)
        )
    return section


def throughput(
    key: str, kind: str, workers: int, jobs_per_s: float
) -> ThroughputResult:
    settings = DEMO_SETTINGS if kind == "arq" else {}
    label = "arq, demo settings" if kind == "arq" else "list loop (baseline)"
    result = ThroughputResult(key, label, kind, workers, settings)
    # 100 jobs at the given rate; the counters make 40 commands and 2 ms of
    # worker CPU per arq job.
    elapsed_s = 100 / jobs_per_s
    commands = 4000.0 if kind == "arq" else 500.0
    worker_cpu_s = 0.2 if kind == "arq" else 0.03
    calls = {"XADD": 300.0, "EXEC": 400.0, "GET": 100.0}
    if kind == "loop":
        calls = {"BLPOP": 200.0, "RPUSH": 200.0, "EXPIRE": 100.0}
    result.runs.append(
        ThroughputRun(
            100, elapsed_s, 0.01, commands, 0.05, worker_cpu_s, 0.05, 0.5, calls
        )
    )
    return result


def queue_section() -> QueueSection:
    section = QueueSection(200, 1, 2.0, {"RESULT_WAIT_S": "15"}, cores=2)
    parts = {"api_ms": [50.0], "queue_wait_ms": [48.0], "run_ms": [0.8]}
    section.latency = {
        "arq-demo-1-http": LatencyResult(
            "arq-demo-1-http", "arq, demo settings", "http", DEMO_SETTINGS,
            [52.0] * 10, parts,
        ),
        "arq-demo-1-direct": LatencyResult(
            "arq-demo-1-direct", "arq, demo settings", "direct", DEMO_SETTINGS,
            [51.0] * 10,
        ),
        "loop-1": LatencyResult(
            "loop-1", "list loop (baseline)", "loop", {}, [0.5] * 10
        ),
    }  # fmt: skip
    section.throughput = {
        "arq-demo-1": throughput("arq-demo-1", "arq", 1, 19.0),
        "loop-1": throughput("loop-1", "loop", 1, 1900.0),
        "arq-demo-2": throughput("arq-demo-2", "arq", 2, 38.0),
        "loop-2": throughput("loop-2", "loop", 2, 1500.0),
    }
    return section


def images_section(found: bool = True) -> ImagesSection:
    if not found:
        return ImagesSection(
            report_path="/repo/.cache/containers/images.json", found=False
        )
    return ImagesSection(
        report_path="/repo/.cache/containers/images.json",
        found=True,
        written_at="2026-01-01 10:00 UTC",
        base_image="python:3.12-slim",
        images=[{"tag": "k8s-demo/web:0.1.0", "size_mb": 180.0, "build_s": 24.0}],
    )


def report(images_found: bool = True) -> BenchReport:
    return BenchReport(
        command="make bench",
        started_at="2026-01-01 12:00 UTC",
        duration_s=200.0,
        machine={"CPU": "Test CPU", "Cores": "2"},
        web=web_section(),
        cpu=cpu_section(),
        queue=queue_section(),
        images=images_section(images_found),
    )
