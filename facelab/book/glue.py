"""Glue for the book's pages: numbers from the package into MyST prose."""

from __future__ import annotations

from ..sources.facts import all_facts, fact

__all__ = ["glue_facts"]


def glue_facts(*keys: str) -> None:
    """Glue fact cards into the running notebook for use in its prose.

    Each fact ``K`` is glued as ``fact_K``, its display form. Prose writes
    ``{glue:md}`fact_K` {cite:p}`SOURCE```: the citation stays in the text,
    where MyST can link it, and a test checks that it names the fact's own
    source. With no keys, every fact is glued.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    chosen = keys or tuple(all_facts())
    for key in chosen:
        # Escape "$" so that amounts in dollars are not read as math.
        glue(f"fact_{key}", Markdown(fact(key).display.replace("$", "\\$")), display=False)
