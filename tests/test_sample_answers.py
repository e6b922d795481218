"""Every written exercise question has sample answers at three levels, marked with its rubric.

They help instructors calibrate the people who grade (issue 18), so they must stay inside the
question's solution block, which otter strips from the student edition.
"""

from __future__ import annotations

import re

import jupytext
import pytest
import yaml

from .exercise_support import ex

MASTERS = ex.masters()
HEADING = "**Sample answers, marked with the rubric.**"
LEVELS = ["Strong", "Adequate", "Weak"]
MARK = re.compile(r"^\*(Strong|Adequate|Weak) \((\d+(?:\.\d+)?) of (\d+)\)\.\*", re.M)


def read_master(name: str) -> tuple[list[tuple[str, float, str]], list[str]]:
    """``(question, points, solution text)`` of each written question, and every cell's
    source outside a solution block."""
    written, outside, question, solution = [], [], {}, None
    for cell in jupytext.read(MASTERS[name]).cells:
        src = cell.source.strip()
        raw = cell.cell_type == "raw"
        if raw and src.startswith("# BEGIN QUESTION"):
            question = yaml.safe_load(src.partition("\n")[2])
        elif raw and src == "# BEGIN SOLUTION":
            solution = []
        elif raw and src == "# END SOLUTION":
            if question.get("manual"):
                written.append((question["name"], question["points"], "\n".join(solution)))
            solution = None
        elif solution is not None:
            solution.append(cell.source)
        else:
            outside.append(cell.source)
    return written, outside


@pytest.mark.parametrize("name", MASTERS)
def test_written_questions_have_three_marked_samples(name):
    written, _ = read_master(name)
    assert written, f"{name}: no written (manual: true) question found"
    for question, points, text in written:
        where = f"{name} {question}"
        after_rubric = text.partition("**Rubric")[2]
        assert HEADING in after_rubric, f"{where}: no sample answers after the rubric"
        marks = MARK.findall(text)
        assert [level for level, _, _ in marks] == LEVELS, \
            f"{where}: want one *Strong*, *Adequate* and *Weak* sample, in that order"
        assert all(int(n) == points for _, _, n in marks), f"{where}: marks must be out of {points}"
        ks = [float(k) for _, k, _ in marks]
        assert ks[0] == points, f"{where}: the strong sample must earn all {points} points"
        assert ks[0] > ks[1] > ks[2], f"{where}: marks must fall from strong to weak, got {ks}"
        assert all(0 <= k <= points and (2 * k).is_integer() for k in ks), \
            f"{where}: marks must be whole or half points between 0 and {points}, got {ks}"


@pytest.mark.parametrize("name", MASTERS)
def test_sample_answers_stay_in_solution_blocks(name):
    _, outside = read_master(name)
    leaks = [src[:60] for src in outside if HEADING in src or MARK.search(src)]
    assert not leaks, f"{name}: sample answers outside a solution block reach students: {leaks}"
