"""The knobs every demo shares, read from the environment the Makefile passes."""

from __future__ import annotations

import os
import re
from typing import List, Mapping, Optional

# The Kubernetes version the demos' minikube profile runs and the manifests are
# validated against (tests/manifests read this constant).
KUBERNETES_VERSION = "v1.35.0"


# minikube refuses less memory than this for a profile (MB).
MIN_MEMORY_MB = 1800
# Pod Security admission, which the demos' namespaces rely on, is stable since 1.25.
MIN_KUBERNETES_MINOR = 25
PAUSE_VALUES = ("auto", "0", "1", "no", "yes", "false", "true", "off", "on")
# minikube profile names: letters, digits and dashes, starting with a letter or digit.
PROFILE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
VERSION_PATTERN = re.compile(r"^v1\.(\d+)\.\d+$")


class Settings:
    """Cluster and narration settings; each attribute mirrors one Make knob.

    Raises ValueError listing every invalid knob at once. An empty value
    counts as unset, because the Makefile passes every knob along.
    """

    def __init__(self, env: Optional[Mapping[str, str]] = None) -> None:
        env = os.environ if env is None else env
        errors: List[str] = []
        self.profile = env.get("PROFILE") or "k8s-demo"
        if not PROFILE_PATTERN.match(self.profile):
            errors.append(
                f"PROFILE={self.profile!r} is invalid: use letters, digits and dashes"
            )
        # minikube names the kubectl context after the profile.
        self.context = env.get("CONTEXT") or self.profile

        self.cpus = _positive_int(env, "CPUS", 2, 2, errors)
        self.memory_mb = _positive_int(env, "MEMORY", 4096, MIN_MEMORY_MB, errors)
        self.kubernetes_version = env.get("K8S_VERSION") or KUBERNETES_VERSION
        match = VERSION_PATTERN.match(self.kubernetes_version)
        if not match or int(match.group(1)) < MIN_KUBERNETES_MINOR:
            errors.append(
                f"K8S_VERSION={self.kubernetes_version!r} is invalid: give a full "
                f"version from v1.{MIN_KUBERNETES_MINOR}.0 on, such as "
                f"{KUBERNETES_VERSION}"
            )
        self.driver = env.get("DRIVER") or "docker"

        self.pause = (env.get("PAUSE") or "auto").strip().lower()
        if self.pause not in PAUSE_VALUES:
            errors.append(
                f"PAUSE={self.pause!r} is invalid: use auto (pause only with a "
                "terminal), 1 or 0"
            )
        self.plan = _flag(env.get("PLAN"))
        self.out_dir = env.get("OUT_DIR") or "out"

        if errors:
            raise ValueError("\n".join(errors))


def _flag(value: Optional[str]) -> bool:
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


def _positive_int(
    env: Mapping[str, str], name: str, default: int, minimum: int, errors: List[str]
) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < minimum:
        errors.append(
            f"{name}={raw!r} is invalid: set it to a whole number of at least {minimum}"
        )
        return default
    return value
