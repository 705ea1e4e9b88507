"""Find each component of the control plane diagram in a cluster's API objects."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from demos.kube import Obj, pod_is_ready, pod_owner

# The kubelet marks the API copy of a static pod (its "mirror pod") with this
# annotation: https://kubernetes.io/docs/concepts/workloads/pods/static-pods/
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
# kubeadm, which minikube uses, writes one static pod manifest per component here.
STATIC_POD_DIR = "/etc/kubernetes/manifests"
STATIC_POD_FILES = (
    "etcd.yaml",
    "kube-apiserver.yaml",
    "kube-controller-manager.yaml",
    "kube-scheduler.yaml",
)
# Systemd unit of each container runtime, by the scheme of containerRuntimeVersion.
RUNTIME_SERVICES = {"docker": "docker", "containerd": "containerd", "cri-o": "crio"}


class PodComponent(NamedTuple):
    title: str
    binary: str
    # kubeadm labels its static pods component=<binary>, and kube-proxy pods
    # carry k8s-app=kube-proxy.
    label_key: str
    expected: str


POD_COMPONENTS = (
    PodComponent("API server", "kube-apiserver", "component", "static pod"),
    PodComponent("etcd", "etcd", "component", "static pod"),
    PodComponent("Scheduler", "kube-scheduler", "component", "static pod"),
    PodComponent(
        "Controller Manager", "kube-controller-manager", "component", "static pod"
    ),
    PodComponent("kube-proxy", "kube-proxy", "k8s-app", "DaemonSet pod"),
)


class Finding(NamedTuple):
    """A row of the component map: a diagram component and the cluster's evidence."""

    component: str
    runs_as: str
    evidence: str
    ok: bool


def find_pods(pods: Iterable[Obj], component: PodComponent) -> List[Obj]:
    """Return the pods of ``component``, matched by its label or its name prefix."""
    found = []
    for pod in pods:
        meta = pod.get("metadata", {})
        labels = meta.get("labels") or {}
        by_label = labels.get(component.label_key) == component.binary
        if by_label or meta.get("name", "").startswith(component.binary + "-"):
            found.append(pod)
    return sorted(found, key=lambda p: p["metadata"]["name"])


def owner_kind(pod: Obj) -> str:
    """Return the kind of the pod's controller, else of its first owner, else ""."""
    controller = pod_owner(pod)
    if controller:
        return controller.split("/")[0]
    # The kubelet's owner reference from a mirror pod to its Node (Kubernetes
    # 1.17 and later) is not a controller reference.
    refs = pod.get("metadata", {}).get("ownerReferences") or []
    return refs[0].get("kind", "") if refs else ""


def runs_as(pod: Obj) -> str:
    """Describe how a pod runs: a static pod, a DaemonSet pod, ... and on which node."""
    annotations = pod.get("metadata", {}).get("annotations") or {}
    node = pod.get("spec", {}).get("nodeName") or "?"
    kind = owner_kind(pod)
    if MIRROR_ANNOTATION in annotations or kind == "Node":
        return f"static pod on node {node}"
    if kind:
        return f"{kind} pod on node {node}"
    return f"pod on node {node}"


def pod_running(pod: Obj) -> bool:
    return pod.get("status", {}).get("phase") == "Running" and pod_is_ready(pod)


def pod_finding(component: PodComponent, pods: Sequence[Obj]) -> Finding:
    matched = find_pods(pods, component)
    if not matched:
        where = f"{component.expected} in kube-system"
        return Finding(component.title, where, "no pod found", False)
    places = sorted({runs_as(p) for p in matched})
    evidence = ", ".join(
        f"{p['metadata']['name']} {p.get('status', {}).get('phase', '?')}"
        for p in matched
    )
    ok = all(pod_running(p) for p in matched)
    return Finding(component.title, "; ".join(places), evidence, ok)


def node_ready(node: Obj) -> bool:
    for condition in node.get("status", {}).get("conditions", []) or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def node_info(node: Obj) -> Dict[str, str]:
    return node.get("status", {}).get("nodeInfo", {}) or {}


def runtime_service(runtime_version: str) -> str:
    """Map a containerRuntimeVersion such as "docker://28.4.0" to its systemd unit."""
    scheme = runtime_version.split("://", 1)[0] if "://" in runtime_version else ""
    return RUNTIME_SERVICES.get(scheme, scheme)


def kubelet_finding(nodes: Sequence[Obj], service_state: Optional[str]) -> Finding:
    """Build the kubelet's row from the nodes and systemd, because it runs as no pod."""
    if not nodes:
        return Finding(
            "kubelet", "systemd service on each node", "no node found", False
        )
    parts = [
        f"node {n['metadata']['name']} "
        f"{'Ready' if node_ready(n) else 'NotReady'}, "
        f"kubeletVersion {node_info(n).get('kubeletVersion') or '?'}"
        for n in nodes
    ]
    parts.append(f"systemctl is-active kubelet: {service_state or '?'}")
    ok = all(node_ready(n) for n in nodes) and service_state == "active"
    return Finding("kubelet", _on_nodes("systemd service", nodes), "; ".join(parts), ok)


def runtime_finding(
    nodes: Sequence[Obj], service: str, service_state: Optional[str]
) -> Finding:
    versions = sorted(
        {node_info(n).get("containerRuntimeVersion") or "?" for n in nodes}
    )
    if not nodes:
        versions = ["no node found"]
    evidence = f"containerRuntimeVersion {', '.join(versions)}"
    evidence += f"; systemctl is-active {service or '?'}: {service_state or '?'}"
    ok = bool(nodes) and "?" not in versions and service_state == "active"
    where = _on_nodes(f"systemd service {service or '?'}", nodes)
    return Finding("Container runtime", where, evidence, ok)


def _on_nodes(what: str, nodes: Sequence[Obj]) -> str:
    names = [n["metadata"]["name"] for n in nodes]
    if len(names) == 1:
        return f"{what} on node {names[0]}"
    return f"{what} on each node"


def parse_health(text: str) -> Tuple[Dict[str, bool], bool]:
    """Parse ``/readyz?verbose`` output: each "[+]name ok" line and the verdict line."""
    checks: Dict[str, bool] = {}
    for line in text.splitlines():
        match = re.match(r"\s*\[([+-])\](\S+)", line)
        if match:
            checks[match.group(2)] = match.group(1) == "+"
    return checks, "check passed" in text


def etcd_checks_ok(checks: Dict[str, bool]) -> bool:
    """Return whether the API server lists an etcd check and every one passed."""
    etcd = [ok for name, ok in checks.items() if name.startswith("etcd")]
    return bool(etcd) and all(etcd)


def etcd_summary(checks: Dict[str, bool]) -> str:
    """Return the etcd checks as "etcd ok, etcd-readiness ok"."""
    parts = []
    for name, ok in checks.items():
        if name.startswith("etcd"):
            parts.append(f"{name} {'ok' if ok else 'failed'}")
    return ", ".join(parts)


def expected_findings() -> List[Finding]:
    """Return the map before anything is looked up, as plan mode prints it."""
    rows = [
        Finding(c.title, f"{c.expected} in kube-system", "-", False)
        for c in POD_COMPONENTS
    ]
    rows.append(Finding("kubelet", "systemd service on each node", "-", False))
    rows.append(
        Finding("Container runtime", "systemd service on each node", "-", False)
    )
    return rows
