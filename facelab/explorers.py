"""Deprecated path: the explorers live in :mod:`facelab.views.explorers`."""

from facelab._deprecated import forward

__getattr__, __dir__ = forward(__name__, ("facelab.views.explorers",))
