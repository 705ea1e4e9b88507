"""Inputs the benchmark reads: the container tier's report and the demo manifests."""

import json
from pathlib import Path

from bench.images import read_images_section
from bench.manifests import literal_env

WORKER_MANIFEST = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: worker
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: worker
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: REDIS_URL
              value: redis://redis:6379/0
            - name: MAX_JOBS
              value: "1"
            - name: JOB_TIMEOUT_S
              value: 20
        - name: sidecar
          env:
            - name: MAX_JOBS
              value: "99"
"""


def test_read_images_missing_report(tmp_path: Path) -> None:
    section = read_images_section(tmp_path / "images.json")

    assert section.found is False
    assert section.problem is None


def test_read_images_sorts_by_tag(tmp_path: Path) -> None:
    path = tmp_path / "images.json"
    report = {
        "base_image": "python:3.12-slim",
        "base_size_mb": 120.5,
        "images": [
            {"tag": "k8s-demo/worker:0.1.0", "size_mb": 160, "build_s": 20.5},
            {"tag": "k8s-demo/api:0.1.0", "size_mb": 180.2, "build_s": 21},
        ],
    }
    path.write_text(json.dumps(report))

    section = read_images_section(path)

    assert section.found is True
    assert section.base_size_mb == 120.5
    assert [image["tag"] for image in section.images] == [
        "k8s-demo/api:0.1.0",
        "k8s-demo/worker:0.1.0",
    ]
    assert section.images[1]["size_mb"] == 160.0


def test_read_images_malformed_report_names_problem(tmp_path: Path) -> None:
    path = tmp_path / "images.json"
    path.write_text(json.dumps({"images": [{"tag": "x"}]}))

    section = read_images_section(path)

    assert section.found is False
    assert "is not a container tier report" in section.problem


def test_literal_env_keeps_demo_settings_only(tmp_path: Path) -> None:
    path = tmp_path / "worker.yaml"
    path.write_text(WORKER_MANIFEST)

    env = literal_env(path, "worker")

    assert env == {"MAX_JOBS": "1", "JOB_TIMEOUT_S": "20"}


def test_literal_env_missing_manifest_is_empty(tmp_path: Path) -> None:
    assert literal_env(tmp_path / "absent.yaml", "worker") == {}
