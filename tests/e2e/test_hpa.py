"""The HPA demo against a real cluster: web scales above its minimum and returns.

A full run takes about 8-10 minutes: 1-2 minutes until metrics-server has a
reading, 240 s of load, and the scale-down after the 60 s stabilization window.
"""

from __future__ import annotations

import os

import pytest

from demos.framework import clean_demo, run_demo
from demos.hpa.demo import DEMO
from demos.hpa.load import MIN_REPLICAS
from tests.support.reports import check_passed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1800)]


def test_hpa_demo_scales_out_and_back(cluster):
    report = run_demo(DEMO, cluster)
    try:
        data = report.data
        assert data["max_replicas"] > MIN_REPLICAS
        assert data["first_scale_up_s"] is not None
        assert data["back_to_min_s"] is not None
        assert data["samples"][-1].current_replicas == MIN_REPLICAS
        assert check_passed(report, "scaled web above its minimum")
        assert check_passed(report, "every pod Ready during the load served requests")
        assert check_passed(report, "returned to 1 replica")
        assert check_passed(report, "locust finished with no failed request")
        assert os.path.isfile(data["csv_path"])
        assert os.path.isfile(data["png_path"])
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
