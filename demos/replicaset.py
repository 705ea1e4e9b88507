"""ReplicaSet demo: self-healing, scaling, a rolling update and a rollback."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from demos.framework import Context, Demo
from demos.kube import pod_owner, ready_pod_names
from demos.report import Report, format_seconds, format_table
from demos.waiting import Stopwatch, WaitTimeout, wait_for

NAMESPACE = "replicaset-demo"
DEPLOYMENT_SELECTOR = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web"
REPLICASET_SELECTOR = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web-rs"
REPLICAS = 3
BARE_REPLICAS = 2
SCALED_REPLICAS = 5
READY_TIMEOUT_S = 180
NEW_VERSION = ["APP_VERSION=0.2.0", "COLOR=#e8590c", "MESSAGE=Hello from version 0.2.0"]


def replicaset_sizes(ctx: Context) -> Dict[str, Tuple[int, int]]:
    """Map each of the Deployment's ReplicaSets to (desired, ready) replicas."""
    items = ctx.kube.get_json(
        ["get", "replicasets", "-l", DEPLOYMENT_SELECTOR], NAMESPACE
    )
    sizes = {}
    for rs in items["items"]:
        spec = rs.get("spec", {}).get("replicas", 0) or 0
        ready = rs.get("status", {}).get("readyReplicas", 0) or 0
        sizes[rs["metadata"]["name"]] = (spec, ready)
    return sizes


def active_replicaset(sizes: Dict[str, Tuple[int, int]]) -> Optional[str]:
    """Return the only ReplicaSet that wants pods, or None mid-rollout."""
    active = [name for name, (spec, _) in sizes.items() if spec > 0]
    return active[0] if len(active) == 1 else None


def rollout_done(sizes: Dict[str, Tuple[int, int]], replicas: int) -> Optional[str]:
    """Return the active ReplicaSet once it alone has all ``replicas`` ready."""
    name = active_replicaset(sizes)
    if name and sizes[name] == (replicas, replicas):
        others_ready = sum(
            ready for other, (_, ready) in sizes.items() if other != name
        )
        return name if others_ready == 0 else None
    return None


class ReplicaSetDemo(Demo):
    name = "replicaset"
    title = (
        "ReplicaSet: Deployment -> ReplicaSet -> Pod, self-healing, scaling, rollout"
    )
    namespace = NAMESPACE
    manifests = "replicaset/"
    images = ("web",)
    restart_on_rebuild = ("deployment/web",)

    def restart_after_rebuild(self, ctx: Context) -> None:
        super().restart_after_rebuild(ctx)
        # A bare ReplicaSet has no rollout: its pods are replaced by deleting them.
        ctx.kube.run(
            ["delete", "pods", "-l", REPLICASET_SELECTOR, "--wait=false"], NAMESPACE
        )

    def wait_ready(self, ctx: Context) -> None:
        super().wait_ready(ctx)
        ctx.console.note(
            f"Waiting until the {BARE_REPLICAS} pods of ReplicaSet web-rs are Ready"
        )
        ctx.kube.wait_ready_count(
            NAMESPACE, REPLICASET_SELECTOR, BARE_REPLICAS, READY_TIMEOUT_S
        )

    def steps(self, ctx: Context, report: Report) -> None:
        report.headers = ("step", "pods", "seconds until Ready")
        self.show_hierarchy(ctx)
        self.delete_pods(
            ctx, report, REPLICASET_SELECTOR, BARE_REPLICAS, 1, "ReplicaSet web-rs"
        )
        self.delete_pods(
            ctx, report, DEPLOYMENT_SELECTOR, REPLICAS, 1, "Deployment web"
        )
        self.delete_pods(
            ctx, report, DEPLOYMENT_SELECTOR, REPLICAS, 2, "Deployment web"
        )
        self.scale(ctx, report, SCALED_REPLICAS)
        self.scale(ctx, report, REPLICAS)
        self.rollout_and_back(ctx, report)

    def show_hierarchy(self, ctx: Context) -> None:
        ctx.console.step("Deployment -> ReplicaSet -> Pod")
        ctx.kube.run(["get", "deployments,replicasets,pods"], NAMESPACE)
        ctx.console.note(
            "Each pod's owner is a ReplicaSet; the Deployment owns the ReplicaSet:"
        )
        ctx.kube.run(
            [
                "get",
                "pods,replicasets",
                "-o",
                "custom-columns=KIND:.kind,NAME:.metadata.name,"
                "OWNER:.metadata.ownerReferences[0].kind,"
                "OWNER_NAME:.metadata.ownerReferences[0].name",
            ],
            NAMESPACE,
        )
        ctx.console.pause()

    def pick_pods(self, ctx: Context, selector: str, count: int) -> List[str]:
        if ctx.plan:
            return [f"<pod-{i + 1}>" for i in range(count)]
        return ready_pod_names(ctx.kube.pods(NAMESPACE, selector))[:count]

    def delete_pods(
        self,
        ctx: Context,
        report: Report,
        selector: str,
        replicas: int,
        count: int,
        owner: str,
    ) -> None:
        noun = "pod" if count == 1 else "pods"
        ctx.console.step(
            f"Delete {count} {noun} of {owner}; its ReplicaSet restores {replicas}"
        )
        victims = self.pick_pods(ctx, selector, count)
        watch = Stopwatch()
        ctx.kube.run(["delete", "pod"] + victims + ["--wait=false"], NAMESPACE)
        ctx.console.note(
            f"Waiting until {replicas} pods are Ready again, none of them deleted"
        )
        restored = self.wait_count(ctx, selector, replicas, victims)
        seconds = None if ctx.plan or not restored else watch.elapsed_s()
        ctx.kube.run(["get", "pods", "-l", selector], NAMESPACE)
        if restored and not ctx.plan:
            owners = {pod_owner(p) for p in ctx.kube.pods(NAMESPACE, selector)}
            ctx.console.ok(
                f"{replicas} pods Ready again after {format_seconds(seconds)}; "
                f"owner: {', '.join(sorted(o or '-' for o in owners))}"
            )
        report.row(
            f"delete {count} {noun} of {owner}", replicas, format_seconds(seconds)
        )
        report.check(
            f"{owner} restored {replicas} pods after deleting {count}", restored
        )
        ctx.console.pause()

    def wait_count(
        self, ctx: Context, selector: str, replicas: int, replaced: Sequence[str] = ()
    ) -> bool:
        """Wait for ``replicas`` Ready pods; on timeout report it and go on."""
        try:
            ctx.kube.wait_ready_count(
                NAMESPACE, selector, replicas, READY_TIMEOUT_S, replaced
            )
        except WaitTimeout as exc:
            ctx.console.fail(str(exc))
            return False
        return True

    def scale(self, ctx: Context, report: Report, replicas: int) -> None:
        ctx.console.step(f"Scale Deployment web to {replicas} replicas")
        watch = Stopwatch()
        ctx.kube.run(["scale", "deployment/web", f"--replicas={replicas}"], NAMESPACE)
        reached = self.wait_count(ctx, DEPLOYMENT_SELECTOR, replicas)
        seconds = None if ctx.plan or not reached else watch.elapsed_s()
        ctx.kube.run(["get", "deployment/web"], NAMESPACE)
        report.row(
            f"scale Deployment web to {replicas}", replicas, format_seconds(seconds)
        )
        report.check(f"Deployment web reached {replicas} Ready pods", reached)
        ctx.console.pause()

    def rollout_and_back(self, ctx: Context, report: Report) -> None:
        ctx.console.step("Roll out version 0.2.0: a new ReplicaSet takes over")
        original = active_replicaset(replicaset_sizes(ctx))
        ctx.kube.run(["set", "env", "deployment/web"] + NEW_VERSION, NAMESPACE)
        updated, seconds = self.follow_rollout(ctx)
        report.row("roll out version 0.2.0", REPLICAS, format_seconds(seconds))
        ctx.kube.run(["get", "replicasets"], NAMESPACE)
        if not ctx.plan:
            report.check(
                "the rollout created a new ReplicaSet and scaled the old one to 0",
                updated is not None and updated != original,
                f"{original} -> {updated}",
            )
        ctx.console.pause()

        ctx.console.step("Roll back: the previous ReplicaSet scales up again")
        ctx.kube.run(["rollout", "undo", "deployment/web"], NAMESPACE)
        restored, seconds = self.follow_rollout(ctx)
        report.row("roll back to version 0.1.0", REPLICAS, format_seconds(seconds))
        ctx.kube.run(["rollout", "history", "deployment/web"], NAMESPACE)
        if not ctx.plan:
            report.check(
                "the rollback reused the original ReplicaSet",
                restored == original,
                f"{updated} -> {restored}",
            )

    def follow_rollout(self, ctx: Context) -> Tuple[Optional[str], Optional[float]]:
        """Print ReplicaSet sizes as they change until the rollout completes."""
        if ctx.plan:
            ctx.kube.run(
                ["rollout", "status", "deployment/web", "--timeout=300s"], NAMESPACE
            )
            return None, None
        watch = Stopwatch()
        rows: List[Sequence[object]] = []
        last: List[Dict[str, Tuple[int, int]]] = [{}]

        def finished() -> Optional[str]:
            sizes = replicaset_sizes(ctx)
            if sizes != last[0]:
                last[0] = sizes
                cells = ", ".join(
                    f"{name} {ready}/{spec}"
                    for name, (spec, ready) in sorted(sizes.items())
                )
                rows.append((f"{watch.elapsed_s():.1f}", cells))
                ctx.console.note(
                    f"{watch.elapsed_s():5.1f} s  ReplicaSet ready/desired: {cells}"
                )
            return rollout_done(sizes, REPLICAS)

        done = wait_for(finished, "the rollout of deployment/web", 300, interval_s=0.5)
        seconds = watch.elapsed_s()
        ctx.kube.run(
            ["rollout", "status", "deployment/web", "--timeout=300s"], NAMESPACE
        )
        ctx.console.write(format_table(("seconds", "ReplicaSet ready/desired"), rows))
        return done, seconds


DEMO = ReplicaSetDemo()
