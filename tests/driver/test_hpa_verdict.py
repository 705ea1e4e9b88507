"""Rates from per-pod counters, idle pods, and the verdict over a timeline."""

from __future__ import annotations

import pytest

from demos.hpa.timeline import PHASE_COOLDOWN, PHASE_LOAD, Sample
from demos.hpa.traffic import PodTraffic, idle_pods
from demos.hpa.verdict import summarize


def sample(t, phase, current, desired, ready, cpu=50):
    return Sample(t, phase, current, desired, cpu, 50, 8.0, ready, ready)


def test_traffic_rate_from_deltas():
    traffic = PodTraffic({"web-a": 100.0})
    rate, serving = traffic.update(5.0, {"web-a": 140.0}, ["web-a"])
    assert rate == pytest.approx(8.0)
    assert serving == 1


def test_traffic_new_pod_counts_from_zero():
    traffic = PodTraffic({"web-a": 0.0})
    traffic.update(5.0, {"web-a": 40.0}, ["web-a"])
    rate, serving = traffic.update(10.0, {"web-a": 60.0, "web-b": 20.0}, ["web-a"])
    assert rate == pytest.approx(8.0)
    assert serving == 2


def test_traffic_idle_pod_not_serving():
    traffic = PodTraffic({"web-a": 0.0, "web-b": 5.0})
    _, serving = traffic.update(5.0, {"web-a": 40.0, "web-b": 5.0}, ["web-a", "web-b"])
    assert serving == 1


def test_traffic_unreadable_pod_catches_up():
    traffic = PodTraffic({"web-a": 0.0})
    rate, _ = traffic.update(5.0, {}, ["web-a"])
    assert rate == 0
    rate, _ = traffic.update(10.0, {"web-a": 80.0}, ["web-a"])
    assert rate == pytest.approx(16.0)


def test_traffic_counter_reset_counts_new_value():
    traffic = PodTraffic({"web-a": 500.0})
    rate, _ = traffic.update(5.0, {"web-a": 10.0}, ["web-a"])
    assert rate == pytest.approx(2.0)


def test_traffic_served_since_baseline():
    # web-a served 300 requests in an earlier run; only this run's count.
    traffic = PodTraffic({"web-a": 300.0})
    traffic.update(5.0, {"web-a": 340.0}, ["web-a"])
    traffic.update(10.0, {"web-a": 360.0, "web-b": 15.0}, ["web-a", "web-b"])
    assert traffic.served() == {"web-a": 60.0, "web-b": 15.0}


def test_traffic_first_ready_kept():
    traffic = PodTraffic({})
    traffic.update(5.0, {}, ["web-a"])
    traffic.update(10.0, {}, ["web-a", "web-b"])
    assert traffic.first_ready_s == {"web-a": 5.0, "web-b": 10.0}


def test_idle_pods_found():
    ready = {"web-a": 5.0, "web-b": 80.0}
    assert idle_pods(ready, {"web-a": 100.0}, 240.0) == ["web-b"]


def test_idle_pods_ignores_pod_ready_at_last_reading():
    # Ready only at the last load reading: no whole interval to get requests.
    ready = {"web-a": 5.0, "web-b": 240.0}
    assert idle_pods(ready, {"web-a": 100.0}, 240.0) == []


def test_idle_pods_without_load():
    assert idle_pods({"web-a": 5.0}, {}, None) == []


def scale_out_and_back():
    return [
        sample(5, PHASE_LOAD, 1, 1, 1),
        sample(65, PHASE_LOAD, 1, 1, 1),
        sample(70, PHASE_LOAD, 1, 4, 1, cpu=168),
        sample(80, PHASE_LOAD, 4, 4, 4),
        sample(245, PHASE_LOAD, 4, 4, 4),
        sample(250, PHASE_COOLDOWN, 4, 4, 4),
        sample(380, PHASE_COOLDOWN, 1, 1, 2),
        sample(385, PHASE_COOLDOWN, 1, 1, 1),
    ]


def test_summarize_scale_out_and_back():
    first_ready = {"web-a": 5, "web-b": 80, "web-c": 80, "web-d": 80}
    served = {pod: 100.0 for pod in first_ready}
    verdict = summarize(scale_out_and_back(), 1, first_ready, served)
    assert verdict.max_replicas == 4
    assert verdict.first_scale_up_s == 70
    assert verdict.load_stop_s == 245
    # 380 still had 2 Ready pods; 385 is the first reading fully at the minimum.
    assert verdict.back_to_min_s == 140
    assert verdict.ready_during_load == ["web-a", "web-b", "web-c", "web-d"]
    assert verdict.idle_pods == []
    assert verdict.scaled_up


def test_summarize_reports_idle_pod():
    first_ready = {"web-a": 5, "web-b": 80}
    verdict = summarize(scale_out_and_back(), 1, first_ready, {"web-a": 100.0})
    assert verdict.idle_pods == ["web-b"]


def test_summarize_never_scaled():
    samples = [
        sample(5, PHASE_LOAD, 1, 1, 1, cpu=20),
        sample(60, PHASE_LOAD, 1, 1, 1, cpu=20),
        sample(65, PHASE_COOLDOWN, 1, 1, 1, cpu=0),
    ]
    verdict = summarize(samples, 1, {"web-a": 5}, {"web-a": 10.0})
    assert verdict.max_replicas == 1
    assert verdict.first_scale_up_s is None
    assert verdict.back_to_min_s is None
    assert not verdict.scaled_up


def test_summarize_not_back_at_minimum():
    samples = scale_out_and_back()[:6]
    verdict = summarize(samples, 1, {"web-a": 5}, {"web-a": 10.0})
    assert verdict.scaled_up
    assert verdict.back_to_min_s is None


def test_summarize_empty():
    verdict = summarize([], 1, {}, {})
    assert verdict.max_replicas == 0
    assert verdict.load_stop_s is None
    assert verdict.ready_during_load == []
