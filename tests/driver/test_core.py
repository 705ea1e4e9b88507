"""Unit tests of the driver's own logic: parsing, waiting, tables, prerequisites."""

import io
import json
import subprocess

import pytest

from demos import prereq
from demos.cluster import host_is_running, parse_image_ids
from demos.console import Console, format_command, should_pause
from demos.kube import pod_is_ready, pod_owner, ready_pod_names, waiting_reasons
from demos.report import Report, format_table
from demos.settings import Settings
from demos.shell import Runner
from demos.waiting import WaitTimeout, wait_for


def make_pod(name, ready=True, deleting=False, waiting=None, owner=None):
    pod = {
        "metadata": {"name": name},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]
        },
    }
    if deleting:
        pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    if waiting:
        pod["status"]["containerStatuses"] = [
            {"state": {"waiting": {"reason": waiting}}}
        ]
    if owner:
        pod["metadata"]["ownerReferences"] = [
            {"kind": "ReplicaSet", "name": owner, "controller": True}
        ]
    return pod


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_pod_ready_excludes_terminating():
    assert pod_is_ready(make_pod("a"))
    assert not pod_is_ready(make_pod("b", ready=False))
    assert not pod_is_ready(make_pod("c", deleting=True))


def test_pod_ready_without_conditions_false():
    assert not pod_is_ready({"metadata": {"name": "x"}, "status": {}})


def test_ready_pod_names_sorted():
    pods = [make_pod("b"), make_pod("a"), make_pod("c", ready=False)]
    assert ready_pod_names(pods) == ["a", "b"]


def test_pod_owner_reads_controller_reference():
    assert pod_owner(make_pod("a", owner="web-123")) == "ReplicaSet/web-123"
    assert pod_owner(make_pod("a")) is None


def test_waiting_reasons_skip_container_creating():
    pods = [
        make_pod("a", waiting="ErrImagePull"),
        make_pod("b", waiting="ContainerCreating"),
    ]
    assert waiting_reasons(pods) == ["a: ErrImagePull"]


def test_wait_for_returns_value_when_true():
    clock = FakeClock()
    values = iter([None, None, "done"])
    result = wait_for(lambda: next(values), "x", 10, 1, clock=clock, sleep=clock.sleep)
    assert result == "done"
    assert clock.now == 2


def test_wait_for_times_out_naming_condition():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="3 Ready pods"):
        wait_for(lambda: False, "3 Ready pods", 5, 1, clock=clock, sleep=clock.sleep)
    assert clock.now == 5


def test_parse_image_ids_strips_registry_prefix():
    text = json.dumps(
        [
            {"id": "sha256:aaa", "repoTags": ["docker.io/k8s-demo/web:0.1.0"]},
            {"id": "sha256:bbb", "repoTags": ["docker.io/library/redis:7.4.2"]},
            {"id": "sha256:ccc", "repoTags": []},
        ]
    )
    assert parse_image_ids(text) == {
        "k8s-demo/web:0.1.0": "sha256:aaa",
        "redis:7.4.2": "sha256:bbb",
    }


def test_parse_image_ids_invalid_json_empty():
    assert parse_image_ids("not json") == {}


def test_host_is_running_needs_all_components():
    running = {"Host": "Running", "Kubelet": "Running", "APIServer": "Running"}
    assert host_is_running(json.dumps(running))
    assert not host_is_running(json.dumps(dict(running, APIServer="Stopped")))
    assert host_is_running(json.dumps([running]))
    assert not host_is_running("")


def test_format_table_aligns_numbers_right():
    table = format_table(("step", "seconds"), [("a", "1.5 s"), ("longer", "12.0 s")])
    lines = table.splitlines()
    assert lines[0] == "step    seconds"
    assert lines[2] == "a         1.5 s"
    assert lines[3] == "longer   12.0 s"


def test_report_verdict_fails_on_any_failed_check():
    report = Report("x")
    report.check("one", True)
    assert report.passed
    report.check("two", False, "detail")
    assert not report.passed
    assert "[FAIL] two (detail)" in report.render()
    assert "Verdict: FAIL" in report.render()


def test_report_without_checks_not_passed():
    assert not Report("x").passed


def test_should_pause_knob_values():
    tty = io.StringIO()
    tty.isatty = lambda: True
    assert not should_pause("0", tty)
    assert should_pause("1", io.StringIO())
    assert should_pause("auto", tty)
    assert not should_pause("auto", io.StringIO())


def test_format_command_quotes_for_shell():
    assert format_command(["kubectl", "set", "env", "COLOR=#e8590c"]) == (
        "kubectl set env 'COLOR=#e8590c'"
    )


def test_runner_plan_mode_prints_and_runs_nothing(tmp_path):
    out = io.StringIO()
    runner = Runner(Console(out), plan=True)
    marker = tmp_path / "ran"
    result = runner.run(["touch", str(marker)], plan_output="planned")
    assert result.stdout == "planned"
    assert not marker.exists()
    assert out.getvalue() == f"$ touch {marker}\n"


def test_runner_stops_background_processes():
    runner = Runner(Console(io.StringIO()))
    proc = runner.start(["sleep", "60"], show=False)
    runner.stop_background()
    assert proc.poll() is not None


def test_settings_reject_invalid_memory():
    with pytest.raises(ValueError, match="MEMORY='lots'"):
        Settings({"MEMORY": "lots"})


def test_settings_defaults():
    settings = Settings({})
    assert settings.context == "k8s-demo"
    assert settings.kubernetes_version.startswith("v1.")
    assert not settings.plan


def fake_exec(outputs):
    def run(argv):
        for prefix, (code, stdout, stderr) in outputs.items():
            if " ".join(argv).startswith(prefix):
                return subprocess.CompletedProcess(argv, code, stdout, stderr)
        return subprocess.CompletedProcess(argv, 0, "", "")

    return run


def test_check_docker_engine_down_names_cause(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: f"/usr/bin/{name}")
    run = fake_exec({"docker info": (1, "", "Cannot connect to the Docker daemon")})
    problems = prereq.check_docker(Settings({}), run, is_root=False, system="Darwin")
    assert len(problems) == 1
    assert "does not answer" in problems[0].detail
    assert "Docker Desktop" in problems[0].macos


def test_check_docker_memory_too_small(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: f"/usr/bin/{name}")
    info = json.dumps({"MemTotal": 2 * 1024**3})
    run = fake_exec({"docker info": (0, info, "")})
    problems = prereq.check_docker(Settings({"MEMORY": "4096"}), run, False, "Linux")
    assert [p.tool for p in problems] == ["docker"]
    assert "2048 MB" in problems[0].detail


def test_check_docker_root_on_linux(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: f"/usr/bin/{name}")
    info = json.dumps({"MemTotal": 16 * 1024**3})
    run = fake_exec({"docker info": (0, info, "")})
    problems = prereq.check_docker(Settings({}), run, is_root=True, system="Linux")
    assert "refuses root" in problems[0].detail


def test_find_problems_reports_every_missing_tool(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: None)
    problems = prereq.find_problems(Settings({}), fake_exec({}))
    assert [p.tool for p in problems] == ["docker", "minikube", "kubectl"]
    text = prereq.format_problems(problems)
    assert "macOS: `brew install minikube`" in text
    assert text.count("Linux:") == 3


def test_minikube_amd64_under_rosetta(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: "/usr/local/bin/minikube")
    run = fake_exec({"file": (0, "Mach-O 64-bit executable x86_64", "")})
    problems = prereq.check_minikube(run, system="Darwin", arm64_host=True)
    assert "exec format error" in problems[0].detail


def test_kubectl_skew_over_one_minor(monkeypatch):
    monkeypatch.setattr(prereq.shutil, "which", lambda name: "/usr/bin/kubectl")
    version = json.dumps({"clientVersion": {"gitVersion": "v1.32.4"}})
    run = fake_exec({"kubectl version": (0, version, "")})
    assert prereq.check_kubectl(Settings({"K8S_VERSION": "v1.35.0"}), run)
    assert not prereq.check_kubectl(Settings({"K8S_VERSION": "v1.33.0"}), run)


def test_minor_of_versions():
    assert prereq.minor_of("v1.35.0") == 35
    assert prereq.minor_of("1.34+") == 34
    assert prereq.minor_of("garbage") is None


def test_settings_report_every_invalid_knob():
    env = {"MEMORY": "100", "PAUSE": "maybe", "K8S_VERSION": "1.35", "CPUS": "x"}
    with pytest.raises(ValueError) as error:
        Settings(env)
    lines = str(error.value).splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "CPUS",
        "MEMORY",
        "K8S_VERSION",
        "PAUSE",
    ]


def test_settings_reject_old_kubernetes():
    with pytest.raises(ValueError, match="from v1.25.0 on"):
        Settings({"K8S_VERSION": "v1.20.0"})


def test_settings_reject_profile_with_spaces():
    with pytest.raises(ValueError, match="PROFILE='my demo'"):
        Settings({"PROFILE": "my demo"})


def test_settings_empty_values_mean_defaults():
    settings = Settings({"PROFILE": "", "MEMORY": "", "PAUSE": ""})
    assert (settings.profile, settings.memory_mb, settings.pause) == (
        "k8s-demo",
        4096,
        "auto",
    )
