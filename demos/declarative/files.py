"""The declarative demo's working copy of its folder, and reading kubectl's output."""

from __future__ import annotations

import os
import re
import shutil
from typing import Dict, List

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# spec.replicas of a Deployment, the only "replicas:" key indented by two spaces.
REPLICAS_LINE = re.compile(r"^(  replicas: *)(\d+)[ \t]*$", re.MULTILINE)


def make_working_copy(source: str, target: str) -> List[str]:
    """Replace ``target`` with a copy of the manifests in ``source``.

    Returns the copied file names. Raises ValueError when ``target`` is
    ``source``, contains it or sits inside it (OUT_DIR=. would do that).
    """
    source_real = os.path.realpath(source)
    target_real = os.path.realpath(target)
    nested = source_real.startswith(target_real + os.sep) or target_real.startswith(
        source_real + os.sep
    )
    if source_real == target_real or nested:
        raise ValueError(
            f"the working copy {target} would overwrite or sit inside {source}: "
            "set OUT_DIR to a folder outside the demo folders, such as out"
        )
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(target)
    names = sorted(n for n in os.listdir(source) if n.endswith(MANIFEST_SUFFIXES))
    for name in names:
        shutil.copyfile(os.path.join(source, name), os.path.join(target, name))
    return names


def set_replicas(text: str, replicas: int) -> str:
    """Return ``text`` with its Deployment's spec.replicas set to ``replicas``."""
    found = REPLICAS_LINE.findall(text)
    if len(found) != 1:
        raise ValueError(
            "expected one 'replicas:' line indented by two spaces, found "
            f"{len(found)}: keep spec.replicas in the demo folder's Deployment file"
        )
    return REPLICAS_LINE.sub(lambda m: f"{m.group(1)}{replicas}", text)


def edit_replicas(path: str, replicas: int) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(set_replicas(text, replicas))


def apply_actions(stdout: str) -> Dict[str, str]:
    """Map each object of ``kubectl apply`` output to its action.

    A line reads "deployment.apps/web configured". The action is created,
    configured, unchanged or pruned.
    """
    actions = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and "/" in parts[0]:
            actions[parts[0]] = parts[1]
    return actions


def summarize_actions(actions: Dict[str, str]) -> str:
    counts: Dict[str, int] = {}
    for action in actions.values():
        counts[action] = counts.get(action, 0) + 1
    return ", ".join(f"{count} {action}" for action, count in sorted(counts.items()))


def all_unchanged(stdout: str) -> bool:
    actions = apply_actions(stdout)
    return bool(actions) and set(actions.values()) == {"unchanged"}


def already_exists(output: str) -> bool:
    """Return whether ``kubectl create`` failed because the objects exist."""
    return "AlreadyExists" in output


def diff_sets_replicas(diff: str, replicas: int) -> bool:
    """Return whether a ``kubectl diff`` output sets replicas to ``replicas``."""
    return bool(re.search(rf"^\+\s+replicas: {replicas}\s*$", diff, re.MULTILINE))
