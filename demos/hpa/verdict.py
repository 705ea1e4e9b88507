"""The HPA demo's conclusions: peak, reaction time, balance and the return to min."""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Sequence

from demos.hpa.timeline import PHASE_COOLDOWN, PHASE_LOAD, Sample
from demos.hpa.traffic import idle_pods


class Verdict(NamedTuple):
    max_replicas: int
    # Seconds from the load start to the first reading where the HPA's desired
    # or current replicas exceeded the minimum (readings are 5 s apart).
    first_scale_up_s: Optional[float]
    # Seconds since the load started at the reading that saw the Job finished.
    load_stop_s: Optional[float]
    # Seconds from the load stop until replicas and Ready pods were at the minimum.
    back_to_min_s: Optional[float]
    # Pods that were Ready for at least one interval of the load.
    ready_during_load: List[str]
    # Those of them that served no request.
    idle_pods: List[str]

    @property
    def scaled_up(self) -> bool:
        return self.first_scale_up_s is not None


def summarize(
    samples: Sequence[Sample],
    min_replicas: int,
    first_ready_s: Dict[str, float],
    served: Dict[str, float],
) -> Verdict:
    """Summarize a timeline. ``served`` maps pods to the requests they served."""
    load = [s for s in samples if s.phase == PHASE_LOAD]
    max_replicas = max((s.current_replicas for s in samples), default=0)
    first_scale_up_s = next(
        (
            s.elapsed_s
            for s in load
            if s.desired_replicas > min_replicas or s.current_replicas > min_replicas
        ),
        None,
    )
    load_stop_s = load[-1].elapsed_s if load else None
    back_to_min_s = None
    if first_scale_up_s is not None and load_stop_s is not None:
        back_to_min_s = next(
            (
                s.elapsed_s - load_stop_s
                for s in samples
                if s.phase == PHASE_COOLDOWN
                and s.current_replicas == min_replicas
                and s.desired_replicas == min_replicas
                and s.ready_pods == min_replicas
            ),
            None,
        )
    ready = sorted(
        pod
        for pod, ready_s in first_ready_s.items()
        if load_stop_s is not None and ready_s < load_stop_s
    )
    return Verdict(
        max_replicas=max_replicas,
        first_scale_up_s=first_scale_up_s,
        load_stop_s=load_stop_s,
        back_to_min_s=back_to_min_s,
        ready_during_load=ready,
        idle_pods=idle_pods(first_ready_s, served, load_stop_s),
    )
