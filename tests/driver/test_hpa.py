"""The HPA demo in plan mode: the commands, in order, as the README shows them."""

from __future__ import annotations

import io
import re

import pytest

from demos.console import Console
from demos.framework import PrerequisiteError, run_demo
from demos.hpa.demo import DEMO, HpaDemo
from demos.settings import Settings
from tests.support.plan import assert_in_order, plan_commands, plan_output, readme_text

WEB = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web"


def plan_with_env(env) -> str:
    out = io.StringIO()
    settings = Settings({"PLAN": "1", "PAUSE": "0"})
    run_demo(HpaDemo(env=env), settings, Console(out))
    return out.getvalue()


def test_plan_addon_wait_load_watch_in_order():
    commands = plan_commands(HpaDemo(env={}))
    expected = [
        "minikube -p k8s-demo addons enable metrics-server",
        "minikube -p k8s-demo image build -t k8s-demo/web:0.1.0 apps/web",
        "minikube -p k8s-demo image build -t k8s-demo/loadgen:0.1.0 apps/loadgen",
        "-n hpa-demo delete job loadgen --ignore-not-found",
        "apply -f hpa/",
        "-n hpa-demo scale deployment/web --replicas=1",
        "-n hpa-demo rollout status deployment/web",
        "get apiservice v1beta1.metrics.k8s.io",
        f"-n hpa-demo top pods -l {WEB}",
        "-n hpa-demo get hpa web",
        "create -f hpa/load/job.yaml",
        "get --raw '/api/v1/namespaces/hpa-demo/pods/<pod-1>:8080/proxy/metrics'",
        "-n hpa-demo get hpa web",
        "-n hpa-demo logs job/loadgen --tail=20",
        "-n hpa-demo describe hpa web",
    ]
    assert_in_order(commands, expected)


def test_plan_never_port_forwards():
    assert not [c for c in plan_commands(DEMO) if "port-forward" in c]


def test_plan_apply_is_not_recursive():
    # `kubectl apply -f hpa/` skips hpa/load/, so applying never starts load.
    applies = [c for c in plan_commands(DEMO) if " apply " in c]
    assert applies == ["kubectl --context k8s-demo apply -f hpa/"]


def test_plan_shows_live_table_header():
    output = plan_output(HpaDemo(env={}))
    assert "serving/ready" in output
    assert "out/hpa-timeline.csv" in output
    assert "out/hpa-timeline.png" in output


def test_plan_has_no_verdict():
    assert "no verdict" in plan_output(DEMO)


def test_plan_prediction_note():
    output = plan_output(HpaDemo(env={}))
    assert "160% against a 50% target: the formula asks for 4 replicas" in output


def test_plan_override_creates_rendered_copy():
    output = plan_with_env({"LOAD_USERS": "12"})
    assert "$ kubectl --context k8s-demo create -f out/hpa-load-job.yaml" in output
    assert "LOAD_USERS=12 differ from hpa/load/job.yaml" in output


def test_plan_invalid_knob_rejected():
    with pytest.raises(PrerequisiteError, match="LOAD_CPU_MS='0' is invalid"):
        plan_with_env({"LOAD_CPU_MS": "0"})


def test_readme_contains_plan_commands():
    readme = readme_text("hpa")
    for command in plan_commands(HpaDemo(env={})):
        # Pod names are only known at run time; the README shows an example name.
        pattern = re.escape(command).replace(re.escape("<pod-1>"), r"\S+")
        # The plan quotes the path because of "<" and ">"; a real name needs none.
        pattern = pattern.replace("'", "'?")
        assert re.search(pattern, readme), f"README lacks: {command}"
