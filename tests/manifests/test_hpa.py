"""The HPA demo's manifests: the HPA, its target, the sizing and the load Job."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from loadgen.__main__ import STOP_TIMEOUT_S
from loadgen.settings import Settings as LoadgenSettings

from demos.hpa import load as driver
from demos.hpa.formula import TOLERANCE
from demos.hpa.load import JOB_PATH, MAX_DURATION_S
from tests.support.manifests import ROOT, load_all, pod_spec, selector_matches

HPA_DIR = ROOT / "hpa"
MANIFESTS = [m for m in load_all() if HPA_DIR in m.path.parents]
# CPU requests of the pods minikube runs by itself, in millicores: etcd 100,
# kube-apiserver 250, kube-controller-manager 200, kube-scheduler 100, coredns
# 100 and metrics-server 100. NOTE: an estimate from minikube's static pod and
# addon manifests; `kubectl describe node` on a real profile shows the sum.
SYSTEM_CPU_REQUESTS_M = 850
NODE_CPU_M = 2000


def one(kind: str, name: str):
    found = [m for m in MANIFESTS if m.kind == kind and m.name == name]
    assert len(found) == 1, f"expected one {kind}/{name} in hpa/, found {len(found)}"
    return found[0]


def millicores(value: str) -> float:
    return float(value[:-1]) if value.endswith("m") else float(value) * 1000


HPA = one("HorizontalPodAutoscaler", "web")
DEPLOYMENT = one("Deployment", "web")
SERVICE = one("Service", "web")
JOB = one("Job", "loadgen")


def cpu_metric():
    metrics = HPA.doc["spec"]["metrics"]
    assert len(metrics) == 1
    return metrics[0]["resource"]


def job_env():
    container = pod_spec(JOB)["containers"][0]
    return {e["name"]: e["value"] for e in container["env"] if "value" in e}


def test_hpa_api_version():
    assert HPA.doc["apiVersion"] == "autoscaling/v2"


def test_hpa_scales_on_cpu_utilization():
    resource = cpu_metric()
    assert resource["name"] == "cpu"
    assert resource["target"]["type"] == "Utilization"


def test_hpa_targets_web_deployment():
    ref = HPA.doc["spec"]["scaleTargetRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == (
        "apps/v1",
        "Deployment",
        "web",
    )


def test_hpa_target_containers_request_cpu():
    for container in pod_spec(DEPLOYMENT)["containers"]:
        assert container.get("resources", {}).get("requests", {}).get("cpu"), container[
            "name"
        ]


def test_hpa_target_has_no_replicas():
    assert "replicas" not in DEPLOYMENT.doc["spec"]


def test_scale_down_window_shortened():
    behavior = HPA.doc["spec"]["behavior"]
    window = behavior["scaleDown"]["stabilizationWindowSeconds"]
    assert window < 300, "the default is 300 s; the demo must end in minutes"
    assert window == 60, "the driver's notes and the README say 60 s"


def test_driver_constants_match_manifests():
    spec = HPA.doc["spec"]
    assert spec["minReplicas"] == driver.MIN_REPLICAS
    assert spec["maxReplicas"] == driver.MAX_REPLICAS
    assert cpu_metric()["target"]["averageUtilization"] == driver.TARGET_PERCENT
    request = pod_spec(DEPLOYMENT)["containers"][0]["resources"]["requests"]["cpu"]
    assert millicores(request) == driver.CPU_REQUEST_M


def test_max_replicas_fit_two_cpu_node():
    web = pod_spec(DEPLOYMENT)["containers"][0]["resources"]["requests"]["cpu"]
    load = pod_spec(JOB)["containers"][0]["resources"]["requests"]["cpu"]
    total = HPA.doc["spec"]["maxReplicas"] * millicores(web) + millicores(load)
    assert total + SYSTEM_CPU_REQUESTS_M <= NODE_CPU_M


def test_default_load_exceeds_target_on_one_pod():
    env = job_env()
    offered_m = (
        int(env["LOAD_USERS"]) * float(env["LOAD_USER_RPS"]) * int(env["LOAD_CPU_MS"])
    )
    utilization = offered_m / driver.CPU_REQUEST_M * 100
    target = cpu_metric()["target"]["averageUtilization"]
    assert utilization / target > 1 + TOLERANCE
    # The formula's result stays within maxReplicas, so the demo shows it.
    assert math.ceil(utilization / target) <= HPA.doc["spec"]["maxReplicas"]


def test_job_env_valid_for_loadgen():
    LoadgenSettings(**job_env())


def test_job_targets_web_service():
    assert job_env()["TARGET_URL"] == f"http://{SERVICE.name}"
    assert [p["port"] for p in SERVICE.doc["spec"]["ports"]] == [80]


def test_job_duration_below_deadline():
    deadline_s = JOB.doc["spec"]["activeDeadlineSeconds"]
    assert deadline_s - 60 >= MAX_DURATION_S
    assert int(job_env()["LOAD_DURATION"]) <= MAX_DURATION_S


def test_job_grace_covers_stop_timeout():
    assert pod_spec(JOB)["terminationGracePeriodSeconds"] > STOP_TIMEOUT_S


def test_job_not_retried():
    assert JOB.doc["spec"]["backoffLimit"] == 0


def test_job_outside_applied_folder():
    # `kubectl apply -f hpa/` reads only files directly in hpa/ (no -R).
    assert JOB.path.parent == HPA_DIR / "load"
    assert Path(ROOT / JOB_PATH) == JOB.path
    top_level = [m for m in MANIFESTS if m.path.parent == HPA_DIR]
    assert "Job" not in {m.kind for m in top_level}


@pytest.mark.parametrize("selector_owner", [SERVICE, DEPLOYMENT], ids=lambda m: m.id)
def test_load_pods_match_no_selector(selector_owner):
    labels = JOB.doc["spec"]["template"]["metadata"]["labels"]
    spec = selector_owner.doc["spec"]
    selector = spec["selector"]
    if selector_owner.kind == "Service":
        selector = {"matchLabels": selector}
    assert not selector_matches(selector, labels)


def test_namespace_file_sorts_first():
    names = sorted(p.name for p in HPA_DIR.glob("*.yaml"))
    assert names[0] == "00-namespace.yaml"
    assert one("Namespace", "hpa-demo").path.name == "00-namespace.yaml"
