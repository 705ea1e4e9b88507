"""Control plane demo: map the components diagram to what the cluster really runs."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from demos.control_plane.components import (
    POD_COMPONENTS,
    STATIC_POD_DIR,
    STATIC_POD_FILES,
    Finding,
    etcd_checks_ok,
    etcd_summary,
    expected_findings,
    kubelet_finding,
    node_info,
    parse_health,
    pod_finding,
    runtime_finding,
    runtime_service,
)
from demos.control_plane.controller import NAMESPACE, show_controller_at_work
from demos.framework import Context, Demo
from demos.kube import Obj
from demos.report import Report, format_table

# minikube's default container runtime with the docker driver. Plan mode
# prints the systemctl command for it because it cannot read the node's status.
PLAN_RUNTIME_SERVICE = "docker"
NODE_COLUMNS = (
    "custom-columns=NAME:.metadata.name,"
    "KUBELET:.status.nodeInfo.kubeletVersion,"
    "RUNTIME:.status.nodeInfo.containerRuntimeVersion,"
    "ARCH:.status.nodeInfo.architecture"
)
POD_COLUMNS = (
    "custom-columns=NAME:.metadata.name,"
    "OWNER:.metadata.ownerReferences[0].kind,"
    "NODE:.spec.nodeName,STATUS:.status.phase"
)
STATUS = {True: "OK", False: "NG"}
MAP_HEADERS = ("component", "runs as", "evidence", "status")


class ControlPlaneDemo(Demo):
    name = "control-plane"
    title = "Control plane: each component of the diagram, found in a real cluster"
    namespace = NAMESPACE
    manifests = "control-plane/"
    images = ("web",)
    restart_on_rebuild = ("deployment/web",)

    def steps(self, ctx: Context, report: Report) -> None:
        nodes, kubelet_state, runtime, runtime_state = self.show_nodes(ctx)
        pods, manifest_files = self.show_kube_system(ctx)
        health, passed = self.show_api_server(ctx)
        findings = [pod_finding(c, pods) for c in POD_COMPONENTS]
        findings.append(kubelet_finding(nodes, kubelet_state))
        findings.append(runtime_finding(nodes, runtime, runtime_state))
        self.show_map(ctx, report, findings)
        if not ctx.plan:
            self.check_map(report, findings, manifest_files, health, passed)
        ctx.console.pause()
        show_controller_at_work(ctx, report)

    def service_state(self, ctx: Context, unit: str) -> Optional[str]:
        """Return what ``systemctl is-active UNIT`` prints on the node."""
        result = ctx.runner.run(
            ctx.minikube.argv(["ssh", "--", "systemctl", "is-active", unit]),
            check=False,
            plan_output="active",
            timeout_s=60,
        )
        return result.stdout.replace("\r", "").strip() or None

    def show_nodes(
        self, ctx: Context
    ) -> Tuple[List[Obj], Optional[str], str, Optional[str]]:
        ctx.console.step("Nodes: the kubelet and the container runtime")
        ctx.console.note(
            "minikube starts one node, which is control plane and worker at once."
        )
        ctx.kube.run(["get", "nodes", "-o", "wide"])
        ctx.kube.run(["get", "nodes", "-o", NODE_COLUMNS])
        nodes = ctx.kube.get_json(["get", "nodes"])["items"]
        ctx.console.note("The kubelet is not a pod but a systemd service on the node:")
        kubelet_state = self.service_state(ctx, "kubelet")
        runtime = PLAN_RUNTIME_SERVICE
        if nodes:
            runtime = runtime_service(
                node_info(nodes[0]).get("containerRuntimeVersion", "")
            )
        ctx.console.note(f"So is the container runtime ({runtime}):")
        runtime_state = self.service_state(ctx, runtime) if runtime else None
        ctx.console.pause()
        return nodes, kubelet_state, runtime, runtime_state

    def show_kube_system(self, ctx: Context) -> Tuple[List[Obj], Sequence[str]]:
        ctx.console.step("kube-system: the control plane components run as pods")
        ctx.kube.run(["get", "pods", "-o", "wide"], "kube-system")
        ctx.console.note(
            "OWNER Node marks a static pod, which the kubelet starts from a file. "
            "kube-proxy belongs to a DaemonSet:"
        )
        ctx.kube.run(["get", "pods", "-o", POD_COLUMNS], "kube-system")
        pods = ctx.kube.get_json(["get", "pods"], "kube-system")["items"]
        ctx.console.note(f"The static pod manifests in {STATIC_POD_DIR} on the node:")
        listing = ctx.runner.run(
            ctx.minikube.argv(["ssh", "--", "sudo", "ls", STATIC_POD_DIR]),
            check=False,
            timeout_s=60,
        )
        ctx.console.pause()
        return pods, listing.stdout.replace("\r", "").split()

    def show_api_server(self, ctx: Context) -> Tuple[dict, bool]:
        ctx.console.step("The API server: kubectl talks only to it, and it to etcd")
        ctx.kube.run(["cluster-info"])
        ctx.console.note("Its readiness checks include etcd:")
        result = ctx.kube.run(["get", "--raw", "/readyz?verbose"], check=False)
        ctx.console.pause()
        return parse_health(result.stdout)

    def show_map(self, ctx: Context, report: Report, findings: List[Finding]) -> None:
        ctx.console.step("The diagram, mapped to what the cluster runs")
        report.headers = MAP_HEADERS
        shown = expected_findings() if ctx.plan else findings
        for finding in shown:
            status = "-" if ctx.plan else STATUS[finding.ok]
            report.row(finding.component, finding.runs_as, finding.evidence, status)
        ctx.console.write(format_table(report.headers, report.rows))
        report.data["components"] = {f.component: f._asdict() for f in findings}

    def check_map(
        self,
        report: Report,
        findings: List[Finding],
        manifest_files: Sequence[str],
        health: dict,
        passed: bool,
    ) -> None:
        for finding in findings:
            report.check(
                f"{finding.component} found and running", finding.ok, finding.evidence
            )
        missing = [f for f in STATIC_POD_FILES if f not in manifest_files]
        report.check(
            f"the static pod manifests are in {STATIC_POD_DIR}",
            not missing,
            f"missing: {', '.join(missing)}" if missing else ", ".join(manifest_files),
        )
        report.check(
            "the API server is ready and its etcd check passed",
            passed and etcd_checks_ok(health),
            etcd_summary(health),
        )


DEMO = ControlPlaneDemo()
