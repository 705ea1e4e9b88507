"""The control plane driver: finding components, reading events, the plan."""

import io
import json
import re
from pathlib import Path

import yaml

from demos.console import Console, format_command
from demos.control_plane.components import (
    POD_COMPONENTS,
    etcd_checks_ok,
    etcd_summary,
    find_pods,
    kubelet_finding,
    parse_health,
    pod_finding,
    runs_as,
    runtime_finding,
    runtime_service,
)
from demos.control_plane.controller import NAMESPACE, REPLICAS, SELECTOR
from demos.control_plane.demo import DEMO
from demos.control_plane.events import (
    event_component,
    event_time,
    follow_up_events,
    missing_events,
    parse_time,
)
from demos.framework import Context
from demos.report import Report
from demos.settings import Settings
from demos.shell import CommandError, Result, Runner
from tests.support.plan import assert_in_order, plan_commands, plan_output, readme_text

ROOT = Path(__file__).resolve().parents[2]
API_SERVER, ETCD, SCHEDULER, CONTROLLER_MANAGER, KUBE_PROXY = POD_COMPONENTS

READYZ = """[+]ping ok
[+]log ok
[+]etcd ok
[+]etcd-readiness ok
[+]informer-sync ok
[+]poststarthook/start-apiserver-admission-initializer ok
readyz check passed
"""


def make_pod(name, labels=None, phase="Running", ready=True, owner=None, mirror=False):
    meta = {"name": name, "labels": labels or {}}
    if mirror:
        meta["annotations"] = {"kubernetes.io/config.mirror": "0123abcd"}
    if owner:
        kind, owner_name = owner.split("/")
        ref = {"kind": kind, "name": owner_name}
        # The kubelet's reference from a mirror pod to its Node is no controller.
        if kind != "Node":
            ref["controller"] = True
        meta["ownerReferences"] = [ref]
    return {
        "metadata": meta,
        "spec": {"nodeName": "k8s-demo"},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def make_node(name="k8s-demo", ready=True, runtime="docker://28.4.0"):
    return {
        "metadata": {"name": name},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "nodeInfo": {
                "kubeletVersion": "v1.35.0",
                "containerRuntimeVersion": runtime,
                "architecture": "arm64",
            },
        },
    }


def kube_system_pods():
    return [
        make_pod(
            "kube-apiserver-k8s-demo",
            {"component": "kube-apiserver", "tier": "control-plane"},
            owner="Node/k8s-demo",
            mirror=True,
        ),
        make_pod("etcd-k8s-demo", {"component": "etcd"}, mirror=True),
        make_pod("kube-scheduler-k8s-demo", {"component": "kube-scheduler"}),
        make_pod(
            "kube-controller-manager-k8s-demo",
            {"component": "kube-controller-manager"},
            owner="Node/k8s-demo",
        ),
        make_pod(
            "kube-proxy-x7k2p", {"k8s-app": "kube-proxy"}, owner="DaemonSet/kube-proxy"
        ),
        make_pod("coredns-7db6d8ff4d-abcde", {"k8s-app": "kube-dns"}),
    ]


def make_event(reason, kind, name, component, time, message="", new_api=False):
    event = {
        "reason": reason,
        "involvedObject": {"kind": kind, "name": name},
        "message": message,
        "metadata": {"creationTimestamp": time},
    }
    if new_api:
        # The events.k8s.io recorder: eventTime and reportingComponent only.
        event["eventTime"] = time.replace("Z", ".500000Z")
        event["reportingComponent"] = component
    else:
        event["lastTimestamp"] = time
        event["source"] = {"component": component}
    return event


def deletion_events():
    return [
        make_event(
            "Scheduled",
            "Pod",
            "web-1",
            "default-scheduler",
            "2026-01-01T09:00:00Z",
            new_api=True,
        ),
        make_event("Started", "Pod", "web-1", "kubelet", "2026-01-01T09:00:02Z"),
        make_event("Killing", "Pod", "web-1", "kubelet", "2026-01-01T10:00:00Z"),
        make_event(
            "SuccessfulCreate",
            "ReplicaSet",
            "web-abc",
            "replicaset-controller",
            "2026-01-01T10:00:00Z",
            "Created pod: web-2",
        ),
        make_event("Started", "Pod", "web-2", "kubelet", "2026-01-01T10:00:01Z"),
        make_event("Created", "Pod", "web-2", "kubelet", "2026-01-01T10:00:01Z"),
        make_event("Pulled", "Pod", "web-2", "kubelet", "2026-01-01T10:00:01Z"),
        make_event(
            "Scheduled",
            "Pod",
            "web-2",
            "default-scheduler",
            "2026-01-01T10:00:00Z",
            new_api=True,
        ),
    ]


def test_find_pods_by_label_or_prefix():
    pods = kube_system_pods() + [make_pod("kube-proxy-unlabelled")]
    assert [p["metadata"]["name"] for p in find_pods(pods, KUBE_PROXY)] == [
        "kube-proxy-unlabelled",
        "kube-proxy-x7k2p",
    ]
    assert [p["metadata"]["name"] for p in find_pods(pods, ETCD)] == ["etcd-k8s-demo"]


def test_runs_as_static_by_annotation_or_owner():
    assert runs_as(make_pod("a", mirror=True)) == "static pod on node k8s-demo"
    assert runs_as(make_pod("b", owner="Node/k8s-demo")).startswith("static pod")
    daemon = make_pod("c", owner="DaemonSet/kube-proxy")
    assert runs_as(daemon) == "DaemonSet pod on node k8s-demo"
    assert runs_as(make_pod("d")) == "pod on node k8s-demo"


def test_pod_finding_running_component():
    finding = pod_finding(API_SERVER, kube_system_pods())
    assert finding.ok
    assert finding.runs_as == "static pod on node k8s-demo"
    assert finding.evidence == "kube-apiserver-k8s-demo Running"


def test_pod_finding_missing_component():
    finding = pod_finding(SCHEDULER, [])
    assert not finding.ok
    assert finding.evidence == "no pod found"


def test_pod_finding_not_ready_fails():
    pods = [make_pod("etcd-k8s-demo", {"component": "etcd"}, ready=False)]
    assert not pod_finding(ETCD, pods).ok
    pending = [make_pod("etcd-k8s-demo", {"component": "etcd"}, phase="Pending")]
    assert not pod_finding(ETCD, pending).ok


def test_kubelet_finding_needs_active_and_ready():
    assert kubelet_finding([make_node()], "active").ok
    assert not kubelet_finding([make_node()], "inactive").ok
    assert not kubelet_finding([make_node(ready=False)], "active").ok
    assert not kubelet_finding([], "active").ok


def test_kubelet_finding_evidence_names_version():
    finding = kubelet_finding([make_node()], "active")
    assert "kubeletVersion v1.35.0" in finding.evidence
    assert finding.runs_as == "systemd service on node k8s-demo"


def test_runtime_service_per_scheme():
    assert runtime_service("docker://28.4.0") == "docker"
    assert runtime_service("containerd://1.7.27") == "containerd"
    assert runtime_service("cri-o://1.32.0") == "crio"
    assert runtime_service("") == ""


def test_runtime_finding_reads_node_status():
    finding = runtime_finding([make_node()], "docker", "active")
    assert finding.ok
    assert "docker://28.4.0" in finding.evidence
    assert not runtime_finding([make_node()], "docker", "failed").ok
    assert not runtime_finding([], "docker", "active").ok


def test_parse_health_lists_checks():
    checks, passed = parse_health(READYZ)
    assert passed
    assert checks["etcd"] is True
    assert checks["poststarthook/start-apiserver-admission-initializer"] is True
    assert etcd_checks_ok(checks)
    assert etcd_summary(checks) == "etcd ok, etcd-readiness ok"


def test_parse_health_failed_etcd():
    text = "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n"
    checks, passed = parse_health(text)
    assert not passed
    assert checks["etcd"] is False
    assert not etcd_checks_ok(checks)


def test_etcd_checks_ok_needs_an_etcd_check():
    assert not etcd_checks_ok({"ping": True})


def test_parse_time_truncates_and_rejects():
    assert parse_time("2026-01-01T10:00:00.123456Z").microsecond == 0
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_event_time_falls_back_to_event_time():
    event = make_event(
        "Scheduled",
        "Pod",
        "p",
        "default-scheduler",
        "2026-01-01T10:00:00Z",
        new_api=True,
    )
    assert event_time(event).isoformat() == "2026-01-01T10:00:00+00:00"


def test_event_component_prefers_reporting_component():
    assert event_component({"reportingComponent": "default-scheduler"}) == (
        "default-scheduler"
    )
    assert event_component({"source": {"component": "kubelet"}}) == "kubelet"
    assert event_component({}) == "-"


def test_follow_up_events_order_and_filter():
    rows = follow_up_events(deletion_events(), "web-1", ["web-2"])
    assert [r.reason for r in rows] == [
        "Killing",
        "SuccessfulCreate",
        "Scheduled",
        "Pulled",
        "Created",
        "Started",
    ]
    assert rows[0].object == "Pod/web-1"
    assert rows[2].component == "default-scheduler"


def test_follow_up_events_skip_other_replicaset_pods():
    events = [
        make_event(
            "SuccessfulCreate",
            "ReplicaSet",
            "web-abc",
            "replicaset-controller",
            "2026-01-01T09:00:00Z",
            "Created pod: web-1",
        )
    ]
    assert follow_up_events(events, "web-1", ["web-2"]) == []


def test_missing_events_names_reason_and_component():
    rows = follow_up_events(deletion_events(), "web-1", ["web-2"])
    assert missing_events(rows) == []
    without_kubelet = [r for r in rows if r.component != "kubelet"]
    assert missing_events(without_kubelet) == [
        "Pulled (kubelet)",
        "Created (kubelet)",
        "Started (kubelet)",
    ]


class FakeRunner(Runner):
    """Return, for each command, the first response whose fragment it contains.

    A response is a Result or a function that returns one.
    """

    def __init__(self, responses):
        super().__init__(Console(io.StringIO()))
        self.responses = responses
        self.commands = []

    def run(self, argv, show=True, check=True, plan_output="", **_):
        command = format_command(argv)
        self.commands.append(command)
        canned = next(
            (answer for fragment, answer in self.responses if fragment in command),
            Result(0, "", ""),
        )
        result = canned() if callable(canned) else canned
        if check and not result.ok:
            raise CommandError(argv, result.returncode, result.stdout + result.stderr)
        return result


def fake_context(responses):
    ctx = Context(Settings({"PAUSE": "0"}), Console(io.StringIO()))
    ctx.runner = FakeRunner(responses)
    ctx.kube.runner = ctx.runner
    ctx.minikube.runner = ctx.runner
    return ctx


def cluster_responses(kubelet="active", readyz=READYZ):
    # minikube ssh may end lines with CRLF.
    listing = (
        "etcd.yaml  kube-apiserver.yaml\r\n"
        "kube-controller-manager.yaml  kube-scheduler.yaml\r\n"
    )
    return [
        ("get nodes -o json", Result(0, json.dumps({"items": [make_node()]}), "")),
        (
            "-n kube-system get pods -o json",
            Result(0, json.dumps({"items": kube_system_pods()}), ""),
        ),
        (
            "is-active kubelet",
            Result(0 if kubelet == "active" else 3, kubelet + "\r\n", ""),
        ),
        ("is-active docker", Result(0, "active\n", "")),
        ("ls /etc/kubernetes/manifests", Result(0, listing, "")),
        ("/readyz?verbose", Result(0, readyz, "")),
    ]


def map_checks(ctx):
    report = Report("control-plane")
    nodes, kubelet_state, runtime, runtime_state = DEMO.show_nodes(ctx)
    pods, files = DEMO.show_kube_system(ctx)
    health, passed = DEMO.show_api_server(ctx)
    findings = [pod_finding(c, pods) for c in POD_COMPONENTS]
    findings.append(kubelet_finding(nodes, kubelet_state))
    findings.append(runtime_finding(nodes, runtime, runtime_state))
    DEMO.show_map(ctx, report, findings)
    DEMO.check_map(report, findings, files, health, passed)
    return report


def test_map_checks_pass_on_healthy_cluster():
    report = map_checks(fake_context(cluster_responses()))
    failed = [c for c in report.checks if not c.passed]
    assert not failed
    assert len(report.checks) == 9
    assert len(report.rows) == 7


def test_map_checks_fail_on_inactive_kubelet():
    report = map_checks(fake_context(cluster_responses(kubelet="inactive")))
    failed = [c.description for c in report.checks if not c.passed]
    assert failed == ["kubelet found and running"]


def test_map_checks_fail_when_readyz_fails():
    text = "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n"
    report = map_checks(fake_context(cluster_responses(readyz=text)))
    failed = [c.description for c in report.checks if not c.passed]
    assert failed == ["the API server is ready and its etcd check passed"]


def test_map_asks_runtime_from_node_status():
    ctx = fake_context(cluster_responses())
    map_checks(ctx)
    assert any("systemctl is-active docker" in c for c in ctx.runner.commands)


def test_manifest_matches_driver_constants():
    docs = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "control-plane").glob("*.yaml"))
    ]
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    assert deployment["metadata"]["namespace"] == NAMESPACE
    assert deployment["spec"]["replicas"] == REPLICAS
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for pair in SELECTOR.split(","):
        key, value = pair.split("=")
        assert labels[key] == value


def test_plan_prints_steps_in_order():
    commands = plan_commands(DEMO)
    expected = [
        "apply -f control-plane/",
        "get nodes -o wide",
        "ssh -- systemctl is-active kubelet",
        "ssh -- systemctl is-active docker",
        "-n kube-system get pods -o wide",
        "ssh -- sudo ls /etc/kubernetes/manifests",
        "get --raw '/readyz?verbose'",
        "delete pod '<pod-1>' --wait=false",
        "-n control-plane-demo events",
    ]
    assert_in_order(commands, expected)


def test_plan_every_command_names_context_or_profile():
    for command in plan_commands(DEMO):
        if command.startswith("kubectl"):
            assert command.startswith("kubectl --context k8s-demo "), command
        else:
            assert command.startswith("minikube -p k8s-demo "), command


def test_plan_prints_component_map():
    output = plan_output(DEMO)
    for component in ("API server", "etcd", "Scheduler", "Controller Manager"):
        assert re.search(rf"^{component} +static pod in kube-system", output, re.M)
    assert re.search(r"^kube-proxy +DaemonSet pod", output, re.M)
    assert "no verdict" in output


def test_readme_contains_plan_commands():
    readme = readme_text("control-plane")
    for command in plan_commands(DEMO):
        # Pod names are only known at run time; the README shows an example name.
        pattern = re.escape(command).replace(re.escape("'<pod-1>'"), r"\S+")
        assert re.search(pattern, readme), f"README lacks: {command}"


def test_readme_has_mermaid_diagram():
    readme = readme_text("control-plane")
    assert "```mermaid" in readme
    for name in ("etcd", "kubelet", "kube-proxy", "Scheduler"):
        assert name in readme


def test_steps_pass_against_fake_cluster():
    state = {"pod": "web-1"}

    def demo_pods():
        pod = make_pod(state["pod"], owner="ReplicaSet/web-abc")
        return Result(0, json.dumps({"items": [pod]}), "")

    def delete_pod():
        state["pod"] = "web-2"
        return Result(0, 'pod "web-1" deleted\n', "")

    events = Result(0, json.dumps({"items": deletion_events()}), "")
    responses = cluster_responses() + [
        ("-n control-plane-demo get pods -l", demo_pods),
        ("-n control-plane-demo delete pod web-1", delete_pod),
        ("-n control-plane-demo get events -o json", events),
    ]
    ctx = fake_context(responses)
    report = Report("control-plane")
    DEMO.steps(ctx, report)
    failed = [c.description for c in report.checks if not c.passed]
    assert failed == []
    assert report.passed
    assert report.data["deleted_pod"] == "web-1"
    assert report.data["new_pods"] == ["web-2"]
    assert [reason for reason, _, _ in report.data["events"]] == [
        "Killing",
        "SuccessfulCreate",
        "Scheduled",
        "Pulled",
        "Created",
        "Started",
    ]
