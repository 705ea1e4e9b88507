"""Names the API and the worker share through Redis, kept identical in both apps.

The API and the worker are built as separate images, so each carries its own copy
of this module; change both copies together.

- ``QUEUE_NAME``: the arq queue, a sorted set of job ids scored by run time. arq
  keeps a job in it while it runs and removes it when the job finishes.
- ``JOB_FUNCTION``: the arq function name the API enqueues, with keyword arguments
  ``a``, ``b``, ``op``, ``work_s`` and ``result_ttl_s``.
- ``EVENTS_STREAM``: one Redis Stream with every job's lifecycle, capped by
  ``XADD MAXLEN ~``. Entry fields: ``event``, ``job_id``, ``pod``, ``at`` (ISO 8601,
  UTC), and per event ``try``, ``op``/``a``/``b``/``work_s``, ``result``, ``reason``.
- ``job_events_key(job_id)``: a per-job stream with copies of that job's events,
  expiring with its result; the API waits on it with XREAD BLOCK.
- ``result_key(job_id)``: the job's result record (JSON), written once with SET NX.
- ``WAKE_LIST``: a list to which the API appends each new job id. An idle worker
  waits on it with BLPOP, so it starts a new job at once rather than at its next
  poll.

Events, in order: ``queued`` (API), then per try ``redelivered`` (try > 1 only),
``started``, and one of ``completed``, ``failed`` (the operation has no result,
such as a division by zero), ``skipped`` (an earlier try already stored the
result) or ``cancelled`` (the try stopped early, e.g. a worker shutdown; arq runs
the job again).
"""

QUEUE_NAME = "ipc:queue"
JOB_FUNCTION = "calculate"
EVENTS_STREAM = "ipc:events"
WAKE_LIST = "ipc:wake"

# Events after which the job has its result record.
FINAL_EVENTS = frozenset({"completed", "failed", "skipped"})


def job_events_key(job_id: str) -> str:
    return f"ipc:job:{job_id}:events"


def result_key(job_id: str) -> str:
    return f"ipc:result:{job_id}"
