"""Every learning objective is assessed, and every reference in the map exists."""

import re

import pytest
import yaml

from facelab.book import syllabus

TOC = yaml.safe_load((syllabus.ROOT / "_toc.yml").read_text(encoding="utf-8"))
CHAPTERS = [c["file"].split("/")[-1] for part in TOC["parts"] for c in part["chapters"]
            if re.match(r"chapters/\d\d-", c["file"])]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_objective_is_assessed(chapter):
    objectives = syllabus.chapter_objectives(chapter)
    assert objectives, f"{chapter} has no 'After this chapter you can' list"
    mapping = syllabus.objective_map()
    for obj in objectives:
        assert mapping.get((chapter, obj.number)), \
            f"{chapter} objective {obj.number} is not assessed"


def test_every_reference_in_the_map_exists():
    questions = syllabus.exercise_questions()
    for (chapter, number), refs in syllabus.objective_map().items():
        numbers = [o.number for o in syllabus.chapter_objectives(chapter)]
        assert number in numbers, f"objectives.csv: {chapter} has no objective {number}"
        labels = syllabus.chapter_exercises(chapter)
        for ref in refs:
            kind, _, name = ref.partition(":")
            if kind == "chapter":
                assert name in labels, f"{chapter}: no in-chapter exercise {name}"
            else:
                assert name in questions.get(kind, {}), f"{kind}: no question {name}"


def test_exercise_notebooks_are_read():
    questions = syllabus.exercise_questions()
    assert set(questions) >= {"ex01", "ex02", "ex03"}
    assert all(len(q) >= 5 for q in questions.values())


def test_unknown_chapter_is_named():
    with pytest.raises(ValueError, match="chapter"):
        syllabus.chapter_objectives("99-nope")
