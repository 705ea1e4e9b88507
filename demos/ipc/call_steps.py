"""IPC demo steps with one job each: a synchronous and an asynchronous call."""

from __future__ import annotations

from demos.ipc.session import IpcSession

SYNC_BODY = {"a": 6, "b": 7, "op": "mul", "work_s": 0.5}
ASYNC_BODY = {"a": 20, "b": 22, "op": "add", "work_s": 3}
ANSWER = 42


def format_ms(value: object) -> str:
    return f"{value:.0f} ms" if isinstance(value, (int, float)) else "-"


def sync_calculation(s: IpcSession) -> None:
    s.console.step("A synchronous calculation: POST /calculate waits for the result")
    s.console.note(
        "The API Pod enqueues a job in Redis, a worker Pod takes it and stores the "
        "result in Redis, and the API Pod returns that result in the same response."
    )
    reply = s.client.post(
        "/calculate",
        SYNC_BODY,
        headers=True,
        plan_body={"result": ANSWER, "worker_pod": "<worker-pod>"},
    )
    s.client.echo(reply, headers=True)
    body = reply.body if isinstance(reply.body, dict) else {}
    s.console.note(
        f"X-Pod {reply.pod} is the API Pod that sent the response; worker_pod "
        f"{body.get('worker_pod', '?')} computed the result. The port-forward "
        "sends every request to that one API Pod."
    )
    if s.plan:
        return
    s.report.row(
        "POST /calculate (synchronous)",
        f"{body.get('result')} in {format_ms(body.get('request_ms'))}, "
        f"worker {body.get('worker_pod', '-')}",
    )
    s.report.check(
        "POST /calculate returned 200 with 6 mul 7 = 42",
        reply.status == 200 and body.get("result") == ANSWER,
        f"HTTP {reply.status}, result {body.get('result')}",
    )
    s.report.data["sync"] = dict(body, http_status=reply.status, api_pod=reply.pod)
    s.console.pause()


def async_calculation(s: IpcSession) -> None:
    s.console.step("An asynchronous calculation: 202 Accepted now, the result later")
    job_id, reply = s.enqueue(ASYNC_BODY)
    s.client.echo(reply, headers=True)
    s.console.note("The job is queued or running; its status right away:")
    s.client.echo(s.client.get(f"/result/{job_id}"))
    record = s.wait_result(job_id, 60)
    s.client.print_body(record)
    if s.plan:
        return
    s.report.row(
        "POST /calculate/async, then GET /result",
        f"HTTP {reply.status}, then {record.get('status')} = {record.get('result')}",
    )
    s.report.check(
        "POST /calculate/async returned 202 and the job completed with 20 add 22 = 42",
        reply.status == 202
        and record.get("status") == "complete"
        and record.get("result") == ANSWER,
        f"HTTP {reply.status}, {record.get('status')} {record.get('result')}",
    )
    s.report.data["async"] = dict(record, http_status=reply.status)
    s.console.pause()
