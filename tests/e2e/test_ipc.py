import pytest

from demos.framework import Context, clean_demo, run_demo
from demos.ipc.demo import DEMO, claimed_volumes

pytestmark = pytest.mark.e2e

# The throughput ratio is a speed claim; this tier checks that it was measured,
# not how fast the cluster was.
SPEED_CHECK = "as fast as"


def check(report, fragment):
    matches = [c for c in report.checks if fragment in c.description]
    assert matches, f"no check mentions {fragment!r}"
    return all(c.passed for c in matches)


def test_ipc_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        assert check(report, "POST /calculate returned 200 with 6 mul 7 = 42")
        assert check(report, "POST /calculate/async returned 202")
        assert check(report, "all 20 jobs of the burst completed")
        assert check(report, "every job of the burst ran exactly once")
        assert check(report, "workers shared the burst")
        assert check(report, "gracefully deleted worker completed once")
        assert check(report, "ran again and completed on another worker")
        assert check(report, "ran again only after its lock expired")
        assert check(report, "Ready pods after the kill")
        assert check(report, "reached 4 Ready pods")
        assert check(report, "queued jobs survived the Redis restart")
        assert check(report, "completed after it")
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
