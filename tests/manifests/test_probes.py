"""Every probe of our images targets a route or module that the app provides."""

import importlib
import importlib.util

import pytest
from fastapi import FastAPI

from tests.support.manifests import load_all, workloads

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def our_probes():
    for workload in workloads(load_all()):
        for container in workload.doc["spec"]["template"]["spec"]["containers"]:
            image = container["image"]
            if not image.startswith("k8s-demo/"):
                continue
            package = image.split("/", 1)[1].split(":")[0]
            for kind in PROBES:
                if kind in container:
                    yield pytest.param(
                        package,
                        container,
                        container[kind],
                        id=f"{workload.id}:{container['name']}:{kind}",
                    )


def app_paths(package):
    """Return the route paths of the FastAPI app that ``package`` serves."""
    settings = importlib.import_module(f"{package}.settings").Settings()
    app = importlib.import_module(f"{package}.app").create_app(settings)
    while not isinstance(app, FastAPI):
        app = app.app  # unwrap the ASGI middleware around the FastAPI app
    # Routers included with include_router do not list their routes here,
    # so the OpenAPI paths cover them.
    paths = {route.path for route in app.routes if hasattr(route, "path")}
    return paths | set(app.openapi()["paths"])


PARAMS = list(our_probes())


def test_probes_found():
    assert PARAMS


@pytest.mark.parametrize("package,container,probe", PARAMS)
def test_probe_target_exists(package, container, probe):
    if "httpGet" in probe:
        port = probe["httpGet"]["port"]
        names = {p.get("name") for p in container.get("ports", [])}
        numbers = {p["containerPort"] for p in container.get("ports", [])}
        assert port in (names if isinstance(port, str) else numbers), f"port {port!r}"
        assert probe["httpGet"]["path"] in app_paths(package)
    elif "exec" in probe:
        command = probe["exec"]["command"]
        # An exec probe of our images runs a module of the app: python -m MODULE.
        assert command[:2] == ["python", "-m"], command
        assert importlib.util.find_spec(command[2]) is not None, command[2]
    else:
        assert "tcpSocket" in probe or "grpc" in probe, probe
