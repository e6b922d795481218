"""Deprecated path: match now lives in :mod:`facelab.matching.compare`,
:mod:`facelab.matching.identification`.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    ("facelab.matching.compare", "facelab.matching.identification"),
)
