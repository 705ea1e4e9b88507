"""An example timeline chart with requests/s measured from a real local locust run.

Three `python -m web` processes stand in for pods behind a per-connection
balancer, and locust (`python -m loadgen`) sends the demo's kind of load. The
requests/s and serving-pod columns are measured from the servers' own /metrics
with the demo's code. No cluster runs here, so the replica and CPU columns are
synthetic: the HPA formula applied to the offered CPU load, with the backends
added and removed as the synthetic replica count changes.

The files go to out/examples/ (git-ignored) so that a person can look at them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import time

from demos.hpa.chart import draw_chart
from demos.hpa.formula import desired_replicas, utilization_percent
from demos.hpa.timeline import (
    CSV_COLUMNS,
    PHASE_COOLDOWN,
    PHASE_LOAD,
    Sample,
    read_csv,
    write_csv,
)
from demos.hpa.traffic import PodTraffic
from tests.apps.loadgen.balancer import Balancer
from tests.apps.loadgen.processes import (
    LOADGEN_DIR,
    ROOT,
    loadgen_command,
    start_servers,
)
from tests.support.tools import require

OUT_DIR = ROOT / "out" / "examples"
PODS = ["web-example-1", "web-example-2", "web-example-3"]
KNOBS = {
    "LOAD_USERS": "8",
    "LOAD_SPAWN_RATE": "8",
    "LOAD_DURATION": "12",
    "LOAD_CPU_MS": "20",
    "LOAD_USER_RPS": "2",
    "LOAD_CLOSE_CONNECTIONS": "true",
}
OFFERED_CPU_M = 8 * 2 * 20
CPU_REQUEST_M = 100
TARGET_PERCENT = 50
MIN_REPLICAS, MAX_REPLICAS = 1, len(PODS)
SAMPLE_INTERVAL_S = 1.0
# Seconds between synthetic HPA decisions (the real HPA syncs every 15 s).
SYNC_S = 3.0
COOLDOWN_READINGS = 8
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = (
    "Example: requests/s measured (local locust, 3 web processes); "
    "replicas and CPU synthetic"
)


class SyntheticHpa:
    """Apply the HPA formula to the offered load every SYNC_S seconds."""

    def __init__(self) -> None:
        self.current = MIN_REPLICAS
        self.desired = MIN_REPLICAS
        self.next_sync_s = SYNC_S

    def cpu_percent(self, loaded: bool) -> int:
        if not loaded:
            return 2
        return round(utilization_percent(OFFERED_CPU_M / self.current, CPU_REQUEST_M))

    def step(self, elapsed_s: float, loaded: bool) -> None:
        # The count follows the previous decision, as pods start after it.
        self.current = self.desired
        if elapsed_s >= self.next_sync_s:
            self.next_sync_s += SYNC_S
            self.desired = desired_replicas(
                self.current,
                self.cpu_percent(loaded),
                TARGET_PERCENT,
                MIN_REPLICAS,
                MAX_REPLICAS,
            )


def record_example(tmp_path):
    servers = start_servers(PODS, tmp_path)
    balancer = Balancer([servers[0].port]).start()
    argv, env = loadgen_command(balancer.url, tmp_path / "csv" / "loadgen", **KNOBS)
    samples = []
    try:
        locust = subprocess.Popen(
            argv,
            cwd=LOADGEN_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = time.monotonic()
        traffic = PodTraffic({s.pod_name: 0.0 for s in servers})
        hpa = SyntheticHpa()
        cooldown_left = COOLDOWN_READINGS
        deadline = started + float(KNOBS["LOAD_DURATION"]) + 60
        while cooldown_left > 0 and time.monotonic() < deadline:
            time.sleep(SAMPLE_INTERVAL_S)
            elapsed_s = time.monotonic() - started
            loaded = locust.poll() is None
            hpa.step(elapsed_s, loaded)
            active = servers[: hpa.current]
            balancer.set_backends([s.port for s in active])
            counters = {s.pod_name: s.cpu_requests() or 0.0 for s in servers}
            ready = [s.pod_name for s in active]
            rate, serving = traffic.update(elapsed_s, counters, ready)
            samples.append(
                Sample(
                    elapsed_s=round(elapsed_s, 1),
                    phase=PHASE_LOAD if loaded else PHASE_COOLDOWN,
                    current_replicas=hpa.current,
                    desired_replicas=hpa.desired,
                    cpu_percent=hpa.cpu_percent(loaded),
                    target_percent=TARGET_PERCENT,
                    requests_per_s=rate,
                    serving_pods=serving,
                    ready_pods=len(ready),
                )
            )
            if not loaded:
                cooldown_left -= 1
        returncode = locust.wait(timeout=60)
    finally:
        balancer.stop()
        for server in servers:
            server.stop()
    return samples, returncode


def test_example_chart_from_local_run(tmp_path):
    require(
        importlib.util.find_spec("locust") is not None,
        "locust not installed: pip install -r apps/loadgen/requirements.txt",
    )
    require(
        importlib.util.find_spec("matplotlib") is not None,
        "matplotlib not installed: pip install matplotlib",
    )
    samples, returncode = record_example(tmp_path)
    assert returncode == 0

    csv_path = OUT_DIR / "hpa-timeline-example.csv"
    png_path = OUT_DIR / "hpa-timeline-example.png"
    write_csv(samples, str(csv_path))
    draw_chart(samples, str(png_path), TITLE)

    # The CSV keeps requests/s to two decimals.
    rounded = [s._replace(requests_per_s=round(s.requests_per_s, 2)) for s in samples]
    assert read_csv(str(csv_path)) == rounded
    assert csv_path.read_text().splitlines()[0].split(",") == list(CSV_COLUMNS)
    assert png_path.read_bytes()[:8] == PNG_SIGNATURE
    load = [s for s in samples if s.phase == PHASE_LOAD]
    assert max(s.requests_per_s for s in load) > 0
    # Closing connections lets the balancer spread requests over added backends.
    assert max(s.serving_pods for s in load) == MAX_REPLICAS
    assert samples[-1].requests_per_s == 0
    assert samples[-1].current_replicas == MIN_REPLICAS
