"""Every public function refuses bad arguments in its own words (issue 13): a fuzz test.

For each public function of the package (the names in each module's ``__all__``, the
deprecated forwarding modules left out), :data:`SPECS` gives one valid call and the
*kind* of each argument (a threshold, a rate, a count, a 1-D array of scores ...).
Hypothesis then replaces one argument at a time by a bad value of that kind: a wrong
type, a bool, NaN, an infinity, an empty or mis-shaped array, a number out of range.
Every such call must raise a ``ValueError`` or ``TypeError`` whose message names the
argument, raised by facelab itself (the innermost frame of the traceback is in
``facelab/``), never by NumPy, scikit-learn or matplotlib deep inside the computation.

Functions not fuzzed are listed in :data:`SKIP`, each with the reason;
:func:`test_every_public_function_is_fuzzed_or_skipped_with_a_reason` fails when a new
public function is in neither, and prints the coverage.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import facelab
from facelab.faces.detect import Box

PKG = Path(facelab.__file__).resolve().parent
RNG = np.random.default_rng(0)
NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------------------
# Which functions are public
# ---------------------------------------------------------------------------------------

def _is_forwarder(module) -> bool:
    """The old flat modules (facelab.bias ...) only forward names, with a warning."""
    getattr_ = getattr(module, "__getattr__", None)
    return getattr_ is not None and "forward" in getattr(getattr_, "__qualname__", "")


@functools.cache
def public_functions() -> dict[str, Callable]:
    """Every public function, by ``module.name`` of the module that defines it."""
    found: dict[str, Callable] = {}
    for info in pkgutil.walk_packages(facelab.__path__, "facelab."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        if _is_forwarder(module):
            continue
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n, v in vars(module).items()
                     if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
        for name in names:
            obj = getattr(module, name)
            if inspect.isfunction(inspect.unwrap(obj)):  # lru_cache'd ones too
                found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return dict(sorted(found.items()))


# ---------------------------------------------------------------------------------------
# Bad values, by kind of argument
# ---------------------------------------------------------------------------------------

class _Opaque:
    """An object of no type facelab accepts anywhere."""

    def __repr__(self):
        return "<opaque>"


NOT_A_NUMBER = st.sampled_from(["80", None, b"1", [1.0], {"x": 1}, _Opaque()])
NOT_A_NUMBER_OR_ARRAY = st.sampled_from(["80", None, b"1", {"x": 1}, _Opaque()])
BOOLS = st.sampled_from([True, False, np.bool_(True)])
NON_FINITE = st.sampled_from([NAN, INF, -INF])


def reals(low=None, high=None, *, finite=True, low_open=False, high_open=False):
    """Bad values for a real number in [low, high]."""
    return _reals(NOT_A_NUMBER, low, high, finite, low_open, high_open)


def numbers_or_arrays(low=None, high=None, *, finite=True, low_open=False, high_open=False):
    """Bad values for a number or an array of numbers (any shape) in [low, high]."""
    scalars = _reals(NOT_A_NUMBER_OR_ARRAY, low, high, finite, low_open, high_open)
    good = (low if low is not None else 0.0) + 0.0
    arrays_ = [np.array(["a", "b"]), np.array([True, False]), np.array([good, NAN]),
               [[good], [good, good]], np.array([_Opaque()])]
    if finite:
        arrays_.append(np.array([good, INF]))
    if low is not None:
        arrays_.append(np.array([[good, low - 1.0]]))
    if high is not None:
        arrays_.append(np.array([high + 1.0, good]))
    return scalars | st.sampled_from(arrays_)


def _reals(not_numbers, low, high, finite, low_open, high_open):
    parts = [not_numbers, BOOLS, st.just(NAN)]
    if finite:
        parts.append(st.sampled_from([INF, -INF]))
    if low is not None:
        parts.append(st.floats(max_value=low, exclude_max=not low_open, allow_nan=False,
                               allow_infinity=False, width=64))
    if high is not None:
        parts.append(st.floats(min_value=high, exclude_min=not high_open, allow_nan=False,
                               allow_infinity=False, width=64))
    return st.one_of(parts)


def ints(low=None, high=None):
    """Bad values for an integer in [low, high] (floats are refused, even whole ones)."""
    parts = [NOT_A_NUMBER, BOOLS, st.sampled_from([2.5, 3.0, NAN, INF])]
    if low is not None:
        parts.append(st.integers(max_value=low - 1, min_value=low - 10 ** 6))
    if high is not None:
        parts.append(st.integers(min_value=high + 1, max_value=high + 10 ** 6))
    return st.one_of(parts)


def arrays(ndim: int = 1, *, empty=True, finite=True, low=None, high=None, width=None,
           allow_inf=False):
    """Bad values for a numeric array of ``ndim`` dimensions (NaN is bad unless not ``finite``;
    infinities are bad unless not ``finite`` or ``allow_inf``)."""
    good = (3,) * ndim if width is None else (3,) * (ndim - 1) + (width,)
    wrong_ndim = (3,) * (ndim + 1) if ndim >= 1 else (3,)
    cases = [
        "abc", None, _Opaque(),
        np.array(["a", "b", "c"]), np.ones(good, dtype=bool),
        np.ones(wrong_ndim),
        [[1.0], [1.0, 2.0]],  # ragged
    ]
    if ndim >= 2:
        cases.append(np.ones(3))
    if empty:
        cases.append(np.zeros((0,) + good[1:]))
    if finite:
        cases.append(np.full(good, NAN))
        if not allow_inf:
            cases.append(np.full(good, INF))
    if low is not None:
        cases.append(np.full(good, low - 1.0))
    if high is not None:
        cases.append(np.full(good, high + 1.0))
    return st.sampled_from(cases)


def labels(*, none=True, short=True):
    """Bad values for one label (an id, a group name) per row, of any hashable kind
    (``short``: also too few of them; ``none``: also None)."""
    cases = ["abc", _Opaque(), np.ones((6, 2)), [[1.0], [1.0, 2.0]], np.full(6, NAN),
             np.zeros(0)]
    return st.sampled_from(cases + [None] * none + [np.arange(2)] * short)


def flags():
    """Bad values for True/False (0 and 1 are refused)."""
    return st.sampled_from([1, 0, "yes", None, "False", 1.0])


def texts(*also):
    """Bad values for a string (a name, an option)."""
    return st.sampled_from([3, None, b"x", ["a"], _Opaque(), *also])


def choices(*unknown):
    """Bad values for one of a fixed set of options."""
    return st.sampled_from([3, None, ["a"], _Opaque(), *(unknown or ("no-such-option",))])


def functions():
    """Bad values for a callable."""
    return st.sampled_from([3, "f", None, [len]])


def mappings(*, none=True):
    """Bad values for a dict."""
    return st.sampled_from(["x", [1, 2], 3, _Opaque()] + [None] * none)


SEED = ints(0, 2 ** 32 - 1)
THRESHOLD = reals(0, 100)
RATE = reals(0, 1)
COUNT = ints(1)


# ---------------------------------------------------------------------------------------
# One valid call per function, and the kind of each argument
# ---------------------------------------------------------------------------------------

@dataclass
class Spec:
    """A valid call of a public function and bad values for its arguments.

    ``valid`` holds keyword arguments that work; ``bad`` maps each argument fuzzed to a
    Hypothesis strategy of values it must refuse. ``args`` fill a ``*arrays`` parameter
    (the arguments before it are passed by position). ``not_fuzzed`` names the arguments
    left alone, each with its reason.
    """

    valid: dict
    bad: dict
    args: tuple = ()
    not_fuzzed: dict = field(default_factory=dict)
    #: Why the valid call is not made (it runs a whole experiment); None: make it.
    slow_valid: str | None = None
    #: The function returns a generator: iterate it (its checks run on the first item).
    consume: bool = False


GEN = np.array([70.0, 85.0, 90.0, 95.0, 99.0])
IMP = np.array([20.0, 40.0, 55.0, 60.0, 82.0, 90.0])
EMB = RNG.normal(size=(6, 8))
IDS = np.array([0, 0, 1, 1, 2, 2])
IMAGES = RNG.random((3, 64, 64))
MAX_SCORES = {2: np.array([50.0, 60.0, 70.0]), 3: np.array([55.0, 61.0, 80.0])}

SPECS: dict[str, Spec] = {}


def spec(name: str, valid: dict, bad: dict, **kw) -> None:
    SPECS[name] = Spec(valid, bad, **kw)


# --- evaluation ---------------------------------------------------------------------
spec("facelab.evaluation.rates.fmr", dict(impostor=IMP, threshold=80.0),
     dict(impostor=arrays(1), threshold=numbers_or_arrays(finite=False)))
spec("facelab.evaluation.rates.fnmr", dict(genuine=GEN, threshold=80.0),
     dict(genuine=arrays(1), threshold=numbers_or_arrays(finite=False)))
spec("facelab.evaluation.rates.error_curve", dict(genuine=GEN, impostor=IMP, thresholds=None),
     dict(genuine=arrays(1), impostor=arrays(1), thresholds=arrays(1, empty=False, allow_inf=True)))
spec("facelab.evaluation.rates.det_curve", dict(genuine=GEN, impostor=IMP),
     dict(genuine=arrays(1), impostor=arrays(1)))
spec("facelab.evaluation.rates.eer", dict(genuine=GEN, impostor=IMP),
     dict(genuine=arrays(1), impostor=arrays(1)))
spec("facelab.evaluation.rates.threshold_for_fmr", dict(impostor=IMP, target_fmr=0.1),
     dict(impostor=arrays(1), target_fmr=numbers_or_arrays(0, 1)))
spec("facelab.evaluation.rates.probit", dict(p=0.1, clip=1e-6),
     dict(p=numbers_or_arrays(0, 1), clip=reals(0, 0.5, low_open=True, high_open=True)))
spec("facelab.evaluation.pairs.pair_scores",
     dict(embeddings=EMB, ids=IDS, groups=None, return_pairs=True),
     dict(embeddings=arrays(2), ids=labels(), groups=labels(), return_pairs=flags()))
spec("facelab.evaluation.pairs.mixed_pair_scores",
     dict(gallery=EMB, probes=EMB + 0.1, ids=IDS),
     dict(gallery=arrays(2), probes=arrays(2), ids=labels(), return_pairs=flags()))
spec("facelab.evaluation.bootstrap.percentile_interval",
     dict(estimate=0.5, replicates=[0.4, 0.5, 0.6], confidence=0.95, what="x"),
     # NaN and infinities are allowed: they mark undefined replicates (or estimates).
     dict(estimate=st.sampled_from(["0.5", b"1", True, np.True_, {"x": 1}, _Opaque(),
                                    [[0.5], [0.5, 0.6]]]),
          replicates=st.sampled_from(["abc", None, _Opaque(), np.array(["a", "b"]), np.zeros(0),
                                      np.array([True, False]), [[0.4], [0.4, 0.5]]]),
          confidence=reals(0, 1, low_open=True, high_open=True)),
     not_fuzzed={"what": "words for the message"})
spec("facelab.evaluation.bootstrap.draw_counts", dict(n_people=4, n_boot=3, seed=0),
     dict(n_people=COUNT, n_boot=COUNT, seed=SEED))
spec("facelab.evaluation.bootstrap.pair_layout", dict(n_people=3, photos=2),
     dict(n_people=COUNT, photos=COUNT))
spec("facelab.evaluation.bootstrap.person_errors",
     dict(scores=np.linspace(0, 100, 15), n_people=3, photos=2, threshold=50.0),
     dict(scores=arrays(1), n_people=COUNT, photos=COUNT, threshold=reals(finite=False)))
spec("facelab.evaluation.bootstrap.bootstrap_by_identity",
     dict(metric_fn=lambda s: float(np.mean(s)), identities=IDS, n_boot=5, confidence=0.9,
          seed=0, strata=None),
     dict(metric_fn=functions(), n_boot=COUNT,
          # one identity per row, or two (a pair of people) per row
          identities=st.sampled_from(["abc", _Opaque(), np.ones((6, 3)), [[1.0], [1.0, 2.0]],
                                      np.full(6, NAN), np.zeros(0), np.arange(2), None]),
          confidence=reals(0, 1, low_open=True, high_open=True), seed=SEED),
     args=(np.arange(6.0),),
     not_fuzzed={"arrays": "passed on to metric_fn", "kwargs": "passed on to metric_fn",
                 "strata": "labels, any hashable values"})
spec("facelab.evaluation.groups.by_group",
     dict(metric_fn=lambda s: float(np.mean(s)), groups=np.array(list("aabbcc"))),
     dict(metric_fn=functions(), groups=labels()),
     args=(np.arange(6.0),),
     not_fuzzed={"arrays": "passed on to metric_fn", "kwargs": "passed on to metric_fn"})
spec("facelab.evaluation.gallery.p_any_false_match", dict(fmr=0.001, gallery_size=1000),
     dict(fmr=numbers_or_arrays(0, 1), gallery_size=numbers_or_arrays(0)))
spec("facelab.evaluation.gallery.implied_fmr", dict(n_false=2, n_probes=100, gallery_size=1000),
     dict(n_false=numbers_or_arrays(0), n_probes=numbers_or_arrays(1),
          gallery_size=numbers_or_arrays(1)))
spec("facelab.evaluation.gallery.watchlist",
     dict(fmr=0.001, fnmr=0.1, gallery_size=1000, n_probes=100, base_rate=0.01),
     dict(fmr=numbers_or_arrays(0, 1), fnmr=numbers_or_arrays(0, 1),
          gallery_size=numbers_or_arrays(1), n_probes=numbers_or_arrays(1),
          base_rate=numbers_or_arrays(0, 1)))
spec("facelab.evaluation.leads.binomial_pmfs", dict(n=10, p=0.1, upto=3),
     dict(n=ints(0), p=RATE, upto=ints(0)))
spec("facelab.evaluation.leads.binomial_tail", dict(n=10, p=0.1, j=3),
     dict(n=ints(0), p=RATE, j=ints(0)))
spec("facelab.evaluation.leads.expected_listed", dict(fmr=0.001, gallery_size=1000, list_length=5),
     dict(fmr=RATE, gallery_size=COUNT, list_length=COUNT))
spec("facelab.evaluation.leads.review",
     dict(fmr=0.001, gallery_size=1000, list_length=5, reviewer_error=0.1, searches=10),
     dict(fmr=RATE, gallery_size=COUNT, list_length=COUNT, reviewer_error=RATE,
          searches=reals(0)))

# --- matching -----------------------------------------------------------------------
spec("facelab.matching.compare.cosine_similarity", dict(a=EMB[:2], b=EMB),
     dict(a=arrays(2), b=arrays(2)))
spec("facelab.matching.compare.similarity_scores", dict(a=EMB[:2], b=EMB),
     dict(a=arrays(2), b=arrays(2)))
spec("facelab.matching.compare.to_score", dict(cos=0.5),
     dict(cos=numbers_or_arrays(-1, 1)))
spec("facelab.matching.compare.from_score", dict(score=80.0),
     dict(score=numbers_or_arrays(0, 100)))
spec("facelab.matching.compare.verify", dict(a=EMB[0], b=EMB[1], threshold=80.0),
     dict(a=arrays(1, width=8), b=arrays(1, width=8), threshold=THRESHOLD))
spec("facelab.matching.embed.split_people", dict(target=IDS, n_train_people=2, seed=0),
     dict(target=labels(short=False), n_train_people=COUNT, seed=SEED))
spec("facelab.matching.identification.search",
     dict(probes=EMB[:2], gallery=EMB, gallery_ids=IDS, threshold=80.0, top_k=2, chunk_size=4,
          progress=None),
     dict(probes=arrays(2), gallery=arrays(2), gallery_ids=labels(none=False),
          threshold=THRESHOLD, top_k=COUNT, chunk_size=COUNT, progress=functions()))
spec("facelab.matching.identification.max_scores_streamed",
     dict(probes=EMB[:2], gallery=EMB, gallery_ids=None, chunk_size=4, progress=None),
     dict(probes=arrays(2), gallery=arrays(2), chunk_size=COUNT, progress=functions()),
     not_fuzzed={"gallery_ids": "optional labels, any hashable values"})
spec("facelab.matching.deep._chips.distance_to_score", dict(d=0.6),
     dict(d=numbers_or_arrays(0)))
spec("facelab.matching.deep._chips.score_to_distance", dict(score=91.0),
     # Rounding errors up to 1e-9 beyond either end are clipped.
     dict(score=numbers_or_arrays(-1e-8, 100 + 1e-8)))

# --- faces --------------------------------------------------------------------------
spec("facelab.faces.regions.region_mask", dict(region="mask"), dict(region=choices("nose")))
spec("facelab.faces.regions.coverage", dict(region="mask"), dict(region=choices("nose")))
spec("facelab.faces.regions.outline", dict(region="mask"), dict(region=choices("nose")))
spec("facelab.faces.regions.occlude", dict(images=IMAGES, region="mask", fill="mean", seed=0),
     dict(images=arrays(3, low=0, high=1), region=choices("nose"), fill=choices("grey"),
          seed=SEED))
spec("facelab.faces.detect.crop_face",
     dict(image=IMAGES[0], box=Box(0, 0, 32, 32), size=32, margin=0.1),
     dict(image=arrays(2), size=ints(4), margin=reals(0)),
     not_fuzzed={"box": "refused unless a Box (test_bad_inputs)"})
spec("facelab.faces.synth.features.shares_to_counts", dict(n=10, shares={"A": 0.5, "B": 0.5}),
     dict(n=COUNT, shares=mappings()))
spec("facelab.faces.synth.features.check_groups", dict(groups=None, names=None, name="groups"),
     dict(groups=mappings(none=False)),
     not_fuzzed={"names": "the caller's own constant", "name": "the caller's own constant"})
spec("facelab.faces.synth.features.describe_groups", dict(groups=None), dict(groups=mappings()))
spec("facelab.faces.synth.identities.sample_identities", dict(n=2, group="A", seed=0, start=0),
     dict(n=COUNT, group=choices("Z"), seed=SEED, start=ints(0)))

# --- sources ------------------------------------------------------------------------
spec("facelab.sources.facts.fact", dict(key="aclu_probes"),
     dict(key=texts("no_such_fact")))
spec("facelab.sources.facts.value", dict(key="aclu_probes"),
     dict(key=texts("no_such_fact")))

# --- views --------------------------------------------------------------------------
spec("facelab.views.format.pct_label", dict(p=0.1), dict(p=RATE))
spec("facelab.views.format.interval", dict(estimate=0.5, low=0.4, high=0.6),
     dict(estimate=RATE, low=RATE, high=RATE))
spec("facelab.views.explorers._common.quantise_scores", dict(scores=GEN, name="scores"),
     dict(scores=arrays(1, low=0, high=100)),
     not_fuzzed={"name": "the caller's own constant"})
spec("facelab.views.explorers.threshold.explorer_numbers",
     dict(genuine=GEN, impostor=IMP, threshold=80.0),
     dict(genuine=arrays(1, low=0, high=100), impostor=arrays(1, low=0, high=100),
          threshold=THRESHOLD))
spec("facelab.views.explorers.watchlist.gallery_max_scores",
     dict(scores=RNG.random((3, 4)) * 100, gallery_sizes=[1, 4]),
     dict(scores=arrays(2, low=0, high=100), gallery_sizes=st.sampled_from(
         [[], [0], [5], [2.5], "12", None, [True]])))
spec("facelab.views.explorers.watchlist.watchlist_numbers",
     dict(max_impostor_scores=MAX_SCORES, gallery_size=2, threshold=80.0, impostor=None,
          n_probes=None, fmr_genuine_pairs=None),
     dict(max_impostor_scores=st.sampled_from(["x", 3, {}, {2: "abc"}, np.array(["a"]),
                                               {2: np.array([NAN])}, _Opaque()]),
          gallery_size=st.sampled_from([5, 0, -1, 2.5, "2", True]),
          threshold=THRESHOLD, impostor=arrays(1, low=0, high=100), n_probes=COUNT,
          fmr_genuine_pairs=arrays(1, low=0, high=100)))
spec("facelab.views.explorers.review.review_numbers",
     dict(impostor=IMP, threshold=80.0, gallery_size=100, list_length=5, reviewer_error=0.1,
          searches=10),
     dict(impostor=arrays(1, low=0, high=100), threshold=THRESHOLD, gallery_size=COUNT,
          list_length=COUNT, reviewer_error=RATE, searches=ints(0, 10 ** 9)))


# --- more faces and data -------------------------------------------------------------
spec("facelab.faces.datasets.read_csv", dict(name="facts.csv"), dict(name=texts("nope.csv")))
spec("facelab.faces.detect.detect_faces",
     dict(image=IMAGES[0], min_size=24, max_size=None, scale_factor=1.2),
     dict(image=arrays(2), min_size=ints(24, 64), max_size=ints(24, 64),
          scale_factor=reals(1, low_open=True)))
spec("facelab.faces.synth.drawing.render",
     dict(params=np.zeros((2, 16)), n_photos=1, seed=0, nuisance=None, keys=None),
     dict(params=arrays(2, width=16), n_photos=COUNT, seed=SEED,
          keys=arrays(1, low=0, finite=True)),
     not_fuzzed={"nuisance": "a Nuisance or None (its own dataclass checks its fields)"})
spec("facelab.faces.synth.population.make_population",
     dict(n_per_group={"A": 2, "B": 1}, photos_per_identity=1, seed=0),
     dict(n_per_group=mappings(), photos_per_identity=COUNT, seed=SEED,
          groups=mappings(), progress=functions()),
     not_fuzzed={"nuisance": "a Nuisance or None (its own dataclass checks its fields)"})
spec("facelab.faces.synth.population.stream_faces",
     dict(n_identities=2, group="A", seed=0, photos_per_identity=1, chunk_size=2, start=0),
     dict(n_identities=COUNT, group=choices("Z"), seed=SEED, photos_per_identity=COUNT,
          chunk_size=COUNT, start=ints(0), progress=functions()),
     not_fuzzed={"nuisance": "a Nuisance or None (its own dataclass checks its fields)"},
     consume=True)

# --- more sources -------------------------------------------------------------------
spec("facelab.sources.law.read_rules", dict(name="jurisdictions.csv"),
     dict(name=texts("nope.csv")))
spec("facelab.sources.law.scope_matrix", dict(rows=[{"key": "k", "scope": "police-live"}]),
     dict(rows=st.sampled_from(["x", 3, None, [1], [{}], {"key": "k"}])))
spec("facelab.sources.law.fines", dict(prefix="clearview_fine_"), dict(prefix=texts()))
spec("facelab.sources.law.totals_by_currency",
     dict(rows=[{"amount": 1.0, "currency": "EUR"}]),
     dict(rows=st.sampled_from(["x", 3, None, [1], [{}], [{"amount": "1", "currency": "EUR"}],
                               [{"amount": NAN, "currency": "EUR"}]])))
spec("facelab.sources.published.gender_shades_gaps", dict(rows=None),
     dict(rows=st.sampled_from(["x", 3, [1], [{}], [{"vendor": "a"}]])))

# --- experiments whose checks come before their work ---------------------------------
EXPERIMENT = "runs the experiment (seconds); the chapters' tests run it"
spec("facelab.experiments.olivetti.olivetti_scores", dict(model="fisher", seed=0),
     dict(model=choices("lbp"), seed=SEED), slow_valid=EXPERIMENT)
spec("facelab.experiments.olivetti.every_pair_scores", dict(model="deep"),
     dict(model=choices("lbp")), slow_valid=EXPERIMENT)
spec("facelab.experiments.olivetti.hard_pairs", dict(models=("fisher", "deep"), seed=0),
     dict(models=st.sampled_from([("fisher",), ("fisher", "lbp"), "fd", 3, None]), seed=SEED),
     slow_valid=EXPERIMENT)
spec("facelab.experiments.olivetti.olivetti_eer",
     dict(model="fisher", seed=0, n_boot=10, boot_seed=0),
     dict(model=choices("lbp"), seed=SEED, n_boot=COUNT, boot_seed=SEED), slow_valid=EXPERIMENT)
spec("facelab.experiments.olivetti.dlib_rule_in_book_scores", dict(faces="all"),
     dict(faces=choices("some")), slow_valid=EXPERIMENT)
spec("facelab.experiments.olivetti.strictest_measurable", dict(genuine=GEN, impostor=IMP),
     dict(genuine=arrays(1), impostor=arrays(1)))
spec("facelab.experiments.olivetti.olivetti_model",
     dict(model="raw", X_train=RNG.random((4, 4096)), y_train=np.array([0, 0, 1, 1])),
     dict(model=choices("lbp")),
     not_fuzzed={"X_train": "passed to the matcher's fit (tests/test_embed.py)",
                 "y_train": "passed to the matcher's fit (tests/test_embed.py)"})
spec("facelab.experiments.replay.world.gallery_layout",
     dict(gallery_size=10, shares={"A": 0.5, "B": 0.5}, seed=0),
     dict(gallery_size=COUNT, shares=mappings(), seed=SEED))
spec("facelab.experiments.composition.training.check_share", dict(share_b=0.1, name="share_b"),
     dict(share_b=RATE), not_fuzzed={"name": "the caller's own constant"})
spec("facelab.experiments.composition.training.train_on_composition",
     dict(share_b=0.1, n_train=20, photos=2, seed=0, groups=None),
     dict(share_b=RATE, n_train=ints(2), photos=ints(2), seed=SEED, groups=mappings()),
     slow_valid=EXPERIMENT)
spec("facelab.experiments.composition.training.held_out",
     dict(n_per_group=10, photos=2, seed=0, groups=None),
     dict(n_per_group=ints(2), photos=ints(2), seed=SEED, groups=mappings()),
     slow_valid=EXPERIMENT)
spec("facelab.experiments.candidates.candidate_lists", dict(model="deep", present=False),
     dict(model=choices("lbp"), present=flags()), slow_valid=EXPERIMENT)
spec("facelab.experiments.occlusion.error_rates",
     dict(scores=np.array([[90.0, 80.0], [30.0, 60.0], [85.0, 40.0]]),
          mated=np.array([True, False, True]), thresholds=[50.0, 50.0]),
     dict(scores=arrays(2, width=2), mated=arrays(1), thresholds=arrays(1, width=2)))
spec("facelab.experiments.occlusion.equal_error_rates",
     dict(scores=np.array([[90.0, 80.0], [30.0, 60.0], [85.0, 40.0]]),
          mated=np.array([True, False, True])),
     dict(scores=arrays(2, width=2), mated=arrays(1)))
spec("facelab.experiments.occlusion.pixel_weights", dict(components=RNG.random((2, 4096))),
     dict(components=arrays(2, width=4096)))
spec("facelab.experiments.occlusion.weight_share",
     dict(weights=RNG.random((64, 64)), region="mask"),
     dict(weights=arrays(2, low=0, width=64), region=choices("nose")))

# --- more views ---------------------------------------------------------------------
spec("facelab.views.tables.cite", dict(keys="a;b"),
     dict(keys=st.sampled_from([3, None, b"x", _Opaque(), "", "a b", [1, 2], {"a": 1}])))
spec("facelab.views.tables.markdown_table", dict(header=["a", "b"], rows=[[1, 2]]),
     dict(header=st.sampled_from([[], "ab", None, 3]),
          rows=st.sampled_from([[[1]], [[1, 2, 3]], 3, None, "ab"])))
spec("facelab.views.explorers.threshold.threshold_explorer",
     dict(genuine=GEN, impostor=IMP, threshold=80.0, bins=10, title="t", x_range=(0.0, 100.0),
          step=0.01, id="fz"),
     dict(genuine=arrays(1, low=0, high=100), impostor=arrays(1, low=0, high=100),
          threshold=THRESHOLD, bins=ints(1), title=texts(),
          x_range=st.sampled_from([(50.0, 40.0), (-1.0, 100.0), (0.0, 101.0), "ab", None,
                                   (NAN, 100.0)]),
          step=reals(0, low_open=True), id=texts("no spaces allowed")))
spec("facelab.views.explorers.review.review_explorer",
     dict(impostor=IMP, threshold=80.0, gallery_sizes=(100, 1000), gallery_size=None,
          list_lengths=(5, 10), list_length=5, reviewer_error=0.1, searches=10, title="t",
          x_range=(0.0, 100.0), step=0.01, id="fz"),
     dict(impostor=arrays(1, low=0, high=100), threshold=THRESHOLD,
          gallery_sizes=st.sampled_from([[], [0], [2.5], "12", None, [True]]),
          gallery_size=COUNT, list_lengths=st.sampled_from([[], [0], [2.5], "12", None]),
          list_length=COUNT, reviewer_error=RATE, searches=ints(0, 10 ** 9), title=texts(),
          x_range=st.sampled_from([(50.0, 40.0), (-1.0, 100.0), "ab", None]),
          step=reals(0, low_open=True), id=texts("no spaces allowed")))
spec("facelab.views.explorers.watchlist.watchlist_explorer",
     dict(max_impostor_scores=MAX_SCORES, gallery_sizes=[2, 3], fmr_genuine_pairs=None,
          threshold=80.0, n_probes=None, gallery_size=None, impostor=None, title="t",
          x_range=(0.0, 100.0), step=0.01, id="fz"),
     dict(max_impostor_scores=st.sampled_from(["x", 3, {}, {2: "abc"}, _Opaque()]),
          gallery_sizes=st.sampled_from([[], [0], [2.5], "12", None, [True], [4]]),
          fmr_genuine_pairs=arrays(1, low=0, high=100), threshold=THRESHOLD,
          n_probes=COUNT, gallery_size=st.sampled_from([5, 0, 2.5, "2", True]),
          impostor=arrays(1, low=0, high=100), title=texts(),
          x_range=st.sampled_from([(50.0, 40.0), (-1.0, 100.0), "ab", (NAN, 100.0)]),
          step=reals(0, low_open=True), id=texts("no spaces allowed")))


# ---------------------------------------------------------------------------------------
# Functions not fuzzed, and why
# ---------------------------------------------------------------------------------------

NO_ARGUMENTS = "takes no arguments"
MODEL = "takes a trained model or an experiment's result object: no cheap valid call"
FIGURE = ("draws a figure from an experiment's result object (tests/test_*.py draw each "
          "once); their scalar options are checked by the same checkers")
WIDGET = "a kernel-backed control (ipywidgets); tests/test_widgets.py drives each"
BOOK = "the book's own machinery, run at build time (tests/test_objectives.py, test_env.py)"
DEEP = "needs dlib's model files and runs the network; tests/test_deep.py feeds it bad input"

SKIP: dict[str, str] = {
    "facelab.book.env.ensure_widget_state_saved":
        "writes a settings file below a folder; tests/test_env.py covers it and a bad prefix",
    "facelab.views.style.small_text":
        "takes a matplotlib Figure; tests/test_figure_text.py covers it and bad arguments",
    "facelab.faces.synth.features.control_groups": NO_ARGUMENTS,
    "facelab.faces.synth.features.default_groups": NO_ARGUMENTS,
    "facelab.faces.synth.features.feature_table": NO_ARGUMENTS,
    "facelab.faces.synth.features.offset_only_groups": NO_ARGUMENTS,
    "facelab.faces.synth.features.spread_only_groups": NO_ARGUMENTS,
    "facelab.matching.deep._base.available": NO_ARGUMENTS,
    "facelab.matching.deep._base.default_cache_dir": NO_ARGUMENTS,
    "facelab.matching.deep._base.model_files": NO_ARGUMENTS,
    "facelab.views.style.apply": NO_ARGUMENTS,
    "facelab.sources.facts.all_facts": NO_ARGUMENTS,
    "facelab.views.explorers._html.palettes": NO_ARGUMENTS,
    "facelab.faces.datasets.load_olivetti": "loads (or downloads) the data set; "
                                            "tests/test_datasets.py checks its arguments",
    "facelab.matching.deep._chips.detect_faces_hog": DEEP,
    "facelab.matching.deep._chips.olivetti_chip": DEEP,
    "facelab.matching.deep._descriptors.chip_descriptors": DEEP,
    "facelab.matching.deep._descriptors.olivetti_descriptors": DEEP,
    "facelab.evaluation.bootstrap.pooled_replicates": "takes PersonErrors objects",
    "facelab.experiments.aclu_groups.aclu_gallery": MODEL,
    "facelab.experiments.aclu_groups.aclu_group_shares": MODEL,
    "facelab.experiments.composition.measure.evaluate_by_group": MODEL,
    "facelab.experiments.composition.measure.per_group_thresholds": MODEL,
    "facelab.experiments.composition.measure.pool": MODEL,
    "facelab.experiments.occlusion.three_ways": MODEL,
    "facelab.experiments.replay.world.probe_set": "trains a synthetic embedding when given "
                                                  "none (seconds); tests/test_replay.py",
    "facelab.experiments.replay.world.train_embedding": "trains a synthetic embedding "
                                                        "(seconds); tests/test_replay.py",
    "facelab.experiments.replay.aclu.aclu_replay": "searches 25,000 synthetic faces; "
                                                   "tests/test_replay.py",
    "facelab.experiments.replay.aclu.amazon_reply": "searches 850,000 synthetic faces; "
                                                    "tests/test_replay.py",
    "facelab.experiments.composition.sweep.composition_sweep": "chapter 4's sweep (minutes); "
                                                               "tests/test_bias.py",
    "facelab.experiments.composition.decompose.decompose": "chapter 4's decomposition "
                                                           "(minutes); tests/test_decomposition.py",
    "facelab.views.explorers.groups.groups_data_from_experiment": "runs chapter 4's sweep; "
                                                                  "tests/test_groups_explorer.py",
    "facelab.views.explorers.groups.groups_explorer_from_experiment":
        "runs chapter 4's sweep; tests/test_groups_explorer.py",
    "facelab.views.explorers.groups.groups_explorer": "takes the sweep's data; "
                                                      "tests/test_groups_explorer.py",
    "facelab.views.explorers.groups.groups_numbers": "takes the sweep's data; "
                                                     "tests/test_groups_explorer.py",
    "facelab.views.figures.decomposition.plot_decomposition": FIGURE,
    "facelab.views.figures.det.det_axes": FIGURE,
    "facelab.views.figures.det.plot_det": FIGURE,
    "facelab.views.figures.faces.draw_boxes": FIGURE,
    "facelab.views.figures.faces.show_faces": FIGURE,
    "facelab.views.figures.groups.plot_compositions": FIGURE,
    "facelab.views.figures.groups.plot_fmr_bars": FIGURE,
    "facelab.views.figures.groups.plot_gender_shades": FIGURE,
    "facelab.views.figures.groups.plot_group_det": FIGURE,
    "facelab.views.figures.groups.plot_group_histograms": FIGURE,
    "facelab.views.figures.groups.plot_impostor_tails": FIGURE,
    "facelab.views.figures.groups.plot_rates_vs_share": FIGURE,
    "facelab.views.figures.groups.plot_ratio_vs_share": FIGURE,
    "facelab.views.figures.leads.plot_candidate_lists": FIGURE,
    "facelab.views.figures.leads.plot_top_scores": FIGURE,
    "facelab.views.figures.scores.plot_error_rates": FIGURE,
    "facelab.views.figures.scores.score_histograms": FIGURE,
    "facelab.views.figures.search.plot_p_any": FIGURE,
    "facelab.views.figures.search.plot_pairs": FIGURE,
    "facelab.views.figures.search.plot_replay": FIGURE,
    "facelab.views.figures.timeline.timeline": FIGURE,
    "facelab.views.tables.arrest_cards": "renders rows of arrests.csv (tests/test_claims.py)",
    "facelab.views.tables.claims_table": "renders rows of market.csv (tests/test_facts.py)",
    "facelab.views.tables.error_table": "renders a BootstrapResult (tests/test_occlusion.py)",
    "facelab.views.tables.fines_table": "renders rows of fines() (tests/test_law.py)",
    "facelab.views.tables.rules_table": "renders rows of read_rules() (tests/test_law.py)",
    "facelab.views.widgets.composition_explorer": WIDGET,
    "facelab.views.widgets.figure_html": "takes a matplotlib figure; tests/test_widgets.py",
    "facelab.views.widgets.matcher": WIDGET,
    "facelab.views.widgets.searcher": WIDGET,
    "facelab.views.widgets.render_pair": WIDGET,
    "facelab.views.widgets.render_search": WIDGET,
    "facelab.book.env.check_environment": BOOK,
    "facelab.book.glue.glue_facts": BOOK,
    "facelab.book.kernel.install_kernel": BOOK,
    "facelab.book.kernel.main": BOOK,
    "facelab.book.syllabus.chapter_exercises": BOOK,
    "facelab.book.syllabus.chapter_objectives": BOOK,
    "facelab.book.syllabus.exercise_questions": BOOK,
    "facelab.book.syllabus.map_table": BOOK,
    "facelab.book.syllabus.objective_map": BOOK,
}

# The test
# ---------------------------------------------------------------------------------------

def _none_allowed(param: inspect.Parameter) -> bool:
    """None is allowed where it is the default or the annotation says ``| None``."""
    return param.default is None or "None" in str(param.annotation)


def _innermost_file(exc: BaseException) -> str:
    return traceback.extract_tb(exc.__traceback__)[-1].filename


FUZZ = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_bad_arguments_are_refused_by_name(name):
    fn = public_functions()[name]
    s = SPECS[name]
    params = inspect.signature(fn).parameters
    unknown = (set(s.bad) | set(s.not_fuzzed) | set(s.valid)) - set(params)
    assert not unknown, f"{name}: the spec names no such argument: {sorted(unknown)}"
    untouched = set(params) - set(s.bad) - set(s.not_fuzzed)
    assert not untouched, (f"{name}: every argument is fuzzed or has a reason not to be; "
                           f"missing: {sorted(untouched)}")
    assert s.bad, f"{name}: nothing to fuzz"

    # Arguments before a *args parameter must be passed by position.
    names = list(params)
    star = next((i for i, p in enumerate(params.values()) if p.kind is p.VAR_POSITIONAL), None)
    leading = names[:star] if star is not None else []

    def call(kwargs):
        kwargs = dict(kwargs)
        first = [kwargs.pop(n) for n in leading]
        out = fn(*first, *s.args, **kwargs)
        if s.consume:
            for _ in out:
                break
        return out

    if s.slow_valid is None:
        call(s.valid)  # the valid call works: the bad values below are what fails

    # None is a value like any other, except where it is the default (it then means "the
    # usual", e.g. seed=None or progress=None): derived from the signature.
    bad_values = {arg: (strategy.filter(lambda v: v is not None)
                        if _none_allowed(params[arg]) else strategy)
                  for arg, strategy in s.bad.items()}

    def fuzz(arg, data):
        bad = data.draw(bad_values[arg], label=arg)
        kwargs = {**s.valid, arg: bad}
        with pytest.raises((ValueError, TypeError)) as info:
            call(kwargs)
        exc = info.value
        where = _innermost_file(exc)
        assert Path(where).resolve().is_relative_to(PKG), (
            f"{name}({arg}={bad!r}) raised {type(exc).__name__} from {where}, not from "
            f"facelab's own checks: {exc}")
        assert arg in str(exc), (f"{name}({arg}={bad!r}): the message does not name the "
                                 f"argument: {exc}")

    def examples_for(arg):
        @FUZZ
        @given(data=st.data())
        def run(data):
            fuzz(arg, data)
        return run

    for arg in sorted(bad_values):  # every argument gets its own examples
        examples_for(arg)()


def test_every_public_function_is_fuzzed_or_skipped_with_a_reason(capsys):
    public = public_functions()
    neither = sorted(set(public) - set(SPECS) - set(SKIP))
    stale = sorted((set(SPECS) | set(SKIP)) - set(public))
    both = sorted(set(SPECS) & set(SKIP))
    with capsys.disabled():
        print(f"\nfuzz coverage: {len(SPECS)} of {len(public)} public functions fuzzed "
              f"({len(SPECS) / len(public):.0%}); {len(SKIP)} skipped with a reason")
    assert not neither, "public functions neither fuzzed nor skipped:\n" + "\n".join(neither)
    assert not stale, "SPECS or SKIP name functions that are not public:\n" + "\n".join(stale)
    assert not both, "both fuzzed and skipped:\n" + "\n".join(both)
