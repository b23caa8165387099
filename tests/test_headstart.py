"""The CLI's temporary Prefect server: started early, used by the flow, never left behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from helpers import prefect_home
from pipeline.headstart import TemporaryServer

pytestmark = pytest.mark.processes  # starts other processes

ROOT = Path(__file__).resolve().parent.parent


def test_no_server_is_started_when_an_api_is_configured(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with TemporaryServer() as server:
        assert not server.started
        server.wait()  # nothing to wait for
        with server.settings():
            pass


def _command_line(process: psutil.Process) -> str:
    """A child's command line, or "" when it exited between being listed and being read (psutil may then raise
    NoSuchProcess, or FileNotFoundError for its /proc entry)."""
    try:
        return " ".join(process.cmdline())
    except (psutil.Error, FileNotFoundError, ProcessLookupError):
        return ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the server's tie to the run is Linux's PR_SET_PDEATHSIG")
def test_a_killed_run_leaves_no_server_behind(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    run = psutil.Popen([sys.executable, "-m", "pipeline", "run", str(ROOT / "raw"), "--out", str(tmp_path / "out")],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    servers = []
    while not servers and time.monotonic() < deadline and run.poll() is None:
        servers = [p for p in run.children() if "create_app" in _command_line(p)]
        time.sleep(0.1)
    assert servers, "the run started no temporary server"
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone, alive = psutil.wait_procs(servers, timeout=30)
    for process in alive:
        process.kill()
    assert not alive


def test_a_server_whose_port_was_taken_is_launched_again_elsewhere(tmp_path, monkeypatch, prefect_database):
    import socket

    from pipeline import headstart

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(prefect_home(tmp_path / "home", prefect_database)))
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1]])
    real_free_port = headstart.free_port
    monkeypatch.setattr(headstart, "free_port", lambda host: next(ports, None) or real_free_port(host))
    try:
        with TemporaryServer() as server:
            server.wait()
            assert str(taken.getsockname()[1]) not in server.url
            time.sleep(2)  # still up once the thread that waited for it is gone
            assert server.process.poll() is None
    finally:
        taken.close()


LOSE_PREFECT_AFTER_PUBLISHING = """
import sys, time
import psutil
import pipeline.review as review

real = review.write_review


def write_then_lose_prefect(*args, **kwargs):  # the run has committed and published: now Prefect's server dies
    result = real(*args, **kwargs)
    for child in psutil.Process().children(recursive=True):
        child.kill()
    print(f"killed the server at {time.monotonic()}", file=sys.stderr, flush=True)
    return result


review.write_review = write_then_lose_prefect
from pipeline.cli import main

sys.exit(main(["run", sys.argv[1], "--out", sys.argv[2]]))
"""


def test_losing_prefect_after_the_run_published_is_a_warning_not_a_failure(tmp_path, prefect_database):
    from pipeline.store import snapshot

    home = prefect_home(tmp_path / "home", prefect_database)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    run = subprocess.run([sys.executable, "-c", LOSE_PREFECT_AFTER_PUBLISHING, str(ROOT / "raw"), str(tmp_path / "out")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    ended = time.monotonic()
    assert run.returncode == 0, run.stderr[-3000:]
    killed = float(run.stderr.split("killed the server at ")[1].split()[0])
    assert ended - killed < 45  # not Prefect's minutes of retries against a dead server
    assert "stopped answering after the run committed and published" in run.stderr
    assert "12 articles processed" in run.stdout and "review" in run.stdout
    assert snapshot(tmp_path / "out").read("articles").num_rows == 12


@pytest.mark.parametrize("home", ["a-file", "/proc/no-such-home"])
def test_an_unusable_prefect_home_fails_at_once_with_one_line_naming_it(tmp_path, home):
    if home == "a-file":
        home = tmp_path / "a-file"
        home.write_text("not a folder", encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "raw"), "--out", str(tmp_path / "out")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and time.monotonic() - started < 30
    assert run.stderr.strip().count("\n") == 0 and f"PREFECT_HOME={home}" in run.stderr, run.stderr[-2000:]
    assert not (tmp_path / "out").exists()
