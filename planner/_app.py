"""Serve the planner's notebooks as a web app with Voila, hardened (``planner app``, ``make app``).

The planner is the page at the root URL; the other notebooks are at ``/voila/render/<name>.ipynb`` and
listed at ``/voila/tree``. Voila runs as it ships, with these choices (see RECIPES "Serving the app"):

- bound to 127.0.0.1 (there is no login), and it fails instead of moving to another port when the port
  is taken (``port_retries=0``);
- sources stripped and tracebacks hidden (Voila's defaults, stated explicitly), no template or theme
  override from the URL;
- preheated kernels, kernels shut down when their tab goes away, a cap on visitors' kernels with a
  "busy" page, and only loopback ``Host`` names served (:mod:`planner._server`, which runs in the Voila
  process);
- settings reach the kernels as environment variables: ``PLANNER_ORDERS_DIR`` (where exports go,
  ``orders/`` in the project by default) and ``PLANNER_CATALOG`` (the price catalog folder);
  ``PLANNER_MAX_KERNELS`` caps the visitors' kernels (default 40).

>>> voila_command(8866, "notebooks")[:3]  # doctest: +ELLIPSIS
['...python...', '-m', 'planner._app']
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

DEFAULT_PORT = 8866
LANDING_NOTEBOOK = "planner.ipynb"
PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
ORDERS_DIR = PROJECT_DIR / "orders"
#: Visitors' kernels at once (the preheated pool not counted); past it a visitor sees a "busy" page.
#: About 98 MB each after a planner view (measured): 40 is ~4 GB of this 24 GiB machine, and on 2 cores
#: more visitors than that would each wait seconds for a change anyway.
DEFAULT_MAX_KERNELS = 40


def voila_command(port: int, notebooks_dir: str | os.PathLike[str]) -> list[str]:
    """The command line that serves ``notebooks_dir`` on ``127.0.0.1:port`` with the planner at ``/``."""
    if not 0 < int(port) < 65536:
        raise ValueError(f"port must be 1–65535, not {port}")
    return [
        sys.executable,
        "-m",
        "planner._app",
        str(Path(notebooks_dir).resolve()),
        "--no-browser",
        f"--port={int(port)}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
        # A cell may wait up to a minute for its output when many visitors arrive at once (the default 4 s left
        # half of ten simultaneous pages empty on this 2-core machine).
        "--VoilaExecutor.iopub_timeout=60",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
    ]


class PortError(ValueError):
    """A setting of the server cannot be used (a port not a number or out of range, a bad cap)."""


def max_kernels(env: dict[str, str] | None = None) -> int:
    """The cap on visitors' kernels: ``PLANNER_MAX_KERNELS`` (a whole number, at least 1) or 40.

    >>> max_kernels({"PLANNER_MAX_KERNELS": "8"}), max_kernels({})
    (8, 40)
    """
    text = (os.environ if env is None else env).get("PLANNER_MAX_KERNELS", "").strip()
    if not text:
        return DEFAULT_MAX_KERNELS
    if not text.isdigit() or int(text) < 1:
        raise PortError(f"PLANNER_MAX_KERNELS must be a whole number of kernels, at least 1, not {text!r}")
    return int(text)


def _port_from_env() -> int:
    text = os.environ.get("PORT", "").strip()
    if not text:
        return DEFAULT_PORT
    try:
        port = int(text)
    except ValueError:
        raise PortError(f"PORT must be a port number, not {text!r}") from None
    return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def app_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila and its kernels run with: the export folder made absolute."""
    env = dict(os.environ if base is None else base)
    env["PLANNER_ORDERS_DIR"] = str(Path(env.get("PLANNER_ORDERS_DIR") or ORDERS_DIR).resolve())
    if env.get("PLANNER_CATALOG"):
        env["PLANNER_CATALOG"] = str(Path(env["PLANNER_CATALOG"]).resolve())
    if env.get("PLANNER_CATALOGS_DIR"):  # fetched catalogs the Catalog page can compare (kernels run in notebooks/)
        env["PLANNER_CATALOGS_DIR"] = str(Path(env["PLANNER_CATALOGS_DIR"]).resolve())
    return env


def serve(port: int | None = None) -> int:
    """Serve the app until interrupted; return the exit status (``PORT`` overrides 8866)."""
    try:
        port = _port_from_env() if port is None else port
        if not 0 < port < 65536:
            raise PortError(f"the port must be 1–65535, not {port}")
        max_kernels()
    except PortError as exc:
        print(f"planner app: {exc}", file=sys.stderr)
        return 2
    if not _port_is_free(port):
        print(f"planner app: port {port} on 127.0.0.1 is already in use; set PORT to another one", file=sys.stderr)
        return 2
    print(f"planner app: serving http://127.0.0.1:{port}/ (Ctrl+C stops it)", file=sys.stderr)
    process = subprocess.Popen(voila_command(port, NOTEBOOKS_DIR), env=app_environment(), cwd=PROJECT_DIR)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()


#: Debian's chromium and the flags the browser tests and the app benchmark drive it with (headless, as root
#: in a container: no sandbox, no GPU, no /dev/shm, nothing fetched in the background).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BackgroundApp:
    """The app serving in the background (the browser tests, the app benchmark): ``command`` started in
    its own process group, its output in ``log``; ready once ``port`` accepts connections (a GET of a
    notebook would start a kernel). :meth:`stop` ends the server and every kernel it started."""

    def __init__(
        self,
        command: list[str],
        *,
        port: int,
        env: dict[str, str],
        log: IO[Any],
        timeout: float = 90,  # float ok
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_for_port(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_for_port(self, timeout: float) -> None:  # float ok: seconds
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode}; see its log")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"the app did not listen on {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # kernels are in the server's process group
        self.process.wait()


def _voila_main(argv: list[str] | None = None) -> None:
    """Voila with the planner at ``/``, preheated kernels, freed kernels and a cap (:mod:`planner._server`)."""
    from planner._server import main

    main(argv)


if __name__ == "__main__":
    _voila_main()
