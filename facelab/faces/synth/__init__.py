"""Synthetic faces: grey-scale 64x64 photos of people who do not exist.

Later chapters need far more faces than the 400 Olivetti photos: the ACLU test
searched 535 members of Congress against 25,000 arrest photos, and Amazon's
reply used 850,000. They also need to know *exactly* how two groups of people
differ, so that a difference in a matcher's errors can be traced to its cause.
This module draws such people.

How a synthetic photo is made
-----------------------------
1. An **identity** is a vector of :data:`N_FEATURES` face-shape parameters in
   standardised units (``z``): how wide the face is, how far apart the eyes
   are, how dark the hair is, and so on. :data:`FEATURES` is the one table
   that names them and says how a unit of ``z`` becomes pixels.
2. A **group** (:class:`GroupSpec`) is a normal distribution of ``z``: a mean
   and a standard deviation per feature. Groups differ *only* there.
3. A **photo** of an identity adds nuisance variation that has nothing to do
   with who the person is: pose, expression, lighting, blur and sensor noise,
   with strengths set in one :class:`Nuisance` dataclass.
4. The face is drawn analytically: soft ellipses and smooth blobs for head,
   hair, eyes, brows, nose shading and mouth, multiplied by a reflectance
   and a lit-ellipsoid shading, plus noise, quantised to 8 bits like a camera.

Nothing here knows about any matcher. No group ever gets extra noise, a harder
pose or any other penalty: every photo of every group goes through the same
:class:`Nuisance`.

Reproducibility
---------------
Every random number comes from a counter-based generator (numpy's ``Philox``)
keyed by the seed and counting by *who* is drawn: identity ``i`` of group
``"B"`` uses the counter ``(group, i)``, and photo ``j`` of that identity
``(group, i, j)``. So a person looks the same whether rendered alone, in a
batch of 1,000 or in a stream of 850,000, whatever the chunk size. The
rendering uses only addition, multiplication, division, square roots,
rounding, minimum and maximum, which IEEE 754 defines to the last bit (no
``exp``, ``sin`` or BLAS, whose last bits differ between machines), so the
same seed gives the same pixels on any machine that gives the same random
numbers (numpy does within a release; NEP 19 lets its random streams change
between releases, one more reason the book pins numpy). Rendering runs in
:data:`facelab.faces.synth.drawing.THREADS` threads, block by block; no pixel depends on the blocks.

Calibration of the default nuisance
-----------------------------------
See :data:`CALIBRATION` for what was measured, what was tried and why the
defaults of :class:`Nuisance` are what they are. ``scripts/compare_synth_real.py``
reproduces the measurement.
"""

from __future__ import annotations

from .drawing import render
from .features import (
    CALIBRATION,
    FEATURE_NAMES,
    FEATURES,
    IMAGE_SIZE,
    N_FEATURES,
    Feature,
    GroupSpec,
    Nuisance,
    check_groups,
    control_groups,
    default_groups,
    describe_groups,
    feature_table,
    offset_only_groups,
    shares_to_counts,
    spread_only_groups,
)
from .identities import sample_identities
from .population import SynthFaces, make_population, stream_faces

__all__ = [
    "IMAGE_SIZE",
    "Feature",
    "FEATURES",
    "FEATURE_NAMES",
    "N_FEATURES",
    "CALIBRATION",
    "Nuisance",
    "GroupSpec",
    "SynthFaces",
    "feature_table",
    "default_groups",
    "control_groups",
    "offset_only_groups",
    "spread_only_groups",
    "describe_groups",
    "check_groups",
    "shares_to_counts",
    "sample_identities",
    "render",
    "make_population",
    "stream_faces",
]
