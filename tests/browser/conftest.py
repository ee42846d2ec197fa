"""Fixtures for driving the students' JupyterLab in a real browser.

One ``jupyter lab`` server (started from this project's virtual environment) and one
Chromium (Debian's ``/usr/bin/chromium``, driven through Playwright's sync API) serve
every test of this folder. The server's root is a temporary copy of ``notebooks/`` plus
the solution notebooks the tests need, so students' files and the repository stay
untouched, and all Jupyter state (settings, workspaces, runtime files) lives in the same
temporary folder.

Chromium itself (``chromium_executable``, ``browser_context``) comes from
``tests/conftest.py``, shared with the Formgrader test of ``tests/test_nbgrader_roundtrip.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
# JupyterLab settings for a quiet, deterministic UI: no news or update popups, and every
# cell kept in the DOM (no windowing) so that cells can be counted and inspected.
LAB_SETTING_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
SERVER_START_TIMEOUT_S = 90
KERNEL_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 120_000

STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_lab_root(root: Path) -> None:
    """Lay out ``root`` like the repository root that ``make lab`` and Binder serve.

    It holds the students' notebooks, the solution notebooks and the course's
    ``nbgrader_config.py`` (nbgrader's Validate reads it from the server's directory).
    """
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("notebooks", "solutions"):
        source = REPO / folder
        if source.is_dir():
            shutil.copytree(source, root / folder, ignore=ignore)
    config = REPO / "nbgrader_config.py"
    if config.is_file():
        shutil.copy2(config, root / config.name)


class JupyterServer:
    """A running ``jupyter lab`` process and how to reach it."""

    def __init__(self, process: subprocess.Popen, url: str, token: str, root: Path,
                 log: Path) -> None:
        self.process = process
        self.url = url
        self.token = token
        self.root = root
        self.log = log

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def api_get(self, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def wait_until_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.process.returncode}:\n"
                    f"{self.log_tail()}"
                )
            try:
                self.api_get("api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(
            f"jupyter lab did not answer on {self.url} within {timeout_s} s:\n"
            f"{self.log_tail()}"
        )

    def stop(self) -> None:
        """Stop the server (it shuts its kernels down), killing its group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture(scope="session")
def jupyter_server(chromium_executable: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """``jupyter lab`` from this venv on a free loopback port, rooted in a temp copy."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    _copy_lab_root(root)
    config_dir = base / "config"
    (config_dir / "labconfig").mkdir(parents=True)
    (config_dir / "labconfig" / "default_setting_overrides.json").write_text(
        json.dumps(LAB_SETTING_OVERRIDES, indent=2)
    )

    venv_bin = Path(sys.executable).parent
    env = {key: value for key, value in os.environ.items() if key != "JUPYTER_PATH"}
    env.update(
        PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        # Isolated Jupyter dirs: the only python3 kernel spec left is this venv's.
        JUPYTER_CONFIG_DIR=str(config_dir),
        # What `make lab` and Binder give students: nbgrader's instructor tools hidden.
        JUPYTER_CONFIG_PATH=str(REPO / "jupyter-config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
    )
    port = _free_loopback_port()
    token = secrets.token_hex(16)
    command = [
        str(venv_bin / "jupyter"), "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={base / 'user-settings'}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: its command registry
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "jupyter-lab.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = JupyterServer(process, f"http://127.0.0.1:{port}", token, root, log)
    try:
        server.wait_until_ready(SERVER_START_TIMEOUT_S)
        yield server
    finally:
        server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Remember each phase's report on the test item (for screenshots on failure)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def lab(request: pytest.FixtureRequest, browser_context, jupyter_server: JupyterServer,
        artifacts_dir: Path) -> Iterator[LabPage]:
    """A fresh browser tab on the shared server; screenshots itself if the test fails."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    lab_page = LabPage(page, jupyter_server, artifacts_dir)
    try:
        yield lab_page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            lab_page.screenshot(f"FAILED-{request.node.name}")
        page.close()


class LabPage:
    """What a student does in JupyterLab, as Playwright actions on one tab."""

    def __init__(self, page, server: JupyterServer, artifacts_dir: Path) -> None:
        self.page = page
        self.server = server
        self.artifacts_dir = artifacts_dir

    # -- opening and waiting -------------------------------------------------------
    def open_notebook(self, path: str) -> None:
        """Open ``path`` (relative to the server root) and wait for an idle kernel."""
        from playwright.sync_api import expect

        self.page.goto(f"{self.server.url}/lab/tree/{path}?token={self.server.token}&reset")
        expect(self.page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(
            timeout=60_000
        )
        self.wait_for_idle_kernel()

    def wait_for_idle_kernel(self) -> None:
        """Wait for the status bar's ``| Idle``; the toolbar indicator is idle too early."""
        from playwright.sync_api import expect

        status = self.page.locator("#jp-main-statusbar")
        expect(status).to_contain_text("| Idle", timeout=KERNEL_TIMEOUT_MS)
        expect(status).not_to_contain_text("No Kernel")

    # -- menus and running -----------------------------------------------------------
    def menu(self, menu: str, item: str) -> None:
        """Click ``menu`` in the menu bar, then its entry labelled exactly ``item``."""
        self.page.locator(
            ".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(menu)}$")
        ).click()
        self.page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")
        ).click()

    @property
    def cells(self):
        return self.page.locator(".jp-NotebookPanel .jp-Cell")

    def prompts(self) -> list[str]:
        """Input prompts of all cells ('' for markdown cells), e.g. ``'[3]:'``, ``'[*]:'``."""
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('.jp-NotebookPanel .jp-Cell'),
                     cell => cell.classList.contains('jp-CodeCell')
                       ? cell.querySelector('.jp-InputPrompt').innerText.trim() : '')"""
        )

    def wait_until_run_finished(self, quiet_s: float = 10.0) -> None:
        """Wait until no cell is queued or running (``[*]``), the kernel is idle, and either
        the last code cell has run or the prompts stayed so for ``quiet_s`` (a run that
        stopped early). Between two cells of a Run All the kernel is briefly idle while the
        browser is still busy with the last outputs and the next cell has not started."""
        deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
        prompts, since = None, time.monotonic()
        while time.monotonic() < deadline:
            now = self.prompts()
            running = any("*" in p for p in now)
            code = [p for p in now if p]
            if not running and code and code[-1].strip("[]: ").isdigit():
                self.wait_for_idle_kernel()
                return
            if now != prompts or running:
                prompts, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                self.wait_for_idle_kernel()
                return
            time.sleep(0.25)
        raise AssertionError(f"the notebook kept running for {RUN_TIMEOUT_MS / 1000:.0f} s")

    def run_all_cells(self) -> None:
        """Run → Run All Cells, and wait; like JupyterLab, this stops at an error."""
        self.menu("Run", "Run All Cells")
        self.wait_until_run_finished()

    # -- reading outputs -------------------------------------------------------------
    def stderr_outputs(self) -> list[tuple[int, str]]:
        """(cell index, text) of every error or stderr output shown in the notebook."""
        return self.page.evaluate(
            """(selector) => Array.from(
                   document.querySelectorAll('.jp-NotebookPanel .jp-Cell'))
                 .flatMap((cell, index) => Array.from(cell.querySelectorAll(selector),
                          output => [index, output.innerText]))""",
            STDERR_OUTPUT,
        )

    def time_redraw(self, image, act, what: str = "the control", timeout_ms: int = 30_000) -> float:
        """Milliseconds from the key press or click of ``act()`` to the new picture of
        ``image`` (an ipywidgets Image) decoded and painted; fails if none comes."""
        self.page.evaluate(
            """([img, timeout]) => {
                window.__inputAt = null;
                const mark = () => { if (window.__inputAt === null) window.__inputAt = performance.now(); };
                for (const type of ['keydown', 'mousedown'])
                    document.addEventListener(type, mark, {capture: true, once: true});
                window.__painted = new Promise(resolve => {
                    const observer = new MutationObserver(async () => {
                        observer.disconnect();
                        try { await img.decode(); } catch (error) {}
                        requestAnimationFrame(() => resolve(performance.now()));
                    });
                    observer.observe(img, {attributes: true, attributeFilter: ['src']});
                    setTimeout(() => { observer.disconnect(); resolve(null); }, timeout);
                });
            }""",
            [image.element_handle(), timeout_ms],
        )
        act()
        painted = self.page.evaluate("() => window.__painted.then(t => t === null ? null : t - window.__inputAt)")
        if painted is None:
            raise AssertionError(f"no new picture within {timeout_ms / 1000:.0f} s of moving {what}")
        self.wait_for_idle_kernel()
        return painted

    # -- artifacts -------------------------------------------------------------------
    def screenshot(self, name: str, element=None) -> Path:
        """Save a PNG of the viewport, scrolled to ``element`` when given."""
        if element is not None:
            element.scroll_into_view_if_needed()
        path = self.artifacts_dir / f"{name}.png"
        self.page.screenshot(path=path)
        return path
