"""The timeline's CSV, the live table and the PNG chart."""

from __future__ import annotations

import csv
import importlib.util
import sys

import pytest

from demos.hpa.chart import ChartUnavailable, draw_chart, load_window
from demos.hpa.timeline import (
    CSV_COLUMNS,
    LIVE_COLUMNS,
    PHASE_COOLDOWN,
    PHASE_LOAD,
    Sample,
    format_live_header,
    format_live_row,
    read_csv,
    write_csv,
)
from tests.support.tools import require

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def recorded_timeline():
    """A timeline in the recording format, shaped like a run on minikube."""
    rows = [
        (5.0, PHASE_LOAD, 1, 1, None, 0.0, 0, 1),
        (10.0, PHASE_LOAD, 1, 1, 2, 7.8, 1, 1),
        (70.0, PHASE_LOAD, 1, 4, 168, 8.0, 1, 1),
        (80.0, PHASE_LOAD, 4, 4, 168, 8.1, 4, 4),
        (150.0, PHASE_LOAD, 4, 4, 44, 7.9, 4, 4),
        (240.0, PHASE_LOAD, 4, 4, 45, 8.0, 4, 4),
        (245.0, PHASE_COOLDOWN, 4, 4, 45, 0.4, 2, 4),
        (320.0, PHASE_COOLDOWN, 4, 4, 2, 0.0, 0, 4),
        (385.0, PHASE_COOLDOWN, 1, 1, 2, 0.0, 0, 1),
    ]
    return [
        Sample(t, phase, cur, des, cpu, 50, rps, serving, ready)
        for t, phase, cur, des, cpu, rps, serving, ready in rows
    ]


def test_csv_columns(tmp_path):
    path = tmp_path / "out" / "hpa-timeline.csv"
    write_csv(recorded_timeline(), str(path))
    with path.open(newline="") as f:
        header = next(csv.reader(f))
    assert header == [
        "elapsed_s",
        "phase",
        "current_replicas",
        "desired_replicas",
        "cpu_percent",
        "target_percent",
        "requests_per_s",
        "serving_pods",
        "ready_pods",
    ]
    assert tuple(header) == CSV_COLUMNS


def test_csv_round_trip(tmp_path):
    path = tmp_path / "timeline.csv"
    samples = recorded_timeline()
    write_csv(samples, str(path))
    assert read_csv(str(path)) == samples


def test_csv_unknown_cpu_is_empty(tmp_path):
    path = tmp_path / "timeline.csv"
    write_csv(recorded_timeline()[:1], str(path))
    with path.open(newline="") as f:
        row = next(csv.DictReader(f))
    assert row["cpu_percent"] == ""


def test_read_csv_rejects_other_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not an HPA timeline"):
        read_csv(str(path))


def test_live_header_matches_columns():
    heading, rule = format_live_header().splitlines()
    for name, _ in LIVE_COLUMNS:
        assert name in heading
    assert len(heading) == len(rule)


def test_live_rows_align_with_header():
    rule = format_live_header().splitlines()[1]
    ends = [i for i, ch in enumerate(rule) if ch == "-" and rule[i + 1 : i + 2] != "-"]
    for sample in recorded_timeline()[1:]:
        row = format_live_row(sample, 4)
        # Cells are right-aligned, so each one ends where its rule ends.
        for end in ends:
            assert row[end] != " ", (row, end)


def test_live_row_cells():
    sample = Sample(80.0, PHASE_LOAD, 4, 4, 168, 50, 8.06, 4, 4)
    cells = format_live_row(sample, 5).split()
    assert cells == ["80", "s", "load", "4", "4", "5", "168%/50%", "8.1", "4/4"]


def test_live_row_unknown_cpu():
    sample = Sample(5.0, PHASE_LOAD, 1, 1, None, 50, 0.0, 0, 1)
    row = format_live_row(sample, None)
    assert "<unknown>/50%" in row
    assert row.split()[5] == "-"


def test_load_window_ends_at_cooldown():
    assert load_window(recorded_timeline()) == (0.0, 245.0)


def test_load_window_without_cooldown():
    assert load_window(recorded_timeline()[:3]) == (0.0, 70.0)


def test_chart_png_written(tmp_path):
    require(
        importlib.util.find_spec("matplotlib") is not None,
        "matplotlib not installed: pip install matplotlib",
    )
    path = tmp_path / "charts" / "hpa-timeline.png"
    assert draw_chart(recorded_timeline(), str(path), "test") == str(path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_chart_without_samples_rejected(tmp_path):
    with pytest.raises(ValueError, match="no samples"):
        draw_chart([], str(tmp_path / "x.png"), "test")


def test_chart_without_matplotlib_explains(tmp_path, monkeypatch):
    # A None entry in sys.modules makes `import matplotlib` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ChartUnavailable, match="pip install matplotlib"):
        draw_chart(recorded_timeline(), str(tmp_path / "x.png"), "test")
