import pytest

from demos.framework import clean_demo, run_demo
from demos.replicaset import DEMO

pytestmark = pytest.mark.e2e


def check(report, fragment):
    matches = [c for c in report.checks if fragment in c.description]
    assert matches, f"no check mentions {fragment!r}"
    return all(c.passed for c in matches)


def test_replicaset_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        assert check(report, "ReplicaSet web-rs restored 2 pods")
        assert check(report, "Deployment web restored 3 pods after deleting 1")
        assert check(report, "Deployment web restored 3 pods after deleting 2")
        assert check(report, "reached 5 Ready pods")
        assert check(report, "created a new ReplicaSet")
        assert check(report, "rollback reused the original ReplicaSet")
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
