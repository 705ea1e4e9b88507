"""The demos' own minikube profile: start it, build images inside its node, addons."""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence

from demos.console import Console
from demos.images import IMAGES
from demos.settings import Settings
from demos.shell import CommandError, Runner


def parse_image_ids(text: str) -> Dict[str, str]:
    """Map each tag of ``minikube image ls --format json`` to its image id.

    Tags are stored without the "docker.io/" or "docker.io/library/" prefix
    that some container runtimes add.
    """
    try:
        entries = json.loads(text or "[]")
    except ValueError:
        return {}
    ids: Dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else []:
        for tag in entry.get("repoTags") or []:
            for prefix in ("docker.io/library/", "docker.io/"):
                if tag.startswith(prefix):
                    tag = tag[len(prefix) :]
                    break
            ids[tag] = entry.get("id", "")
    return ids


def host_is_running(status_json: str) -> bool:
    """Return whether host, kubelet and API server run (`minikube status -o json`)."""
    try:
        status = json.loads(status_json)
    except ValueError:
        return False
    if isinstance(status, list):  # one entry per node in a multi-node profile
        status = status[0] if status else {}
    return all(status.get(key) == "Running" for key in ("Host", "Kubelet", "APIServer"))


class Minikube:
    def __init__(self, settings: Settings, runner: Runner, console: Console) -> None:
        self.settings = settings
        self.runner = runner
        self.console = console

    def argv(self, args: Sequence[str]) -> List[str]:
        return ["minikube", "-p", self.settings.profile] + list(args)

    def is_running(self) -> bool:
        if self.runner.plan:
            return False
        result = self.runner.run(
            self.argv(["status", "-o", "json"]), show=False, check=False, timeout_s=60
        )
        return host_is_running(result.stdout)

    def up(self) -> None:
        """Start the profile unless it already runs."""
        if self.is_running():
            self.console.note(
                f"minikube profile {self.settings.profile} is running, skipping start"
            )
            return
        s = self.settings
        self.runner.run(
            self.argv(
                [
                    "start",
                    f"--driver={s.driver}",
                    f"--cpus={s.cpus}",
                    f"--memory={s.memory_mb}",
                    f"--kubernetes-version={s.kubernetes_version}",
                ]
            ),
            timeout_s=900,
        )

    def down(self) -> None:
        self.runner.run(self.argv(["delete"]), timeout_s=300)

    def image_ids(self) -> Dict[str, str]:
        if self.runner.plan:
            return {}
        result = self.runner.run(
            self.argv(["image", "ls", "--format", "json"]), show=False, check=False
        )
        return parse_image_ids(result.stdout)

    def build(self, names: Sequence[str]) -> List[str]:
        """Build images inside the node; return the names whose image id changed.

        Building inside the node makes the image available to the kubelet
        without a registry. A changed id under the same tag matters because
        running pods keep the image they started with.
        """
        before = self.image_ids()
        for name in names:
            image = IMAGES[name]
            self.runner.run(
                self.argv(["image", "build", "-t", image.tag, image.context]),
                timeout_s=1200,
                echo_output=False,
            )
        after = self.image_ids()
        changed = []
        for name in names:
            tag = IMAGES[name].tag
            if tag in before and before[tag] != after.get(tag):
                changed.append(name)
        return changed

    def enable_addon(self, addon: str) -> None:
        self.runner.run(self.argv(["addons", "enable", addon]), timeout_s=600)

    def node_arch(self) -> Optional[str]:
        if self.runner.plan:
            return None
        try:
            result = self.runner.run(
                self.argv(["ssh", "--", "uname", "-m"]), show=False
            )
        except CommandError:
            return None
        return result.stdout.strip() or None
