"""Ingress demo: host, wildcard and path rules route requests to two Services."""

from __future__ import annotations

from demos.console import format_command
from demos.framework import Context, Demo
from demos.ingress.client import LOOPBACK, choose_local_port, describe_response, send
from demos.ingress.routes import CASES
from demos.ingress.steps import (
    CONTROLLER_NAMESPACE,
    CONTROLLER_SERVICE,
    Backends,
    apply_when_webhook_ready,
    start_port_forward,
    wait_for_controller,
)
from demos.report import Report, format_table
from demos.waiting import WaitTimeout, wait_for

NAMESPACE = "ingress-demo"
WEB_SELECTOR = "app.kubernetes.io/name=web"
LOCAL_PORT = 18080
ROUTING_TIMEOUT_S = 120
# One request per Service that shows the controller has loaded the Ingress.
ROUTED_PROBES = [
    c for c in CASES if c.target in ("green.example.test/", "a.example.test/")
]


def request_command(port: int, host: str, path: str) -> list:
    """Return the curl command that sends the same request as the demo."""
    return [
        "curl",
        "-s",
        "-i",
        "-H",
        f"Host: {host}",
        f"http://{LOOPBACK}:{port}{path}",
    ]


class IngressDemo(Demo):
    name = "ingress"
    title = "Ingress: host, wildcard and path rules route requests to two Services"
    namespace = NAMESPACE
    manifests = "ingress/"
    images = ("web",)
    restart_on_rebuild = ("deployment/web-blue", "deployment/web-green")
    addons = ("ingress",)

    def apply(self, ctx: Context) -> None:
        wait_for_controller(ctx)
        apply_when_webhook_ready(ctx, ["apply", "-f", self.manifests])

    def steps(self, ctx: Context, report: Report) -> None:
        self.show_controller(ctx)
        self.show_rules(ctx)
        port = self.forward_controller(ctx)
        backends = Backends(ctx, NAMESPACE, WEB_SELECTOR)
        if not ctx.plan:
            backends.refresh()
        if self.wait_until_routed(ctx, report, port, backends):
            self.send_requests(ctx, report, port, backends)

    def show_controller(self, ctx: Context) -> None:
        ctx.console.step("The ingress controller that minikube's addon runs")
        ctx.kube.run(["get", "pods,services"], CONTROLLER_NAMESPACE)
        ctx.console.note(
            "ingress-nginx ended upstream maintenance in March 2026. "
            "ingress/gateway-api/ has the same routing as Gateway API objects."
        )
        ctx.console.pause()

    def show_rules(self, ctx: Context) -> None:
        ctx.console.step("The Ingress, and the Service each request should reach")
        ctx.kube.run(["get", "ingress"], NAMESPACE)
        ctx.kube.run(["describe", "ingress", "web"], NAMESPACE)
        rows = [(c.host, c.path, c.expected, c.reason) for c in CASES]
        ctx.console.write(format_table(("Host", "path", "expected", "why"), rows))
        ctx.console.pause()

    def forward_controller(self, ctx: Context) -> int:
        ctx.console.step("Reach the controller on 127.0.0.1 through a port-forward")
        ctx.console.note(
            "A port-forward works with every minikube driver, Docker on macOS "
            "included, where the node IP is unreachable. It pins traffic to one "
            "controller pod, which is fine: the demo shows routing, not balancing."
        )
        port = LOCAL_PORT if ctx.plan else choose_local_port(LOCAL_PORT)
        if port != LOCAL_PORT:
            ctx.console.note(f"Port {LOCAL_PORT} is in use, so the demo uses {port}.")
        argv = ctx.kube.argv(
            ["port-forward", CONTROLLER_SERVICE, f"{port}:80", "--address", LOOPBACK],
            CONTROLLER_NAMESPACE,
        )
        log_path = "" if ctx.plan else ctx.out_path("ingress-port-forward.log")
        start_port_forward(ctx, argv, port, log_path)
        url = f"http://{LOOPBACK}:{port}/"
        example = format_command(["curl", "-s", "-H", "Host: green.example.test", url])
        ctx.console.note(f"Try it in another terminal until the demo ends: {example}")
        return port

    def wait_until_routed(
        self, ctx: Context, report: Report, port: int, backends: Backends
    ) -> bool:
        """Wait until the controller has loaded the Ingress and both Services reply."""
        ctx.console.step("Wait until the controller routes by the Ingress rules")
        ctx.console.note(
            "The controller loads a new Ingress a few seconds after the apply: the "
            "demo repeats one request per Service until both reply through it."
        )
        if ctx.plan:
            return True

        def routed() -> bool:
            return all(
                backends.lookup(send(port, c.host, c.path)) == c.expected
                for c in ROUTED_PROBES
            )

        try:
            wait_for(
                routed, "the controller to route by the Ingress", ROUTING_TIMEOUT_S
            )
        except WaitTimeout as exc:
            ctx.console.fail(str(exc))
            report.check("the controller routed by the Ingress rules", False, str(exc))
            return False
        ctx.console.ok("Both Services respond through the controller.")
        return True

    def send_requests(
        self, ctx: Context, report: Report, port: int, backends: Backends
    ) -> None:
        ctx.console.step("Send one request per row and compare the responding Service")
        report.headers = (
            "Host",
            "path",
            "status",
            "pod (X-Pod)",
            "backend",
            "expected",
        )
        results = []
        for case in CASES:
            ctx.console.command(request_command(port, case.host, case.path))
            if ctx.plan:
                continue
            response = send(port, case.host, case.path)
            result = describe_response(case, response, backends.lookup(response))
            results.append(result)
            report.row(
                case.host,
                case.path,
                response.status_text,
                response.pod or "-",
                result["backend"] or "-",
                case.expected,
            )
        if ctx.plan:
            return
        ctx.console.write(format_table(report.headers, report.rows))
        ctx.console.note(
            "The web app serves only / and its probes, so other paths get a 404 "
            "from the app itself. Its X-Pod header still names the pod."
        )
        ctx.console.pause()
        wrong = [r for r in results if not r["matched"]]
        report.data["routing"] = results
        report.check(
            f"{len(results) - len(wrong)}/{len(results)} requests reached the "
            "expected Service",
            not wrong,
            "; ".join(f"{r['target']}: {r['problem']}" for r in wrong),
        )

    def clean(self, ctx: Context) -> None:
        super().clean(ctx)
        disable = format_command(ctx.minikube.argv(["addons", "disable", "ingress"]))
        ctx.console.note(
            f"The ingress addon stays enabled. Turn it off with: {disable}"
        )


DEMO = IngressDemo()
