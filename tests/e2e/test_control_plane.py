import pytest

from demos.control_plane.demo import DEMO
from demos.framework import clean_demo, run_demo

pytestmark = pytest.mark.e2e

COMPONENTS = (
    "API server",
    "etcd",
    "Scheduler",
    "Controller Manager",
    "kube-proxy",
    "kubelet",
    "Container runtime",
)


def check(report, fragment):
    matches = [c for c in report.checks if fragment in c.description]
    assert matches, f"no check mentions {fragment!r}"
    return all(c.passed for c in matches)


def test_control_plane_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        components = report.data["components"]
        for name in COMPONENTS:
            assert components[name]["ok"], components[name]
        for name in ("API server", "etcd", "Scheduler", "Controller Manager"):
            assert components[name]["runs_as"].startswith("static pod"), name
        assert components["kube-proxy"]["runs_as"].startswith("DaemonSet pod")
        assert check(report, "static pod manifests")
        assert check(report, "etcd check passed")
        assert check(report, "replaced the deleted pod")
        assert report.data["deleted_pod"] not in report.data["new_pods"]
        reasons = {reason for reason, _, _ in report.data["events"]}
        assert {"SuccessfulCreate", "Scheduled", "Started"} <= reasons
        assert check(report, "ReplicaSet controller recorded")
        assert check(report, "scheduler recorded")
        assert check(report, "kubelet recorded")
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
