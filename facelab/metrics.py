"""Deprecated path: metrics now lives in :mod:`facelab.evaluation.rates`,
:mod:`facelab.evaluation.pairs`, :mod:`facelab.evaluation.groups` and others.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    (
        "facelab.evaluation.rates",
        "facelab.evaluation.pairs",
        "facelab.evaluation.groups",
        "facelab.evaluation.bootstrap",
    ),
)
