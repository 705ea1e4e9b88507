"""kubectl for the IPC driver tests, played by real processes on loopback.

The demo's steps talk to a real API, real arq workers and a real redis-server.
Only the kubectl commands they issue are handled here: deleting a worker
"Pod" signals its process the way the kubelet would (SIGTERM, and SIGKILL 2 s
later for --grace-period=1) and starts a replacement as its ReplicaSet would,
scaling starts or stops worker processes, deleting redis-0 restarts Redis on
the same data directory, and `exec redis-0 -- redis-cli ...` runs redis-cli.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from typing import Any, Dict, List, Optional, Sequence

from demos.kube import Kube
from demos.shell import Result
from tests.apps.ipc.ipc_stack import Stack, WorkerProcess
from tests.support.redis_server import RedisServer

# The kubelet gives a container at least this long between SIGTERM and SIGKILL.
KUBELET_MIN_GRACE_S = 2.0
# terminationGracePeriodSeconds of the worker Pods in ipc/30-worker-deployment.yaml:
# the kubelet sends SIGKILL this long after SIGTERM if the process still runs.
WORKER_GRACE_S = 25.0


class FakeKube(Kube):
    def __init__(
        self, stack: Stack, redis_server: RedisServer, worker_env: Dict[str, Any]
    ) -> None:
        super().__init__(runner=None, context="fake")  # type: ignore[arg-type]
        self.stack = stack
        self.redis_server = redis_server
        self.worker_env = worker_env
        self.workers: Dict[str, WorkerProcess] = {}
        self.deleting: set = set()
        self.created = 0
        self.redis_generation = 1
        self.commands: List[List[str]] = []
        self.timers: List[threading.Timer] = []

    @property
    def plan(self) -> bool:
        return False

    # -- worker "Pods" ----------------------------------------------------

    def start_worker(self, wait: bool = True) -> str:
        self.created += 1
        name = f"worker-{self.created}"
        self.workers[name] = self.stack.start_worker(name, wait=wait, **self.worker_env)
        return name

    def active(self) -> List[str]:
        return [
            name
            for name, process in self.workers.items()
            if name not in self.deleting and process.is_running()
        ]

    def delete_worker(self, name: str, kill_after_s: float = WORKER_GRACE_S) -> None:
        process = self.workers[name]
        self.deleting.add(name)
        process.send_signal(signal.SIGTERM)
        timer = threading.Timer(kill_after_s, self._kill, (process,))
        timer.daemon = True
        timer.start()
        self.timers.append(timer)

    @staticmethod
    def _kill(process: WorkerProcess) -> None:
        if process.is_running():
            process.send_signal(signal.SIGKILL)

    def scale(self, replicas: int) -> None:
        while len(self.active()) < replicas:
            self.start_worker(wait=False)
        for name in self.active()[replicas:]:
            self.delete_worker(name)

    def close(self) -> None:
        for timer in self.timers:
            timer.cancel()

    # -- kubectl ----------------------------------------------------------

    def run(
        self,
        args: Sequence[str],
        namespace: Optional[str] = None,
        show: bool = True,
        check: bool = True,
        plan_output: str = "",
        timeout_s: Optional[float] = 120,
    ) -> Result:
        args = list(args)
        self.commands.append(args)
        if args[:2] == ["delete", "pod"]:
            return self._delete_pod(args[2], args[3:])
        if args[:2] == ["scale", "deployment/worker"]:
            self.scale(int(args[2].split("=")[1]))
            return Result(0, "deployment.apps/worker scaled\n", "")
        if args[:2] == ["exec", "redis-0"]:
            cli = args[args.index("--") + 1 :]
            port = str(self.redis_server.port)
            proc = subprocess.run(
                [cli[0], "-p", port] + cli[1:], capture_output=True, text=True
            )
            return Result(proc.returncode, proc.stdout, proc.stderr)
        return Result(0, "", "")

    def _delete_pod(self, name: str, flags: List[str]) -> Result:
        if name == "redis-0":
            self.redis_server.restart()
            self.redis_generation += 1
        else:
            short = "--grace-period=1" in flags
            grace_s = KUBELET_MIN_GRACE_S if short else WORKER_GRACE_S
            self.delete_worker(name, kill_after_s=grace_s)
            self.start_worker(wait=False)
        return Result(0, f'pod "{name}" deleted\n', "")

    def get_json(
        self,
        args: Sequence[str],
        namespace: Optional[str] = None,
        plan_value: Any = None,
    ) -> Any:
        if list(args) == ["get", "deployment/worker"]:
            env = [{"name": k, "value": str(v)} for k, v in self.worker_env.items()]
            return {"spec": {"template": {"spec": {"containers": [{"env": env}]}}}}
        return {"items": []}

    def pods(self, namespace: str, selector: str) -> List[Dict[str, Any]]:
        if "name=redis" in selector:
            running = self.redis_server.is_running()
            return [_pod("redis-0", running, False, str(self.redis_generation))]
        pods = []
        for name, process in self.workers.items():
            if process.is_running():
                ready = process.ready_file.exists()
                pods.append(_pod(name, ready, name in self.deleting, name))
        return pods


def _pod(name: str, ready: bool, deleting: bool, uid: str) -> Dict[str, Any]:
    metadata: Dict[str, Any] = {"name": name, "uid": uid}
    if deleting:
        metadata["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    condition = {"type": "Ready", "status": "True" if ready else "False"}
    return {"metadata": metadata, "status": {"conditions": [condition]}}
