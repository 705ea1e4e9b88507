"""The real-cluster tier: runs the demos against a live cluster (`make e2e`).

By default it uses the demos' own minikube profile context (PROFILE, default
k8s-demo); set E2E_CONTEXT to run against another context on purpose.
"""

import json
import os
import shutil
import subprocess

import pytest

from demos.settings import Settings


def cluster_unreachable_reason(context: str):
    if not shutil.which("kubectl"):
        return "kubectl not found on PATH, so no cluster is reachable"
    try:
        result = subprocess.run(
            ["kubectl", "--context", context, "version", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        return f"kubectl context {context!r} did not answer within 20 s"
    try:
        reachable = "serverVersion" in json.loads(result.stdout or "{}")
    except ValueError:
        reachable = False
    if not reachable:
        detail = (result.stderr.strip().splitlines() or ["no server version"])[-1]
        return f"no cluster reachable through kubectl context {context!r}: {detail}"
    return None


@pytest.fixture(scope="session")
def cluster():
    env = dict(os.environ)
    env["PAUSE"] = "0"
    env.pop("PLAN", None)
    if env.get("E2E_CONTEXT"):
        env["CONTEXT"] = env["E2E_CONTEXT"]
    settings = Settings(env)
    reason = cluster_unreachable_reason(settings.context)
    if reason:
        # No cluster can exist on the CI machines, so this tier skips there too.
        pytest.skip(f"{reason}; start one with `make up`")
    return settings
