"""A CLI run's head start: Prefect's temporary API server comes up while this process imports and loads models.

Without a `PREFECT_API_URL`, a flow's first Prefect call starts a temporary server (Prefect's "ephemeral" mode)
and waits for it: the client first imports Prefect's whole server package (2.8 s) just to launch it, the server
process then imports it again and opens its database (3 s on an idle machine, 8 s when it must create the
database, 20+ s under load), and only then does the flow plan, load the NLP models (~2.5 s) and extract.

`TemporaryServer` launches the same server process (uvicorn with Prefect's `create_app` factory, UI off, ephemeral
mode, on a free local port) at the very start of the command, without importing Prefect's server here, so its
start-up runs on the other core while this process imports the pipeline and loads the models; the flow is then
pointed at it (`PREFECT_API_URL`) and the server is stopped when the command ends, as Prefect's own would be.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from pipeline.serve import SERVER_STARTUP_SECONDS, stop_process, wait_healthy

STARTUP_TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


# uvicorn, bound to this process's life: on Linux the kernel sends it SIGTERM when this process dies, even by
# SIGKILL (`PR_SET_PDEATHSIG`), so a killed run leaves no server behind
_LAUNCHER = """
import os, runpy, signal, sys
if sys.platform.startswith("linux"):
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)  # the parent was gone before the line above
sys.argv = ["uvicorn", *sys.argv[2:]]
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


def configured_api_url() -> str | None:
    """The API URL Prefect will use (environment or active profile); None: a flow run would start a temporary
    server. Reads Prefect's settings (0.9 s of imports the flow pays anyway)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


class PrefectHomeError(RuntimeError):
    """Prefect's home folder cannot be used: the one line that says so, instead of a server's tracebacks."""


def check_prefect_home() -> Path:
    """`PREFECT_HOME` (default ~/.prefect), which Prefect writes its database, profiles and logs to, exists as a
    writable folder (created if absent) and its database, if any, is writable; else `PrefectHomeError`."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()

    def refuse(why: str) -> PrefectHomeError:
        return PrefectHomeError(f"PREFECT_HOME={home} {why}: set PREFECT_HOME to a writable folder")

    if home.exists() and not home.is_dir():
        raise refuse("is a file, not a folder")
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / f".pipeline-write-check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        database = home / "prefect.db"
        if database.exists():
            with open(database, "r+b"):
                pass
    except OSError as exc:
        raise refuse(f"cannot be written ({exc.strerror or exc})") from None
    return home


def drain_prefect_workers() -> None:
    """Send the logs and events Prefect still queues to the server, before the server stops (as Prefect's test
    harness does): stopped first, the workers would retry against a closed port at exit for over a minute."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    try:
        APILogWorker.instance().drain()
    except RuntimeError:  # the worker never started
        pass
    EventsWorker.drain_all()


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class TemporaryServer:
    """Prefect's temporary API server, launched by `start()` and waited for by `wait()`; `settings()` points this
    process's Prefect at it; `stop()` ends it. Does nothing when an API URL is configured. Start it from the thread
    that runs the flow: on Linux the server ends when that thread does."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self.ready: threading.Thread | None = None
        self.error: BaseException | None = None
        self.stopping = False

    def start(self) -> TemporaryServer:
        """Launch the server unless the environment names an API; `confirm()` later checks the Prefect profile."""
        if os.environ.get("PREFECT_API_URL"):
            return self
        self._launch()
        if os.environ.get("PREFECT_LOGGING_LEVEL") != "WARNING":  # `--quiet`
            print(f"starting a temporary Prefect server on {self.url.removesuffix('/api')}", file=sys.stderr,
                  flush=True)
        self.ready = threading.Thread(target=self._until_ready, name="prefect-server-ready", daemon=True)
        self.ready.start()
        return self

    def _launch(self) -> None:
        port = free_port(self.host)
        self.url = f"http://{self.host}:{port}/api"
        spec = importlib.util.find_spec("prefect")
        app_dir = str(Path(spec.origin).parent.parent) if spec and spec.origin else "."
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        uvicorn = ["--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app", "--host", self.host,
                   "--port", str(port), "--log-level", "error", "--lifespan", "on"]
        self.process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(os.getpid()), *uvicorn], env=env,
                                        start_new_session=True)

    def _until_ready(self) -> None:
        """Wait for the server to answer, then for its database (`/ready` opens the connection the flow's first
        request would otherwise wait for). Runs beside the model loading; `wait()` collects the outcome."""
        try:
            wait_healthy(self.url, self.process, timeout=float(os.environ.get(STARTUP_TIMEOUT_VARIABLE, SERVER_STARTUP_SECONDS)))
            with urllib.request.urlopen(f"{self.url}/ready", timeout=30) as response:
                response.read()
        except BaseException as exc:  # noqa: BLE001 - re-raised by wait()
            self.error = exc

    def confirm(self) -> None:
        """Stop the server again when the active Prefect profile names an API (rare: it was started before Prefect's
        settings were read, to gain their import time)."""
        if self.process is not None and configured_api_url():
            self.stop()
            if self.ready is not None:
                self.ready.join()
            self.url, self.ready, self.error = None, None, None

    @property
    def started(self) -> bool:
        return self.process is not None

    def wait(self, attempts: int = 3) -> None:
        """Block until the server is ready; raise when it did not come up within the start-up timeout. A server
        that exited before answering (its port taken meanwhile) is launched again on another port, from this
        thread: the kernel ties the server to the thread that launched it."""
        if self.ready is not None:
            self.ready.join()
        for _ in range(attempts - 1):
            if self.error is None or self.stopping or self.process is None or self.process.poll() is None:
                break
            self.error = None
            self._launch()
            self._until_ready()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    @contextlib.contextmanager
    def settings(self) -> Iterator[None]:
        """Prefect settings pointing at this server for the block's duration (nothing changes when not started).
        Flow-run heartbeats are off: they tell a long-lived server that a run crashed, and this server ends with
        the run (their thread also held every run's exit up to a second)."""
        if self.url is None:
            yield
            return
        from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            try:
                yield
            finally:
                drain_prefect_workers()

    def stop(self) -> None:
        self.stopping = True
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def __enter__(self) -> TemporaryServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def flow_environment(load_models: bool = True) -> Iterator[None]:
    """Where the CLI calls a flow: the temporary server starts first; the flows (and Prefect) are imported and,
    when the flow will extract in this process, the NLP models loaded while it comes up; the block runs against
    it, and it stops afterwards. With an API configured, the block simply runs against that API. An unusable
    `PREFECT_HOME` is refused first (`PrefectHomeError`), before any server is started."""
    check_prefect_home()
    with TemporaryServer() as server:
        from pipeline.flows import worker_processes

        server.confirm()
        if load_models and server.started and worker_processes() == 0:
            from pipeline.nlp import load_nlp_and_models

            load_nlp_and_models()
        server.wait()
        with server.settings():
            yield
