"""Request metrics across gunicorn workers: with PROMETHEUS_MULTIPROC_DIR each process writes its counts there and a
scrape in any process adds them all up."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from shopcs import create_app
from shopcs.config import ConfigError
from shopcs.ops.metrics import exposition

ROOT = Path(__file__).resolve().parents[2]
WORKER = textwrap.dedent("""
    import sys
    from shopcs import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/healthz").status_code == 200
    print("done")
""")


def _worker(directory: Path, database_url: str, requests: int) -> subprocess.Popen:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "SHOPCS_SECRET_KEY": "x"}
    return subprocess.Popen([sys.executable, "-c", WORKER, database_url, str(requests)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _value(text: str, name: str, **labels) -> float:
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and sample.labels == labels)


@pytest.mark.slow
def test_the_counts_of_two_worker_processes_add_up_in_one_scrape(tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    database_url = f"sqlite:///{tmp_path / 'mp.sqlite3'}"
    workers = [_worker(directory, database_url, 7), _worker(directory, database_url, 5)]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "done", err
    assert len(list(directory.glob("counter_*.db"))) == 2  # one file per process

    text = exposition(env={"PROMETHEUS_MULTIPROC_DIR": str(directory)}).decode()
    labels = {"endpoint": "web.healthz", "method": "GET"}
    assert _value(text, "shopcs_http_requests_total", status="200", **labels) == 12
    assert _value(text, "shopcs_http_request_duration_seconds_count", **labels) == 12
    assert _value(text, "shopcs_http_request_duration_seconds_bucket", le="+Inf", **labels) == 12


def test_a_missing_metrics_directory_is_made_and_a_file_in_its_place_stops_the_app_at_start(tmp_path, monkeypatch):
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "run" / "metrics"))
    create_app(config)
    assert (tmp_path / "run" / "metrics").is_dir()
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "a-file"))
    with pytest.raises(ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        create_app(config)
