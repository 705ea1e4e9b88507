"""Provide the Python base image that the app Dockerfiles build on.

The Dockerfiles take ``ARG PYTHON_IMAGE`` (default ``python:3.12-slim``). Where that
image is neither present nor pullable, this module builds a stand-in: a Debian
``debootstrap --variant=minbase`` root filesystem with ``python3``, ``python3-venv``
and a ``python`` link, imported into the engine. Either base then gets a thin layer
with the host's CA bundle and pip index settings, so that ``pip install`` inside
``docker build --network host`` reaches the same package index as pip on the host.
The mirror and index are read from the machine at run time and never stored here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import docker, host_config
from tests.support.tools import require, require_tool

logger = logging.getLogger(__name__)

OFFICIAL_IMAGE = "python:3.12-slim"
STAND_IN_REPOSITORY = "k8s-demo-test/debian-python"
BASE_REPOSITORY = "k8s-demo-test/python-base"
STAND_IN_PACKAGES = ("python3", "python3-venv")
INPUTS_LABEL = "k8s-demo-test.inputs-sha256"
# Bump when the stand-in recipe below changes, so cached stand-ins are rebuilt.
RECIPE_VERSION = "1"
PULL_TIMEOUT_S = 60
DEBOOTSTRAP_TIMEOUT_S = 900
CA_PATH_IN_IMAGE = "/etc/ssl/certs/ca-certificates.crt"


@dataclass(frozen=True)
class BaseImage:
    tag: str
    origin: str
    description: str


def provide_python_base() -> BaseImage:
    """Return a base image for ``PYTHON_IMAGE``: the official one or a stand-in."""
    origin_tag, description = _find_official_image()
    if origin_tag is None:
        origin_tag, description = _provide_stand_in()
    tag = _add_pip_settings_layer(origin_tag)
    return BaseImage(tag=tag, origin=origin_tag, description=description)


def _find_official_image() -> tuple[str | None, str]:
    # NOTE: the machines that run CI reach no registry, so they always take the
    # stand-in. The official-image branches have not run there.
    if docker.image_exists(OFFICIAL_IMAGE):
        return OFFICIAL_IMAGE, f"official {OFFICIAL_IMAGE} (present locally)"
    try:
        pulled = docker.run_docker(
            "pull", OFFICIAL_IMAGE, timeout_s=PULL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        logger.info("pull of %s timed out after %d s", OFFICIAL_IMAGE, PULL_TIMEOUT_S)
        return None, ""
    if pulled.returncode == 0:
        return OFFICIAL_IMAGE, f"official {OFFICIAL_IMAGE} (pulled)"
    logger.info("pull of %s failed: %s", OFFICIAL_IMAGE, pulled.stderr.strip())
    return None, ""


def _provide_stand_in() -> tuple[str, str]:
    mirror = host_config.read_apt_mirror()
    require(
        mirror is not None,
        "no deb entry found in /etc/apt/sources.list or /etc/apt/sources.list.d/: "
        "the stand-in Python base needs a Debian mirror for debootstrap",
    )
    inputs = "\n".join(
        [RECIPE_VERSION, mirror.uri, mirror.suite, *STAND_IN_PACKAGES]
    ).encode()
    inputs_sha256 = hashlib.sha256(inputs).hexdigest()
    tag = f"{STAND_IN_REPOSITORY}:{mirror.suite}"
    description = (
        f"stand-in {tag}: debootstrap of Debian {mirror.suite} "
        f"with {', '.join(STAND_IN_PACKAGES)} (no registry image was reachable)"
    )
    if docker.image_label(tag, INPUTS_LABEL) == inputs_sha256:
        return tag, description + ", cached"
    _build_stand_in(tag, mirror, inputs_sha256)
    return tag, description + ", built now"


def _build_stand_in(
    tag: str, mirror: host_config.AptMirror, inputs_sha256: str
) -> None:
    debootstrap = require_tool("debootstrap", "install the Debian package debootstrap")
    require(os.geteuid() == 0, "debootstrap needs root to build the stand-in base")
    with tempfile.TemporaryDirectory(prefix="k8s-demo-rootfs-") as work_dir:
        rootfs = Path(work_dir) / "rootfs"
        command = [
            debootstrap,
            "--variant=minbase",
            f"--include={','.join(STAND_IN_PACKAGES)}",
            mirror.suite,
            str(rootfs),
            mirror.uri,
        ]
        logger.info("building stand-in base: %s", " ".join(command))
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT_S
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"debootstrap of {mirror.suite} from {mirror.uri} failed "
                f"(exit {done.returncode}); last output:\n{done.stdout[-3000:]}"
                f"\n{done.stderr[-3000:]}"
            )
        _trim_rootfs(rootfs)
        (rootfs / "usr/local/bin/python").symlink_to("/usr/bin/python3")
        docker.import_rootfs(
            rootfs,
            tag,
            changes=[
                f"LABEL {INPUTS_LABEL}={inputs_sha256}",
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV LANG=C.UTF-8",
                'CMD ["python3"]',
            ],
        )


def _trim_rootfs(rootfs: Path) -> None:
    # The package cache and lists are only needed by apt, which the images do not
    # run; the official slim images drop them too.
    for relative in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for entry in (rootfs / relative).glob("*"):
            if entry.is_file():
                entry.unlink()
    for relative in ("usr/share/doc", "usr/share/man", "usr/share/locale"):
        shutil.rmtree(rootfs / relative, ignore_errors=True)


def _add_pip_settings_layer(origin_tag: str) -> str:
    """Build ``origin_tag`` plus the host CA bundle and pip index as environment."""
    pip_config = host_config.read_pip_config()
    settings = host_config.read_pip_settings(pip_config)
    ca_bundle = host_config.find_ca_bundle(pip_config)
    lines = [f"FROM {origin_tag}"]
    with tempfile.TemporaryDirectory(prefix="k8s-demo-base-") as context:
        if ca_bundle is not None:
            shutil.copyfile(ca_bundle, Path(context) / "ca-certificates.crt")
            lines.append(f"COPY ca-certificates.crt {CA_PATH_IN_IMAGE}")
            lines.append(f"ENV PIP_CERT={CA_PATH_IN_IMAGE}")
        # NOTE: an index URL with credentials ends up in the test images' environment.
        # The tier never pushes these images.
        for name, value in sorted(settings.items()):
            lines.append(f"ENV {name}={json.dumps(value)}")
        dockerfile = "\n".join(lines) + "\n"
        (Path(context) / "Dockerfile").write_text(dockerfile)
        digest = hashlib.sha256(docker.inspect_image(origin_tag)["Id"].encode())
        digest.update(dockerfile.encode())
        if ca_bundle is not None:
            digest.update(Path(ca_bundle).read_bytes())
        tag = f"{BASE_REPOSITORY}:{digest.hexdigest()[:12]}"
        if not docker.image_exists(tag):
            docker.build_image(Path(context), tag)
    return tag
