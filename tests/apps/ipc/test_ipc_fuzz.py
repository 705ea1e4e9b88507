"""Schema-driven fuzzing of the real API with schemathesis: no input gives a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ipc_stack import ApiProcess, Stack

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402

MAX_EXAMPLES = 300


@pytest.fixture
def api(stack: Stack) -> ApiProcess:
    stack.start_worker("worker-fuzz")
    # A short MAX_WORK_S keeps every generated job well inside RESULT_WAIT_S, so a
    # 504 would point to a job that no worker ran, not to a slow example.
    return stack.start_api(MAX_WORK_S=0.05, RESULT_WAIT_S=10)


def test_fuzzed_requests_get_no_server_error(api: ApiProcess):
    # GET /events streams for up to an hour by design; its own tests cover it.
    schema = schemathesis.openapi.from_url(f"{api.base_url}/openapi.json").exclude(
        path="/events"
    )
    cases = st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE),
        schema.as_strategy(GenerationMode.NEGATIVE),
    )
    statuses: dict[int, int] = {}

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case) -> None:
        response = case.call(base_url=api.base_url, timeout=30)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{response.text[:500]}"
        )
        # schemathesis gives each header as a list of its values.
        assert response.headers["x-pod"] == [api.pod_name]

    check()
    print(f"\nfuzzed responses by status: {dict(sorted(statuses.items()))}")
    assert statuses.get(200, 0) > 0
    assert api.is_running()
    assert "Traceback" not in api.log_text()
