"""What every demo's plan must hold, whichever demo it is."""

import pytest

from demos.cli import demo_names, load_demo
from tests.support.plan import plan_commands

DEMOS = demo_names()


def test_every_demo_listed():
    assert DEMOS == [
        "control-plane",
        "declarative",
        "hpa",
        "ingress",
        "ipc",
        "replicaset",
    ]


@pytest.mark.parametrize("name", DEMOS)
def test_plan_every_kubectl_names_context(name):
    commands = plan_commands(load_demo(name))
    assert commands
    for command in commands:
        if command.startswith("kubectl"):
            assert command.startswith("kubectl --context k8s-demo "), command
        if command.startswith("minikube"):
            assert command.startswith("minikube -p k8s-demo "), command
