"""PNG chart of an HPA timeline: replicas, CPU utilization and requests per second.

matplotlib is imported inside ``draw_chart`` only, so the demos that need no chart
(and ``python -m demos list``, which imports every demo module) run without it.
"""

from __future__ import annotations

import os
from typing import Optional, Sequence

from demos.hpa.timeline import PHASE_LOAD, Sample


class ChartUnavailable(RuntimeError):
    """matplotlib is missing, so the chart cannot be drawn."""


def load_window(samples: Sequence[Sample]) -> Optional[tuple]:
    """Return (start, stop) of the load in seconds: 0 to the first cooldown reading."""
    if not samples:
        return None
    stop = next((s.elapsed_s for s in samples if s.phase != PHASE_LOAD), None)
    return 0.0, stop if stop is not None else samples[-1].elapsed_s


def draw_chart(samples: Sequence[Sample], path: str, title: str) -> str:
    """Draw three stacked panels that share the time axis into ``path``, return it."""
    if not samples:
        raise ValueError("the timeline has no samples, so there is nothing to draw")
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display is needed
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ChartUnavailable(
            "matplotlib is not installed, so no PNG chart was drawn. "
            "Install it with: python3 -m pip install matplotlib"
        ) from exc

    times = [s.elapsed_s for s in samples]
    figure, (replicas, cpu, rate) = plt.subplots(
        3, 1, sharex=True, figsize=(9, 7.5), constrained_layout=True
    )
    figure.suptitle(title)

    replicas.step(
        times,
        [s.current_replicas for s in samples],
        where="post",
        label="current replicas",
        linewidth=2,
    )
    replicas.step(
        times,
        [s.desired_replicas for s in samples],
        where="post",
        label="desired replicas",
        linestyle="--",
    )
    replicas.step(
        times,
        [s.ready_pods for s in samples],
        where="post",
        label="Ready pods",
        linestyle=":",
    )
    replicas.step(
        times,
        [s.serving_pods for s in samples],
        where="post",
        label="pods that served requests",
        alpha=0.6,
    )
    replicas.set_ylabel("pods")
    highest = max(max(s.current_replicas, s.desired_replicas) for s in samples)
    replicas.set_ylim(0, highest + 2)  # room for the legend above the lines
    replicas.yaxis.get_major_locator().set_params(integer=True)

    cpu_values = [
        float("nan") if s.cpu_percent is None else s.cpu_percent for s in samples
    ]
    cpu.plot(times, cpu_values, marker=".", label="CPU utilization (HPA)")
    cpu.plot(
        times,
        [s.target_percent for s in samples],
        linestyle="--",
        color="tab:red",
        label="target",
    )
    cpu.set_ylabel("% of CPU request")
    cpu.set_ylim(bottom=0)

    rate.plot(
        times,
        [s.requests_per_s for s in samples],
        marker=".",
        color="tab:green",
        label="requests/s (sum over pods)",
    )
    rate.set_ylabel("requests/s")
    rate.set_ylim(bottom=0)
    rate.set_xlabel("seconds since the load started")

    window = load_window(samples)
    for axis in (replicas, cpu, rate):
        if window:
            axis.axvspan(
                window[0],
                window[1],
                color="tab:orange",
                alpha=0.12,
                label="load running",
            )
            axis.axvline(window[1], color="tab:orange", linestyle="-.")
        axis.grid(True, alpha=0.3)
        axis.legend(loc="best", fontsize="small")

    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
