"""The Ingress demo driver: requests through a local port, backends, plan output."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from demos.console import Console
from demos.ingress import steps as ingress_steps
from demos.ingress.client import (
    Response,
    backend_of,
    choose_local_port,
    describe_response,
    port_accepts,
    send,
)
from demos.ingress.demo import DEMO, LOCAL_PORT, NAMESPACE, WEB_SELECTOR
from demos.ingress.routes import CASES
from demos.ingress.steps import Backends
from demos.report import Report
from demos.shell import CommandError, Result
from demos.waiting import WaitTimeout, wait_for
from tests.manifests.test_ingress import INGRESSES, SERVICES, resolve
from tests.support.plan import assert_in_order, plan_commands, plan_output, readme_text

ROOT = Path(__file__).resolve().parents[2]
WEB_POD = "web-blue-7c9d8f6b5-k2x4p"
MANIFEST_INGRESS = INGRESSES[0]
MANIFEST_SERVICES = SERVICES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HostEchoHandler(BaseHTTPRequestHandler):
    """Respond to every GET with the received Host header in X-Pod."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.send_header("X-Pod", self.headers.get("Host", ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostEchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    """A real `python -m web` process on a free loopback port."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT / "apps" / "web"),
        HOST="127.0.0.1",
        PORT=str(port),
        POD_NAME=WEB_POD,
        SHUTDOWN_DRAIN_S="0",
    )
    log = tmp_path_factory.mktemp("web") / "web.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web"], env=env, stdout=sink, stderr=sink
        )
    try:
        wait_for(lambda: port_accepts(port) or proc.poll() is not None, "web", 20)
        assert proc.poll() is None, log.read_text()
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_send_passes_host_header(echo_server):
    response = send(echo_server, "b.a.example.test", "/api/v2")
    assert response.status == 200
    assert response.pod == "b.a.example.test"
    assert response.error == ""


def test_send_reads_x_pod_from_web_app(web_server):
    response = send(web_server, "green.example.test", "/")
    assert response.status == 200
    assert response.pod == WEB_POD


def test_send_app_404_still_names_pod(web_server):
    response = send(web_server, "shop.example.test", "/api/orders")
    assert response.status == 404
    assert response.pod == WEB_POD


def test_send_closed_port_is_error():
    response = send(free_port(), "green.example.test", "/", timeout_s=2)
    assert response.status == 0
    assert response.status_text == "error"
    assert "ConnectionRefusedError" in response.error


def test_choose_local_port_prefers_free():
    port = free_port()
    assert choose_local_port(port) == port


def test_choose_local_port_avoids_busy():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        busy_port = busy.getsockname()[1]
        chosen = choose_local_port(busy_port)
    assert chosen != busy_port
    assert chosen > 0


def pod(name, instance):
    labels = {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": instance}
    return {"metadata": {"name": name, "labels": labels}}


def service(name, selector):
    return {"metadata": {"name": name}, "spec": {"selector": selector}}


PODS = [pod("web-blue-1", "web-blue"), pod("web-green-1", "web-green")]
SERVICES = [
    service("web-blue", {"app.kubernetes.io/instance": "web-blue"}),
    service("web-green", {"app.kubernetes.io/instance": "web-green"}),
]


def test_backend_of_uses_service_selector():
    assert backend_of("web-blue-1", PODS, SERVICES) == "web-blue"
    assert backend_of("web-green-1", PODS, SERVICES) == "web-green"


def test_backend_of_unknown_pod_none():
    assert backend_of("web-red-1", PODS, SERVICES) is None


def test_backend_of_ambiguous_none():
    both = SERVICES + [service("web-all", {"app.kubernetes.io/name": "web"})]
    assert backend_of("web-blue-1", PODS, both) is None


def test_describe_response_match_and_problems():
    case = CASES[0]
    ok = describe_response(case, Response(200, "web-green-1"), case.expected)
    assert ok["matched"]
    assert ok["problem"] == ""
    nginx = describe_response(case, Response(404, ""), None)
    assert not nginx["matched"]
    assert "nginx itself responded" in nginx["problem"]
    wrong = describe_response(case, Response(200, "web-blue-1"), "web-blue")
    assert "web-blue responded, web-green expected" in wrong["problem"]


class StubKube:
    """Return queued kubectl results in order and record every call."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def argv(self, args, namespace=None):
        return ["kubectl", *args]

    def run(self, args, namespace=None, show=True, check=True, **kwargs):
        self.calls.append((list(args), show))
        code, output = self.outcomes.pop(0)
        if code and check:
            raise CommandError(self.argv(args), code, output)
        return Result(code, output, "")


class StubConsole:
    def __init__(self):
        self.lines = []

    def note(self, text):
        self.lines.append(text)

    write = note


class StubContext:
    def __init__(self, outcomes):
        self.kube = StubKube(outcomes)
        self.console = StubConsole()


WEBHOOK_ERROR = (
    "Error from server (InternalError): Internal error occurred: failed calling "
    'webhook "validate.nginx.ingress.kubernetes.io": connect: connection refused'
)


def test_apply_retries_while_webhook_down(monkeypatch):
    monkeypatch.setattr(ingress_steps, "WEBHOOK_RETRY_INTERVAL_S", 0.01)
    ctx = StubContext([(1, WEBHOOK_ERROR), (1, WEBHOOK_ERROR), (0, "ingress created")])
    ingress_steps.apply_when_webhook_ready(ctx, ["apply", "-f", "ingress/"])
    assert [show for _, show in ctx.kube.calls] == [True, False, False]
    assert "ingress created" in ctx.console.lines


def test_apply_other_error_raises_at_once():
    ctx = StubContext([(1, "error: the path ingress/ does not exist")])
    with pytest.raises(CommandError):
        ingress_steps.apply_when_webhook_ready(ctx, ["apply", "-f", "ingress/"])
    assert len(ctx.kube.calls) == 1


def test_apply_gives_up_after_timeout(monkeypatch):
    monkeypatch.setattr(ingress_steps, "WEBHOOK_RETRY_INTERVAL_S", 0.01)
    monkeypatch.setattr(ingress_steps, "WEBHOOK_TIMEOUT_S", 0.05)
    ctx = StubContext([(1, WEBHOOK_ERROR)] * 1000)
    with pytest.raises(WaitTimeout, match="admission webhook"):
        ingress_steps.apply_when_webhook_ready(ctx, ["apply", "-f", "ingress/"])


def test_plan_prints_steps_in_order():
    commands = plan_commands(DEMO)
    expected = [
        "minikube -p k8s-demo addons enable ingress",
        "minikube -p k8s-demo image build -t k8s-demo/web:0.1.0 apps/web",
        "rollout status deployment/ingress-nginx-controller",
        "wait --for=condition=complete job/ingress-nginx-admission-create",
        "kubectl --context k8s-demo apply -f ingress/",
        "rollout status deployment/web-blue",
        "rollout status deployment/web-green",
        "-n ingress-demo describe ingress web",
        f"port-forward svc/ingress-nginx-controller {LOCAL_PORT}:80",
    ]
    assert_in_order(commands, expected)


def test_plan_prints_routing_table():
    output = plan_output(DEMO)
    for case in CASES:
        assert any(
            case.host in line and f" {case.path} " in line and case.expected in line
            for line in output.splitlines()
        ), case.target
    assert "no verdict" in output


def test_readme_contains_plan_commands():
    readme = readme_text("ingress")
    for command in plan_commands(DEMO):
        # A background command runs in its own terminal in the README, without "&".
        for suffix in (" '&'", " &"):
            if command.endswith(suffix):
                command = command[: -len(suffix)]
        assert command in readme, f"README lacks: {command}"


def test_readme_lists_every_route():
    readme = readme_text("ingress")
    for case in CASES:
        assert f"| `{case.host}` | `{case.path}` | {case.expected} |" in readme, (
            case.target
        )


class RouterHandler(BaseHTTPRequestHandler):
    """Route like an ingress controller: X-Pod names a pod of the chosen Service."""

    resolve_service = None  # set per test: (host, path) -> Service name or None

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        host = self.headers.get("Host", "").split(":")[0]
        service = type(self).resolve_service(host, self.path)
        self.send_response(200 if service else 404)
        if service:
            self.send_header("X-Pod", f"{service}-6d5f7c8b9-x1y2z")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class ClusterKube:
    """Return the demo's real Services and one pod per Service, as kubectl would."""

    def pods(self, namespace, selector):
        return [
            {
                "metadata": {
                    "name": f"{s['metadata']['name']}-6d5f7c8b9-x1y2z",
                    "labels": dict(s["spec"]["selector"]),
                }
            }
            for s in MANIFEST_SERVICES
        ]

    def get_json(self, args, namespace=None, plan_value=None):
        assert args == ["get", "services"], args
        return {"items": MANIFEST_SERVICES}


class ClusterContext:
    plan = False

    def __init__(self):
        self.kube = ClusterKube()
        self.console = Console(io.StringIO())


def run_requests(resolve_service):
    RouterHandler.resolve_service = staticmethod(resolve_service)
    server = ThreadingHTTPServer(("127.0.0.1", 0), RouterHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ctx = ClusterContext()
        report = Report("ingress")
        backends = Backends(ctx, NAMESPACE, WEB_SELECTOR)
        backends.refresh()
        port = server.server_address[1]
        assert DEMO.wait_until_routed(ctx, report, port, backends)
        DEMO.send_requests(ctx, report, port, backends)
        return report
    finally:
        server.shutdown()
        server.server_close()


def ingress_route(host, path):
    return resolve(MANIFEST_INGRESS, host, path).service


def test_requests_pass_with_ingress_routing():
    report = run_requests(ingress_route)
    assert report.passed, [c.detail for c in report.checks]
    assert [r["backend"] for r in report.data["routing"]] == [c.expected for c in CASES]


def test_requests_fail_with_suffix_wildcard():
    def suffix_wildcard(host, path):
        if host == "b.a.example.test":
            return "web-blue"
        return ingress_route(host, path)

    report = run_requests(suffix_wildcard)
    assert not report.passed
    assert "b.a.example.test/: web-blue responded" in report.checks[-1].detail


def test_requests_fail_without_x_pod():
    def nginx_404_for_shop(host, path):
        return None if host == "shop.example.test" else ingress_route(host, path)

    report = run_requests(nginx_404_for_shop)
    assert not report.passed
    assert "without X-Pod" in report.checks[-1].detail
