import pytest

from demos.framework import Context, clean_demo, run_demo
from demos.ipc.demo import DEMO, claimed_volumes
from tests.support.reports import check_passed

pytestmark = pytest.mark.e2e

# The throughput ratio is a speed claim; this tier checks that it was measured,
# not how fast the cluster was.
SPEED_CHECK = "as fast as"


def test_ipc_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        assert check_passed(report, "POST /calculate returned 200 with 6 mul 7 = 42")
        assert check_passed(report, "POST /calculate/async returned 202")
        assert check_passed(report, "all 20 jobs of the burst completed")
        assert check_passed(report, "every job of the burst ran exactly once")
        assert check_passed(report, "workers shared the burst")
        assert check_passed(report, "gracefully deleted worker completed once")
        assert check_passed(report, "ran again and completed on another worker")
        assert check_passed(report, "ran again only after its lock expired")
        assert check_passed(report, "Ready pods after the kill")
        assert check_passed(report, "reached 4 Ready pods")
        assert check_passed(report, "queued jobs survived the Redis restart")
        assert check_passed(report, "completed after it")
        others = [c for c in report.checks if SPEED_CHECK not in c.description]
        assert all(c.passed for c in others), [c for c in others if not c.passed]

        forced = report.data["forced"]
        assert forced["record"]["tries"] == 2
        assert forced["record"]["worker_pod"] != forced["killed_pod"]
        assert forced["redelivered_after_s"] >= forced["lock_s"] - 1
        graceful = report.data["graceful"]
        assert graceful["record"]["worker_pod"] == graceful["deleted_pod"]
        assert all(value > 0 for value in report.data["throughput"].values())
        assert report.data["network_policy"]["exit_code"] is not None
    finally:
        clean_demo(DEMO, cluster)
    assert claimed_volumes(Context(cluster)) == [], "a volume of ipc-demo is left"
