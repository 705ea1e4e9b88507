"""Checks specific to ipc/: one Redis on a volume, who may reach it, and the
timing settings that the demo's claims rely on."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from demos.ipc.burst_steps import SCALE_BODY
from demos.ipc.call_steps import SYNC_BODY
from demos.ipc.cluster import NAMESPACE, WORKERS
from demos.ipc.demo import DEMO, REDIS_IMAGE
from demos.ipc.redis_steps import PROBE_JOB
from demos.ipc.worker_faults import GRACEFUL_BODY, KILLED_BODY, LOCK_EXTRA_S
from tests.driver.ipc_fake_cluster import WORKER_GRACE_S
from tests.support.manifests import (
    ROOT,
    labels_match,
    load_all,
    pod_spec,
    pod_template,
    selector_matches,
)

IPC = [m for m in load_all() if m.path.is_relative_to(ROOT / "ipc")]
# Seconds between SIGTERM and SIGKILL when a Pod is deleted with --grace-period=1:
# the kubelet never gives a container less than this.
KUBELET_MIN_GRACE_S = 2


def find(kind: str, name: str):
    matches = [m for m in IPC if m.kind == kind and m.name == name]
    assert len(matches) == 1, (
        f"expected one {kind}/{name} in ipc/, found {len(matches)}"
    )
    return matches[0]


def container(manifest):
    return pod_spec(manifest)["containers"][0]


def env(manifest) -> dict:
    return {e["name"]: e.get("value") for e in container(manifest).get("env", [])}


def test_every_object_in_the_demo_namespace():
    for manifest in IPC:
        if manifest.kind != "Namespace":
            assert manifest.namespace == NAMESPACE, manifest.id


def test_redis_is_one_statefulset_replica():
    redis = [
        m for m in IPC if m.name == "redis" and m.kind in ("StatefulSet", "Deployment")
    ]
    assert [m.kind for m in redis] == ["StatefulSet"]
    assert redis[0].doc["spec"]["replicas"] == 1


def test_no_hpa_scales_redis():
    hpas = [m for m in load_all() if m.kind == "HorizontalPodAutoscaler"]
    assert not [h for h in hpas if h.namespace == NAMESPACE], "no HPA belongs in ipc/"
    for hpa in hpas:
        ref = hpa.doc["spec"]["scaleTargetRef"]
        assert (ref["kind"], ref["name"]) != ("StatefulSet", "redis"), hpa.id


def test_redis_image_pinned_and_prefetched():
    image = container(find("StatefulSet", "redis"))["image"]
    assert image == REDIS_IMAGE
    assert not image.endswith(":latest")
    assert REDIS_IMAGE in DEMO.pulled_images
    probe = container(find("Job", "redis-probe"))["image"]
    assert probe == REDIS_IMAGE, "the probe Job reuses the Redis image in the node"


def test_redis_user_set_by_manifest():
    spec = pod_spec(find("StatefulSet", "redis"))
    context = spec["securityContext"]
    # The official image's user is UID 999; the standard requires 10000 or more.
    assert context["runAsUser"] >= 10000
    assert context["runAsGroup"] >= 10000
    assert context["fsGroup"] == context["runAsGroup"]
    # Starting redis-server directly skips the entrypoint's root-only chown.
    assert container(find("StatefulSet", "redis"))["command"] == ["redis-server"]


def test_redis_append_only_file_on_claim():
    redis = find("StatefulSet", "redis")
    args = container(redis)["args"]
    pairs = dict(zip(args[::2], args[1::2]))
    assert pairs["--appendonly"] == "yes"
    assert pairs["--dir"] == "/data"
    assert pairs["--maxmemory-policy"] == "noeviction"
    claims = {t["metadata"]["name"] for t in redis.doc["spec"]["volumeClaimTemplates"]}
    mounts = {m["mountPath"]: m["name"] for m in container(redis)["volumeMounts"]}
    assert mounts["/data"] in claims


def test_redis_service_is_clusterip_on_6379():
    service = find("Service", "redis")
    redis = find("StatefulSet", "redis")
    assert service.doc["spec"]["type"] == "ClusterIP"
    assert labels_match(
        service.doc["spec"]["selector"], pod_template(redis)["metadata"]["labels"]
    )
    assert [p["port"] for p in service.doc["spec"]["ports"]] == [6379]


@pytest.mark.parametrize("name", ["api", "worker"])
def test_apps_reach_redis_through_its_service(name):
    url = urlsplit(env(find("Deployment", name))["REDIS_URL"])
    service = find("Service", "redis")
    assert url.hostname == service.name
    assert url.port == service.doc["spec"]["ports"][0]["port"]


def test_api_two_replicas_behind_nodeport():
    api = find("Deployment", "api")
    service = find("Service", "api")
    assert api.doc["spec"]["replicas"] == 2
    assert service.doc["spec"]["type"] == "NodePort"
    assert labels_match(
        service.doc["spec"]["selector"], pod_template(api)["metadata"]["labels"]
    )


def test_workers_two_replicas_one_job_each():
    worker = find("Deployment", "worker")
    assert worker.doc["spec"]["replicas"] == WORKERS == 2
    # The demo's throughput step assumes one job at a time per worker.
    assert env(worker)["MAX_JOBS"] == "1"


def test_worker_grace_period_covers_completion_wait():
    worker = find("Deployment", "worker")
    grace_s = pod_spec(worker)["terminationGracePeriodSeconds"]
    assert grace_s > float(env(worker)["JOB_COMPLETION_WAIT_S"])
    # The driver tests' stand-in kubelet kills a deleted worker after this long.
    assert grace_s == WORKER_GRACE_S


def test_job_timeout_above_max_work():
    job_timeout_s = float(env(find("Deployment", "worker"))["JOB_TIMEOUT_S"])
    assert job_timeout_s > float(env(find("Deployment", "api"))["MAX_WORK_S"])


def test_api_grace_period_covers_drain_and_shutdown():
    api = find("Deployment", "api")
    shutdown_s = float(env(api)["SHUTDOWN_DRAIN_S"]) + float(
        env(api)["SHUTDOWN_TIMEOUT_S"]
    )
    assert pod_spec(api)["terminationGracePeriodSeconds"] > shutdown_s


def test_demo_jobs_fit_the_settings():
    api, worker = env(find("Deployment", "api")), env(find("Deployment", "worker"))
    max_work_s = float(api["MAX_WORK_S"])
    for body in (SYNC_BODY, SCALE_BODY, GRACEFUL_BODY, KILLED_BODY):
        assert body["work_s"] <= max_work_s, body
    assert SYNC_BODY["work_s"] < float(api["RESULT_WAIT_S"])
    # The gracefully deleted worker must be allowed to finish its job ...
    assert GRACEFUL_BODY["work_s"] < float(worker["JOB_COMPLETION_WAIT_S"])
    # ... and the killed one must still be working when SIGKILL comes.
    assert KILLED_BODY["work_s"] > KUBELET_MIN_GRACE_S + 1
    # The demo's forecast of the redelivery reads JOB_TIMEOUT_S + LOCK_EXTRA_S.
    assert LOCK_EXTRA_S == 10


def test_networkpolicy_admits_only_api_and_workers():
    policy = find("NetworkPolicy", "redis").doc["spec"]
    redis = find("StatefulSet", "redis")
    assert selector_matches(
        policy["podSelector"], pod_template(redis)["metadata"]["labels"]
    )
    assert policy["policyTypes"] == ["Ingress"]
    [rule] = policy["ingress"]
    assert [p["port"] for p in rule["ports"]] == ["redis"]
    workloads = [m for m in IPC if m.kind in ("Deployment", "StatefulSet", "Job")]
    admitted = {
        w.name
        for w in workloads
        for peer in rule["from"]
        if selector_matches(peer["podSelector"], pod_template(w)["metadata"]["labels"])
    }
    assert admitted == {"api", "worker"}
    assert all(set(peer) == {"podSelector"} for peer in rule["from"])


def test_probe_job_not_applied_with_the_folder():
    # `kubectl apply -f ipc/` reads only the folder's own files, not subfolders.
    probe = find("Job", "redis-probe")
    assert probe.path.parent != ROOT / "ipc"
    assert probe.path == ROOT / PROBE_JOB


def test_files_numbered_namespace_first():
    names = sorted(p.name for p in (ROOT / "ipc").glob("*.yaml"))
    assert names[0] == "00-namespace.yaml"
    assert all(name[:2].isdigit() for name in names)
