"""Settings that the IPC demo's manifests give the API and the worker, so that the
benchmark runs them as the demo deploys them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict

import yaml

from bench.layout import ROOT

logger = logging.getLogger(__name__)

API_MANIFEST = ROOT / "ipc" / "20-api-deployment.yaml"
WORKER_MANIFEST = ROOT / "ipc" / "30-worker-deployment.yaml"
# Addresses and names that only make sense inside the cluster; the benchmark sets
# its own.
LOCAL_NAMES = frozenset({"REDIS_URL", "HOST", "PORT", "POD_NAME"})


def literal_env(manifest: Path, container: str) -> Dict[str, str]:
    """Return the env entries with a literal ``value`` of ``container`` in the
    Deployment of ``manifest``, without LOCAL_NAMES; empty if the file is missing."""
    if not manifest.is_file():
        logger.warning(
            "%s not found: running %s with its defaults", manifest, container
        )
        return {}
    env: Dict[str, str] = {}
    for document in yaml.safe_load_all(manifest.read_text()):
        if not document or document.get("kind") != "Deployment":
            continue
        for spec in document["spec"]["template"]["spec"]["containers"]:
            if spec["name"] != container:
                continue
            for entry in spec.get("env", []):
                if "value" in entry and entry["name"] not in LOCAL_NAMES:
                    env[entry["name"]] = str(entry["value"])
    return env


def demo_api_env() -> Dict[str, str]:
    return literal_env(API_MANIFEST, "api")


def demo_worker_env() -> Dict[str, str]:
    return literal_env(WORKER_MANIFEST, "worker")
