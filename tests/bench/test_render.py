"""The page renderer: one table per section, baselines, ratios and verdicts."""

import pytest

from bench import markdown as md
from bench.queue_analysis import diagnose, poll_sleep_share
from bench.render import render_page
from tests.bench import samples


@pytest.fixture
def page() -> str:
    return render_page(samples.report())


def section_text(page: str, heading: str) -> str:
    start = page.index(heading)
    end = page.find("\n## ", start + 1)
    return page[start:] if end == -1 else page[start:end]


def test_render_page_has_every_section(page: str) -> None:
    for heading in (
        "## The run",
        "## 1. Web app under load",
        "## 2. CPU burn accuracy",
        "## 3. Job queue",
        "## 4. Container images",
        "## Summary",
    ):
        assert heading in page


def test_render_page_names_command_and_machine(page: str) -> None:
    run = section_text(page, "## The run")

    assert "| Command | `make bench` (runs `.venv/bin/python -m bench`) |" in run
    assert "| CPU | Test CPU |" in run
    assert "3 min 20 s" in run


def test_render_web_table_has_baselines_and_ratio(page: str) -> None:
    web = section_text(page, "## 1. Web app under load")

    assert "| bare FastAPI route `GET /` | 7,200 |" in web
    assert "| raw ASGI callable `GET /` | 24,000 |" in web
    # 6800 / 7200 and 6800 / 24000.
    assert "| web app `GET /` | 6,800 | 4.00 | 9.00 | 0.94 | 0.28 |" in web
    assert "Measured: 0.94, **PASS**" in web
    assert "0.95 of 100 requests/s" in web


def test_render_web_goal_misses_below_ninety_percent() -> None:
    report = samples.report()
    report.web.results["web_root"].runs[0].requests_per_s = 6000.0

    web = section_text(render_page(report), "## 1. Web app under load")

    assert "Measured: 0.83, **MISS**" in web


def test_render_cpu_rows_compare_with_requested(page: str) -> None:
    cpu = section_text(page, "## 2. CPU burn accuracy")

    # 11.2 - 0.2 = 11.0 ms against 10 ms requested.
    assert "| 10 | 10 | 11.2 | 11.0 | 1.100 | MISS |" in cpu
    assert "| 50 | 10 | 51.0 | 50.8 | 1.016 | PASS |" in cpu
    assert "| `GET /livez` | 500 | 0.20 |" in cpu
    assert "ms per requested ms" in cpu


def test_render_queue_latency_against_loop(page: str) -> None:
    queue = section_text(page, "## 3. Job queue")

    # 52 ms against the loop's 0.5 ms.
    assert "| MAX_JOBS=1, POLL_DELAY_S=0.05 | 52.0 | 52.0 | 104 | MISS |" in queue
    assert "| list loop (baseline) | n/a | 0.50 | 0.50 | 1.00 | n/a |" in queue


def test_render_queue_throughput_ratio_per_worker_count(page: str) -> None:
    queue = section_text(page, "## 3. Job queue")

    assert "| 1 | 19.0 | 1,900 | 0.01 | MISS |" in queue
    assert "| 2 | 38.0 | 1,500 | 0.03 | MISS |" in queue
    assert "| 40.0 | 2.00 |" in queue


def test_render_queue_lists_commands_per_job(page: str) -> None:
    queue = section_text(page, "## 3. Job queue")

    assert "40.0 Redis commands (EXEC 4.0, XADD 3.0, GET 1.0, ...)" in queue
    assert "5.00 (BLPOP 2.0, RPUSH 2.0, EXPIRE 1.0)" in queue


def test_render_queue_names_poll_sleep(page: str) -> None:
    queue = section_text(page, "## 3. Job queue")

    assert "poll sleep (95% of each worker's time)" in queue
    assert "**Poll sleep.**" in queue
    assert "waited 48.0 ms (p50)" in queue


def test_render_images_missing_says_how_to_get_them() -> None:
    page = render_page(samples.report(images_found=False))

    images = section_text(page, "## 4. Container images")
    assert "Run `make test-containers` first" in images
    assert ".cache/containers/images.json" in images


def test_render_images_table_lists_each_image(page: str) -> None:
    images = section_text(page, "## 4. Container images")

    assert "| `k8s-demo/web:0.1.0` | 180 | not recorded | n/a | 24.0 |" in images


def test_render_summary_quotes_ratios(page: str) -> None:
    summary = section_text(page, "## Summary")

    assert "0.94 of the bare FastAPI route's requests/s" in summary
    assert "1.100 at 10 ms" in summary
    assert "0.01 with 1 worker and MAX_JOBS=1" in summary
    assert "0.03 with 2 workers and" in summary


def test_render_page_without_sections_says_not_measured() -> None:
    report = samples.report()
    report.web = report.cpu = report.queue = None

    page = render_page(report)

    assert page.count("Not measured in this run") == 3
    assert "## Summary" in page


def test_poll_sleep_share_only_for_single_slot_arq() -> None:
    demo = samples.throughput("arq-demo-1", "arq", 1, 19.0)
    loop = samples.throughput("loop-1", "loop", 1, 1900.0)

    assert poll_sleep_share(demo) == pytest.approx(0.95)
    assert poll_sleep_share(loop) is None


def test_diagnose_busy_machine_names_cpu() -> None:
    loop = samples.throughput("loop-1", "loop", 1, 1900.0)
    # 100 jobs in 1/19 s: the machine used 1.9 cores, the queue 0.38 + 0.19 + 0.19.
    run = loop.runs[0]
    run.worker_cpu_s, run.redis_cpu_s, run.client_cpu_s = 0.02, 0.01, 0.01
    run.machine_cpu_s = 0.1

    assert diagnose(loop, cores=2) == (
        "CPU: the 2 cores were 95% busy, 38% with the queue's processes"
    )


def test_diagnose_idle_machine_names_round_trips() -> None:
    loop = samples.throughput("loop-1", "loop", 1, 1900.0)
    # 100 jobs in 1/19 s; every process below a quarter of a core.
    loop.runs[0].redis_cpu_s = 0.01
    loop.runs[0].client_cpu_s = 0.01
    loop.runs[0].machine_cpu_s = 0.03

    assert diagnose(loop, cores=2).startswith("round trips")


def test_table_rejects_row_of_wrong_width() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 headers"):
        md.table(["a", "b", "c"], [["1", "2"]])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345.6, "12,346"), (95.04, "95.0"), (0.1234, "0.12")],
)
def test_number_format_keeps_three_digits(value: float, expected: str) -> None:
    assert md.number(value) == expected


def test_poll_sleep_share_above_model_is_none() -> None:
    # 300 jobs/s with a 0.05 s sleep after each start would need 15 workers' time.
    fast = samples.throughput("arq-demo-1", "arq", 1, 300.0)

    assert poll_sleep_share(fast) is None
