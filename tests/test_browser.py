"""End to end, as a learner sees it: JupyterLab in a real browser runs notebooks 05 and 06.

JupyterLab starts from this interpreter (the project's ``.venv`` under ``make test``) on
127.0.0.1 with a token, in a temporary folder holding copies of the two notebooks (autosave
never touches the repository), with its runtime, settings and workspaces folders there too.
Python ``playwright`` drives Debian's ``chromium`` (``executable_path``; playwright's own browser
download is not used). In the page:

* notebook 05: Run All; search the new-user panel for the first movie of its top-10 list, pick
  it, move the stars, click **Add rating**; the top-10 list in the page changes (a rated movie is
  never recommended);
* notebook 06: Run All; the explorer's λ reads exactly 15; click **Train**; a new run appears in
  its status and a new plot image in its output;
* in both: no output area holds a traceback, and MathJax rendered every formula (no raw ``$$``).

Every wait is bounded and fails with what it was waiting for. Screenshots go to
``tests/browser-screenshots/`` (git-ignored). Without Chromium or playwright the test skips with
the reason, except in CI (``CI`` set), where it must run.
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
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "browser-screenshots"
CHROMIUM = os.environ.get("RECSYS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOKS = ["05_mean_normalization.ipynb", "06_tensorflow_on_movielens.ipynb"]
IN_CI = bool(os.environ.get("CI"))

pytestmark = pytest.mark.movielens  # both notebooks read MovieLens


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} — CI must run the browser test (.ci/run installs Debian's chromium)")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, timeout: float, interval: float = 0.5):
    """Call ``check()`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab serving copies of notebooks 05 and 06: ``(url, token, log path)``."""
    _need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (install Debian's `chromium` package)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed (it is in the test extra: make test installs it)")
    _need(bool(os.environ.get("RECSYS_DATA")) or (ROOT / "data" / "ml-latest-small").exists(),
          "MovieLens is not available (set RECSYS_DATA)")

    home = tmp_path_factory.mktemp("lab")
    work, runtime, settings, workspaces = (home / d for d in ("work", "runtime", "settings", "workspaces"))
    for d in (work, runtime, settings, workspaces):
        d.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / name, work / name)
    # Every cell in the DOM (no windowing), no news/update pop-ups over the page.
    overrides = {
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    }
    for plugin, values in overrides.items():
        pkg, name = plugin.split(":")
        target = settings / pkg / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))

    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures, as for a learner
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={work}", f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={workspaces}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "jupyter-lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def up():
            if proc.poll() is not None:
                raise AssertionError(f"jupyter-lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        _wait(f"JupyterLab to answer on {url} (log: {log})", up, timeout=60)
        yield url, token, log
    finally:  # stop the jupyter-lab process itself (it shuts its kernels down), also on failure
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield b
        finally:
            b.close()


class Lab:
    """One notebook open in JupyterLab, with bounded waits that say what they waited for."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name

    def shot(self, step: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{Path(self.name).stem[:2]}_{step}.png"), full_page=False)

    def wait_idle(self, what: str, timeout: float) -> None:
        # The status bar's kernel text ("Python 3 (ipykernel) | Idle"), not the toolbar icon,
        # which reads idle before a kernel exists.
        status = self.page.locator(".jp-StatusBar-Widget", has_text="Python 3")
        _wait(f"{what} (status bar says Idle)",
              lambda: status.count() > 0 and "Idle" in status.first.inner_text(), timeout)

    def run_all(self, timeout: float) -> None:
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
        n_code = prompts.count()
        assert n_code > 5, f"{self.name}: found {n_code} code cells in the page"

        def done():  # no cell queued or running, and the last code cell has run (a collapsed cell shows no prompt)
            texts = [t.strip() for t in prompts.all_inner_texts()]
            return (not any(t in ("[ ]:", "[*]:") for t in texts)
                    and bool(re.fullmatch(r"\[\d+\]:", texts[-1])))

        try:
            _wait(f"{self.name}: every one of its {n_code} code cells to finish (Run All)", done, timeout, 1.0)
        finally:
            self.shot("after-run-all")
        self.wait_idle(f"{self.name}: the kernel after Run All", 30)

    def assert_no_traceback(self) -> None:
        outputs = self.page.locator(".jp-OutputArea-output").all_inner_texts()
        bad = [t for t in outputs if "Traceback (most recent call last)" in t or "Error in callback" in t]
        assert not bad, f"{self.name}: {len(bad)} output(s) show a traceback; the first:\n{bad[0][-2000:]}"

    def assert_math_rendered(self) -> None:
        page = self.page
        _wait(f"{self.name}: MathJax to typeset", lambda: page.locator("mjx-container").count() > 0, 30)
        raw = [t for t in page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").all_inner_texts() if "$$" in t]
        assert not raw, f"{self.name}: {len(raw)} markdown cell(s) show raw $$, e.g. {raw[0][:300]!r}"


def open_notebook(browser, lab, name: str) -> Lab:
    url, token, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    # A workspace of its own, reset: only this notebook opens (no tab of the other restored, no second kernel)
    page.goto(f"{url}/lab/workspaces/{Path(name).stem[:2]}/tree/{name}?reset&token={token}",
              wait_until="domcontentloaded", timeout=60_000)
    nb = Lab(page, name)
    try:
        nb.wait_idle(f"{name}: the kernel to start", 90)
    except AssertionError:
        nb.shot("kernel-start")
        raise
    return nb


def shut_down_kernels(lab) -> None:
    """Stop every kernel of the server (the next notebook gets the CPU to itself)."""
    url, token, _ = lab
    with urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=10) as r:
        kernels = json.load(r)
    for k in kernels:
        req = urllib.request.Request(f"{url}/api/kernels/{k['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(req, timeout=30).close()


def top10(panel) -> list[str]:
    """Titles of the new-user panel's "Top 10 for you" table, as the page shows them."""
    rows = panel.locator("table").last.locator("tr")
    return [rows.nth(i).locator("td").nth(1).inner_text() for i in range(1, rows.count())]


def test_notebook_05_new_user_panel_in_the_browser(browser, lab):
    nb = open_notebook(browser, lab, NOTEBOOKS[0])
    page = nb.page
    try:
        nb.run_all(timeout=300)
        nb.assert_no_traceback()
        nb.assert_math_rendered()

        search = page.get_by_placeholder("part of a title, e.g. toy story")
        _wait("the new-user panel to show (its search box)", lambda: search.count() == 1, 30)
        panel = page.locator(".widget-vbox", has=search).first
        panel.scroll_into_view_if_needed()
        before = _wait("the panel's top-10 list", lambda: top10(panel) if len(top10(panel)) == 10 else None, 30)
        title = before[0]  # rate the top recommendation: a rated movie leaves the list
        nb.shot("panel-before")

        search.fill(title.lower())
        dropdown = panel.locator("select").first
        # ipywidgets writes a Dropdown's labels with non-breaking spaces
        options = lambda: dropdown.evaluate("s => Array.from(s.options).map(o => o.text.replace(/\\u00a0/g, ' '))")  # noqa: E731
        try:
            index = _wait(f"the movie list to offer {title!r}",
                          lambda: next((i + 1 for i, o in enumerate(options()) if o.startswith(title)), None), 30)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; it offers {options()[:5]}") from None
        dropdown.select_option(index=index - 1)
        stars = panel.locator(".widget-slider", has_text="Your rating")
        readout = stars.locator(".widget-readout")
        want = f"{float(readout.inner_text()) - 1.5:.1f}"  # three half-star steps down
        stars.locator(".noUi-handle").first.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        _wait(f"the stars to read {want}", lambda: readout.inner_text().strip() == want, 15)
        panel.get_by_role("button", name="Add rating").click()

        status = panel.locator(".widget-html", has_text="Rated")
        _wait(f"the panel to confirm the rating of {title!r}", lambda: status.count() > 0 and
              title in status.first.inner_text() and f"{float(want):g} ★" in status.first.inner_text(), 30)
        after = _wait("the top-10 list to change", lambda: (lambda t: t if t != before else None)(top10(panel)), 30)
        nb.shot("panel-after")
        assert title not in after and len(after) == 10, (before, after)
        nb.assert_no_traceback()
    except Exception:
        nb.shot("failure")
        raise
    finally:
        page.close()
        shut_down_kernels(lab)


def test_notebook_06_explorer_trains_in_the_browser(browser, lab):
    nb = open_notebook(browser, lab, NOTEBOOKS[1])
    page = nb.page
    try:
        nb.run_all(timeout=300)
        nb.assert_no_traceback()
        nb.assert_math_rendered()

        train = page.get_by_role("button", name="Train")
        _wait("the explorer to show (its Train button)", lambda: train.count() == 1, 30)
        explorer = page.locator(".widget-vbox", has=train).first
        explorer.scroll_into_view_if_needed()
        lam = explorer.locator(".widget-slider", has_text="λ").first
        assert lam.locator(".widget-readout").inner_text().strip() == "15", \
            "the explorer's λ must show exactly the 15 the notebook passed"
        status = explorer.locator(".widget-html", has_text="run ")
        _wait("the explorer's first run in its status", lambda: status.count() > 0 and
              "run 1:" in status.first.inner_text(), 30)
        image = explorer.locator(".widget-output img")
        _wait("the explorer's first plot", lambda: image.count() == 1, 30)
        first_src = image.first.get_attribute("src")
        nb.shot("explorer-before")

        explorer.locator(".widget-slider", has_text="features").locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")  # 10 -> 11 features: a new run, a different plot
        train.click()
        _wait("a second run in the explorer's status", lambda: "run 2:" in status.first.inner_text(), 180)
        _wait("a new plot image", lambda: image.count() == 1 and image.first.get_attribute("src") != first_src, 30)
        nb.shot("explorer-after")
        nb.assert_no_traceback()
    except Exception:
        nb.shot("failure")
        raise
    finally:
        page.close()
        shut_down_kernels(lab)
