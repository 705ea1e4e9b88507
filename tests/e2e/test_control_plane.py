import pytest

from demos.control_plane.demo import DEMO
from demos.framework import clean_demo, run_demo
from tests.support.reports import check_passed

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


def test_control_plane_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        components = report.data["components"]
        for name in COMPONENTS:
            assert components[name]["ok"], components[name]
        for name in ("API server", "etcd", "Scheduler", "Controller Manager"):
            assert components[name]["runs_as"].startswith("static pod"), name
        assert components["kube-proxy"]["runs_as"].startswith("DaemonSet pod")
        assert check_passed(report, "static pod manifests")
        assert check_passed(report, "etcd check passed")
        assert check_passed(report, "replaced the deleted pod")
        assert report.data["deleted_pod"] not in report.data["new_pods"]
        reasons = {reason for reason, _, _ in report.data["events"]}
        assert {"SuccessfulCreate", "Scheduled", "Started"} <= reasons
        assert check_passed(report, "ReplicaSet controller recorded")
        assert check_passed(report, "scheduler recorded")
        assert check_passed(report, "kubelet recorded")
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
