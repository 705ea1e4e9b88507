"""Cluster-side helpers of the Ingress demo: apply past the webhook, port-forward."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from demos.framework import Context
from demos.ingress.client import Response, backend_of, port_accepts
from demos.shell import CommandError
from demos.waiting import wait_for

CONTROLLER_NAMESPACE = "ingress-nginx"
CONTROLLER = "deployment/ingress-nginx-controller"
CONTROLLER_SERVICE = "svc/ingress-nginx-controller"
# The Jobs that create the admission webhook's certificate and patch it into the
# ValidatingWebhookConfiguration. Until both complete, creating an Ingress fails.
ADMISSION_JOBS = (
    "job/ingress-nginx-admission-create",
    "job/ingress-nginx-admission-patch",
)
CONTROLLER_TIMEOUT_S = 300
# Part of the API server's error while the admission webhook has no ready
# endpoint yet, or while its certificate is not patched in yet.
WEBHOOK_FAILURE = "failed calling webhook"
WEBHOOK_TIMEOUT_S = 120
WEBHOOK_RETRY_INTERVAL_S = 2.0
PORT_FORWARD_TIMEOUT_S = 30


class Backends:
    """Map the X-Pod header of a response to the Service that selects that pod."""

    def __init__(self, ctx: Context, namespace: str, pod_selector: str) -> None:
        self.ctx = ctx
        self.namespace = namespace
        self.pod_selector = pod_selector
        self.pods: List[Dict[str, Any]] = []
        self.services: List[Dict[str, Any]] = []

    def refresh(self) -> None:
        self.pods = self.ctx.kube.pods(self.namespace, self.pod_selector)
        services = self.ctx.kube.get_json(["get", "services"], self.namespace)
        self.services = services["items"]

    def lookup(self, response: Response) -> Optional[str]:
        if not response.pod:
            return None
        backend = backend_of(response.pod, self.pods, self.services)
        if backend is None:  # a pod that started after the last refresh
            self.refresh()
            backend = backend_of(response.pod, self.pods, self.services)
        return backend


def wait_for_controller(ctx: Context) -> None:
    """Wait for the controller rollout and for the Jobs that set up its webhook."""
    ctx.console.note(
        "The controller's admission webhook checks every Ingress, so first wait "
        "for the controller and for the Jobs that set up the webhook."
    )
    timeout = f"--timeout={CONTROLLER_TIMEOUT_S}s"
    ctx.kube.run(
        ["rollout", "status", CONTROLLER, timeout],
        CONTROLLER_NAMESPACE,
        timeout_s=CONTROLLER_TIMEOUT_S + 30,
    )
    # A Job that no longer exists cannot be waited for. Skip the wait when
    # both were deleted, for example by hand after they completed.
    jobs = [
        job
        for job in ADMISSION_JOBS
        if ctx.plan or ctx.kube.exists(job, CONTROLLER_NAMESPACE)
    ]
    if not jobs:
        ctx.console.note("The admission Jobs no longer exist, so there is no wait.")
        return
    ctx.kube.run(
        ["wait", "--for=condition=complete", *jobs, timeout],
        CONTROLLER_NAMESPACE,
        timeout_s=CONTROLLER_TIMEOUT_S + 30,
    )


def apply_when_webhook_ready(ctx: Context, args: Sequence[str]) -> None:
    """Run ``kubectl apply`` and retry it while the admission webhook is not up.

    Any other failure raises at once. The first attempt is printed with its
    output. Retries run quietly, and the one that succeeds prints its output.
    """
    try:
        ctx.kube.run(args)
        return
    except CommandError as exc:
        if WEBHOOK_FAILURE not in exc.output:
            raise
    ctx.console.note(
        "The admission webhook of ingress-nginx is not ready yet, so the demo "
        "retries the apply until the webhook accepts it."
    )

    def applied() -> bool:
        result = ctx.kube.run(args, show=False, check=False)
        output = (result.stdout + result.stderr).rstrip()
        if result.ok:
            ctx.console.write(output)
            return True
        if WEBHOOK_FAILURE not in output:
            raise CommandError(ctx.kube.argv(args), result.returncode, output)
        return False

    wait_for(
        applied,
        "the ingress-nginx admission webhook to accept the Ingress",
        WEBHOOK_TIMEOUT_S,
        interval_s=WEBHOOK_RETRY_INTERVAL_S,
    )


def start_port_forward(
    ctx: Context, argv: Sequence[str], port: int, log_path: str
) -> None:
    """Start ``kubectl port-forward`` in the background and wait until it listens."""
    proc = ctx.runner.start(argv, log_path=log_path)
    if proc is None:  # plan mode
        return

    def listening() -> bool:
        if proc.poll() is not None:
            with open(log_path, encoding="utf-8", errors="replace") as log:
                raise CommandError(argv, proc.returncode, log.read())
        return port_accepts(port)

    wait_for(
        listening,
        f"kubectl port-forward to listen on 127.0.0.1:{port}",
        PORT_FORWARD_TIMEOUT_S,
        interval_s=0.2,
    )
