import re

from demos.replicaset import DEMO, active_replicaset, rollout_done
from tests.support.plan import assert_in_order, plan_commands, plan_output, readme_text


def test_active_replicaset_none_mid_rollout():
    assert active_replicaset({"web-a": (3, 3), "web-b": (0, 0)}) == "web-a"
    assert active_replicaset({"web-a": (2, 2), "web-b": (2, 1)}) is None


def test_rollout_done_waits_for_old_pods_gone():
    assert rollout_done({"web-a": (0, 1), "web-b": (3, 3)}, 3) is None
    assert rollout_done({"web-a": (0, 0), "web-b": (3, 2)}, 3) is None
    assert rollout_done({"web-a": (0, 0), "web-b": (3, 3)}, 3) == "web-b"


def test_plan_prints_steps_in_order():
    commands = plan_commands(DEMO)
    expected = [
        "minikube -p k8s-demo start",
        "minikube -p k8s-demo image build -t k8s-demo/web:0.1.0 apps/web",
        "apply -f replicaset/",
        "delete pod '<pod-1>' --wait=false",
        "scale deployment/web --replicas=5",
        "scale deployment/web --replicas=3",
        "set env deployment/web",
        "rollout undo deployment/web",
    ]
    assert_in_order(commands, expected)


def test_plan_has_no_verdict():
    assert "no verdict" in plan_output(DEMO)


def test_readme_contains_plan_commands():
    readme = readme_text("replicaset")
    for command in plan_commands(DEMO):
        # Pod names are only known at run time; the README shows an example name.
        pattern = re.escape(command).replace(re.escape("'<pod-1>'"), r"\S+")
        pattern = pattern.replace(re.escape("'<pod-2>'"), r"\S+")
        assert re.search(pattern, readme), f"README lacks: {command}"
