"""The course map: each chapter's learning objectives and the questions that assess them.

Objectives are written once, in each chapter's "In this chapter" box (a
numbered list after "After this chapter you can"). ``exercises/objectives.csv``
maps each objective to the questions that assess it: exercise-notebook
questions (``ex02:q3``) and in-chapter exercises (``chapter:ex-matching-histogram``).
The instructor guide renders the map from here, and the tests check that every
objective is assessed and every reference exists.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Objective", "chapter_objectives", "objective_map", "exercise_questions",
           "chapter_exercises", "map_table"]

#: The book's root folder (the package lives inside it).
ROOT = Path(__file__).resolve().parents[2]

_BOX = re.compile(r"After this chapter you can\*\*\s*\n(.*?)\n:::", re.S)


@dataclass(frozen=True)
class Objective:
    """One learning objective: its chapter, its number and its text."""

    chapter: str
    number: int
    text: str


def chapter_objectives(chapter: str, root: Path = ROOT) -> list[Objective]:
    """The numbered objectives in ``chapters/CHAPTER.md`` (empty if none)."""
    path = root / "chapters" / f"{chapter}.md"
    if not path.is_file():
        raise ValueError(f"chapter: no file chapters/{chapter}.md")
    box = _BOX.search(path.read_text(encoding="utf-8"))
    if not box:
        return []
    items = re.findall(r"^(\d+)\.\s+(.*)$", box.group(1), re.M)
    return [Objective(chapter, int(n), text.rstrip(";.")) for n, text in items]


def objective_map(root: Path = ROOT) -> dict[tuple[str, int], list[str]]:
    """``(chapter, objective number) -> [question references]`` from objectives.csv."""
    with (root / "exercises" / "objectives.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["chapter"], int(r["objective"])):
                [q.strip() for q in r["assessed_by"].split(";") if q.strip()]
                for r in csv.DictReader(fh)}


def exercise_questions(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """``{"ex02": {"q1": "first line of the question", ...}, ...}`` from the master notebooks."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((root / "exercises").glob("ex[0-9][0-9]-*.md")):
        text = path.read_text(encoding="utf-8")
        names = re.findall(r"# BEGIN QUESTION\s*\nname:\s*(\w+)", text)
        prompts = re.findall(r"^\*\*Question \d+[^*]*\*\*\s*(.*)$", text, re.M)
        out[path.name[:4]] = dict(zip(names, prompts + [""] * (len(names) - len(prompts)),
                                         strict=False))
    return out


def chapter_exercises(chapter: str, root: Path = ROOT) -> dict[str, str]:
    """``{label: title}`` of the in-chapter exercises of ``chapters/CHAPTER.md``."""
    text = (root / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    return dict((label, title) for title, label in
                re.findall(r"```\{exercise\}\s*(.*)\n:label:\s*(\S+)", text))


def map_table(chapter: str, root: Path = ROOT):
    """The objectives of one chapter and what assesses each, as a Markdown table."""
    from IPython.display import Markdown

    mapping = objective_map(root)
    in_chapter = chapter_exercises(chapter, root)
    rows = ["| # | After this chapter, a student can | Assessed by |", "|---|---|---|"]
    for obj in chapter_objectives(chapter, root):
        refs = []
        for ref in mapping.get((chapter, obj.number), []):
            kind, _, name = ref.partition(":")
            if kind == "chapter":
                refs.append(f"in-chapter exercise *{in_chapter.get(name, name)}*")
            else:
                refs.append(f"exercise notebook {kind[2:]}, {name}")
        rows.append(f"| {obj.number} | {obj.text} | {'; '.join(refs) or '**not assessed**'} |")
    return Markdown("\n".join(rows))
