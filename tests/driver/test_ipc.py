"""Unit tests of the IPC demo driver's own logic, and its plan mode."""

import re

from demos.ipc.client import curl_argv
from demos.ipc.demo import DEMO, REDIS_IMAGE
from demos.ipc.feed import format_event, local_time, parse_sse
from demos.ipc.jobs import (
    count_events,
    event_pods,
    jobs_per_pod,
    ran_once,
    seconds_between,
    throughput,
    timeline,
)
from demos.ipc.redis_steps import probe_verdict
from demos.ipc.worker_faults import lock_left_s
from tests.support.plan import assert_in_order, plan_commands, plan_output, readme_text

JOB = "0123456789abcdef0123456789abcdef"


def event(name, at, pod="worker-a", job_try=1, **extra):
    return dict(event=name, at=at, pod=pod, job_id=JOB, **{"try": job_try}, **extra)


def record(pod, started, finished, status="complete"):
    return {
        "status": status,
        "worker_pod": pod,
        "started_at": started,
        "finished_at": finished,
    }


def test_parse_sse_yields_data_of_each_event():
    lines = [
        "retry: 2000\n",
        ": streaming ipc:events\n",
        "\n",
        "id: 1-0\n",
        "event: queued\n",
        'data: {"event": "queued", "id": "1-0"}\n',
        "\n",
        ": keep-alive\n",
        "\n",
        'data: {"event": "started",\n',
        'data:  "id": "2-0"}\n',
        "\n",
    ]
    assert list(parse_sse(lines)) == [
        {"event": "queued", "id": "1-0"},
        {"event": "started", "id": "2-0"},
    ]


def test_parse_sse_skips_invalid_json():
    assert list(parse_sse(["data: {not json\n", "\n", 'data: {"a": 1}\n', "\n"])) == [
        {"a": 1}
    ]


def test_format_event_completed_shows_result():
    line = format_event(
        event("completed", "2026-01-01T00:00:01.250+00:00", result="42", job_try=2)
    )
    assert "completed" in line
    assert "job 01234567" in line
    assert "try 2" in line
    assert "result 42" in line
    assert line.endswith("worker-a")


def test_format_event_shows_reason():
    line = format_event(event("skipped", "bad", reason="another try stored it"))
    assert "(another try stored it)" in line
    assert "  bad  " in line


def test_local_time_keeps_milliseconds():
    assert local_time("2026-01-01T00:00:01.250+00:00").endswith(".250")
    assert local_time("not a time") == "not a time"


def test_jobs_per_pod_busiest_first_complete_only():
    records = [
        record("worker-b", None, None),
        record("worker-a", None, None),
        record("worker-b", None, None),
        record("worker-a", None, None, status="failed"),
    ]
    assert jobs_per_pod(records) == [("worker-b", 2), ("worker-a", 1)]


def test_throughput_from_first_start_to_last_finish():
    records = [
        record("a", "2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:01.000+00:00"),
        record("b", "2026-01-01T00:00:00.500+00:00", "2026-01-01T00:00:02.000+00:00"),
    ]
    jobs_per_s, span_s = throughput(records)
    assert span_s == 2.0
    assert jobs_per_s == 1.0


def test_throughput_none_without_timestamps():
    assert throughput([]) is None
    assert throughput([record("a", None, "2026-01-01T00:00:01+00:00")]) is None


def test_ran_once_accepts_one_normal_run():
    events = [
        event("queued", "2026-01-01T00:00:00+00:00", pod="api-x"),
        event("started", "2026-01-01T00:00:01+00:00"),
        event("completed", "2026-01-01T00:00:02+00:00"),
    ]
    assert ran_once(events)


def test_ran_once_rejects_redelivery():
    events = [
        event("started", "2026-01-01T00:00:01+00:00"),
        event("redelivered", "2026-01-01T00:00:31+00:00", pod="worker-b", job_try=2),
        event("started", "2026-01-01T00:00:31+00:00", pod="worker-b", job_try=2),
        event("completed", "2026-01-01T00:00:39+00:00", pod="worker-b", job_try=2),
    ]
    assert not ran_once(events)
    assert count_events(events, "started") == 2
    assert event_pods(events, "started") == ["worker-a", "worker-b"]
    assert seconds_between(events, "started", "redelivered") == 30.0


def test_seconds_between_none_when_missing():
    assert (
        seconds_between(
            [event("started", "2026-01-01T00:00:01+00:00")], "started", "redelivered"
        )
        is None
    )


def test_timeline_rows():
    rows = timeline([event("started", "2026-01-01T00:00:01+00:00")])
    assert [row[1:] for row in rows] == [("started", "1", "worker-a")]


def test_lock_left_s_parses_pttl():
    assert lock_left_s("27500") == 27.5
    assert lock_left_s("-2") is None
    assert lock_left_s("<milliseconds left>") is None


def test_curl_argv_post_with_json_body():
    argv = curl_argv("http://127.0.0.1:18080", "POST", "/calculate", {"a": 1}, True)
    assert argv == [
        "curl", "-s", "-i", "-X", "POST", "http://127.0.0.1:18080/calculate",
        "-H", "Content-Type: application/json", "-d", '{"a": 1}',
    ]  # fmt: skip


def test_curl_argv_get():
    assert curl_argv("http://h:1", "GET", "/queue") == [
        "curl",
        "-s",
        "http://h:1/queue",
    ]


def test_demo_declares_images_and_redis():
    assert set(DEMO.images) == {"api", "worker"}
    assert DEMO.pulled_images == (REDIS_IMAGE,)
    assert DEMO.manifests == "ipc/"


def test_plan_prints_steps_in_order():
    commands = plan_commands(DEMO)
    expected = [
        "image build -t k8s-demo/api:0.1.0 apps/api",
        "image build -t k8s-demo/worker:0.1.0 apps/worker",
        "apply -f ipc/",
        "rollout status statefulset/redis",
        "port-forward --address 127.0.0.1 svc/api 18080:80",
        "curl -s -N 'http://127.0.0.1:18080/events?start=latest&max_s=3600'",
        "curl -s -i -X POST http://127.0.0.1:18080/calculate ",
        "curl -s -X POST http://127.0.0.1:18080/calculate/async ",
        "for i in $(seq 20); do curl",
        "redis-cli ZCARD ipc:queue",
        "delete pod '<worker-pod>' --wait=false",
        "delete pod '<worker-pod>' --grace-period=1 --wait=false",
        "redis-cli PTTL 'arq:in-progress:<job-id>'",
        "scale deployment/worker --replicas=4",
        "scale deployment/worker --replicas=0",
        "delete pod redis-0",
        "scale deployment/worker --replicas=2",
        "apply -f ipc/extra/redis-probe-job.yaml",
        "delete job redis-probe",
    ]
    assert_in_order(commands, expected)


def test_plan_http_calls_go_to_loopback():
    for command in plan_commands(DEMO):
        for url in re.findall(r"https?://[^\s']+", command):
            assert url.startswith("http://127.0.0.1:"), command


def test_plan_has_no_verdict():
    assert "no verdict" in plan_output(DEMO)


def test_readme_contains_plan_commands():
    readme = readme_text("ipc")
    for command in plan_commands(DEMO):
        if not command.startswith(("kubectl", "minikube")):
            continue
        # Names known only at run time; the README shows example values.
        pattern = re.escape(command)
        for placeholder in ("'<worker-pod>'", "'arq:in-progress:<job-id>'"):
            pattern = pattern.replace(re.escape(placeholder), r"\S+")
        assert re.search(pattern, readme), f"README lacks: {command}"


def test_probe_verdict_by_exit_code():
    assert probe_verdict(0)[0].startswith("not enforced")
    assert probe_verdict(124)[0].startswith("enforced")
    assert probe_verdict(1)[0].startswith("unclear")
    assert probe_verdict(None)[0].startswith("unclear")
