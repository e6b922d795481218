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
:data:`THREADS` threads, block by block; no pixel depends on the blocks.

Calibration of the default nuisance
-----------------------------------
See :data:`CALIBRATION` for what was measured, what was tried and why the
defaults of :class:`Nuisance` are what they are. ``scripts/compare_synth_real.py``
reproduces the measurement.
"""

from __future__ import annotations

import numbers
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Callable, Iterator, Mapping

import numpy as np

from .datasets import Faces
from ._validation import check_int, check_seed

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
    "describe_groups",
    "shares_to_counts",
    "sample_identities",
    "render",
    "make_population",
    "stream_faces",
]

#: Side of the square images, in pixels (as the Olivetti faces).
IMAGE_SIZE = 64


@dataclass(frozen=True)
class Feature:
    """One identity feature: its name, meaning and mapping to pixels.

    A feature's value in the picture is ``base + per_sd * sat(z)``, where
    ``z`` is the identity's standardised value and ``sat`` is the identity
    near 0 and bends smoothly towards ``+-3`` (``sat(1) = 1.00``,
    ``sat(2) = 1.91``, ``sat(3) = 2.52``) so that no draw, however extreme,
    makes an impossible face.
    """

    name: str
    meaning: str
    base: float
    per_sd: float
    unit: str


# The one table of identity features. Distances are in pixels, measured in
# the face's own frame before the camera: x to the image's right, y
# downwards, origin at the centre of the face (which the camera puts at the
# image centre, magnified 1.08 times, see _ZOOM). Reflectances are fractions
# of light reflected (0 black, 1 white).
FEATURES: tuple[Feature, ...] = (
    Feature("face_width", "half-width of the cranium, temple to temple", 25.0, 1.8, "px"),
    Feature("face_length", "distance of the chin below the face centre", 29.0, 2.0, "px"),
    Feature("jaw_width", "half-width of the jaw", 19.0, 1.8, "px"),
    Feature("eye_spacing", "distance of each eye from the midline", 10.5, 1.0, "px"),
    Feature("eye_size", "half-width of each eye opening", 3.7, 0.6, "px"),
    Feature("eye_height", "height of the eyes (negative: above the centre)", -5.5, 1.15,
            "px"),
    Feature("brow_height", "gap between eye and eyebrow", 5.2, 0.8, "px"),
    Feature("brow_thickness", "half-height of each eyebrow", 1.2, 0.28, "px"),
    Feature("brow_slant", "tilt of the brows (positive: outer ends lower)", 0.0, 6.5, "deg"),
    Feature("nose_length", "distance of the nose tip below the centre", 7.0, 1.4, "px"),
    Feature("nose_width", "distance of each nostril from the midline", 3.4, 1.0, "px"),
    Feature("mouth_width", "half-width of the mouth", 7.8, 1.5, "px"),
    Feature("lip_thickness", "half-height of the lips", 1.6, 0.4, "px"),
    Feature("hairline_height", "height of the hairline at the midline (negative: above "
            "the centre)", -23.0, 1.6, "px"),
    Feature("hair_darkness", "reflectance of the hair (higher z: darker)", 0.22, -0.08,
            "reflectance"),
    Feature("skin_reflectance", "reflectance of the skin", 0.66, 0.06, "reflectance"),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
N_FEATURES = len(FEATURES)
_F = {name: k for k, name in enumerate(FEATURE_NAMES)}

# Standardised values bend towards +-_Z_MAX (see Feature).
_Z_MAX = 3.0

# Scene constants shared by every photo of every group (not nuisance: they do
# not vary from photo to photo).
_LIGHT_FROM_ABOVE = 0.35    # mean vertical light direction (tan of elevation)
_AMBIENT = 0.35             # mean share of ambient (shadowless) light
_GAIN = 1.12                # camera gain: skin 0.66 in full light reads about 0.74
_BACKGROUND = 0.30          # mean reflectance of the backdrop
_ZOOM = 1.08                # camera magnification: the face fills the frame as in Olivetti

#: How the default nuisance strengths were chosen; ``print(CALIBRATION)``.
CALIBRATION = """\
Calibration of the default nuisance (scripts/compare_synth_real.py)

Question. With the book's reference pipeline (PCA to min(100, n - 1)
components, then LDA, cosine scores), are two synthetic photos of one person
as hard to match, and two synthetic people as hard to tell apart, as in the
Olivetti faces?

Protocol. Olivetti: 25 people x 10 photos to train, the other 15 people to
test, 8 random splits. Synthetic: the same numbers (25 people x 10 photos to
train, 15 other people x 10 photos to test), half from each default group,
8 seeds. Scores of every genuine and every impostor pair of test photos.

What was tried. A first draft of every strength, chosen by eye, then the
whole draft multiplied by one factor. The nuisance is never tuned per group:
one Nuisance applies to every photo of every group.

  data                     genuine     impostor    EER    FMR at      FNMR at
                                                          FNMR = 10%  FMR = 0.1%
  Olivetti                 0.72+-0.22  0.02+-0.29  0.101  0.103       0.46
  synthetic, draft x 0.5   0.90+-0.10  0.03+-0.37  0.037  0.016       0.39
  synthetic, draft x 0.7   0.81+-0.15  0.02+-0.37  0.073  0.056       0.64
  synthetic, draft x 0.8   0.76+-0.17  0.02+-0.37  0.097  0.094       0.75
  synthetic, draft x 1.0   0.63+-0.22  0.02+-0.34  0.152  0.213       0.87
  synthetic, draft x 1.5   0.32+-0.27  0.01+-0.28  0.291  0.579       0.97

  (mean +- sd of cosine scores; means over splits or seeds; EER over the
  8 splits ranges 0.087-0.124 for Olivetti, 0.076-0.119 for draft x 0.8)

Chosen: draft x 0.8, the defaults of Nuisance. Its equal error rate (0.097)
and its false match rate at 10 % false non-matches (0.094) are those of the
Olivetti faces (0.101 and 0.103), well inside the spread between splits.

Where the match stops. Synthetic impostor scores spread more (sd 0.37
against 0.29): synthetic people differ along 16 features only, so their
embeddings fill fewer dimensions than real faces' do, and the upper tail of
impostor scores is heavier. At a strict threshold (0.1 % false matches)
synthetic faces are falsely rejected more often than Olivetti's (0.75
against about 0.46; Olivetti's figure rests on about ten impostor pairs per
split, so it is rough). Genuine scores are a little higher and narrower.
With the larger protocol used for groups (200 people x 5 photos to train,
100 others x 5 to test) the same pipeline gives an EER of 0.115 on synthetic
faces; Olivetti has too few people to compare. The calibration holds for
this pipeline; another matcher needs its own check. With chapter 2's matcher
(Fisherfaces with 50 principal components) the appendix page "People who do
not exist" measures it again: there the synthetic faces are somewhat harder
than Olivetti's (EER about 0.13 against 0.11, genuine scores slightly lower,
impostor tail heavier), and the defaults were left as they are.
"""


@dataclass(frozen=True)
class Nuisance:
    """Photo-to-photo variation that is not part of who the person is.

    Every field is a strength (a standard deviation unless said otherwise)
    and must be non-negative; ``Nuisance().scaled(0)`` takes every photo of
    a person under identical conditions, apart from ``smile_prob``.
    Normal draws are clipped at three standard deviations. The defaults are
    calibrated against the Olivetti faces (see :data:`CALIBRATION`); the
    same nuisance applies to every group.

    Attributes
    ----------
    shift_px : float
        Translation of the whole head, each axis, pixels.
    rotation_deg : float
        In-plane rotation (head tilt), degrees.
    scale : float
        Relative change of size (distance to the camera).
    yaw_px : float
        Head turned sideways: the eyes and brows move this many pixels
        across the face, the mouth 0.9 and the nose 1.5 times as far, the
        outline 0.3 times as far the other way.
    pitch_px : float
        Head nodded: the eyes and brows move this many pixels up or down,
        the nose 1.2, the mouth 0.6 and the hairline 0.5 times as far.
    smile_prob : float in [0, 1]
        Probability that the photo shows a smile.
    smile_deg : float
        How far a smile lifts the corners of the mouth, degrees (a smile
        also widens the mouth by 10 %).
    mouth_deg : float
        Other expression: tilt of the mouth corners on every photo, degrees.
    eye_open : float
        Relative change of the eye opening (blinks, squints).
    light_side : float
        Horizontal direction of the key light (tan of its angle from the
        camera axis).
    light_vertical : float
        Vertical direction of the key light around its mean from above.
    ambient : float
        Share of ambient light, around its mean of 0.35.
    exposure : float
        Relative change of the overall brightness.
    background : float
        Change of the backdrop's reflectance, around its mean of 0.30.
    blur_px : float
        Largest softening (Gaussian sigma, pixels); each photo draws
        uniformly between 0 and this. Drawn analytically: every edge widens
        and every blob spreads as a Gaussian blur would make it.
    noise : float
        Sensor noise, standard deviation in image units (uniformly
        distributed), before quantisation to 8 bits.
    """

    shift_px: float = 0.8
    rotation_deg: float = 2.4
    scale: float = 0.024
    yaw_px: float = 1.2
    pitch_px: float = 0.64
    smile_prob: float = 0.3
    smile_deg: float = 9.6
    mouth_deg: float = 2.4
    eye_open: float = 0.12
    light_side: float = 0.4
    light_vertical: float = 0.16
    ambient: float = 0.064
    exposure: float = 0.064
    background: float = 0.048
    blur_px: float = 0.64
    noise: float = 0.016

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
                raise ValueError(f"{f.name}: must be a finite number >= 0, got {value!r}")
        if self.smile_prob > 1:
            raise ValueError(f"smile_prob: must be a probability in [0, 1], "
                             f"got {self.smile_prob!r}")

    def scaled(self, factor: float) -> "Nuisance":
        """Every strength multiplied by ``factor`` (``smile_prob`` unchanged)."""
        if not isinstance(factor, numbers.Real) or not np.isfinite(factor) or factor < 0:
            raise ValueError(f"factor: must be a finite number >= 0, got {factor!r}")
        return replace(self, **{f.name: getattr(self, f.name) * factor
                                for f in fields(self) if f.name != "smile_prob"})


# ----------------------------------------------------------------------------
# Groups and populations
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupSpec:
    """A group of people: a normal distribution of identity features.

    Attributes
    ----------
    name : str
        Label of the group, e.g. ``"A"``. Also part of every member's random
        key, so two groups never share a person.
    mean : ndarray of shape (N_FEATURES,)
        Mean of each feature, standardised units.
    std : ndarray of shape (N_FEATURES,)
        Standard deviation of each feature, standardised units, >= 0.
    """

    name: str
    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name: must be a non-empty string, got {self.name!r}")
        for arg in ("mean", "std"):
            value = np.array(getattr(self, arg), dtype=float)
            if value.shape != (N_FEATURES,):
                raise ValueError(f"{arg}: must have length {N_FEATURES} (one per feature), "
                                 f"got shape {value.shape}")
            if not np.all(np.isfinite(value)):
                raise ValueError(f"{arg}: must be finite")
            value.setflags(write=False)
            object.__setattr__(self, arg, value)
        if np.any(self.std < 0):
            raise ValueError("std: standard deviations must be >= 0")

    def __eq__(self, other):
        return (isinstance(other, GroupSpec) and self.name == other.name
                and np.array_equal(self.mean, other.mean) and np.array_equal(self.std, other.std))

    __hash__ = None


# The book's two groups, in standardised units (see default_groups). Each
# group varies strongly (sd 1) on eight features and weakly (sd 0.35) on the
# other eight; B's average face is offset by half a unit on the fourteen
# geometric features, with alternating signs, and not at all in hair or skin
# reflectance.
#   feature             A mean  A sd   B mean  B sd
_DEFAULT_GROUPS = (
    ("face_width",        0.0,  1.0,   +0.5,  0.35),
    ("face_length",       0.0,  0.35,  -0.5,  1.0),
    ("jaw_width",         0.0,  1.0,   +0.5,  0.35),
    ("eye_spacing",       0.0,  1.0,   -0.5,  0.35),
    ("eye_size",          0.0,  0.35,  +0.5,  1.0),
    ("eye_height",        0.0,  0.35,  -0.5,  1.0),
    ("brow_height",       0.0,  0.35,  +0.5,  1.0),
    ("brow_thickness",    0.0,  0.35,  -0.5,  1.0),
    ("brow_slant",        0.0,  0.35,  +0.5,  1.0),
    ("nose_length",       0.0,  1.0,   -0.5,  0.35),
    ("nose_width",        0.0,  1.0,   +0.5,  0.35),
    ("mouth_width",       0.0,  1.0,   -0.5,  0.35),
    ("lip_thickness",     0.0,  0.35,  +0.5,  1.0),
    ("hairline_height",   0.0,  1.0,   -0.5,  0.35),
    ("hair_darkness",     0.0,  0.35,   0.0,  1.0),
    ("skin_reflectance",  0.0,  1.0,    0.0,  0.35),
)
assert tuple(row[0] for row in _DEFAULT_GROUPS) == FEATURE_NAMES


def default_groups() -> dict[str, GroupSpec]:
    """The book's two groups, ``"A"`` and ``"B"``.

    Every person of either group is drawn from a normal distribution over
    the same features; the groups differ only in its parameters:

    - **Different features vary.** Group A's people differ from one another
      mostly in widths and the hairline (face, jaw, eye spacing, nose,
      mouth, nose length, hairline, skin reflectance: sd 1) and little in
      the rest (sd 0.35); group B's the other way round (face length, eyes,
      brows, lips, hair darkness). The split pairs features of about equal
      effect on a Fisherface embedding, so that neither group is easier to
      tell apart when both are equally represented
      (``scripts/bias_probe.py --impact`` measures this).
    - **A modest offset of the average face.** B's mean is half a standard
      unit away from A's on the fourteen geometric features, with
      alternating signs (a little wider face, shorter chin, wider jaw,
      closer eyes, ...), and equal in hair and skin reflectance, so that the
      groups cannot be read as skin tones.

    ``describe_groups()`` lists the numbers.

    Returns
    -------
    dict
        ``{"A": GroupSpec, "B": GroupSpec}``.
    """
    table = np.array([row[1:] for row in _DEFAULT_GROUPS])
    return {"A": GroupSpec("A", table[:, 0], table[:, 1]),
            "B": GroupSpec("B", table[:, 2], table[:, 3])}


def control_groups() -> dict[str, GroupSpec]:
    """A control: groups ``"A"`` and ``"B"`` drawn from one distribution.

    Both have mean zero and, on every feature, the root-mean-square of the
    two default groups' standard deviations, so the control's people differ
    from one another as much as the default groups' do, on average.
    """
    a, b = default_groups().values()
    sd = np.sqrt((a.std ** 2 + b.std ** 2) / 2)  # 0.75 on every feature
    mean = np.zeros(N_FEATURES)
    return {"A": GroupSpec("A", mean, sd), "B": GroupSpec("B", mean, sd)}


def feature_table() -> list[dict]:
    """The feature table as rows (name, meaning, base, per_sd, unit)."""
    return [dict(feature=f.name, meaning=f.meaning, base=f.base, per_sd=f.per_sd, unit=f.unit)
            for f in FEATURES]


def describe_groups(groups: Mapping[str, GroupSpec] | None = None) -> list[dict]:
    """Every group's distribution, one row per feature, ready to print.

    Parameters
    ----------
    groups : dict of GroupSpec, optional
        Defaults to :func:`default_groups`.

    Returns
    -------
    list of dict
        Keys ``feature``, ``"1 unit"`` (what one standardised unit means in
        the picture), then ``"<name> mean"`` and ``"<name> sd"`` for each
        group, in standardised units. ``pandas.DataFrame(rows)``
        makes a table of it.
    """
    groups = _check_groups(groups)
    rows = []
    for k, f in enumerate(FEATURES):
        row = {"feature": f.name, "1 unit": f"{abs(f.per_sd):g} {f.unit}"}
        for name, g in groups.items():
            row[f"{name} mean"] = float(g.mean[k])
            row[f"{name} sd"] = float(g.std[k])
        rows.append(row)
    return rows


def _check_groups(groups) -> dict[str, GroupSpec]:
    if groups is None:
        return default_groups()
    if not isinstance(groups, Mapping) or not groups:
        raise ValueError("groups: must be a non-empty dict of name -> GroupSpec")
    for name, g in groups.items():
        if not isinstance(g, GroupSpec) or g.name != name:
            raise ValueError(f"groups: entry {name!r} must be a GroupSpec named {name!r}")
    if len({_group_tag(name) for name in groups}) < len(groups):
        raise ValueError(f"groups: names {list(groups)} share a random key; rename one")
    return dict(groups)


def shares_to_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split ``n`` people between groups in given proportions.

    Parameters
    ----------
    n : int >= 1
        Total number of identities.
    shares : dict of str -> float in [0, 1]
        Share of each group; must add up to 1.

    Returns
    -------
    dict of str -> int
        Counts adding up to ``n`` (largest remainders get the rounding).
    """
    n = _check_count(n, "n")
    if not isinstance(shares, Mapping) or not shares:
        raise ValueError("shares: must be a non-empty dict of group name -> share")
    p = np.array([float(v) for v in shares.values()])
    if np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError(f"shares: every share must be in [0, 1], got {dict(shares)}")
    if abs(p.sum() - 1) > 1e-9:
        raise ValueError(f"shares: must add up to 1, got {p.sum():g}")
    exact = n * p
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return dict(zip(shares.keys(), counts.tolist()))


# ----------------------------------------------------------------------------
# Random streams
# ----------------------------------------------------------------------------

_DOMAIN_IDENTITY = 0x1D
_DOMAIN_PHOTO = 0x9F
# Per photo: 13 standard normals (clipped at 3) then 2 uniforms, see _render_block.
_N_NORMAL_DRAWS = 13
_N_NUISANCE_DRAWS = 15


def _check_seed(seed) -> int:
    return check_seed(seed, bits=64)


def _check_count(n, arg: str) -> int:
    return check_int(n, arg, 1)


def _group_tag(name: str) -> int:
    # A stable 32-bit tag (CRC-32 of the name): Python's hash() is salted.
    return zlib.crc32(name.encode("utf-8"))


def _identity_keys(group: str, start: int, n: int) -> np.ndarray:
    """64-bit key of identities start..start+n-1 of a group: tag << 32 | index."""
    if start < 0 or start + n > 2 ** 32:
        raise ValueError(f"start: identity indices must lie in [0, 2**32), got start={start}")
    return (np.uint64(_group_tag(group)) << np.uint64(32)) | np.arange(start, start + n,
                                                                       dtype=np.uint64)


def _generator(seed: int, domain: int, key: int, j: int = 0) -> np.random.Generator:
    # Philox is counter-based: the stream for (seed, domain, key, j) starts at
    # its own counter, so no other identity or photo can ever reach it (the
    # low counter words advance as numbers are drawn).
    return np.random.Generator(np.random.Philox(
        key=np.array([seed, domain], dtype=np.uint64),
        counter=np.array([0, 0, j, key], dtype=np.uint64)))


def _standard_normals(seed: int, keys: np.ndarray) -> np.ndarray:
    z = np.empty((len(keys), N_FEATURES))
    for row, key in enumerate(keys):  # one stream per identity: see _generator
        z[row] = _generator(seed, _DOMAIN_IDENTITY, int(key)).standard_normal(N_FEATURES)
    return z


def _resolve_group(group, arg: str = "group") -> GroupSpec:
    if isinstance(group, GroupSpec):
        return group
    if isinstance(group, str):
        groups = default_groups()
        if group in groups:
            return groups[group]
        raise ValueError(f"{arg}: unknown group {group!r}; pass a GroupSpec or one of "
                         f"{list(groups)}")
    raise ValueError(f"{arg}: must be a GroupSpec or a group name, got {type(group).__name__}")


def sample_identities(n: int, group: GroupSpec | str = "A", seed: int = 0,
                      start: int = 0) -> np.ndarray:
    """Draw ``n`` people of a group: their standardised features.

    Parameters
    ----------
    n : int >= 1
        Number of identities.
    group : GroupSpec or str, default "A"
        The group's distribution; a name picks from :func:`default_groups`.
    seed : int in [0, 2**64)
        Seed of the whole synthetic world.
    start : int >= 0
        Index of the first identity: ``sample_identities(1, g, s, start=17)``
        is row 17 of ``sample_identities(100, g, s)``.

    Returns
    -------
    ndarray of shape (n, N_FEATURES), float64
        Standardised features ``mean + std * e`` with ``e`` standard normal.
        The same ``e`` is used for identity ``i`` of any group with the same
        name, so changing a group's distribution moves its people, it does
        not replace them.
    """
    n = _check_count(n, "n")
    seed = _check_seed(seed)
    group = _resolve_group(group)
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, numbers.Integral) or start < 0:
        raise ValueError(f"start: must be an integer >= 0, got {start!r}")
    e = _standard_normals(seed, _identity_keys(group.name, int(start), n))
    return group.mean + group.std * e


# ----------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------

_C = (IMAGE_SIZE - 1) / 2
_XS = np.arange(IMAGE_SIZE, dtype=np.float64) - _C     # column positions, px
_YS = _XS.copy()                                        # row positions, px
_XY32 = (_YS[:, None] * _XS[None, :]).astype(np.float32)
_BLOCK = 128          # faces rendered together: arrays stay in the CPU cache


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: Threads used to render (at most 4, at most the CPUs this process may use).
#: Set ``facelab.synth.THREADS = 1`` to render in the calling thread only; no
#: pixel depends on it.
THREADS = min(4, _available_cpus())


def _saturate(z: np.ndarray) -> np.ndarray:
    # z / (1 + (z/Z)^4)^(1/4): linear near 0, bounded by +-Z, exact arithmetic.
    r = z / _Z_MAX
    r2 = r * r
    return z / np.sqrt(np.sqrt(1.0 + r2 * r2))


def _features_to_units(z: np.ndarray) -> np.ndarray:
    base = np.array([f.base for f in FEATURES])
    per_sd = np.array([f.per_sd for f in FEATURES])
    return base + per_sd * _saturate(z)


class _Frame:
    """Per-face affine map from image to face coordinates: f = M p + m."""

    def __init__(self, cos, sin, scale, tx, ty):
        self.m00 = cos / scale
        self.m01 = sin / scale
        self.m10 = -sin / scale
        self.m11 = cos / scale
        self.m0 = -(self.m00 * tx + self.m01 * ty)
        self.m1 = -(self.m10 * tx + self.m11 * ty)

    def affine(self, au, av, a0):
        """Affine form au*u + av*v + a0 of face coordinates, in image coordinates."""
        return (au * self.m00 + av * self.m10,
                au * self.m01 + av * self.m11,
                au * self.m0 + av * self.m1 + a0)


class _Quad:
    """q(x, y) = axx x^2 + axy xy + ayy y^2 + bx x + by y + c, one per face."""

    def __init__(self, axx, axy, ayy, bx, by, c, support=None):
        self.axx, self.axy, self.ayy, self.bx, self.by, self.c = axx, axy, ayy, bx, by, c
        self.support = support  # (x0, y0, ex, ey): centre and half-extent, or None

    def window(self) -> tuple[slice, slice]:
        if self.support is None:
            return slice(0, IMAGE_SIZE), slice(0, IMAGE_SIZE)
        x0, y0, ex, ey = self.support
        # One pixel of margin: outside its support a primitive is exactly 0,
        # so the window changes the work done, never the result.
        c0 = int(np.clip(np.floor(np.min(x0 - ex) + _C) - 1, 0, IMAGE_SIZE))
        c1 = int(np.clip(np.ceil(np.max(x0 + ex) + _C) + 2, 0, IMAGE_SIZE))
        r0 = int(np.clip(np.floor(np.min(y0 - ey) + _C) - 1, 0, IMAGE_SIZE))
        r1 = int(np.clip(np.ceil(np.max(y0 + ey) + _C) + 2, 0, IMAGE_SIZE))
        return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))

    def evaluate(self, rows: slice, cols: slice) -> np.ndarray:
        ys, xs = _YS[rows], _XS[cols]
        row = self.ayy[:, None] * (ys * ys) + self.by[:, None] * ys + self.c[:, None]
        row = row.astype(np.float32)
        col = (self.axx[:, None] * (xs * xs) + self.bx[:, None] * xs).astype(np.float32)
        q = self.axy.astype(np.float32)[:, None, None] * _XY32[rows, cols]
        q += row[:, :, None]
        q += col[:, None, :]
        return q


def _sum_of_squares(forms, qmax=None) -> _Quad:
    """q = sum of (alpha x + beta y + gamma)^2 over the given affine forms."""
    axx = axy = ayy = bx = by = c = 0.0
    for al, be, ga in forms:
        axx = axx + al * al
        axy = axy + 2.0 * al * be
        ayy = ayy + be * be
        bx = bx + 2.0 * al * ga
        by = by + 2.0 * be * ga
        c = c + ga * ga
    support = None
    if qmax is not None and len(forms) == 2:
        (a1, b1, g1), (a2, b2, g2) = forms
        det = a1 * b2 - a2 * b1
        # Centre: both forms zero. Half-extent: sqrt(qmax) times the rows of
        # the inverse map's norm.
        x0 = (b1 * g2 - b2 * g1) / det
        y0 = (a2 * g1 - a1 * g2) / det
        r = np.sqrt(qmax)
        ex = r * np.sqrt(b2 * b2 + b1 * b1) / np.abs(det)
        ey = r * np.sqrt(a2 * a2 + a1 * a1) / np.abs(det)
        support = (x0, y0, ex, ey)
    return _Quad(axx, axy, ayy, bx, by, c, support)


def _ellipse(frame: _Frame, cx, cy, a, b, cos=None, sin=None, qmax=None) -> _Quad:
    """Ellipse of half-axes (a, b) centred at (cx, cy) of the face frame,
    turned by the angle with the given cosine and sine; q = 1 on its rim."""
    if cos is None:
        forms = [frame.affine(1.0 / a, 0.0, -cx / a), frame.affine(0.0, 1.0 / b, -cy / b)]
    else:
        forms = [frame.affine(cos / a, sin / a, -(cos * cx + sin * cy) / a),
                 frame.affine(-sin / b, cos / b, (sin * cx - cos * cy) / b)]
    return _sum_of_squares(forms, qmax)


def _arc(frame: _Frame, h, kappa, width, u0) -> _Quad:
    """s = (h + kappa (u - u0)^2 - v) / width: positive above an arched line."""
    r = np.sqrt(kappa / width)
    al, be, ga = frame.affine(r, 0.0, -r * u0)
    la, lb, lc = frame.affine(0.0, -1.0 / width, h / width)
    return _Quad(al * al, 2.0 * al * be, be * be, 2.0 * al * ga + la, 2.0 * be * ga + lb,
                 ga * ga + lc)


def _edge_k(a, width):
    # Steepness of a smoothstep rim: transition `width` pixels wide on an
    # ellipse whose typical half-axis is `a` (q changes by 2/a per pixel).
    return np.asarray(a / (2.0 * width), dtype=np.float64)


def _fill_qmax(k):
    # _fill is exactly 0 beyond q = 1 + 0.5 / k.
    return 1.0 + 0.5 / k


def _fill(q: np.ndarray, k) -> np.ndarray:
    """Soft inside-indicator: 1 well inside (q < 1), 0 outside, linear rim.

    Computed in place of ``q``. (A smoothstep rim looks no different at this
    resolution and costs twice as much.)
    """
    k32 = _col(k)
    q *= -k32
    q += k32 + np.float32(0.5)
    np.clip(q, 0, 1, out=q)
    return q


def _union_into(mask: np.ndarray, quad: _Quad, k) -> None:
    """mask = max(mask, _fill(quad)), computed only inside the quad's window."""
    rows, cols = quad.window()
    view = mask[:, rows, cols]
    np.maximum(view, _fill(quad.evaluate(rows, cols), k), out=view)


def _blob(q: np.ndarray) -> np.ndarray:
    """Smooth bump (1 - q)^2 inside q < 1, exactly 0 outside."""
    b = np.float32(1) - q
    np.clip(b, 0, None, out=b)
    b *= b
    return b


def _col(x) -> np.ndarray:
    a = np.asarray(x, dtype=np.float32)
    return a[:, None, None] if a.ndim else a


def _rotation(t):
    # Rotation by the angle whose half-angle tangent is t: cos and sin by
    # rational functions, so no trigonometric function is needed.
    d = 1.0 + t * t
    return (1.0 - t * t) / d, 2.0 * t / d


def _deg_to_t(deg):
    # tan(angle / 2) for small angles.
    return np.asarray(deg) * (np.pi / 360.0)


def _render_block(units: np.ndarray, draws: np.ndarray, noise: np.ndarray,
                  nuisance: Nuisance) -> np.ndarray:
    """Render faces from feature values (pixel units) and nuisance draws.

    units : (n, N_FEATURES) float64, draws : (n, _N_NUISANCE_DRAWS) float64
    (standard normals clipped at 3, then two uniforms), noise : (n, 64, 64)
    float32 uniform in [0, 1). Returns (n, 64, 64) float32 in [0, 1].
    """
    nu = nuisance
    u = {name: units[:, k] for name, k in _F.items()}
    # Columns of draws: 0-1 shift, 2 rotation, 3 scale, 4 yaw, 5 pitch,
    # 6 mouth corners, 7 eye opening, 8-9 light direction, 10 ambient,
    # 11 exposure, 12 backdrop (standard normals); 13 blur, 14 smile (uniform).
    d = draws

    # --- pose ------------------------------------------------------------
    cos, sin = _rotation(_deg_to_t(nu.rotation_deg * d[:, 2]))
    scale = _ZOOM * (1.0 + nu.scale * d[:, 3])
    tx, ty = nu.shift_px * d[:, 0], nu.shift_px * d[:, 1]
    frame = _Frame(cos, sin, scale, tx, ty)
    yaw = nu.yaw_px * d[:, 4]
    pitch = nu.pitch_px * d[:, 5]
    blur = nu.blur_px * d[:, 13]

    def soft(w):  # edge width after blurring, px
        return np.sqrt(w * w + blur * blur)

    def blob_radius(r):  # (1-q)^2 blobs have sigma = r / sqrt(8)
        return np.sqrt(r * r + 8.0 * blur * blur)

    # --- lighting --------------------------------------------------------
    lx = nu.light_side * d[:, 8]
    ly = -_LIGHT_FROM_ABOVE + nu.light_vertical * d[:, 9]
    norm = np.sqrt(lx * lx + ly * ly + 1.0)
    lx, ly, lz = lx / norm, ly / norm, 1.0 / norm
    ambient = np.clip(_AMBIENT + nu.ambient * d[:, 10], 0.05, 0.95)
    gain = _GAIN * (1.0 + nu.exposure * d[:, 11])
    backdrop = np.clip(_BACKGROUND + nu.background * d[:, 12], 0.0, 1.0)

    skin = u["skin_reflectance"]
    hair = u["hair_darkness"]
    W = u["face_width"]
    chin = u["face_length"]
    full = (slice(0, IMAGE_SIZE), slice(0, IMAGE_SIZE))

    # --- head silhouette: cranium, jaw and ears; the neck below -------------
    head_x = -0.3 * yaw   # the outline moves a little against a turn
    k = _edge_k(W, soft(1.2))
    head = _fill(_ellipse(frame, head_x, -8.0, W, 27.0).evaluate(*full), k)
    jaw_w = u["jaw_width"]
    k = _edge_k(jaw_w, soft(1.2))
    _union_into(head, _ellipse(frame, head_x, 8.0, jaw_w, chin - 8.0, qmax=_fill_qmax(k)), k)
    ear_y = u["eye_height"] + 6.0
    k = _edge_k(3.0, soft(1.0))
    for side in (-1.0, 1.0):
        ear = _ellipse(frame, side * (W + 0.3) + head_x, ear_y, 2.8, 6.5, qmax=_fill_qmax(k))
        _union_into(head, ear, k)

    # --- reflectance: skin, neck (in shadow), then hair ------------------------
    # fg marks the lit solid (head, neck, hair) against the evenly lit backdrop.
    albedo = head * _col(skin - backdrop)
    albedo += _col(backdrop)
    fg = head
    k = _edge_k(0.62 * jaw_w, soft(1.5))
    rows, cols = (quad := _ellipse(frame, head_x, chin + 8.0, 0.62 * jaw_w, 16.0,
                                   qmax=_fill_qmax(k))).window()
    neck = _fill(quad.evaluate(rows, cols), k)
    neck *= np.float32(1) - fg[:, rows, cols]
    view = albedo[:, rows, cols]
    view += (_col(0.55 * skin) - view) * neck
    fg[:, rows, cols] += neck
    del neck

    # Hair: a cap above an arched hairline v < h + kappa u^2 (it drops at the
    # temples), computed only in the rows above the hairline's lowest point.
    hl = u["hairline_height"] + 0.5 * pitch
    kappa = 0.018
    w_hl = soft(2.0)
    k = _edge_k(W, soft(1.5))
    cap = _ellipse(frame, head_x, -10.0, W + 2.5, 30.0, qmax=_fill_qmax(k))
    rows, cols = cap.window()
    reach = (W + 2.5) * np.sqrt(_fill_qmax(k))   # the cap's half-width, rim included
    v_low = hl + kappa * reach * reach + 0.5 * w_hl
    y_low = ty + scale * (np.abs(sin) * (reach + np.abs(head_x)) + cos * v_low)
    rows = slice(rows.start, max(rows.start, min(rows.stop, int(np.ceil(np.max(y_low) + _C)) + 2)))
    hair_mask = _fill(cap.evaluate(rows, cols), k)
    above = _arc(frame, hl, kappa, w_hl, head_x).evaluate(rows, cols)
    above += np.float32(0.5)
    np.clip(above, 0, 1, out=above)
    hair_mask *= above
    del above
    view = albedo[:, rows, cols]
    view += (_col(hair) - view) * hair_mask
    view = fg[:, rows, cols]
    np.maximum(view, hair_mask, out=view)
    del hair_mask

    def darken(quad: _Quad, amount, kind="blob", k=None, target=None):
        # Multiply the reflectance by (1 - amount * m), or, given a target,
        # mix it towards the target by amount * m, where m is the blob or
        # the fill of the quad: only inside the quad's window.
        rows, cols = quad.window()
        q = quad.evaluate(rows, cols)
        m = _blob(q) if kind == "blob" else _fill(q, k)
        m *= _col(amount)
        view = albedo[:, rows, cols]
        if target is None:
            view *= np.float32(1) - m
        else:
            view += (_col(target) - view) * m

    # --- eyes, brows -------------------------------------------------------------
    ex = u["eye_spacing"]
    ey = u["eye_height"] + pitch
    ew = u["eye_size"]
    openness = np.clip(1.0 + nu.eye_open * d[:, 7], 0.3, 1.5)
    eh = 0.45 * ew * openness
    by = ey - u["brow_height"]
    bt = u["brow_thickness"]
    slant_t = _deg_to_t(u["brow_slant"])
    for side in (-1.0, 1.0):
        cx = side * ex + yaw
        # socket shadow: deeper with light from above
        rs = blob_radius(1.9 * ew)
        darken(_ellipse(frame, cx, ey - 0.8, rs, blob_radius(1.3 * ew), qmax=1.0),
               0.28 * (1.9 * ew) ** 2 / rs ** 2 * (0.6 + 0.8 * np.maximum(-ly, 0)))
        # eye opening: darker than skin
        k = _edge_k(eh, soft(0.6))
        darken(_ellipse(frame, cx, ey, ew, eh, qmax=_fill_qmax(k)),
               0.9, kind="fill", k=k, target=0.32 * skin)
        # iris and pupil
        ri = blob_radius(1.25 * eh + 0.4)
        darken(_ellipse(frame, cx + 0.15 * yaw, ey + 0.1, ri, ri, qmax=1.0),
               0.85 * (1.25 * eh + 0.4) ** 2 / ri ** 2, target=0.06)
        # eyebrow, slanted: outer ends lower for positive slant
        c_b, s_b = _rotation(side * slant_t)
        bw = 1.45 * ew + 1.5
        k = _edge_k(bt, soft(0.7))
        darken(_ellipse(frame, cx + side * 0.6, by, bw, bt, c_b, s_b, qmax=_fill_qmax(k)),
               0.8, kind="fill", k=k, target=0.8 * hair + 0.1 * skin)

    # --- nose -------------------------------------------------------------------
    tip = u["nose_length"] + 1.2 * pitch
    nw = u["nose_width"]
    nx = 1.5 * yaw
    mid = 0.5 * (ey + tip)
    half = 0.5 * (tip - ey) + 1.0
    for side in (-1.0, 1.0):
        # the side turned away from the light is in shadow
        away = np.maximum(-side * lx, 0.0)
        # the sides of the nose, as wide apart as the nostrils
        r0 = 0.6 * nw
        r = blob_radius(r0)
        darken(_ellipse(frame, nx + side * (0.6 * nw + 0.5), mid + 1.0, r, blob_radius(half),
                        qmax=1.0), (0.08 + 0.6 * away) * r0 / r)
        rn = blob_radius(1.3)
        darken(_ellipse(frame, nx + side * 0.65 * nw, tip + 0.4, rn, blob_radius(0.9), qmax=1.0),
               0.5 * (1.3 / rn) ** 2)
        # cheekbone hollow
        rc = blob_radius(6.0)
        darken(_ellipse(frame, side * 0.62 * W + 0.7 * yaw, ey + 10.0, rc, blob_radius(7.0),
                        qmax=1.0), 0.10 + 0.1 * away)
    # shadow under the nose (light from above)
    r = blob_radius(1.3 * nw)
    darken(_ellipse(frame, nx, tip + 1.6, r, blob_radius(1.5), qmax=1.0),
           (0.15 + 0.5 * np.maximum(-ly, 0)) * 1.3 * nw / r)
    # highlight on the tip
    r = blob_radius(2.2)
    darken(_ellipse(frame, nx, tip - 1.8, r, blob_radius(2.6), qmax=1.0), -0.10 * (2.2 / r) ** 2)

    # --- mouth: two halves, corners lifted by a smile --------------------------
    smiling = d[:, 14] < nu.smile_prob
    corner_deg = nu.mouth_deg * d[:, 6] + np.where(smiling, nu.smile_deg, 0.0)
    mw = u["mouth_width"] * np.where(smiling, 1.1, 1.0)
    lip = u["lip_thickness"]
    my = tip + 0.42 * (chin - tip) + 0.6 * pitch
    mx = 0.9 * yaw
    c_m, s_m = _rotation(_deg_to_t(corner_deg))
    for side in (-1.0, 1.0):
        cx = mx + side * 0.5 * mw
        # Lips: the half's outer corner is lifted (y decreases) by the smile.
        k = _edge_k(lip, soft(0.6))
        darken(_ellipse(frame, cx, my, 0.55 * mw, lip, c_m, -side * s_m, qmax=_fill_qmax(k)),
               0.75, kind="fill", k=k, target=0.45 * skin)
        # The line between the lips.
        lw = 0.55
        k = _edge_k(lw, soft(0.5))
        darken(_ellipse(frame, cx, my - 0.1, 0.52 * mw, lw, c_m, -side * s_m, qmax=_fill_qmax(k)),
               0.9, kind="fill", k=k, target=0.1)
    r = blob_radius(0.45 * u["mouth_width"])
    darken(_ellipse(frame, mx, my + lip + 1.6, r, blob_radius(1.4), qmax=1.0),
           0.18 * 0.45 * u["mouth_width"] / r)

    # --- shading: a lit ellipsoid, then the camera ---------------------------------
    # Surface normal of an ellipsoid of half-axes (W + 1.5, 31) seen from the
    # front: (nu, nv, sqrt(1 - nu^2 - nv^2)); Lambert's cosine with the light,
    # plus ambient light. Everything is pre-multiplied by the camera's gain
    # and 255 (8-bit levels).
    au, av = 1.0 / (W + 1.5), 1.0 / 31.0
    nu_f = frame.affine(au, 0.0, 0.3 * yaw * au)
    nv_f = frame.affine(0.0, av, 2.0 * av)
    levels = 255.0 * gain
    direct = levels * (1.0 - ambient)
    shade = _sum_of_squares([nu_f, nv_f]).evaluate(*full)
    np.clip(shade, 0, 1, out=shade)
    np.subtract(np.float32(1), shade, out=shade)
    np.sqrt(shade, out=shade)
    shade *= _col(direct * lz)
    # the in-plane part lx nu + ly nv is an affine form of the pixel position
    ax = direct * (lx * nu_f[0] + ly * nv_f[0])
    ay = direct * (lx * nu_f[1] + ly * nv_f[1])
    a0 = direct * (lx * nu_f[2] + ly * nv_f[2])
    shade += (ay[:, None] * _YS[None, :] + a0[:, None]).astype(np.float32)[:, :, None]
    shade += (ax[:, None] * _XS[None, :]).astype(np.float32)[:, None, :]
    np.maximum(shade, 0, out=shade)
    shade += _col(levels * ambient)
    # the backdrop is lit evenly: shade = fg * shade + (1 - fg) * levels
    lv = _col(levels)
    shade -= lv
    shade *= fg
    shade += lv
    del fg
    img = albedo
    img *= shade
    del shade
    # sensor noise: uniform with standard deviation nu.noise
    noise = noise - np.float32(0.5)
    noise *= np.float32(255 * nu.noise * np.sqrt(12.0))
    img += noise
    # 8-bit quantisation, as a camera would
    np.rint(img, out=img)
    np.clip(img, 0, 255, out=img)
    img /= np.float32(255)
    return img


def _photo_draws(seed: int, keys: np.ndarray, photo: np.ndarray):
    """Nuisance draws and noise of each (identity key, photo index) pair."""
    n = len(keys)
    draws = np.empty((n, _N_NUISANCE_DRAWS))
    noise = np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    # One generator per photo, so that a photo's pixels do not depend on which
    # other photos are rendered with it (see _generator).
    for row in range(n):
        g = _generator(seed, _DOMAIN_PHOTO, int(keys[row]), int(photo[row]))
        draws[row, :_N_NORMAL_DRAWS] = g.standard_normal(_N_NORMAL_DRAWS)
        draws[row, _N_NORMAL_DRAWS:] = g.random(_N_NUISANCE_DRAWS - _N_NORMAL_DRAWS)
        noise[row] = g.random((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    np.clip(draws[:, :_N_NORMAL_DRAWS], -3.0, 3.0, out=draws[:, :_N_NORMAL_DRAWS])
    return draws, noise


def _check_params(params) -> np.ndarray:
    params = np.asarray(params, dtype=np.float64)
    if params.ndim != 2 or params.shape[1] != N_FEATURES:
        raise ValueError(f"params: must have shape (n, {N_FEATURES}), got {params.shape}")
    if len(params) == 0:
        raise ValueError("params: needs at least one identity")
    if not np.all(np.isfinite(params)):
        raise ValueError("params: must be finite")
    return params


def _check_nuisance(nuisance) -> Nuisance:
    if nuisance is None:
        return Nuisance()
    if not isinstance(nuisance, Nuisance):
        raise ValueError(f"nuisance: must be a Nuisance, got {type(nuisance).__name__}")
    return nuisance


def _render_into(out: np.ndarray, params: np.ndarray, keys: np.ndarray, n_photos: int,
                 seed: int, nuisance: Nuisance) -> None:
    units = _features_to_units(params)
    n_images = len(params) * n_photos

    def work(lo):
        idx = np.arange(lo, min(lo + _BLOCK, n_images))
        who, photo = idx // n_photos, idx % n_photos
        draws, noise = _photo_draws(seed, keys[who], photo)
        out[lo:lo + len(idx)] = _render_block(units[who], draws, noise, nuisance)

    starts = range(0, n_images, _BLOCK)
    threads = max(1, min(int(THREADS), len(starts)))
    if threads == 1:
        for lo in starts:
            work(lo)
    else:
        # Blocks are independent and numpy releases the GIL while it computes.
        with ThreadPoolExecutor(threads) as pool:
            for _ in pool.map(work, starts):
                pass


def render(params, n_photos: int = 1, seed: int = 0, nuisance: Nuisance | None = None,
           keys=None) -> tuple[np.ndarray, np.ndarray]:
    """Photograph identities: ``n_photos`` images of each.

    Parameters
    ----------
    params : array of shape (n, N_FEATURES)
        Standardised identity features, e.g. from :func:`sample_identities`.
    n_photos : int >= 1
        Photos per identity.
    seed : int in [0, 2**64)
        Seed of the photo conditions (pose, light, noise).
    nuisance : Nuisance, optional
        Strengths of the photo-to-photo variation; default ``Nuisance()``.
    keys : array of n non-negative integers, optional
        The random key of each identity; photo ``j`` of the identity with key
        ``k`` is the same whatever else is rendered with it. Defaults to the
        row numbers ``0..n-1``; :func:`make_population` and
        :func:`stream_faces` use ``(group tag << 32) | index``.

    Returns
    -------
    images : ndarray of shape (n * n_photos, 64, 64), float32 in [0, 1]
        Identity-major: the photos of row 0 first.
    identity : ndarray of shape (n * n_photos,), int
        Row of ``params`` each image shows.
    """
    params = _check_params(params)
    n_photos = _check_count(n_photos, "n_photos")
    seed = _check_seed(seed)
    nuisance = _check_nuisance(nuisance)
    if keys is None:
        keys = np.arange(len(params), dtype=np.uint64)
    else:
        keys = np.asarray(keys)
        if keys.shape != (len(params),) or not np.issubdtype(keys.dtype, np.integer) \
                or np.any(keys < 0):
            raise ValueError(f"keys: must be {len(params)} non-negative integers, one per row")
        keys = keys.astype(np.uint64)
    out = np.empty((len(params) * n_photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    _render_into(out, params, keys, n_photos, seed, nuisance)
    return out, np.repeat(np.arange(len(params)), n_photos)


@dataclass(frozen=True)
class SynthFaces(Faces):
    """Synthetic photos with identity and group labels.

    Attributes
    ----------
    images : ndarray of shape (n_images, 64, 64), float32 in [0, 1]
    target : ndarray of shape (n_images,), int
        Identity number, unique across groups.
    group : ndarray of shape (n_images,), str
        Group name of each photo's person.
    params : ndarray of shape (n_images, N_FEATURES), float64
        Standardised features of each photo's person.
    """

    group: np.ndarray
    params: np.ndarray


def _check_progress(progress):
    if progress is not None and not callable(progress):
        raise ValueError("progress: must be a callable(done, total) or None")
    return progress


def make_population(n_per_group: Mapping[str, int], photos_per_identity: int = 1,
                    seed: int = 0, groups: Mapping[str, GroupSpec] | None = None,
                    nuisance: Nuisance | None = None,
                    progress: Callable[[int, int], None] | None = None) -> SynthFaces:
    """Draw and photograph a population made of groups.

    Parameters
    ----------
    n_per_group : dict of str -> int >= 0
        How many people of each group, e.g. ``{"A": 900, "B": 100}``
        (:func:`shares_to_counts` turns shares into counts). At least one
        person in all.
    photos_per_identity : int >= 1
    seed : int in [0, 2**64)
    groups : dict of GroupSpec, optional
        Defaults to :func:`default_groups`; :func:`control_groups` is the
        control.
    nuisance : Nuisance, optional
    progress : callable(done, total), optional
        Called after each block of images.

    Returns
    -------
    SynthFaces
        Images grouped by person, people numbered 0.. in the order of
        ``n_per_group``. Person ``i`` of group ``g`` looks the same in any
        population with the same seed and group distribution. Holds every
        image in memory (16 KB each); use :func:`stream_faces` for very
        large galleries.
    """
    groups = _check_groups(groups)
    photos = _check_count(photos_per_identity, "photos_per_identity")
    seed = _check_seed(seed)
    nuisance = _check_nuisance(nuisance)
    progress = _check_progress(progress)
    if not isinstance(n_per_group, Mapping) or not n_per_group:
        raise ValueError("n_per_group: must be a non-empty dict of group name -> count")
    counts = {}
    for name, count in n_per_group.items():
        if name not in groups:
            raise ValueError(f"n_per_group: unknown group {name!r}; groups are {list(groups)}")
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Integral) \
                or count < 0:
            raise ValueError(f"n_per_group: count of {name!r} must be an integer >= 0, "
                             f"got {count!r}")
        counts[name] = int(count)
    total = sum(counts.values())
    if total < 1:
        raise ValueError("n_per_group: needs at least one identity in all")

    params = np.concatenate([sample_identities(c, groups[g], seed) for g, c in counts.items() if c])
    keys = np.concatenate([_identity_keys(g, 0, c) for g, c in counts.items() if c])
    labels = np.concatenate([np.full(c, g, dtype=object) for g, c in counts.items() if c])
    images = np.empty((total * photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    step = 8 * _BLOCK
    for lo in range(0, total, step // photos or 1):
        hi = min(lo + (step // photos or 1), total)
        _render_into(images[lo * photos:hi * photos], params[lo:hi], keys[lo:hi], photos,
                     seed, nuisance)
        if progress is not None:
            progress(hi * photos, total * photos)
    who = np.repeat(np.arange(total), photos)
    return SynthFaces(images=images, target=who, group=labels[who].astype(str),
                      params=params[who])


def stream_faces(n_identities: int, group: GroupSpec | str = "A", seed: int = 0,
                 photos_per_identity: int = 1, chunk_size: int = 1000, start: int = 0,
                 nuisance: Nuisance | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Iterator[SynthFaces]:
    """Photograph many people of one group, a chunk at a time.

    Memory stays at a few chunks whatever ``n_identities`` is (a chunk of
    1,000 photos is 16 MB), so an 850,000-face gallery can be embedded
    chunk by chunk.

    Parameters
    ----------
    n_identities : int >= 1
    group : GroupSpec or str, default "A"
    seed : int in [0, 2**64)
    photos_per_identity : int >= 1
    chunk_size : int >= 1
        Identities per chunk. Does not change any pixel.
    start : int >= 0
        Index of the first identity (to continue a gallery, or to keep two
        galleries of one group apart).
    nuisance : Nuisance, optional
    progress : callable(done, total), optional
        Called after each chunk with the number of identities done so far.

    Yields
    ------
    SynthFaces
        ``target`` is the identity index within the group (``start`` ...),
        the same numbering as :func:`sample_identities`.
    """
    n = _check_count(n_identities, "n_identities")
    group = _resolve_group(group)
    seed = _check_seed(seed)
    photos = _check_count(photos_per_identity, "photos_per_identity")
    chunk = _check_count(chunk_size, "chunk_size")
    nuisance = _check_nuisance(nuisance)
    progress = _check_progress(progress)
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, numbers.Integral) or start < 0:
        raise ValueError(f"start: must be an integer >= 0, got {start!r}")
    start = int(start)
    _identity_keys(group.name, start, n)  # validates the index range
    return _stream(n, group, seed, photos, chunk, start, nuisance, progress)


def _stream(n, group, seed, photos, chunk, start, nuisance, progress):
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        params = sample_identities(m, group, seed, start=start + lo)
        keys = _identity_keys(group.name, start + lo, m)
        images = np.empty((m * photos, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
        _render_into(images, params, keys, photos, seed, nuisance)
        who = np.repeat(np.arange(m), photos)
        yield SynthFaces(images=images, target=start + lo + who,
                         group=np.full(m * photos, group.name), params=params[who])
        if progress is not None:
            progress(lo + m, n)
