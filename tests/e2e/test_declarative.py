import os

import pytest

from demos.declarative.demo import DEMO
from demos.declarative.steps import EDITED_REPLICAS, PRUNED_OBJECT
from demos.framework import clean_demo, run_demo
from tests.support.reports import check_passed

pytestmark = pytest.mark.e2e


def test_declarative_demo_claims(cluster):
    report = run_demo(DEMO, cluster)
    try:
        assert check_passed(report, "second kubectl create failed with AlreadyExists")
        assert report.data["second_create_exit_code"] != 0
        assert check_passed(report, "second kubectl apply left every object unchanged")
        assert set(report.data["second_apply"].values()) == {"unchanged"}
        assert report.data["diff_exit_codes"] == [1, 1]
        assert check_passed(report, "kubectl diff changed nothing")
        assert report.data["replicas_after_reapply"] == EDITED_REPLICAS
        assert check_passed(report, f"a plain apply left {PRUNED_OBJECT}")
        assert report.data["pruned"] == [PRUNED_OBJECT]
        assert check_passed(report, f"apply --prune deleted {PRUNED_OBJECT}")
        assert report.passed
    finally:
        clean_demo(DEMO, cluster)
    assert not os.path.exists(os.path.join(cluster.out_dir, "declarative"))
