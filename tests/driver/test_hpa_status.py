"""Parsing of the HPA, Job, APIService and top output the demo reads."""

from __future__ import annotations

from demos.hpa.status import (
    JOB_COMPLETE,
    JOB_FAILED,
    JOB_MISSING,
    JOB_RUNNING,
    HpaStatus,
    apiservice_available,
    job_state,
    parse_hpa,
    parse_summary,
    top_lists_pod,
)

HPA_SPEC = {
    "minReplicas": 1,
    "maxReplicas": 5,
    "metrics": [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50},
            },
        }
    ],
}


def test_parse_hpa_with_reading():
    hpa = {
        "spec": HPA_SPEC,
        "status": {
            "currentReplicas": 1,
            "desiredReplicas": 4,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {"averageUtilization": 168, "averageValue": "168m"},
                    },
                }
            ],
        },
    }
    assert parse_hpa(hpa) == HpaStatus(1, 4, 168, 50, 1, 5)


def test_parse_hpa_unknown_metric():
    # Before metrics-server has a reading the status has no currentMetrics.
    hpa = {"spec": HPA_SPEC, "status": {"currentReplicas": 1, "desiredReplicas": 1}}
    assert parse_hpa(hpa).cpu_percent is None


def test_parse_hpa_metric_without_resource():
    hpa = {"spec": HPA_SPEC, "status": {"currentMetrics": [{"type": ""}]}}
    assert parse_hpa(hpa).cpu_percent is None


def test_parse_hpa_fresh_object():
    assert parse_hpa({"spec": HPA_SPEC}) == HpaStatus(0, 0, None, 50, 1, 5)


def condition(kind, status="True"):
    return {"status": {"conditions": [{"type": kind, "status": status}]}}


def test_job_states():
    assert job_state(None) == JOB_MISSING
    assert job_state({"status": {"active": 1}}) == JOB_RUNNING
    assert job_state(condition("Complete")) == JOB_COMPLETE
    assert job_state(condition("Failed")) == JOB_FAILED
    assert job_state(condition("Failed", "False")) == JOB_RUNNING


def test_apiservice_available():
    available = {"status": {"conditions": [{"type": "Available", "status": "True"}]}}
    assert apiservice_available(available) == (True, "")


def test_apiservice_not_available_reason():
    data = {
        "status": {
            "conditions": [
                {
                    "type": "Available",
                    "status": "False",
                    "reason": "MissingEndpoints",
                    "message": "endpoints for service/metrics-server have no addresses",
                }
            ]
        }
    }
    available, reason = apiservice_available(data)
    assert not available
    assert "no addresses" in reason


def test_apiservice_without_conditions():
    assert apiservice_available({})[0] is False


def test_top_lists_web_pod():
    output = "web-5d8f7c9b4-x2k4p   12m   38Mi\n"
    assert top_lists_pod(output, "web")
    assert not top_lists_pod(output, "api")
    assert not top_lists_pod("webhook-1   1m   5Mi\n", "web")


def test_parse_summary_takes_last():
    log = (
        'x summary: {"requests": 1}\n'
        "noise\n"
        '[t] loadgen/INFO/locustfile: summary: {"requests": 2, "pods": {}}\n'
        "Shutting down (exit code 0)\n"
    )
    assert parse_summary(log) == {"requests": 2, "pods": {}}


def test_parse_summary_absent_or_broken():
    assert parse_summary("locust output without it") is None
    assert parse_summary("summary: {broken") is None
