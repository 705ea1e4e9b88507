"""Wait until the HPA can work: Metrics API up, web pod measured, HPA at its minimum.

After `minikube addons enable metrics-server`, the metrics-server pod starts and
the APIService v1beta1.metrics.k8s.io becomes Available. A pod shows up in
`kubectl top` only after two scrapes (60 s apart on minikube), because CPU usage
is a rate between two readings. Until then the HPA shows <unknown>.
"""

from __future__ import annotations

import json
from typing import Callable

from demos.framework import Context
from demos.hpa.status import apiservice_available, parse_hpa, top_lists_pod
from demos.hpa.watch import NAMESPACE, WEB_SELECTOR
from demos.kube import ready_pod_names
from demos.shell import CommandError
from demos.waiting import WaitTimeout, wait_for

API_SERVICE = "v1beta1.metrics.k8s.io"
API_TIMEOUT_S = 300
TOP_TIMEOUT_S = 300
SETTLE_TIMEOUT_S = 600
POLL_INTERVAL_S = 5.0


class MetricsWait:
    def __init__(self, ctx: Context, min_replicas: int) -> None:
        self.ctx = ctx
        self.kube = ctx.kube
        self.min_replicas = min_replicas
        self.last_reason = ""

    def run(self) -> None:
        ctx = self.ctx
        ctx.console.step("Wait for the Metrics API and the HPA's first CPU reading")
        ctx.console.note(
            "The HPA reads CPU from the Metrics API, which metrics-server serves. "
            "Until it has measured the web pod, TARGETS shows <unknown> and the HPA "
            "cannot act, so the load starts only after that. The demo waits until "
            "the APIService is Available, `kubectl top` lists the web pod, and the "
            "HPA has a CPU reading at its minimum replica count."
        )
        if not ctx.plan:
            self.wait(self.api_available, "the Metrics API", API_TIMEOUT_S)
            self.wait(self.top_lists_web, "kubectl top to list web", TOP_TIMEOUT_S)
            self.wait(self.hpa_settled, "the HPA to settle", SETTLE_TIMEOUT_S)
        self.kube.run(["get", "apiservice", API_SERVICE])
        self.kube.run(["top", "pods", "-l", WEB_SELECTOR], NAMESPACE)
        self.kube.run(["get", "hpa", "web"], NAMESPACE)

    def announce(self, reason: str) -> None:
        """Print why the demo waits, once per distinct reason."""
        if reason != self.last_reason:
            self.ctx.console.note(f"waiting: {reason}")
            self.last_reason = reason

    def wait(
        self, condition: Callable[[], bool], description: str, timeout_s: float
    ) -> None:
        try:
            wait_for(condition, description, timeout_s, POLL_INTERVAL_S)
        except WaitTimeout as exc:
            settings = self.ctx.settings
            raise WaitTimeout(
                f"{exc} (last state: {self.last_reason}). Check metrics-server with "
                f"`kubectl --context {settings.context} -n kube-system get pods "
                f"-l k8s-app=metrics-server` and `minikube -p {settings.profile} "
                "addons enable metrics-server`"
            ) from exc

    def api_available(self) -> bool:
        result = self.kube.run(
            ["get", "apiservice", API_SERVICE, "-o", "json"], show=False, check=False
        )
        if not result.ok:
            self.announce(f"APIService {API_SERVICE} does not exist yet")
            return False
        available, reason = apiservice_available(json.loads(result.stdout))
        if not available:
            self.announce(f"the Metrics API is not available yet: {reason}")
        return available

    def top_lists_web(self) -> bool:
        result = self.kube.run(
            ["top", "pods", "-l", WEB_SELECTOR, "--no-headers"],
            NAMESPACE,
            show=False,
            check=False,
        )
        if result.ok and top_lists_pod(result.stdout, "web"):
            return True
        detail = (result.stderr.strip().splitlines() or ["no web pod listed"])[-1]
        self.announce(
            f"kubectl top has no reading of the web pod yet ({detail}); "
            "metrics-server needs two scrapes, 60 s apart"
        )
        return False

    def hpa_settled(self) -> bool:
        """Return whether the HPA has a CPU reading and rests at its minimum."""
        try:
            hpa = parse_hpa(self.kube.get_json(["get", "hpa", "web"], NAMESPACE))
            ready = ready_pod_names(self.kube.pods(NAMESPACE, WEB_SELECTOR))
        except (CommandError, ValueError) as exc:
            self.announce(f"kubectl failed: {exc}")
            return False
        if hpa.cpu_percent is None:
            self.announce("the HPA has no CPU reading yet (TARGETS <unknown>)")
            return False
        at_minimum = (
            hpa.current_replicas == hpa.desired_replicas == self.min_replicas
            and len(ready) == self.min_replicas
        )
        if not at_minimum:
            self.announce(
                f"the HPA is at {hpa.current_replicas} replicas (desired "
                f"{hpa.desired_replicas}, {len(ready)} Ready); the load starts "
                f"from the minimum of {self.min_replicas}"
            )
        return at_minimum
