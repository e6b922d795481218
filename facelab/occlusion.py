"""Deprecated path: occlusion now lives in :mod:`facelab.faces.regions`,
:mod:`facelab.experiments.occlusion`, :mod:`facelab.evaluation.pairs` and
others.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    (
        "facelab.faces.regions",
        "facelab.experiments.occlusion",
        "facelab.evaluation.pairs",
        "facelab.views.format",
        "facelab.views.tables",
    ),
)
