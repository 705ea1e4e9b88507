"""The job queue under test: a real redis-server, `python -m api`, and worker
processes of either kind (`python -m worker` or the baseline loop)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, List, Optional

from redis import Redis

from bench.http_client import wait_http_ok
from bench.processes import ManagedProcess, ProcessGroup, free_port, wait_until

logger = logging.getLogger(__name__)

# Redis runs as the IPC demo's StatefulSet runs it: append-only file, fsync once
# a second.
REDIS_APPENDFSYNC = "everysec"
# Short, so that a worker's readiness file appears soon after it takes jobs.
HEALTH_INTERVAL_S = 0.2
# The API keeps serving this long after SIGTERM; no load balancer needs the drain
# here, and it would only lengthen each stop.
API_SHUTDOWN_DRAIN_S = "0"
START_TIMEOUT_S = 30.0
# The command that reads Redis's counters, left out of the per-job counts.
COUNTER_COMMAND = "INFO"


class QueueStack:
    def __init__(self, group: ProcessGroup, redis_url: str) -> None:
        self.group = group
        self.redis_url = redis_url
        self.redis = Redis.from_url(redis_url)
        self.api: Optional[ManagedProcess] = None
        self.api_port = 0
        self.workers: List[ManagedProcess] = []

    def start_api(self, env: Dict[str, str]) -> int:
        self.api_port = free_port()
        api_env = {
            "REDIS_URL": self.redis_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.api_port),
            "POD_NAME": "bench-api",
            **env,
        }
        self.api = self.group.start_python("api", ["-m", "api"], api_env)
        wait_http_ok(self.api, self.api_port, "/readyz", START_TIMEOUT_S)
        return self.api_port

    def start_arq_workers(self, count: int, env: Dict[str, str]) -> None:
        ready_files = []
        for index in range(1, count + 1):
            ready_file = self.group.work_dir / f"worker-{index}-ready"
            worker_env = {
                "REDIS_URL": self.redis_url,
                "POD_NAME": f"bench-worker-{index}",
                "HEALTH_FILE": str(self.group.work_dir / f"worker-{index}-alive"),
                "READY_FILE": str(ready_file),
                "HEALTH_INTERVAL_S": str(HEALTH_INTERVAL_S),
                **env,
            }
            self.workers.append(
                self.group.start_python(f"worker-{index}", ["-m", "worker"], worker_env)
            )
            ready_files.append(ready_file)
        for worker, ready_file in zip(self.workers, ready_files):
            self._wait_ready_file(worker, ready_file)

    def _wait_ready_file(self, worker: ManagedProcess, ready_file: Path) -> None:
        def is_ready() -> bool:
            worker.check_running()
            return ready_file.exists()

        wait_until(is_ready, f"{worker.name} to take jobs", START_TIMEOUT_S, 0.05)

    def start_loop_workers(self, count: int) -> None:
        for index in range(1, count + 1):
            self.workers.append(
                self.group.start_python(
                    f"job-loop-{index}", ["-m", "bench.job_loop", self.redis_url], {}
                )
            )

        def all_blocked() -> bool:
            for worker in self.workers:
                worker.check_running()
            return self._blocked_clients() >= count

        wait_until(
            all_blocked, f"{count} job loop(s) to wait on BLPOP", START_TIMEOUT_S
        )

    def _blocked_clients(self) -> int:
        return int(self.redis.info("clients")["blocked_clients"])

    def stop_workers(self) -> None:
        for worker in self.workers:
            self.group.stop(worker)
        self.workers = []

    def worker_cpu_s(self) -> float:
        return sum(worker.cpu_s() for worker in self.workers)

    def flush(self) -> None:
        """Delete every key, so that each worker setup starts from an empty Redis."""
        self.redis.flushall()

    def redis_counters(self) -> Dict[str, float]:
        """Return Redis's command count, CPU seconds (main process) and calls per
        command (keys "calls:<command>") so far.

        Redis counts the commands that a script calls as well as the script.
        """
        stats = self.redis.info("stats")
        cpu = self.redis.info("cpu")
        counters = {
            "commands": float(stats["total_commands_processed"]),
            "cpu_s": float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
        }
        for name, values in self.redis.info("commandstats").items():
            command = name.removeprefix("cmdstat_").upper()
            counters[f"calls:{command}"] = float(values["calls"])
        return counters

    def close(self) -> None:
        """Stop the workers and the API, which need Redis to stop cleanly."""
        self.stop_workers()
        if self.api is not None:
            self.group.stop(self.api)
            self.api = None
        self.redis.close()
