"""kubectl, always against one named context, plus the pod queries the demos share."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

from demos.shell import CommandError, Result, Runner
from demos.waiting import Stopwatch, wait_for

Obj = Dict[str, Any]


def pod_is_ready(pod: Obj) -> bool:
    """Return whether a pod is Ready and not being deleted."""
    if pod.get("metadata", {}).get("deletionTimestamp"):
        return False
    for condition in pod.get("status", {}).get("conditions", []) or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def ready_pod_names(pods: Iterable[Obj]) -> List[str]:
    return sorted(p["metadata"]["name"] for p in pods if pod_is_ready(p))


def pod_owner(pod: Obj) -> Optional[str]:
    """Return "Kind/name" of the pod's controller, if it has one."""
    for ref in pod.get("metadata", {}).get("ownerReferences", []) or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return None


def waiting_reasons(pods: Iterable[Obj]) -> List[str]:
    """Return "pod: reason" for containers stuck waiting (ErrImagePull, ...)."""
    reasons = []
    for pod in pods:
        statuses = pod.get("status", {}).get("containerStatuses", []) or []
        for status in statuses:
            waiting = status.get("state", {}).get("waiting")
            if waiting and waiting.get("reason") not in (None, "ContainerCreating"):
                reasons.append(f"{pod['metadata']['name']}: {waiting['reason']}")
    return reasons


class Kube:
    """Run kubectl with ``--context`` always set, so no demo touches another cluster."""

    def __init__(self, runner: Runner, context: str) -> None:
        self.runner = runner
        self.context = context

    @property
    def plan(self) -> bool:
        return self.runner.plan

    def argv(self, args: Sequence[str], namespace: Optional[str] = None) -> List[str]:
        argv = ["kubectl", "--context", self.context]
        if namespace:
            argv += ["-n", namespace]
        return argv + list(args)

    def run(
        self,
        args: Sequence[str],
        namespace: Optional[str] = None,
        show: bool = True,
        check: bool = True,
        plan_output: str = "",
        timeout_s: Optional[float] = 120,
    ) -> Result:
        return self.runner.run(
            self.argv(args, namespace),
            show=show,
            check=check,
            plan_output=plan_output,
            timeout_s=timeout_s,
        )

    def get_json(
        self,
        args: Sequence[str],
        namespace: Optional[str] = None,
        plan_value: Any = None,
    ) -> Any:
        """Return the parsed ``-o json`` output of ``kubectl get ...`` (quietly)."""
        if self.plan:
            return plan_value if plan_value is not None else {"items": []}
        result = self.run(list(args) + ["-o", "json"], namespace, show=False)
        return json.loads(result.stdout)

    def pods(self, namespace: str, selector: str) -> List[Obj]:
        return self.get_json(["get", "pods", "-l", selector], namespace)["items"]

    def exists(self, kind_name: str, namespace: Optional[str] = None) -> bool:
        if self.plan:
            return False
        result = self.run(
            ["get", kind_name, "--ignore-not-found", "-o", "name"],
            namespace,
            show=False,
        )
        return bool(result.stdout.strip())

    def wait_ready_count(
        self,
        namespace: str,
        selector: str,
        count: int,
        timeout_s: float,
        replaced: Sequence[str] = (),
        interval_s: float = 0.5,
    ) -> Optional[float]:
        """Wait until exactly ``count`` pods are Ready, none of them in ``replaced``.

        Returns the seconds waited (None in plan mode). On timeout the error
        names the pods' waiting reasons, such as ErrImagePull.
        """
        if self.plan:
            return None
        watch = Stopwatch()
        replaced_names = set(replaced)
        last: List[Obj] = []

        def settled() -> bool:
            last[:] = self.pods(namespace, selector)
            active = [p for p in last if not p["metadata"].get("deletionTimestamp")]
            ready = ready_pod_names(active)
            if len(active) != count or len(ready) != count:
                return False
            return not replaced_names & set(ready)

        try:
            wait_for(settled, f"{count} Ready pods ({selector})", timeout_s, interval_s)
        except Exception as exc:
            reasons = waiting_reasons(last)
            if reasons:
                raise type(exc)(f"{exc}; stuck: {', '.join(reasons)}") from exc
            raise
        return watch.elapsed_s()

    def delete_namespace(self, namespace: str, timeout_s: float = 300) -> None:
        """Delete ``namespace`` with everything in it and wait until it is gone."""
        self.run(
            [
                "delete",
                "namespace",
                namespace,
                "--ignore-not-found",
                "--wait=true",
                f"--timeout={int(timeout_s)}s",
            ],
            timeout_s=timeout_s + 30,
        )
        if self.plan:
            return
        wait_for(
            lambda: not self.exists(f"namespace/{namespace}"),
            f"namespace {namespace} to be gone",
            timeout_s,
        )

    def reachable(self) -> bool:
        """Return whether the context's API server responds (True in plan mode)."""
        if self.plan:
            return True
        try:
            data = self.get_json(["version"])
        except (CommandError, ValueError):
            return False
        return "serverVersion" in data

    def server_minor(self) -> Optional[int]:
        try:
            data = self.get_json(["version"], plan_value={})
        except CommandError:
            return None
        minor = data.get("serverVersion", {}).get("minor", "")
        digits = "".join(ch for ch in minor if ch.isdigit())
        return int(digits) if digits else None
