import pytest

from demos.framework import clean_demo, run_demo
from demos.replicaset import DEMO
from tests.support.reports import check_passed

pytestmark = pytest.mark.e2e


def test_replicaset_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        assert check_passed(report, "ReplicaSet web-rs restored 2 pods")
        assert check_passed(report, "Deployment web restored 3 pods after deleting 1")
        assert check_passed(report, "Deployment web restored 3 pods after deleting 2")
        assert check_passed(report, "reached 5 Ready pods")
        assert check_passed(report, "created a new ReplicaSet")
        assert check_passed(report, "rollback reused the original ReplicaSet")
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
