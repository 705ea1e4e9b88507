"""declarative/: what the pruning and the replica edits of its demo rely on."""

import pytest

from demos.declarative import steps as declarative_steps
from demos.declarative.files import set_replicas
from tests.support.manifests import ROOT, Manifest, load_all

FOLDER = ROOT / "declarative"
MANIFESTS = [m for m in load_all() if m.path.parent == FOLDER]
LABEL_KEY, LABEL_VALUE = declarative_steps.PRUNE_LABEL.split("=")


def allowlist_entry(manifest: Manifest) -> str:
    """Return the group/version/Kind form that --prune-allowlist takes."""
    api_version = manifest.doc["apiVersion"]
    group, version = (
        api_version.split("/") if "/" in api_version else ("core", api_version)
    )
    return f"{group}/{version}/{manifest.kind}"


def test_folder_has_each_kind():
    kinds = sorted(m.kind for m in MANIFESTS)
    assert kinds == ["ConfigMap", "Deployment", "Namespace", "Service"]


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.id)
def test_object_carries_prune_label(manifest):
    # With -l, kubectl apply skips objects in the files that lack the label.
    labels = manifest.doc["metadata"].get("labels", {})
    assert labels.get(LABEL_KEY) == LABEL_VALUE


@pytest.mark.parametrize(
    "manifest", [m for m in MANIFESTS if m.kind != "Namespace"], ids=lambda m: m.id
)
def test_kind_in_prune_allowlist(manifest):
    assert allowlist_entry(manifest) in declarative_steps.PRUNE_ALLOWLIST


def test_allowlist_leaves_out_namespaces():
    assert not [
        e for e in declarative_steps.PRUNE_ALLOWLIST if e.endswith("/Namespace")
    ]


def test_namespace_matches_driver():
    namespaces = [m for m in MANIFESTS if m.kind == "Namespace"]
    assert [m.name for m in namespaces] == [declarative_steps.NAMESPACE]
    assert namespaces[0].path.name.startswith("00-")
    for manifest in MANIFESTS:
        if manifest.kind != "Namespace":
            assert manifest.namespace == declarative_steps.NAMESPACE, manifest.id


def test_deployment_file_and_replicas_match_driver():
    deployments = [m for m in MANIFESTS if m.kind == "Deployment"]
    assert len(deployments) == 1
    deployment = deployments[0]
    assert deployment.path.name == declarative_steps.DEPLOYMENT_FILE
    assert deployment.doc["spec"]["replicas"] == declarative_steps.REPLICAS
    text = deployment.path.read_text(encoding="utf-8")
    assert f"  replicas: {declarative_steps.EDITED_REPLICAS}" in set_replicas(
        text, declarative_steps.EDITED_REPLICAS
    )


def test_selector_matches_deployment_pods():
    deployment = next(m for m in MANIFESTS if m.kind == "Deployment")
    labels = deployment.doc["spec"]["template"]["metadata"]["labels"]
    for pair in declarative_steps.SELECTOR.split(","):
        key, value = pair.split("=")
        assert labels.get(key) == value


def test_pruned_file_holds_only_pruned_object():
    pruned = [m for m in MANIFESTS if m.path.name == declarative_steps.PRUNED_FILE]
    assert len(pruned) == 1
    kind, name = declarative_steps.PRUNED_OBJECT.split("/")
    assert pruned[0].kind.lower() == kind
    assert pruned[0].name == name


def test_deployment_config_keys_exist():
    config_maps = {
        m.name: m.doc.get("data", {}) for m in MANIFESTS if m.kind == "ConfigMap"
    }
    deployment = next(m for m in MANIFESTS if m.kind == "Deployment")
    refs = [
        env["valueFrom"]["configMapKeyRef"]
        for container in deployment.doc["spec"]["template"]["spec"]["containers"]
        for env in container.get("env", [])
        if "configMapKeyRef" in env.get("valueFrom", {})
    ]
    assert refs
    for ref in refs:
        assert ref["key"] in config_maps.get(ref["name"], {}), ref
