"""Load every manifest of the demo folders for the static checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Folders that hold code or tooling rather than demo manifests.
NOT_DEMOS = {"apps", "tests", "demos", "docs", "bench", "out"}
WORKLOAD_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}
# API groups of CRDs (Gateway API): kubernetes-validate has no schema for them,
# so their own tests validate them.
CRD_GROUPS = ("gateway.networking.k8s.io/",)


class Manifest(NamedTuple):
    path: Path
    index: int
    doc: Dict[str, Any]

    @property
    def kind(self) -> str:
        return self.doc.get("kind", "")

    @property
    def name(self) -> str:
        return self.doc.get("metadata", {}).get("name", "")

    @property
    def namespace(self) -> str:
        return self.doc.get("metadata", {}).get("namespace", "")

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.kind}/{self.name}"


def demo_dirs() -> List[Path]:
    return sorted(
        p
        for p in ROOT.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and p.name not in NOT_DEMOS
        and any(p.rglob("*.yaml"))
    )


def load_all() -> List[Manifest]:
    manifests = []
    for folder in demo_dirs():
        for path in sorted(folder.rglob("*.yaml")):
            with path.open(encoding="utf-8") as f:
                for index, doc in enumerate(yaml.safe_load_all(f)):
                    if doc:
                        manifests.append(Manifest(path, index, doc))
    return manifests


def is_crd(manifest: Manifest) -> bool:
    return manifest.doc.get("apiVersion", "").startswith(CRD_GROUPS)


def workloads(manifests: List[Manifest]) -> List[Manifest]:
    return [m for m in manifests if m.kind in WORKLOAD_KINDS]


def pod_template(manifest: Manifest) -> Dict[str, Any]:
    return manifest.doc["spec"]["template"]


def pod_spec(manifest: Manifest) -> Dict[str, Any]:
    return pod_template(manifest)["spec"]


def containers(manifest: Manifest) -> Iterator[Dict[str, Any]]:
    spec = pod_spec(manifest)
    yield from spec.get("initContainers", []) or []
    yield from spec.get("containers", []) or []


def labels_match(required: Dict[str, str], labels: Dict[str, str]) -> bool:
    """Apply a Service-style selector (a plain label map) to ``labels``."""
    return all(labels.get(key) == value for key, value in required.items())


def selector_matches(selector: Dict[str, Any], labels: Dict[str, str]) -> bool:
    """Apply a LabelSelector (matchLabels and matchExpressions) to ``labels``."""
    if not labels_match(selector.get("matchLabels") or {}, labels):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, operator = expr["key"], expr["operator"]
        values = expr.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True
