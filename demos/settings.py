"""The knobs every demo shares, read from the environment the Makefile passes."""

from __future__ import annotations

import os
from typing import Mapping, Optional

# The Kubernetes version the demos' minikube profile runs and the manifests are
# validated against (tests/manifests read this constant).
KUBERNETES_VERSION = "v1.35.0"


class Settings:
    """Cluster and narration settings; each attribute mirrors one Make knob."""

    def __init__(self, env: Optional[Mapping[str, str]] = None) -> None:
        env = os.environ if env is None else env
        self.profile = env.get("PROFILE") or "k8s-demo"
        # minikube names the kubectl context after the profile.
        self.context = env.get("CONTEXT") or self.profile
        self.cpus = _positive_int(env, "CPUS", 2)
        self.memory_mb = _positive_int(env, "MEMORY", 4096)
        self.kubernetes_version = env.get("K8S_VERSION") or KUBERNETES_VERSION
        self.driver = env.get("DRIVER") or "docker"
        self.pause = env.get("PAUSE") or "auto"
        self.plan = _flag(env.get("PLAN"))
        self.out_dir = env.get("OUT_DIR") or "out"


def _flag(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(
            f"{name}={raw!r} is invalid: set it to a positive whole number"
        )
    return value
