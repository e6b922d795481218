"""Deprecated path: bias now lives in :mod:`facelab.experiments.composition`,
:mod:`facelab.experiments.composition.training`,
:mod:`facelab.experiments.composition.measure` and others.

Kept for one term so that notebooks written for version 0.1 still run; each
name warns where it has moved. See ``CHANGELOG.md``.
"""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(
    __name__,
    (
        "facelab.experiments.composition",
        "facelab.experiments.composition.training",
        "facelab.experiments.composition.measure",
        "facelab.experiments.aclu_groups",
        "facelab.sources.published",
        "facelab.views.style",
        "facelab.views.figures.groups",
        "facelab.views.widgets",
    ),
    {
        "plot_score_histograms": "facelab.views.figures.groups:plot_group_histograms",
        "plot_det": "facelab.views.figures.groups:plot_group_det",
        "explorer": "facelab.views.widgets:composition_explorer",
    },
)
