"""The images built from apps/, with the fixed tags the manifests name."""

from __future__ import annotations

from typing import Dict, NamedTuple


class Image(NamedTuple):
    tag: str
    context: str


IMAGES: Dict[str, Image] = {
    "web": Image("k8s-demo/web:0.1.0", "apps/web"),
    "api": Image("k8s-demo/api:0.1.0", "apps/api"),
    "worker": Image("k8s-demo/worker:0.1.0", "apps/worker"),
    "loadgen": Image("k8s-demo/loadgen:0.1.0", "apps/loadgen"),
}
