"""The synthetic people's features, groups and photo-to-photo variation.

:data:`FEATURES` is the one table that names the face-shape parameters and
says how a unit of each becomes pixels; :class:`GroupSpec` is a group's
distribution over them; :class:`Nuisance` is what changes between two photos
of one person. See :mod:`facelab.faces.synth` for how a photo is made.
"""

from __future__ import annotations

import numbers
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np

from ..._validation import (
    ArgumentError,
    ArgumentTypeError,
    check_int,
    check_seed,
    check_shares,
)

__all__ = ["IMAGE_SIZE", "Feature", "FEATURES", "FEATURE_NAMES", "N_FEATURES", "CALIBRATION",
           "Nuisance", "GroupSpec", "default_groups", "control_groups", "feature_table",
           "describe_groups", "check_groups", "shares_to_counts"]


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


_Z_MAX = 3.0


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

    def scaled(self, factor: float) -> Nuisance:
        """Every strength multiplied by ``factor`` (``smile_prob`` unchanged)."""
        if not isinstance(factor, numbers.Real) or not np.isfinite(factor) or factor < 0:
            raise ValueError(f"factor: must be a finite number >= 0, got {factor!r}")
        return replace(self, **{f.name: getattr(self, f.name) * factor
                                for f in fields(self) if f.name != "smile_prob"})


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


def offset_only_groups() -> dict[str, GroupSpec]:
    """Chapter 4's decomposition: the default groups' offset, without their spreads.

    Group B's average face is shifted from A's exactly as in
    :func:`default_groups`, but both groups vary on every feature as much as
    the control's people do (the root-mean-square of the default spreads), so
    the only difference between the groups is where their average face sits.
    """
    a, b = default_groups().values()
    sd = control_groups()["A"].std
    return {"A": GroupSpec("A", a.mean.copy(), sd.copy()),
            "B": GroupSpec("B", b.mean.copy(), sd.copy())}


def spread_only_groups() -> dict[str, GroupSpec]:
    """Chapter 4's decomposition: the default groups' spreads, without their offset.

    Each group varies on the features it varies on in :func:`default_groups`,
    but both average faces are the same, so the only difference between the
    groups is *which* features tell their members apart.
    """
    a, b = default_groups().values()
    zero = np.zeros(N_FEATURES)
    return {"A": GroupSpec("A", zero.copy(), a.std.copy()),
            "B": GroupSpec("B", zero.copy(), b.std.copy())}


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


def check_groups(groups, names: tuple[str, ...] | None = None,
                 name: str = "groups") -> dict[str, GroupSpec]:
    """Groups as a dict of name -> :class:`GroupSpec`, or raise naming the argument.

    Parameters
    ----------
    groups : dict of str -> GroupSpec, or None
        None gives :func:`default_groups`.
    names : tuple of str, optional
        The group names required, in this order (e.g. ``("A", "B")``).
    name : str
        The argument's name, for the message.

    Returns
    -------
    dict of str -> GroupSpec
        In the order of ``names`` if given.
    """
    if groups is None:
        groups = default_groups()
    if not isinstance(groups, Mapping) or not groups:
        raise ArgumentTypeError(f"{name}: must be a non-empty dict of name -> GroupSpec, such as "
                                f"facelab.faces.synth.default_groups(); got "
                                f"{type(groups).__name__}.")
    for key, g in groups.items():
        if not isinstance(g, GroupSpec) or g.name != key:
            raise ArgumentTypeError(f"{name}: entry {key!r} must be a GroupSpec named {key!r}.")
    if names is not None and tuple(sorted(groups)) != tuple(sorted(names)):
        raise ArgumentError(f"{name}: must hold exactly the groups {list(names)} (for example "
                            f"facelab.faces.synth.default_groups() or control_groups()); "
                            f"got {list(groups)}.")
    if len({_group_tag(key) for key in groups}) < len(groups):
        raise ArgumentError(f"{name}: names {list(groups)} share a random key; rename one.")
    return {k: groups[k] for k in (names or groups)}


_check_groups = check_groups


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
    shares = check_shares(shares, "shares")
    p = np.array(list(shares.values()))
    exact = n * p
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return dict(zip(shares.keys(), counts.tolist(), strict=True))


_check_seed = check_seed


def _check_count(n, arg: str) -> int:
    return check_int(n, arg, 1)


def _group_tag(name: str) -> int:
    # A stable 32-bit tag (CRC-32 of the name): Python's hash() is salted.
    return zlib.crc32(name.encode("utf-8"))
