"""Cross-object checks and the team's workload standard, for every demo folder."""

import pytest

from demos.images import IMAGES
from tests.support.manifests import (
    containers,
    labels_match,
    load_all,
    pod_spec,
    pod_template,
    selector_matches,
    workloads,
)

ALL = load_all()
WORKLOADS = workloads(ALL)
SERVICES = [m for m in ALL if m.kind == "Service"]
OUR_IMAGES = {image.tag for image in IMAGES.values()}
OUR_REPOSITORIES = {tag.split(":")[0] for tag in OUR_IMAGES}
RECOMMENDED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
)
MIN_UID = 10000


def ids(manifest):
    return manifest.id


def all_containers():
    for workload in WORKLOADS:
        for container in containers(workload):
            yield pytest.param(
                workload, container, id=f"{workload.id}:{container['name']}"
            )


def test_workloads_found():
    assert WORKLOADS


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_selector_matches_template_labels(workload):
    selector = workload.doc["spec"].get("selector")
    if workload.kind == "Job" and not selector:
        return  # Kubernetes generates a Job's selector from its uid.
    labels = pod_template(workload)["metadata"]["labels"]
    assert selector_matches(selector, labels)


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_selector_matches_no_other_workload(workload):
    selector = workload.doc["spec"].get("selector")
    if not selector:
        return
    for other in WORKLOADS:
        if other is workload or other.namespace != workload.namespace:
            continue
        other_labels = pod_template(other)["metadata"]["labels"]
        assert not selector_matches(selector, other_labels), f"also selects {other.id}"


@pytest.mark.parametrize(
    "service", [s for s in SERVICES if s.doc["spec"].get("selector")], ids=ids
)
def test_service_selects_workload_ports(service):
    selected = [
        w
        for w in WORKLOADS
        if w.namespace == service.namespace
        and labels_match(
            service.doc["spec"]["selector"], pod_template(w)["metadata"]["labels"]
        )
    ]
    assert selected, "the selector matches no workload's pods"
    for workload in selected:
        ports = [p for c in containers(workload) for p in c.get("ports", [])]
        names = {p.get("name") for p in ports}
        numbers = {p["containerPort"] for p in ports}
        for port in service.doc["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            known = names if isinstance(target, str) else numbers
            assert target in known, (
                f"targetPort {target!r} is not a port of {workload.id}"
            )


@pytest.mark.parametrize("workload,container", list(all_containers()))
def test_our_images_fixed_tag_if_not_present(workload, container):
    image = container["image"]
    repository = image.rsplit(":", 1)[0]
    if repository not in OUR_REPOSITORIES:
        assert ":" in image, f"{image}: pin a third-party tag"
        assert not image.endswith(":latest"), f"{image}: pin a tag other than latest"
        return
    assert image in OUR_IMAGES, f"{image} is not one of the tags in demos/images.py"
    assert container.get("imagePullPolicy") == "IfNotPresent"


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_pod_security_restricted(workload):
    spec = pod_spec(workload)
    pod_sc = spec.get("securityContext", {})
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        assert not spec.get(key), key
    assert not [v for v in spec.get("volumes", []) if "hostPath" in v], (
        "hostPath volume"
    )
    for container in containers(workload):
        sc = container.get("securityContext", {})
        name = container["name"]
        assert sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True, name
        uid = sc.get("runAsUser", pod_sc.get("runAsUser"))
        assert isinstance(uid, int) and uid >= MIN_UID, f"{name}: runAsUser {uid}"
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {}))
        assert seccomp.get("type") == "RuntimeDefault", name
        assert sc.get("allowPrivilegeEscalation") is False, name
        assert "ALL" in sc.get("capabilities", {}).get("drop", []), name
        assert not sc.get("capabilities", {}).get("add"), name
        assert not sc.get("privileged"), name
        assert sc.get("readOnlyRootFilesystem") is True, name
        assert not [p for p in container.get("ports", []) if "hostPort" in p], name


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_no_service_account_token(workload):
    assert pod_spec(workload).get("automountServiceAccountToken") is False


@pytest.mark.parametrize("workload,container", list(all_containers()))
def test_requests_and_limits(workload, container):
    resources = container.get("resources", {})
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            assert resources.get(kind, {}).get(resource), f"{kind}.{resource}"


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_separate_probes(workload):
    if workload.kind == "Job":
        return  # A Job's pod runs to completion; nothing routes traffic to it.
    for container in pod_spec(workload)["containers"]:
        liveness = container.get("livenessProbe")
        readiness = container.get("readinessProbe")
        assert liveness, f"{container['name']}: no livenessProbe"
        assert readiness, f"{container['name']}: no readinessProbe"
        assert liveness != readiness, f"{container['name']}: identical probes"


@pytest.mark.parametrize("workload", WORKLOADS, ids=ids)
def test_writable_paths_are_volumes(workload):
    volumes = {v["name"] for v in pod_spec(workload).get("volumes", [])}
    claims = {
        t["metadata"]["name"]
        for t in workload.doc["spec"].get("volumeClaimTemplates", [])
    }
    for container in containers(workload):
        for mount in container.get("volumeMounts", []):
            assert mount["name"] in volumes | claims, mount["name"]


@pytest.mark.parametrize("manifest", ALL, ids=ids)
def test_recommended_labels(manifest):
    labels = manifest.doc.get("metadata", {}).get("labels", {})
    assert labels.get("app.kubernetes.io/part-of") == "k8s-demo"
    assert labels.get("app.kubernetes.io/name")
    if manifest.kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        template_labels = pod_template(manifest)["metadata"]["labels"]
        for key in RECOMMENDED_LABELS:
            assert labels.get(key), f"metadata.labels[{key}]"
            assert template_labels.get(key), f"template labels[{key}]"


@pytest.mark.parametrize(
    "namespace", [m for m in ALL if m.kind == "Namespace"], ids=ids
)
def test_namespace_enforces_restricted(namespace):
    labels = namespace.doc["metadata"].get("labels", {})
    assert labels.get("pod-security.kubernetes.io/enforce") == "restricted"


@pytest.mark.parametrize(
    "hpa", [m for m in ALL if m.kind == "HorizontalPodAutoscaler"], ids=ids
)
def test_hpa_target_has_cpu_requests_and_no_replicas(hpa):
    ref = hpa.doc["spec"]["scaleTargetRef"]
    targets = [
        w
        for w in WORKLOADS
        if w.kind == ref["kind"]
        and w.name == ref["name"]
        and w.namespace == hpa.namespace
    ]
    assert len(targets) == 1, f"scaleTargetRef {ref['kind']}/{ref['name']} not found"
    target = targets[0]
    # Without a CPU request the HPA's utilization is undefined and shows <unknown>.
    for container in pod_spec(target)["containers"]:
        assert container.get("resources", {}).get("requests", {}).get("cpu"), container[
            "name"
        ]
    assert "replicas" not in target.doc["spec"], "the HPA owns the replica count"
