"""Deprecated path: facts now lives in :mod:`facelab.sources.facts`,
:mod:`facelab.book.glue`, :mod:`facelab.views.tables`.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    ("facelab.sources.facts", "facelab.book.glue", "facelab.views.tables"),
)
