"""The book's controls by keyboard, inside a real JupyterLab (issue 17).

A notebook made of the chapters' own explorer and widget cells, on small inputs, is
written to a temporary folder and opened in the book's pinned JupyterLab (started on a free
port, with its own settings, workspace and data folders) in headless Chromium, then run
with Run > Run All Cells. Every control is then moved by keyboard, and after each control:

* the readout says what the package's pure function says for the control's new state
  (an explorer's ``numbers``; a kernel widget's ``render_pair``, ``render_search`` or
  group table, recomputed in the same kernel), and
* no notebook shortcut fired: the cells, their types, the sections' collapse state, the
  outputs, the active cell and the notebook's mode are what they were. Each control gets,
  after its own keys, the single keys JupyterLab's command mode reads (``r`` makes a cell
  Raw and drops its output, ``d d`` deletes it, arrows move between cells or fold a
  section, ``a``/``b`` insert cells).

Two more things a student meets are checked in the same session: printed progress lines
(:class:`facelab.progress.print_progress`, also while
:func:`facelab.experiments.replay.amazon_reply` draws its gallery in spawned processes)
land in the running cell's own output, as they are printed; and a notebook saved with
live widgets, closed and reopened on a fresh kernel shows the widgets' last picture, not
"Error displaying widget: model not found" (JupyterLab's "save widget state" setting,
which the book's install turns on: ``jupyter-config/face-value.json``).

Screenshots of each control before and after its keys go to ``$FV_SHOTS`` (default: the
test's temporary folder). Slow (about two minutes): ``make check`` leaves it out,
``make test`` runs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest

from .site import CHROMIUM, FLAGS

JUPYTER = Path(sys.executable).with_name("jupyter")
NOTEBOOK = "controls.ipynb"

# The single keys of JupyterLab's notebook command mode (its shortcut settings, selector
# ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"), pressed on every
# control after its own keys: none of them may reach the notebook.
SHORTCUT_KEYS = ["r", "m", "y", "1", "a", "b", "c", "x", "v", "z", "d", "d", "j", "k",
                 "Shift+M", "Shift+ArrowDown", "ArrowUp", "ArrowDown", "ArrowLeft",
                 "ArrowRight"]

# --------------------------------------------------------------------------
# The notebook: the chapters' cells, on small inputs
# --------------------------------------------------------------------------

SETUP = """import time

import numpy as np

from facelab import evaluation, matching
from facelab.experiments import replay
from facelab.experiments.composition import CompositionCache
from facelab.faces import load_olivetti
from facelab.views import explorers, widgets

# Chapter 2: Fisherfaces on 15 held-out Olivetti people.
faces = load_olivetti(download_if_missing=False)
train, test = matching.split_people(faces.target, n_train_people=25, seed=0)
X_train, y_train = faces.data[train], faces.target[train]
X_test, y_test = faces.data[test], faces.target[test]
E_test = matching.Fisherfaces(n_pca=50).fit(X_train, y_train).transform(X_test)
genuine, impostor = evaluation.pair_scores(E_test, y_test)
threshold = 80
# The kernel widgets on four of those people.
few = np.isin(y_test, np.unique(y_test)[:4])
X_few, y_few, E_few = X_test[few], y_test[few], E_test[few]
rng = np.random.default_rng(0)"""

# Chapter 3's long search, small: its progress lines are what the student watches.
PROGRESS = """progress = replay.print_progress("Counting to 8", every=0.25)
for done in range(1, 9):
    time.sleep(0.5)
    progress(done, 8)"""

REPLY = """emb = replay.train_embedding(seed=0)
probes = replay.probe_set(emb, n_probes=20, seed=0)
progress = replay.print_progress("Searching 4,000 faces")
# As chapter 3 does (there n_jobs=-1): the gallery is drawn in spawned processes.
rerun = replay.amazon_reply(emb, gallery_size=4_000, threshold=99, probes=probes, seed=0,
                            chunk_size=1_000, progress=progress, n_jobs=2)
print(f"at 99: {rerun.false_matches(99)} of 20 falsely matched")"""

THRESHOLD = """thr = explorers.threshold_explorer(
    genuine, impostor, threshold=80, id="thr",
    title="Fisherfaces on 15 held-out Olivetti people: move the threshold")
thr"""

# Chapter 3 shows the replay's 535 probes against 25,000 people; here 60 against 3,000.
WATCHLIST = """scores = np.clip(rng.normal(50, 9, (60, 3_000)), 0, 100)
sizes = [100, 1_000, 3_000]
mated = np.clip(rng.normal(85, 8, 60), 0, 100)
wl = explorers.watchlist_explorer(
    explorers.gallery_max_scores(scores, sizes), sizes, threshold=80, x_range=(50, 100),
    impostor=scores.ravel(), fmr_genuine_pairs=mated, id="wl",
    title="A synthetic watchlist: 60 probes, none of them in the gallery")
wl"""

# Chapter 4 trains a matcher at six mixes (70 s); groups_explorer takes any such scores.
GROUPS = """def pairs(gen_mean, imp_mean):
    return (np.clip(rng.normal(gen_mean, 6, 400), 0, 100),
            np.clip(rng.normal(imp_mean, 10, 20_000), 0, 100))
data = {share: {arm: {"A": pairs(92, 52), "B": pairs(91, 52 + shift)}
                for arm, shift in (("training", 4 * (0.5 - share)), ("deployment", 0.5))}
        for share in (0.1, 0.5)}
grp = explorers.groups_explorer(data, share_b=0.1, threshold=88.0, id="grp")
grp"""

REVIEW = """rev = explorers.review_explorer(impostor, threshold=80, gallery_size=1_000_000,
                                list_length=10, reviewer_error=0.1, searches=1000, id="rev")
rev"""

MATCHER = """matcher = widgets.matcher(X_few.reshape(-1, 64, 64), y_few, E_few, threshold=threshold)
matcher"""

SEARCHER = """searcher = widgets.searcher(X_few.reshape(-1, 64, 64), y_few, E_few,
                            threshold=threshold)
searcher"""

# Chapter 4's cache evaluates 2,400 people per group; 300 train and score in seconds.
COMPOSITION = """cache = CompositionCache(n_test_per_group=300, n_boot=50)
composition = widgets.composition_explorer(cache, share_b=0.1)
composition"""

# (name, kind, source); a name is how the tests find the cell.
CELLS = [
    (None, "markdown", "# The book's controls in JupyterLab"),
    ("setup", "code", SETUP),
    (None, "markdown", "## Progress"),
    ("progress", "code", PROGRESS),
    ("reply", "code", REPLY),
    (None, "markdown", "## Explorers"),
    ("thr", "code", THRESHOLD),
    ("wl", "code", WATCHLIST),
    ("grp", "code", GROUPS),
    ("rev", "code", REVIEW),
    (None, "markdown", "## Kernel widgets"),
    ("matcher", "code", MATCHER),
    ("searcher", "code", SEARCHER),
    ("composition", "code", COMPOSITION),
    (None, "markdown", "## The end"),
]
CELL = {name: i for i, (name, _, _) in enumerate(CELLS) if name}


def notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) if kind == "code"
                else nbformat.v4.new_markdown_cell(src) for _, kind, src in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


# What the test asks the kernel (through its own requests, not through cells). Each
# returns JSON: what the control's pure function gives for the control's current state.
KERNEL_HELPERS = r'''
import html as _html, json as _json, re as _re

def _fv_text(markup):
    """The text of the widget HTML's paragraphs, as the page's textContent gives it."""
    return [_html.unescape(_re.sub(r"<[^>]+>", "", p))
            for p in _re.findall(r"<p[^>]*>(.*?)</p>", markup, _re.S)]

def _fv_explorer(name, s):
    ex = globals()[name]
    if name == "thr":
        want = ex.numbers(float(s["t"]))
    elif name == "wl":
        want = ex.numbers(float(s["t"]), ex.gallery_sizes[int(s["g"])])
    elif name == "rev":
        want = ex.numbers(float(s["t"]), ex.gallery_sizes[int(s["g"])],
                          ex.list_lengths[int(s["k"])], int(s["r"]) / 100, int(s["s"]))
    else:
        t = {"A": float(s["ta"]), "B": float(s["tb"])} if s["per"] else float(s["t"])
        want = ex.numbers(ex.mixes[int(s["mix"])], ex.arms[int(s["arm"])], t)
        if s["per"]:
            want["equal_fmr_b"] = "%.2f" % ex.equal_fmr_threshold(
                ex.mixes[int(s["mix"])], ex.arms[int(s["arm"])], float(s["ta"]))
    return _json.dumps({k: v for k, v in want.items() if isinstance(v, str)})

def _fv_widget(name):
    box = globals()[name].widget
    if name == "matcher":
        (pa, fa), (pb, fb) = (h.children for h in box.children[:2])
        thr, out = box.children[2], box.children[3]
        photos, uris = widgets._Photos(y_few), widgets._face_uris(X_few.reshape(-1, 64, 64))
        want = widgets.render_pair(uris, y_few, E_few, photos.row(pa.value, fa.value),
                                   photos.row(pb.value, fb.value), thr.value)
        values = [pa.label, fa.value, pb.label, fb.value, thr.value]
    elif name == "searcher":
        (person, photo), size = box.children[0].children, box.children[1]
        thr, out = box.children[2], box.children[3]
        photos, uris = widgets._Photos(y_few), widgets._face_uris(X_few.reshape(-1, 64, 64))
        gallery = np.array([photos.rows[p][0] for p in photos.people])
        want = widgets.render_search(uris, y_few, E_few, photos.row(person.value, photo.value),
                                     gallery[:size.value], thr.value)
        values = [person.label, photo.value, size.value, thr.value]
    else:
        comp, thr, out = box.children[0], box.children[2].children[0], box.children[3]
        ev = box.state["ev"]
        want = widgets._explorer_html(ev, thr.value)
        values = [comp.label, thr.value, ev.training_shares["B"] == comp.value]
    return _json.dumps({"values": values, "ok": out.value == want, "text": _fv_text(want)})
'''

# --------------------------------------------------------------------------
# The page side: helpers the test calls with page.evaluate
# --------------------------------------------------------------------------

PAGE_HELPERS = r"""
window.fvTest = (() => {
  const panel = () => jupyterapp.shell.currentWidget;
  const nb = () => panel().content;
  const api = {
    ready() {
      const p = window.jupyterapp && jupyterapp.shell.currentWidget;
      return !!(p && p.content && p.content.widgets && p.sessionContext &&
                p.sessionContext.session && p.sessionContext.session.kernel &&
                p.sessionContext.session.kernel.status === "idle" && p.content.widgets.length);
    },
    // Everything a notebook shortcut could change.
    snapshot() {
      const n = nb();
      return {
        cells: n.widgets.map((c) => [c.model.type,
          c.model.type === "markdown" ? !!c.headingCollapsed : null,
          c.model.type === "code" ? c.model.outputs.length : null, !!c.isHidden]),
        mode: n.mode, active: n.activeCellIndex,
      };
    },
    allRan() {
      const code = nb().widgets.filter((c) => c.model.type === "code");
      return code.every((c) => c.model.executionCount !== null) &&
        panel().sessionContext.session.kernel.status === "idle";
    },
    cellNode(i) { return nb().widgets[i].node; },
    // Stream text of each cell (null for a cell that is not code).
    streams() {
      return nb().widgets.map((c) => c.model.type !== "code" ? null :
        c.model.outputs.toJSON().filter((o) => o.output_type === "stream")
          .map((o) => Array.isArray(o.text) ? o.text.join("") : o.text).join(""));
    },
    // Every 100 ms, note how many lines the progress cells show, whether they are in the
    // notebook's viewport and which cell is the active one (when any of that changes).
    watch(cells) {
      window.fvLog = [];
      let last = "";
      window.fvWatch = setInterval(() => {
        const n = nb();
        const view = (n.outerNode || n.node).getBoundingClientRect();
        const rows = cells.map((i) => {
          const c = n.widgets[i];
          const text = c.model.outputs.toJSON().filter((o) => o.output_type === "stream")
            .map((o) => Array.isArray(o.text) ? o.text.join("") : o.text).join("");
          const r = c.node.getBoundingClientRect();
          return {cell: i, lines: text.split("\n").filter((l) => l).length,
                  visible: r.bottom > view.top && r.top < view.bottom};
        });
        const row = {active: n.activeCellIndex, rows};
        const key = JSON.stringify(row);
        if (key !== last) { last = key; window.fvLog.push(Object.assign({t: Date.now()}, row)); }
      }, 100);
    },
    unwatch() { clearInterval(window.fvWatch); return window.fvLog; },
    // Run code in the notebook's kernel (a request of its own, not a cell); its stdout.
    async run(code) {
      const kernel = panel().sessionContext.session.kernel;
      const future = kernel.requestExecute({code, silent: false, store_history: false});
      let text = "", error = null;
      future.onIOPub = (msg) => {
        if (msg.header.msg_type === "stream") text += msg.content.text;
        if (msg.header.msg_type === "error") error = msg.content.ename + ": " + msg.content.evalue;
      };
      await future.done;
      if (error) throw new Error(error);
      return text;
    },
    // The state of an explorer's controls, as its Python twin takes it.
    explorerState(id) {
      const v = (s) => { const el = document.querySelector(s); return el ? el.value : null; };
      const checked = (s) => { const el = document.querySelector(s); return !!(el && el.checked); };
      return {t: v(`#${id}-t`), g: v(`#${id}-g`), k: v(`#${id}-k`), r: v(`#${id}-r`),
              s: v(`#${id}-s`), mix: v(`#${id}-mix`), ta: v(`#${id}-ta`), tb: v(`#${id}-tb`),
              arm: checked(`#${id} .fv-arm-1`) ? 1 : 0, per: checked(`#${id} .fv-mode-1`)};
    },
    // A kernel widget as the page shows it: menus, slider readouts, paragraphs.
    widgetView(i) {
      const node = nb().widgets[i].node;
      const text = (el) => el.textContent;
      return {
        selects: [...node.querySelectorAll(".widget-dropdown select")]
          .map((s) => s.selectedIndex < 0 ? null : s.options[s.selectedIndex].textContent),
        readouts: [...node.querySelectorAll(".widget-readout")].map(text),
        paragraphs: [...node.querySelectorAll(".widget-html-content p")].map(text),
        errors: text(node).includes("Error displaying widget") ||
                text(node).includes("model not found"),
      };
    },
  };
  return api;
})();
"""

# Every control of every explorer, by selector; each must keep its keys from the notebook.
EXPLORER_CONTROLS = ".fv-explorer input, .fv-explorer select, .fv-explorer button"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


class Lab:
    """JupyterLab on a free port, serving ``folder``; stopped (with its kernels) by stop()."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        state = folder / ".lab"
        user = state / "user-settings" / "@jupyterlab" / "apputils-extension"
        user.mkdir(parents=True)
        # No news or update check (they would ask the network and cover the notebook).
        (user / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}   # figures must show
        env.update(JUPYTERLAB_SETTINGS_DIR=str(state / "user-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
                   JUPYTER_CONFIG_DIR=str(state / "config"),
                   JUPYTER_DATA_DIR=str(state / "data"),
                   JUPYTER_RUNTIME_DIR=str(state / "runtime"),
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        self.log = (state / "lab.log").open("w")
        self.proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", f"--port={self.port}",
             "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
             f"--ServerApp.root_dir={folder}", "--ServerApp.disable_check_xsrf=True",
             "--ServerApp.allow_root=True", "--LabApp.news_url=None",
             "--LabApp.expose_app_in_browser=True"],
            cwd=folder, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)     # its own process group: the kernels stop with it
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(self.url + "/api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("JupyterLab did not start:\n" + self.log_text()[-3000:])
                time.sleep(0.3)

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            # Kernels run in process groups of their own: shut them down through the server
            # first (SIGTERM to the server does too, but SIGKILL would leave them running).
            try:
                for kernel in _get(self.url + "/api/kernels"):
                    urllib.request.urlopen(urllib.request.Request(
                        f"{self.url}/api/kernels/{kernel['id']}", method="DELETE"), timeout=10)
            except OSError:
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log.close()


def _shots_dir(tmp: Path) -> Path:
    folder = Path(os.environ.get("FV_SHOTS") or tmp / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def eventually(check, timeout: float = 15.0, every: float = 0.2):
    """check() until it returns a true value; the last value either way."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Session:
    """The notebook open in JupyterLab in Chromium, with helpers to drive and read it."""

    def __init__(self, page, lab: Lab, shots: Path):
        self.page, self.lab, self.shots = page, lab, shots
        self.console: list[tuple[str, str]] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        page.add_init_script(PAGE_HELPERS)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def open(self) -> None:
        self.page.goto(f"{self.lab.url}/lab/tree/{NOTEBOOK}")
        self.page.wait_for_function("() => window.fvTest && fvTest.ready()", timeout=90_000)
        self.js("() => jupyterapp.shell.collapseLeft()")     # more room for the notebook

    def kernel(self, code: str) -> str:
        return self.js("code => fvTest.run(code)", code)

    def snapshot(self) -> dict:
        return self.js("() => fvTest.snapshot()")

    def cell(self, name: str):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(CELL[name])

    def shot(self, name: str, locator=None) -> None:
        target = locator if locator is not None else self.page
        target.screenshot(path=str(self.shots / f"jupyterlab-{name}.png"))

    def press(self, keys) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(30)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The notebook, run with Run > Run All Cells; its progress cells watched meanwhile."""
    if importlib.util.find_spec("jupyterlab") is None or not JUPYTER.exists():
        pytest.skip("JupyterLab is not installed in this environment (make setup installs it)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `make chromium` (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("lab")
    nbformat.write(notebook(), folder / NOTEBOOK)
    lab = Lab(folder)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            s = Session(page, lab, _shots_dir(folder))
            s.open()
            s.js("cells => fvTest.watch(cells)", [CELL["progress"], CELL["reply"]])
            started = time.monotonic()
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            page.wait_for_function("() => fvTest.allRan()", timeout=240_000, polling=250)
            s.ran_in = time.monotonic() - started    # about 20 s on the book's machine
            s.progress_log = s.js("() => fvTest.unwatch()")
            page.wait_for_function(
                "() => ['thr', 'wl', 'grp', 'rev'].every(id => window.FaceValueExplorers"
                " && FaceValueExplorers[id])", timeout=30_000)
            page.wait_for_selector(".widget-html-content p", timeout=30_000)
            s.kernel(KERNEL_HELPERS)
            yield s
            browser.close()
    finally:
        lab.stop()


# --------------------------------------------------------------------------
# Without a browser: every control of every explorer is marked for JupyterLab
# --------------------------------------------------------------------------

def _explorers_html():
    from facelab.views import explorers

    rng = np.random.default_rng(0)
    gen, imp = np.clip(rng.normal(85, 8, 300), 0, 100), np.clip(rng.normal(55, 12, 3000), 0, 100)
    scores = np.clip(rng.normal(55, 12, (20, 500)), 0, 100)
    data = {share: {arm: {g: (gen, imp) for g in "AB"} for arm in ("training", "deployment")}
            for share in (0.1, 0.5)}
    return [explorers.threshold_explorer(gen, imp).html,
            explorers.watchlist_explorer(explorers.gallery_max_scores(scores, [10, 500]),
                                         [10, 500], impostor=scores.ravel()).html,
            explorers.groups_explorer(data).html,
            explorers.review_explorer(imp).html]


def test_every_control_of_every_explorer_is_marked_for_jupyterlab():
    for page in _explorers_html():
        controls = re.findall(r"<(?:input|select|button|textarea)\b[^>]*>", page)
        assert controls
        for tag in controls:
            assert 'data-lm-suppress-shortcuts="true"' in tag, tag


# --------------------------------------------------------------------------
# In JupyterLab
# --------------------------------------------------------------------------

def _quiet(s: Session, before: dict, what: str) -> None:
    after = s.snapshot()
    assert after == before, f"{what}: a notebook shortcut fired ({before} -> {after})"


def _check_explorer(s: Session, id: str) -> dict:
    """The explorer's readout equals its Python twin's at the page's state; returns it."""
    state = s.js("id => fvTest.explorerState(id)", id)
    want = json.loads(s.kernel(f"print(_fv_explorer({id!r}, _json.loads({json.dumps(state)!r})))"))
    got = s.js(f"() => FaceValueExplorers[{id!r}].read()")
    shared = [k for k in got if k in want]
    assert len(shared) >= 4, (id, got, want)
    assert {k: got[k] for k in shared} == {k: want[k] for k in shared}, (id, state)
    return want


def _shortcut_keys(selector: str) -> list[str]:
    """SHORTCUT_KEYS, less those that a control reads as its own input.

    A number box takes digits and arrows (they would change its text without committing
    it), a menu and a radio group arrows (they pick another option); what is left must do
    nothing at all.
    """
    if selector.endswith(("-tn", "-tan", "-tbn", "-s")):
        return [k for k in SHORTCUT_KEYS if len(k) == 1 and k.isalpha()]
    if selector.endswith(("-mix", "-g", "-k", "-0")) and not selector.startswith("#wl"):
        return [k for k in SHORTCUT_KEYS if "Arrow" not in k]
    return SHORTCUT_KEYS


EXPLORER_MOVES = {
    # explorer: [(control, keys, what the readout must then say, by key)]
    "thr": [("#thr-t", ["ArrowRight"] * 3 + ["ArrowLeft", "PageUp", "Home", "End", "ArrowLeft"],
             {}),
            ("#thr-tn", ["Control+A", *"87.005", "Enter"], {"threshold": "87.00"})],
    "wl": [("#wl-t", ["ArrowRight", "ArrowRight", "PageDown"], {}),
           ("#wl-tn", ["Control+A", *"90", "Enter"], {"threshold": "90.00"}),
           ("#wl-g", ["ArrowLeft"], {"gallery_size": "1,000"})],
    "grp": [("#grp-t", ["ArrowRight", "ArrowRight", "PageUp", "ArrowLeft"], {}),
            ("#grp-mix", ["ArrowDown"], {"mix": "50% B, 50% A"}),
            ("#grp .fv-arm-0", ["ArrowRight"], {"arm": "re-centred on the people it meets"}),
            ("#grp .fv-mode-0", ["ArrowRight"], {"mode": "one threshold per group"}),
            ("#grp-tb", ["End", "Home", "PageDown", "ArrowRight"], {}),
            ("#grp-tan", ["Control+A", *"82.5", "Enter"], {"threshold_a": "82.50"}),
            ("#grp-eq", ["Enter"], {}),
            ("#grp-tb", ["End"], {"threshold_b": "100.00"}),
            ("#grp-eq", [" "], {})],
    "rev": [("#rev-t", ["ArrowLeft", "PageDown"], {}),
            ("#rev-tn", ["Control+A", *"95.6", "Enter"], {"threshold": "95.60"}),
            ("#rev-g", ["ArrowUp"], {"gallery_size": "25,000"}),
            ("#rev-k", ["ArrowDown"], {"list_length": "20"}),
            ("#rev-r", ["ArrowRight", "ArrowRight"], {"reviewer_error": "12%"}),
            ("#rev-s", ["Control+A", *"250000", "Enter"], {"searches": "250,000"})],
}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("id", list(EXPLORER_MOVES))
def test_each_explorer_control_works_by_keyboard_and_no_shortcut_fires(session, id):
    s = session
    marked = s.js(f"() => [...document.querySelectorAll({EXPLORER_CONTROLS!r})]"
                  ".map(el => el.getAttribute('data-lm-suppress-shortcuts'))")
    assert marked and set(marked) == {"true"}
    output = s.cell(id).locator(".jp-OutputArea-output").first
    output.scroll_into_view_if_needed()
    s.shot(f"{id}-before", output)
    start = _check_explorer(s, id)
    for selector, keys, says in EXPLORER_MOVES[id]:
        s.page.focus(selector)
        before = s.snapshot()
        readout = s.js(f"() => FaceValueExplorers[{id!r}].read()")
        s.press(keys)
        want = _check_explorer(s, id)
        for key, text in says.items():
            assert want[key] == text, (selector, key)
        if id == "grp" and selector == "#grp-eq":
            assert want["threshold_b"] == want["equal_fmr_b"]
        elif not says:
            assert s.js(f"() => FaceValueExplorers[{id!r}].read()") != readout, \
                f"{selector}: the keys {keys} changed nothing"
        s.press(_shortcut_keys(selector))
        _check_explorer(s, id)
        _quiet(s, before, f"{id} {selector}")
    assert _check_explorer(s, id) != start
    s.shot(f"{id}-after", output)


def _check_widget(s: Session, name: str) -> dict:
    """The widget's readout is its pure function's at its kernel state; the page shows it."""
    def agree():
        want = json.loads(s.kernel(f"print(_fv_widget({name!r}))"))
        view = s.js("i => fvTest.widgetView(i)", CELL[name])
        return (want["ok"] and view["paragraphs"] == want["text"]) and (want, view)
    result = eventually(agree)
    assert result, (name, json.loads(s.kernel(f"print(_fv_widget({name!r}))")),
                    s.js("i => fvTest.widgetView(i)", CELL[name]))
    want, view = result
    assert not view["errors"]
    labels = [v for v in want["values"] if isinstance(v, str) and v.startswith("person")]
    assert [t.replace("\xa0", " ") for t in view["selects"]] == labels, (name, view, want)
    return {"values": want["values"], "view": view}


def _handle(s: Session, name: str, n: int):
    return s.cell(name).locator(".widget-slider .noUi-handle").nth(n)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", ["matcher", "searcher", "composition"])
def test_each_kernel_widget_works_by_keyboard_and_no_shortcut_fires(session, name):
    s = session
    cell = s.cell(name)
    output = cell.locator(".jp-OutputArea-output").first
    output.scroll_into_view_if_needed()
    assert s.js("() => document.documentElement.getAttribute('data-fv-widget-keys')") == "1", \
        "the key guard of facelab.views.widgets did not run"
    s.shot(f"{name}-before", output)
    start = _check_widget(s, name)
    selects = cell.locator(".widget-dropdown select")
    letters = [k for k in SHORTCUT_KEYS if "Arrow" not in k]
    # (control, its keys, what its kernel state must then be, the shortcut keys after them)
    if name == "matcher":       # values: person A, photo A, person B, photo B, threshold
        moves = [(selects.nth(1), ["ArrowDown"], lambda v: v[2] != start["values"][2], letters),
                 (_handle(s, name, 1), ["ArrowRight", "ArrowRight"], lambda v: v[3] == 3,
                  SHORTCUT_KEYS),
                 (_handle(s, name, 2), ["ArrowLeft"] * 4, lambda v: v[4] == 78.0, letters),
                 # The readout is a text field: letters typed there are its own.
                 (cell.locator(".widget-readout").nth(2),
                  ["Control+A", *"rmdd1", "Control+A", *"85", "Enter"], lambda v: v[4] == 85.0,
                  [])]
    elif name == "searcher":    # values: probe person, photo, gallery size, threshold
        moves = [(selects.nth(0), ["ArrowDown"], lambda v: v[0] != start["values"][0], letters),
                 (_handle(s, name, 0), ["ArrowRight"], lambda v: v[1] == 2, letters),
                 (_handle(s, name, 1), ["ArrowLeft"], lambda v: v[2] == 3, SHORTCUT_KEYS),
                 (_handle(s, name, 2), ["End"], lambda v: v[3] == 100.0, letters)]
    else:                       # values: training mix, threshold, the table is the mix's
        button = cell.locator(".widget-button")
        moves = [(_handle(s, name, 1), ["ArrowLeft"] * 3,
                  lambda v: v[1] != start["values"][1], letters),
                 (button, ["Enter"], lambda v: v[1] == start["values"][1], letters),
                 (_handle(s, name, 1), ["ArrowRight"], lambda v: v[1] != start["values"][1],
                  letters),
                 (button, [" "], lambda v: v[1] == start["values"][1], letters),
                 (_handle(s, name, 0), ["ArrowRight"], lambda v: v[0] == "20% B" and v[2],
                  letters)]
    for control, keys, moved, after in moves:
        control.focus()
        before = s.snapshot()
        s.press(keys)

        def now_moved(moved=moved):
            return moved(_check_widget(s, name)["values"])

        assert eventually(now_moved), (name, keys, _check_widget(s, name))
        s.press(after)
        s.page.wait_for_timeout(300)
        _check_widget(s, name)
        _quiet(s, before, f"{name}: {keys} then {after}")
    s.shot(f"{name}-after", output)


@pytest.mark.browser
@pytest.mark.slow
def test_progress_lines_print_in_the_running_cell_as_they_come(session):
    # Run All makes the last cell the active one and scrolls to it at once (JupyterLab's
    # NotebookActions.runAll), so in a long chapter the running cell, and the progress lines
    # it prints, can be far above what the student sees. The lines themselves must land in
    # that cell, as they are printed, also while spawned processes draw the gallery.
    s = session
    streams = s.js("() => fvTest.streams()")
    printing = {i for i, text in enumerate(streams) if text}
    assert printing == {CELL["progress"], CELL["reply"]}, \
        {i: streams[i][:200] for i in printing}
    for name, label in (("progress", "Counting to 8"), ("reply", "Searching 4,000 faces")):
        lines = [line for line in streams[CELL[name]].splitlines() if line.startswith(label)]
        shares = [line.split(": ")[1].split(" ")[0] for line in lines]
        assert shares == ["25%", "50%", "75%", "100%"], streams[CELL[name]]
    # One line at a time, as the loop reaches each quarter (it sleeps 0.5 s a step).
    seen = [(e["t"], row["lines"]) for e in s.progress_log for row in e["rows"]
            if row["cell"] == CELL["progress"]]
    counts = [n for _, n in seen]
    assert {1, 2, 3} <= set(counts), seen
    first = next(t for t, n in seen if n == 1)
    last = next(t for t, n in seen if n == 4)
    assert last - first >= 2000, seen      # printed over 3 s, not all at the end
    assert counts == sorted(counts)


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_logged_no_error(session):
    # Everything above, from loading JupyterLab to the last key press.
    problems = [(kind, text) for kind, text in session.console
                if kind in ("error", "pageerror", "warning")]
    assert not problems, problems[:10]


@pytest.mark.browser
@pytest.mark.slow
def test_a_saved_notebook_reopens_with_its_widgets_last_picture(session):
    # Last in this file: it shuts the kernel down and reopens the notebook on a fresh one.
    s = session
    # The book's overrides file sets the setting's default (this session has no user setting).
    setting = _get(f"{s.lab.url}/lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin")
    save_state = setting["settings"].get(
        "saveState", setting["schema"]["properties"]["saveState"]["default"])
    assert save_state is True, (
        "JupyterLab's 'Save Jupyter widget state in notebooks' is off in this environment: "
        "the book's install puts jupyter-config/face-value.json into "
        f"{sys.prefix}/share/jupyter/lab/settings/overrides.d/ (make setup)")
    select = s.cell("matcher").locator(".widget-dropdown select").first
    select.focus()
    s.press(["ArrowDown"])
    shown = {name: _check_widget(s, name)["view"]["paragraphs"]
             for name in ("matcher", "searcher", "composition")}
    s.press(["Control+S"])                  # from the widget: Ctrl combinations still reach Lab
    s.page.wait_for_function("() => !jupyterapp.shell.currentWidget.context.model.dirty",
                             timeout=30_000)
    saved = json.loads((s.lab.folder / NOTEBOOK).read_text(encoding="utf-8"))
    state = saved["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    assert state, "the saved notebook holds no widget state"
    s.js("() => jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    s.page.wait_for_function("() => !jupyterapp.shell.currentWidget.sessionContext.session",
                             timeout=30_000)
    s.page.reload()
    s.open()                                # a fresh kernel: it knows none of the widgets
    for name, paragraphs in shown.items():
        cell = s.cell(name)
        cell.locator(".jp-OutputArea-output").first.scroll_into_view_if_needed()
        s.page.wait_for_function(
            "i => { const n = fvTest.cellNode(i); return n.querySelector('.widget-html-content p')"
            " || /Error displaying widget|model not found/.test(n.textContent); }",
            arg=CELL[name], timeout=30_000)
        view = s.js("i => fvTest.widgetView(i)", CELL[name])
        assert not view["errors"], f"{name}: Error displaying widget after reopening"
        assert view["paragraphs"] == paragraphs, name
    s.shot("reopened", s.cell("matcher"))
    # The explorers run again (JupyterLab trusts the notebook it saved), and so does the key
    # guard, from the saved widget state.
    s.page.wait_for_function("() => ['thr', 'wl', 'grp', 'rev'].every(id =>"
                             " window.FaceValueExplorers && FaceValueExplorers[id])",
                             timeout=30_000)
    assert s.js("() => document.documentElement.getAttribute('data-fv-widget-keys')") == "1"
    select = s.cell("matcher").locator(".widget-dropdown select").first
    select.focus()
    before = s.snapshot()
    s.press(["r", "d", "d"])
    _quiet(s, before, "a reopened matcher's menu")
