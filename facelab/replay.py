"""Deprecated path: replay now lives in :mod:`facelab.experiments.replay`,
:mod:`facelab.experiments.replay.world`, :mod:`facelab.experiments.olivetti`
and others.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    (
        "facelab.experiments.replay",
        "facelab.experiments.replay.world",
        "facelab.experiments.olivetti",
        "facelab.views.figures",
    ),
)
