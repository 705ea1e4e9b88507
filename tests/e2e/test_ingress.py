import pytest

from demos.framework import clean_demo, run_demo
from demos.ingress.demo import DEMO
from demos.ingress.routes import CASES

pytestmark = pytest.mark.e2e

UNMATCHED_HOSTS = ("other.test/", "example.test/", "b.a.example.test/")


def test_ingress_demo_routes_every_row(cluster):
    report = run_demo(DEMO, cluster)
    try:
        routing = report.data.get("routing")
        assert routing, [f"{c.description}: {c.detail}" for c in report.checks]
        assert [r["target"] for r in routing] == [c.target for c in CASES]
        for row in routing:
            assert row["pod"], f"{row['target']}: {row['problem']}"
            assert row["backend"] == row["expected"], row["problem"]
            # Pod names start with the Deployment's name, which is the Service's.
            assert row["pod"].startswith(row["expected"] + "-"), row
        rows = {r["target"]: r for r in routing}
        for target in UNMATCHED_HOSTS:
            # The Ingress's defaultBackend responds, not nginx's own 404 page.
            assert rows[target]["status"] == 200, rows[target]
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
