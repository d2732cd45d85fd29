"""gunicorn.conf.py: Prometheus multiprocess mode for several gunicorn workers (the sum over the
workers on /metrics is tested with real processes in test_chaos_processes.py)."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]


def _load(monkeypatch, directory: Path | None) -> dict:
    # Set first, so that the variable the file sets is undone after the test.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    if directory is None:
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    else:
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_the_directory_is_emptied_at_start_and_a_dead_worker_loses_its_live_gauges(
    monkeypatch, tmp_path
):
    conf = _load(monkeypatch, tmp_path)
    (tmp_path / "counter_41.db").write_bytes(b"an earlier run")
    conf["on_starting"](None)
    assert list(tmp_path.iterdir()) == []  # an earlier run's counts are not counted again

    (tmp_path / "gauge_livesum_42.db").write_bytes(b"")
    (tmp_path / "counter_42.db").write_bytes(b"")
    conf["child_exit"](None, SimpleNamespace(pid=42))
    assert [p.name for p in tmp_path.iterdir()] == ["counter_42.db"]  # its counts stay


def test_without_the_variable_gunicorn_makes_a_directory_of_its_own(monkeypatch):
    conf = _load(monkeypatch, None)
    made = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert made.is_dir() and made.name.startswith("outreach-prometheus-")
    conf["on_starting"](None)
    conf["on_exit"](None)
    assert not made.exists()
