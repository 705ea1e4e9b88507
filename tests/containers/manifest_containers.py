"""Find the containers that the demo manifests run from our own images."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from demos.images import IMAGES

ROOT = Path(__file__).resolve().parents[2]
IMAGE_PREFIX = "k8s-demo/"
# Top-level folders that hold no demo manifests (tests keep deliberately broken ones).
NOT_DEMO_FOLDERS = {"apps", "build", "node_modules", "out", "tests"}


@dataclass(frozen=True)
class ManifestContainer:
    """One container of a pod template, with the pod-level securityContext."""

    path: str
    object_name: str
    container: dict
    pod_security: dict

    @property
    def test_id(self) -> str:
        return f"{self.path}:{self.object_name}:{self.container.get('name')}"

    @property
    def app_name(self) -> str | None:
        """Return the apps/ folder whose image has the manifest image's repository."""
        repository = self.container["image"].rsplit(":", 1)[0]
        for name, image in IMAGES.items():
            if image.tag.rsplit(":", 1)[0] == repository:
                return name
        return None

    def security(self, field_name: str) -> object:
        """Return a securityContext field: the container's wins over the pod's."""
        container_security = self.container.get("securityContext") or {}
        if field_name in container_security:
            return container_security[field_name]
        return self.pod_security.get(field_name)


def demo_manifest_files(root: Path = ROOT) -> list[Path]:
    files = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        if folder.name in NOT_DEMO_FOLDERS or folder.name.endswith(".egg-info"):
            continue
        files += sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml"))
    return files


def _pod_specs(node: object, owner: str) -> Iterator[tuple[str, dict]]:
    """Yield (owner name, pod spec) for every dict with a ``containers`` list."""
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            yield owner, node
        name = (node.get("metadata") or {}).get("name") if "kind" in node else None
        for value in node.values():
            yield from _pod_specs(value, f"{node['kind']}/{name}" if name else owner)
    elif isinstance(node, list):
        for value in node:
            yield from _pod_specs(value, owner)


def find_manifest_containers(root: Path = ROOT) -> list[ManifestContainer]:
    """Return every container whose image is one of ours, in file order."""
    found = []
    for path in demo_manifest_files(root):
        relative = str(path.relative_to(root))
        for document in yaml.safe_load_all(path.read_text()):
            for owner, pod_spec in _pod_specs(document, "?"):
                containers = pod_spec.get("initContainers", []) + pod_spec["containers"]
                for container in containers:
                    if str(container.get("image", "")).startswith(IMAGE_PREFIX):
                        found.append(
                            ManifestContainer(
                                path=relative,
                                object_name=owner,
                                container=container,
                                pod_security=pod_spec.get("securityContext") or {},
                            )
                        )
    return found


def effective_argv(container: dict, image_config: dict) -> list[str]:
    """Return the argv Kubernetes runs: ``command`` replaces the image ENTRYPOINT and
    drops its CMD; ``args`` replaces the CMD."""
    entrypoint = image_config.get("Entrypoint") or []
    cmd = image_config.get("Cmd") or []
    if "command" in container:
        return list(container["command"]) + list(container.get("args", []))
    if "args" in container:
        return list(entrypoint) + list(container["args"])
    return list(entrypoint) + list(cmd)
