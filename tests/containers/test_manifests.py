"""The user, port and command of each manifest container exist in its image."""

from __future__ import annotations

import pytest

from demos.images import IMAGES
from tests.containers.manifest_containers import (
    ManifestContainer,
    effective_argv,
    find_manifest_containers,
)
from tests.support.docker import inspect_image, run_docker

# Cold image builds run inside the first test that needs each image.
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]

# Runs inside the image with a manifest argv (the command or an exec probe). The
# program must resolve on PATH or exist as a path, `python -m MODULE` must find the
# module, `arq PATH` must import the settings object, and `locust -f FILE` must find
# the locustfile.
ARGV_CHECK = """
import importlib, importlib.util, os, shutil, sys
argv = sys.argv[1:]
program = argv[0]
path = program if os.sep in program else shutil.which(program)
if not path or not os.access(path, os.X_OK):
    sys.exit(f"{program} is not an executable on PATH={os.environ.get('PATH')}")
name = os.path.basename(program)
if name.startswith("python") and "-m" in argv:
    module = argv[argv.index("-m") + 1]
    if importlib.util.find_spec(module) is None:
        sys.exit(f"module {module} not found by {path}")
if name == "arq" and len(argv) > 1:
    module, _, attribute = argv[-1].rpartition(".")
    getattr(importlib.import_module(module), attribute)
for flag in ("-f", "--locustfile"):
    if name == "locust" and flag in argv:
        locustfile = argv[argv.index(flag) + 1]
        if not os.path.exists(locustfile):
            sys.exit(f"locustfile {locustfile} not found in {os.getcwd()}")
print("ok")
"""
MANIFEST_CONTAINERS = find_manifest_containers()


def image_for(spec: ManifestContainer, request: pytest.FixtureRequest) -> dict:
    name = spec.app_name
    assert name is not None, f"no folder in apps/ builds {spec.container['image']}"
    assert spec.container["image"] == IMAGES[name].tag
    tag = request.getfixturevalue(f"{name}_image")
    return inspect_image(tag)


def literal_env(container: dict) -> dict[str, str]:
    return {
        item["name"]: str(item["value"])
        for item in container.get("env", [])
        if "value" in item
    }


PROBE_KINDS = ("startupProbe", "livenessProbe", "readinessProbe")


def exec_probes(container: dict) -> dict[str, list[str]]:
    return {
        kind: container[kind]["exec"]["command"]
        for kind in PROBE_KINDS
        if "exec" in (container.get(kind) or {})
    }


def containers_param(specs: list[ManifestContainer]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("spec", specs, ids=lambda spec: spec.test_id)


@containers_param(MANIFEST_CONTAINERS)
def test_manifest_user_matches_image(spec: ManifestContainer, request) -> None:
    image_user = image_for(spec, request)["Config"].get("User", "")
    uid, _, gid = image_user.partition(":")
    assert uid.isdigit(), f"image USER {image_user!r}"
    assert int(uid) != 0, f"image USER {image_user!r}"
    run_as_user = spec.security("runAsUser")
    if run_as_user is not None:
        assert run_as_user == int(uid)
    run_as_group = spec.security("runAsGroup")
    if run_as_group is not None and gid:
        assert run_as_group == int(gid)


@containers_param(MANIFEST_CONTAINERS)
def test_manifest_ports_match_image(spec: ManifestContainer, request) -> None:
    exposed = set(image_for(spec, request)["Config"].get("ExposedPorts") or {})
    env_port = literal_env(spec.container).get("PORT")
    for port in spec.container.get("ports", []):
        number = port["containerPort"]
        protocol = port.get("protocol", "TCP").lower()
        if env_port is not None:
            assert number == int(env_port), f"PORT={env_port} in the manifest env"
        else:
            assert f"{number}/{protocol}" in exposed


def run_argv_check(image_id: str, argv: list[str], spec: ManifestContainer) -> str:
    """Run ARGV_CHECK for ``argv`` in the image as the manifest runs it.

    Returns an empty string when the check passes, else the check's output.
    """
    options = ["--rm", "--network", "none", "--read-only", "--tmpfs", "/tmp"]
    run_as_user = spec.security("runAsUser")
    if run_as_user is not None:
        options += ["--user", str(run_as_user)]
    if "workingDir" in spec.container:
        options += ["--workdir", spec.container["workingDir"]]
    for name, value in literal_env(spec.container).items():
        options += ["--env", f"{name}={value}"]
    done = run_docker(
        "run", *options, "--entrypoint", "python", image_id,
        "-c", ARGV_CHECK, *argv,
        check=False,
    )  # fmt: skip
    return "" if done.returncode == 0 else done.stdout + done.stderr


@containers_param(MANIFEST_CONTAINERS)
def test_manifest_command_resolves(spec: ManifestContainer, request) -> None:
    image = image_for(spec, request)
    argv = effective_argv(spec.container, image["Config"])
    assert argv, "neither the manifest nor the image sets a command"
    assert run_argv_check(image["Id"], argv, spec) == "", f"argv {argv}"


@containers_param([spec for spec in MANIFEST_CONTAINERS if exec_probes(spec.container)])
def test_manifest_exec_probes_resolve(spec: ManifestContainer, request) -> None:
    probes = exec_probes(spec.container)
    image = image_for(spec, request)
    for kind, argv in probes.items():
        assert run_argv_check(image["Id"], argv, spec) == "", f"{kind} {argv}"
