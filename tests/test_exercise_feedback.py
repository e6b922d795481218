"""What a failing ``grader.check`` tells a student, and what it must not give away.

For every master ``exercises/exNN-*.md`` this file guarantees:

1. **Blank answers teach.** The student edition, run top to bottom with every
   answer blank (``...``), prints for each ``grader.check`` a message of at most
   ``MAX_LINES`` non-blank lines that says to replace the ``...`` (it contains
   "replace" and "...") and shows none of the machinery that ran the check: no
   Python traceback and none of doctest's runner (see ``INTERNALS``), and no
   ``'ellipsis'`` (the type of ``...``, which a student did not write).
   The same bound and the same ban hold for the messages a plausible wrong
   answer gets (below).

   Why 6 lines: otter's own frame around one failing test case takes three
   (``q1 results:``, ``q1 - 1 result:``, ``❌ Test case failed``), which leaves
   three for one hint: where it failed, the line that failed, and the sentence.
   otter 7's OK (doctest) format cannot meet this: it prints ``Trying:``, the
   whole test's source, ``Expecting nothing``, ``Failed example:``, the source
   again and, when the test raises, doctest's traceback, about 25 lines for a
   five-line test. Its exception-based format (``tests: ok_format: false``,
   each test cell one ``def test_...(names):``) prints the one line that
   raised and the exception's message.

2. **Pasting the messages back earns nothing.** Every line of code that any
   failure message shows is taken (from the blank run, and from a run with one
   plausible wrong answer per question: the first one in
   ``tests/exercise_fixtures/NAME.yaml`` not marked ``raises``, since a wrong
   answer fails other asserts than a blank one). A student who pastes it back
   would also turn each shown comparison with an answer name into an
   assignment (``assert x == f(y)`` becomes ``x = f(y)``), so that is pasted
   too. Each question's code goes into that question's answer cell, in place
   of the answer, each statement on its own (``try``/``except``, so that one
   that raises does not stop the rest), all questions at once; the notebook is
   graded by the autograder (``otter run``, no Docker), and no autograded
   question may get full marks. (Partial marks are reported as a warning:
   ideally there are none.)

One grading per notebook and variant (blank, wrong), one build per session
(``exercise_dist`` in conftest.py, shared with test_exercises.py), and the
notebook runs go through a process pool (``FV_EXERCISE_JOBS``, default 2).
All tests carry the ``exercises`` marker. To run them for one notebook::

    export SCIKIT_LEARN_DATA=/work/shared/scikit_learn_data  # offline Olivetti faces
    FV_EXERCISES=ex04-bias .venv/bin/python -m pytest -q -m exercises \
        tests/test_exercise_feedback.py

(``FV_EXERCISES`` takes a comma-separated list of masters.)
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from .exercise_support import (
    NAMES,
    answer_cells,
    bindings,
    ex,
    job_value,
    pool_size,
    questions,
    run_notebook,
    submission,
    wrong_answers,
)

pytestmark = pytest.mark.exercises

MAX_LINES = 6
# Signs of the machinery rather than of the answer: a Python traceback (its
# header and its frames), doctest's runner (its file, its pseudo-file names,
# the call that runs an example, its header before a traceback), and the type
# name of ``...``. otter's own words (``Trying:``, ``Expecting nothing``,
# ``Failed example:``) are not banned by name; the line bound keeps them out.
INTERNALS = ("Traceback (most recent call last)", 'File "', "<doctest", "doctest.py",
             "exec(compile(", "Exception raised:", "'ellipsis'")
VARIANTS = ("blank", "wrong")


# --------------------------------------------------------------------------
# Reading the messages (pure functions, tested below)
# --------------------------------------------------------------------------

_HEADERS = re.compile(r"^(Trying:|Failed example:|Error at line \d+ in test .*:"
                      r"|File \".*\", line \d+.*)$")


class _Text(HTMLParser):
    """Collects the text of an HTML fragment as a browser shows it, a line per block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"p", "pre", "br", "div"}:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, [])

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup: str) -> str:
    """The text a browser shows for otter's HTML result.

    otter does not escape the message, so ``<doctest q1 0[0]>`` is read as a
    tag (and hidden) here as in a browser, while ``0 <= x`` stays text.
    """
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def shown_code(message: str) -> list[str]:
    """Every block of Python source that a failure message shows, dedented, in order.

    Reads the blocks that follow otter's and Python's headers (``Trying:``,
    ``Failed example:``, ``Error at line N in test q1:``, a traceback's
    ``File "...", line N``): the lines indented under the header. Any other
    line that parses on its own as an assignment, an assert, a call or a
    ``raise`` is taken too, so code shown in some other layout is not missed.
    """
    lines = message.splitlines()
    blocks, used = [], set()
    for i, line in enumerate(lines):
        if not _HEADERS.match(line.strip()):
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for j in range(i + 1, len(lines)):
            nxt = lines[j]
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                break
            body.append(j)
        while body and not lines[body[-1]].strip():
            body.pop()
        if body:
            width = min(len(lines[j]) - len(lines[j].lstrip()) for j in body if lines[j].strip())
            blocks.append("\n".join(lines[j][width:] for j in body))
            used.update(body)
    for i, line in enumerate(lines):
        text = line.strip()
        if i in used or not text or not _parses(text):
            continue
        node = ast.parse(text).body
        if node and isinstance(node[0], (ast.Assign, ast.AugAssign, ast.Assert, ast.Raise)) or (
                node and isinstance(node[0], ast.Expr) and isinstance(node[0].value, ast.Call)):
            blocks.append(text)
    out = []
    for block in blocks:
        if block not in out:
            out.append(block)
    return out


def _statements(block: str) -> list[ast.stmt]:
    """The statements of a block; line by line if the block as a whole does not parse."""
    try:
        return ast.parse(block).body
    except SyntaxError:
        return [s for line in block.splitlines() if _parses(line.strip())
                for s in ast.parse(line.strip()).body]


_PEEL_FUNCS = {"bool", "int", "float", "str", "round", "abs", "asarray", "array", "float64"}
_PEEL_METHODS = {"strip", "upper", "lower", "item", "tolist"}


def _answer_name(node: ast.expr) -> str | None:
    """The variable a compared expression is made of (``bool(x)``, ``x.strip().upper()``: x)."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in _PEEL_FUNCS:
                node = node.args[0]
                continue
        if isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _PEEL_METHODS:
            node = node.func.value
            continue
        return None


def _pairs(test: ast.expr):
    """(answer side, value side) candidates in an assert's condition."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            if isinstance(node.ops[0], ast.Eq):
                yield left, right
                yield right, left
            elif isinstance(node.ops[0], (ast.Lt, ast.LtE)) and isinstance(left, ast.Call) \
                    and getattr(left.func, "id", getattr(left.func, "attr", None)) == "abs" \
                    and len(left.args) == 1:
                diff = left.args[0]  # abs(a - b) < tol, abs(a / b - 1) < tol
                if isinstance(diff, ast.BinOp) and isinstance(diff.op, ast.Sub):
                    a, b = diff.left, diff.right
                    if isinstance(a, ast.BinOp) and isinstance(a.op, ast.Div) \
                            and isinstance(b, ast.Constant) and b.value == 1:
                        a, b = a.left, a.right
                    yield a, b
                    yield b, a
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"isclose", "allclose", "array_equal", "assert_allclose", "assert_equal"}:
                yield node.args[0], node.args[1]
                yield node.args[1], node.args[0]


def answers_from(stmt: ast.stmt, names: set[str]) -> list[str]:
    """Assignments a student would read off the asserts in ``stmt`` (``x == f(y)``: ``x = f(y)``).

    Only names in ``names`` (those the question's answer cell assigns) are assigned.
    """
    out = []
    for node in ast.walk(stmt):
        if not isinstance(node, ast.Assert):
            continue
        for target, value in _pairs(node.test):
            name = _answer_name(target)
            reads = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
            if name in names and name not in reads:
                out.append(f"{name} = {ast.unparse(value)}")
    return out


def paste_cell(blocks: list[str], names: set[str]) -> str:
    """An answer cell made of the shown code, each statement run on its own.

    Each statement is followed by the assignments its asserts suggest
    (:func:`answers_from`); every one is wrapped in ``try``/``except Exception``
    so that one that raises does not stop the next.
    """
    stmts = []
    for block in blocks:
        for stmt in _statements(block):
            for code in [ast.unparse(stmt), *answers_from(stmt, names)]:
                if code not in stmts:
                    stmts.append(code)
    if not stmts:
        return "# the failure messages showed no code"
    wrapped = ["try:\n" + "\n".join("    " + ln for ln in code.splitlines())
               + "\nexcept Exception:\n    pass" for code in stmts]
    return "# pasted from the failure messages\n" + "\n".join(wrapped)


# --------------------------------------------------------------------------
# Work for the pool (module-level and picklable)
# --------------------------------------------------------------------------

def checks_shown(path: Path) -> dict[str, dict]:
    """Run a notebook as a student would (errors allowed); what each ``grader.check`` showed.

    Returns ``{question: {"text": text/plain, "html": the HTML as text,
    "passed": bool}}``; whether it passed comes from a last cell that asks
    otter again.
    """
    nb = nbformat.read(path, as_version=4)
    qs = questions(nb)
    probe = ("import json as _json\n"
             f"print(_json.dumps({{q: bool(grader.check(q).passed_all) for q in {qs!r}}}))")
    nb = run_notebook(path, cwd=path.parent, extra=probe, allow_errors=True)
    stdout = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    passed = json.loads(stdout.strip().splitlines()[-1])
    shown = {}
    for cell in nb.cells[:-1]:
        src = cell.source.strip()
        if cell.cell_type != "code" or not src.startswith("grader.check("):
            continue
        q = src.split('"')[1]
        text, markup = [], []
        for out in cell.get("outputs", []):
            text.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
            markup.append(out.get("data", {}).get("text/html", ""))
            if out.get("output_type") == "error":
                text.append("\n".join(out.get("traceback", [])))
        shown[q] = {"text": "".join(text), "html": html_text("".join(markup)),
                    "passed": passed.get(q, False)}
    return shown


def run_job(job: tuple) -> tuple[str, object]:
    """One unit of work for the pool; returns ("ok", value) or ("error", traceback)."""
    kind, args = job[0], job[1:]
    try:
        if kind == "checks":
            (path,) = args
            return "ok", checks_shown(path)
        if kind == "grade":
            path, autograder, out = args
            errors: list = []
            scores = ex.grade(path, autograder=autograder, output=out, errors=errors)
            return "ok", (scores, errors)
        raise ValueError(kind)
    except Exception:  # reported by the test that needs this result
        return "error", traceback.format_exc()


def _pool(jobs: dict[tuple, tuple]) -> dict[tuple, tuple]:
    with ProcessPoolExecutor(max_workers=pool_size()) as pool:
        return dict(zip(jobs, pool.map(run_job, list(jobs.values())), strict=True))


def first_wrong(name: str) -> dict[str, str]:
    """One plausible wrong answer per question: the first fixture not meant to raise."""
    out = {}
    for q, answers in wrong_answers(name).items():
        usable = [a for a in answers if not a.get("raises")] or answers
        out[q] = usable[0]["code"]
    return out


def answer_names(dist: Path, name: str) -> dict[str, set[str]]:
    """For each autograded question, the names its reference answer cell assigns."""
    solved = nbformat.read(dist / name / "autograder" / f"{name}.ipynb", as_version=4)
    return {q: bindings(solved.cells[i].source)[0] for q, i in answer_cells(solved).items()}


# --------------------------------------------------------------------------
# Session: run the blank and wrong editions, then grade what they showed
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def feedback(exercise_dist, tmp_path_factory):
    """``{(variant, name): check outputs}``, ``{("paste", variant, name): grade}``, pasted code."""
    dist = exercise_dist
    base = tmp_path_factory.mktemp("feedback")
    runs = {}
    for name in NAMES:
        blank = base / name / "blank"
        blank.mkdir(parents=True)
        shutil.copy(dist / name / "student" / f"{name}.ipynb", blank)
        runs[("blank", name)] = ("checks", blank / f"{name}.ipynb")
        wrong = submission(dist, name, base / name / "wrong", first_wrong(name))
        runs[("wrong", name)] = ("checks", wrong)
    done = _pool(runs)

    grades, pasted = {}, {}
    for variant, name in runs:
        status, shown = done[(variant, name)]
        if status != "ok":
            continue
        names = answer_names(dist, name)
        cells = {}
        for q in names:
            msg = shown.get(q, {})
            if msg and not msg["passed"]:
                blocks = shown_code(msg["text"])
                blocks += [b for b in shown_code(msg["html"]) if b not in blocks]
            else:
                blocks = []
            cells[q] = paste_cell(blocks, names[q])
        pasted[(variant, name)] = cells
        path = submission(dist, name, base / name / f"paste-{variant}", cells, blank=True)
        grades[("paste", variant, name)] = ("grade", path, ex.autograder_zip(name, dist),
                                            base / name / f"paste-{variant}-out")
    done.update(_pool(grades))
    done["pasted"] = pasted
    done["dist"] = dist
    return done


_value = job_value


def _problems(message: str, count_lines: bool = True) -> list[str]:
    """What is wrong with one failure message (empty if nothing).

    ``count_lines=False`` for the HTML version, whose tags break lines elsewhere.
    """
    lines = [ln for ln in message.splitlines() if ln.strip()]
    found = []
    if count_lines and len(lines) > MAX_LINES:
        found.append(f"{len(lines)} lines (at most {MAX_LINES})")
    found += [f"shows {bad!r}" for bad in INTERNALS if bad in message]
    return found


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_blank_answers_get_one_short_instruction(feedback, name):
    shown = _value(feedback, ("blank", name))
    solved = nbformat.read(feedback["dist"] / name / "autograder" / f"{name}.ipynb", as_version=4)
    assert set(shown) == set(questions(solved)), "every autograded question needs its grader.check"
    bad = {}
    for q, msg in shown.items():
        if msg["passed"]:
            bad[q] = ["passes with a blank answer"]
            continue
        found = _problems(msg["text"])
        found += [f"HTML {p}" for p in _problems(msg["html"], count_lines=False)]
        if "replace" not in msg["text"] or "..." not in msg["text"]:
            found.append('does not say to replace the "..."')
        if found:
            bad[q] = found
    if bad:
        q = next(iter(bad))
        pytest.fail(f"{name}: blank-answer messages {bad}\n--- what grader.check({q!r}) shows:\n"
                    f"{shown[q]['text']}", pytrace=False)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_answers_get_short_messages(feedback, name):
    shown = _value(feedback, ("wrong", name))
    bad = {q: _problems(msg["text"]) for q, msg in shown.items() if not msg["passed"]}
    bad = {q: found for q, found in bad.items() if found}
    if bad:
        q = next(iter(bad))
        pytest.fail(f"{name}: messages for a wrong answer {bad}\n--- what grader.check({q!r}) "
                    f"shows:\n{shown[q]['text']}", pytrace=False)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", NAMES)
def test_pasting_the_messages_back_earns_no_full_marks(feedback, name, variant):
    scores, _errors = _value(feedback, ("paste", variant, name))  # pasted code may raise
    pasted = feedback["pasted"][(variant, name)]
    solved = nbformat.read(feedback["dist"] / name / "autograder" / f"{name}.ipynb", as_version=4)
    assert set(scores) == set(questions(solved))
    full = {q: s for q, s in scores.items() if s[1] > 0 and s[0] >= s[1]}
    partial = {q: s for q, s in scores.items() if 0 < s[0] < s[1]}
    if partial:
        warnings.warn(f"{name} ({variant}): pasted failure messages earn partial marks {partial}",
                      stacklevel=1)
    assert not full, (
        f"{name}: pasting back what grader.check showed for {variant} answers gets full marks "
        f"{full}; the pasted cells:\n" + "\n\n".join(f"--- {q}\n{pasted[q]}" for q in full))


# Canned messages, as otter 7.0 prints them (OK format, and exception format).
_OK_MESSAGE = """q2 results:
    q2 - 1 result:
        ❌ Test case failed
        Trying:
            assert smallest_share == min(s for s, r in sweep_ratio.items() if r < 2), 'smallest'
        Expecting nothing
        **********************************************************************
        Line 1, in q2 0
        Failed example:
            assert smallest_share == min(s for s, r in sweep_ratio.items() if r < 2), 'smallest'
        Exception raised:
            Traceback (most recent call last):
              File "/usr/lib/python3.11/doctest.py", line 1353, in __run
                exec(compile(example.source, filename, "single",
              File "<doctest q2 0[0]>", line 1, in <module>
                assert smallest_share == min(s for s, r in sweep_ratio.items() if r < 2), 'smallest'
            AssertionError: smallest"""

_EXCEPTION_MESSAGE = """q1 results:
    q1 - 1 result:
        ❌ Test case failed
        Error at line 5 in test q1:
                  raise AssertionError('replace each ... with your answer')
        AssertionError: replace each ... with your answer"""


def test_shown_code_reads_both_otter_formats():
    blocks = shown_code(_OK_MESSAGE)
    assert blocks[0].startswith("assert smallest_share == min(")
    assert len(blocks) == 2  # the test's source (shown three times), doctest's own line
    raise_line = "raise AssertionError('replace each ... with your answer')"
    assert shown_code(_EXCEPTION_MESSAGE) == [raise_line]
    assert _problems(_EXCEPTION_MESSAGE) == []
    assert "shows 'Traceback (most recent call last)'" in _problems(_OK_MESSAGE)


def test_paste_turns_shown_asserts_into_answers():
    cell = paste_cell(shown_code(_OK_MESSAGE), {"smallest_share"})
    assert "exec(compile" not in cell  # a line that does not parse is not pasted
    assert "smallest_share = min((s for s, r in sweep_ratio.items() if r < 2))" in cell
    relative = ast.parse("assert abs(x / g['r'] - 1) < 1e-9").body[0]
    assert answers_from(relative, {"x"}) == ["x = g['r']"]
    assert answers_from(ast.parse("assert c.strip().upper() == 'C'").body[0], {"c"}) == ["c = 'C'"]
    assert answers_from(ast.parse("assert np.ndim(x) == 0 and 0 <= x <= 1").body[0], {"x"}) == []
    namespace = {"sweep_ratio": {0.1: 5.0, 0.25: 1.5, 0.5: 1.2}}
    exec(compile(cell, "<pasted>", "exec"), namespace)  # each statement runs on its own
    assert namespace["smallest_share"] == 0.25
