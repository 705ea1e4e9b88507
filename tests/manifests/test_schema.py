"""Strict schema validation of every demo manifest against the pinned Kubernetes."""

import kubernetes_validate
import pytest

from demos.settings import KUBERNETES_VERSION
from tests.support.manifests import demo_dirs, is_crd, load_all

VERSION = KUBERNETES_VERSION.lstrip("v")
MANIFESTS = [m for m in load_all() if not is_crd(m)]


def test_demo_folders_found():
    names = {p.name for p in demo_dirs()}
    assert "replicaset" in names


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.id)
def test_manifest_valid_strict(manifest):
    # Strict mode rejects fields the schema does not define, such as a typo.
    kubernetes_validate.validate(manifest.doc, VERSION, strict=True)


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.id)
def test_manifest_names_namespace(manifest):
    if manifest.kind in (
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "IngressClass",
    ):
        return
    assert manifest.namespace, (
        "set metadata.namespace so `kubectl apply -f` never uses the current one"
    )


def test_typo_rejected_by_strict_validation():
    doc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"selectr": {"a": "b"}, "ports": [{"port": 80}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, VERSION, strict=True)
