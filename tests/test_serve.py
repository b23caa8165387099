"""End to end against a real Prefect server: `prefect server start` on a free loopback port (own PREFECT_HOME),
`python -m pipeline serve` serving the deployments, runs triggered through the API with custom parameters,
tables checked, then everything shut down — and the ingest schedule must still be active afterwards."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.serve import api_url, start_server, stop_process, wait_healthy
from helpers import Site, prefect_home
from pipeline.store import read

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"

pytestmark = [pytest.mark.serve, pytest.mark.processes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run_deployment(name: str, parameters: dict, timeout: float = 300) -> tuple[str, object]:
    """Create a run of a deployment through the API, wait for a final state; (state type, flow run)."""
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        deployment = await client.read_deployment_by_name(name)
        run = await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = await client.read_flow_run(run.id)
            if run.state is not None and run.state.is_final():
                return run.state.type.value, run
            await asyncio.sleep(1)
    raise TimeoutError(f"{name} did not finish in {timeout} s")


async def read_deployment(name: str):
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        return await client.read_deployment_by_name(name)


def wait_for_line(path: Path, needle: str, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and needle in path.read_text(encoding="utf-8", errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"serve exited ({process.returncode}):\n{path.read_text(errors='replace')[-3000:]}")
        time.sleep(1)
    raise TimeoutError(f"{needle!r} not in {path} after {timeout} s:\n{path.read_text(errors='replace')[-3000:]}")


def test_served_deployments_run_with_ui_parameters(tmp_path, prefect_database):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = prefect_home(tmp_path / "prefect-home", prefect_database)
    port = free_port()
    url = api_url("127.0.0.1", port)
    site = Site()  # a local news site with a feed, for the served ingest
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": url, "PIPELINE_FETCH_TIMEOUT": "1", "PIPELINE_FETCH_RETRIES": "1",
           "PIPELINE_FETCH_PAUSE": "0", "PIPELINE_FETCH_ALLOW": site.allow,
           "PREFECT_RUNNER_POLL_FREQUENCY": "1"}  # serve looks for new runs every second, not every 10
    server = start_server("127.0.0.1", port, home / "server.log", env)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("001_tsmc_arizona.txt", "002_yandex_gpt.txt"):
        shutil.copy(RAW_DIR / name, inbox)
    serve_log = tmp_path / "serve.log"
    serve = None
    try:
        wait_healthy(url, server)
        with open(serve_log, "wb") as log:
            serve = subprocess.Popen(
                [sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--inbox", str(inbox), "--out", str(out),
                 "--cron", "0 3 * * *"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
        wait_for_line(serve_log, "serving deployments", serve)
        assert "starting a Prefect server" not in serve_log.read_text()  # it found the running one

        with temporary_settings({PREFECT_API_URL: url}):
            state, _ = asyncio.run(run_deployment("ingest/ingest", {}))
            assert state == "COMPLETED", serve_log.read_text()[-3000:]
            articles = read(out, "articles").to_pandas()
            assert len(articles) == 2
            before = {name: read(out, name) for name in ("claims", "amounts", "articles")}
            tsmc = articles.set_index("source_id").loc["001_tsmc_arizona.txt"]

            # what a person fills in the UI form: one article by id, a date range, two stages, force
            day = tsmc.published_at.isoformat()
            state, run = asyncio.run(run_deployment("reprocess/reprocess", {
                "article_ids": [tsmc.article_id], "published_from": day, "published_to": day,
                "stages": ["amounts", "claims"], "force": True, "dry_run": False}))
            assert state == "COMPLETED", serve_log.read_text()[-3000:]
            assert run.parameters["stages"] == ["amounts", "claims"]
            for name, table in before.items():  # same version, same text: identical rows, nothing duplicated
                assert read(out, name).equals(table), name
            assert "2 articles selected" not in serve_log.read_text()
            assert "1 articles selected, 1 to reprocess (stages amounts, claims)" in serve_log.read_text()

            state, _ = asyncio.run(run_deployment("reprocess/reprocess", {"published_from": "2030-01-02",
                                                                           "published_to": "2030-01-01"}))
            assert state == "FAILED"  # an inverted range is an error the UI shows, not a silent no-op

            # the served ingest reads a feed: new pages land with their URL and date, failures become rejects,
            # and the next run does not fetch a stored URL again
            feed = {"feeds": [f"{site.base}/feed.xml"], "sources": None}
            state, _ = asyncio.run(run_deployment("ingest/ingest", feed))
            assert state == "COMPLETED", serve_log.read_text()[-3000:]
            page = read(out, "articles").to_pandas().set_index("source_key").loc[f"{site.base}/news/1"]
            assert page.url == f"{site.base}/news/1" and page.published_at.isoformat() == "2025-11-03"
            reasons = sorted(r["reason"] for r in read(out, "rejects").to_pylist())
            assert reasons == ["http_error", "timeout"]
            # the same feed again, beside a local path typed into the form: the stored page is not fetched again,
            # and the local file is not read (any file of this machine could become an article)
            local = tmp_path / "feed.xml"
            local.write_text(f'<rss version="2.0"><channel><item><link>{site.base}/news/2</link></item></channel></rss>',
                             encoding="utf-8")
            state, _ = asyncio.run(run_deployment("ingest/ingest", {**feed, "feeds": [*feed["feeds"], str(local)]}))
            assert state == "COMPLETED", serve_log.read_text()[-3000:]
            assert site.hits["/news/1"] == 1
            refused = {r["source_key"]: r["reason"] for r in read(out, "rejects").to_pylist()}
            assert refused[str(local)] == "blocked_url" and site.hits["/news/2"] == 0
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                serve.kill()
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            deployment = asyncio.run(read_deployment("ingest/ingest"))
        assert deployment.paused is False  # stopping `serve` must not pause the schedule
        assert all(s.active for s in deployment.schedules) and deployment.schedules
    finally:
        stop_process(server)
        site.close()
    assert server.poll() is not None


def test_the_ui_of_a_server_serve_started_points_at_its_own_port(tmp_path, prefect_database):
    """`make serve PORT=P`: the server `serve` starts tells its UI the API is on P, not on Prefect's 4200."""
    import json
    import urllib.request

    port = free_port()
    home = prefect_home(tmp_path / "prefect-home", prefect_database)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    serve_log = tmp_path / "serve.log"
    with open(serve_log, "wb") as log:
        serve = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--inbox",
                                  str(tmp_path / "inbox"), "--out", str(tmp_path / "out")], env=env, cwd=tmp_path,
                                 stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_line(serve_log, "serving deployments", serve)
        assert "starting a Prefect server" in serve_log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=30) as response:
            settings = json.loads(response.read())
        assert settings["api_url"] == f"http://127.0.0.1:{port}/api"
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=90)
        except subprocess.TimeoutExpired:
            serve.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and socket.socket().connect_ex(("127.0.0.1", port)) == 0:
        time.sleep(0.5)
    assert socket.socket().connect_ex(("127.0.0.1", port)) != 0  # the server it started is gone with it
