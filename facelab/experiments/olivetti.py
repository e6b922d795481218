"""Chapter 2's set-up: real faces, 25 people to train, 15 others to test.

The Olivetti faces (40 people, 10 photos each) are split by person
(:func:`facelab.matching.embed.split_people`): 25 people train an embedding
and the other 15 are held out, so that every evaluation is *open set*, as
when a deployed system meets people it never saw in training. The deep
matcher (:class:`facelab.matching.DlibResNet`) learns nothing from the 25:
it was trained once, elsewhere, on other people.

Chapters 2 and 3 and the tests call these functions, so each number the
book prints about these matchers comes from one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import check_choice, check_int, check_scores, check_seed
from ..evaluation.bootstrap import BootstrapResult, bootstrap_by_identity
from ..evaluation.pairs import pair_scores
from ..evaluation.rates import eer, fnmr, threshold_for_fmr
from ..faces.datasets import load_olivetti
from ..matching import embed

__all__ = ["MODELS", "olivetti_model", "olivetti_scores", "olivetti_eer", "HardPair",
           "hard_pairs", "DlibRule", "dlib_rule_in_book_scores", "every_pair_scores",
           "StrictestMeasurable", "strictest_measurable"]

#: The matchers of chapter 2, by key, with the names the book gives them.
MODELS = {"raw": "raw pixels", "eigen": "eigenfaces (50)", "fisher": "Fisherfaces (50 → 24)",
          "deep": "deep network (dlib ResNet)"}
_OLIVETTI_MODELS = tuple(MODELS)


def olivetti_model(model: str, X_train, y_train):
    """One of chapter 2's matchers, fitted on the training people.

    Parameters
    ----------
    model : {"raw", "eigen", "fisher", "deep"}
        Raw pixels, eigenfaces (50), Fisherfaces (PCA 50, then LDA), or dlib's
        pretrained ResNet (its ``fit`` learns nothing; see
        :class:`facelab.matching.DlibResNet`).
    X_train, y_train : arrays
        Training photos (n, 4096) and their people.
    """
    check_choice(model, "model", _OLIVETTI_MODELS)
    if model == "deep":
        from ..matching.deep import DlibResNet

        return DlibResNet(progress=None).fit(X_train)
    return {"raw": lambda: embed.RawPixels().fit(X_train),
            "eigen": lambda: embed.Eigenfaces(n_components=50).fit(X_train),
            "fisher": lambda: embed.Fisherfaces(n_pca=50).fit(X_train, y_train)}[model]()


@lru_cache(maxsize=8)
def _held_out_pairs(model: str, seed: int):
    faces = load_olivetti()
    train, test = embed.split_people(faces.target, n_train_people=25, seed=seed)
    m = olivetti_model(model, faces.data[train], faces.target[train])
    return pair_scores(m.transform(faces.data[test]), faces.target[test], return_pairs=True)


@lru_cache(maxsize=8)
def _olivetti_scores(model: str, seed: int):
    pairs = _held_out_pairs(model, seed)
    genuine, impostor = pairs.genuine, pairs.impostor
    genuine.setflags(write=False)
    impostor.setflags(write=False)
    return genuine, impostor


def olivetti_scores(model: str = "fisher", seed: int = 0):
    """Genuine and impostor scores of chapter 2's matchers on held-out Olivetti people.

    Chapter 2's set-up: 25 people train the embedding, the other 15 are
    scored (every pair of their photos).

    Parameters
    ----------
    model : {"raw", "eigen", "fisher", "deep"}, default "fisher"
        See :func:`olivetti_model`.
    seed : int, default 0
        Seed of the split of people (:func:`facelab.embed.split_people`).

    Returns
    -------
    genuine : ndarray of shape (675,)
    impostor : ndarray of shape (10500,)
        Book scores (read-only; computed once per model and seed).
    """
    check_choice(model, "model", _OLIVETTI_MODELS)
    return _olivetti_scores(model, check_seed(seed))


def _eer_of(score, mated):
    return eer(score[mated], score[~mated])[0]


def olivetti_eer(model: str = "fisher", seed: int = 0, n_boot: int = 1000,
                 boot_seed: int = 0) -> BootstrapResult:
    """EER of a chapter 2 matcher on the 15 held-out people, with an interval over people.

    The interval resamples the 15 *people* (with every pair of their photos),
    not the pairs: :func:`facelab.evaluation.bootstrap_by_identity`.

    Parameters
    ----------
    model : {"raw", "eigen", "fisher", "deep"}
    seed : int
        Seed of the split of people.
    n_boot : int >= 1, default 1000
    boot_seed : int, default 0

    Returns
    -------
    BootstrapResult
        ``estimate`` is the EER (a rate in [0, 1]); ``low``, ``high`` the 95%
        percentile interval.
    """
    check_choice(model, "model", _OLIVETTI_MODELS)
    seed, n_boot = check_seed(seed), check_int(n_boot, "n_boot", 1)
    boot_seed = check_seed(boot_seed, "boot_seed")
    pairs = _held_out_pairs(model, seed)
    return bootstrap_by_identity(_eer_of, pairs.score, pairs.mated, identities=pairs.identities,
                                 n_boot=n_boot, seed=boot_seed)


@dataclass(frozen=True)
class HardPair:
    """One pair of held-out photos, scored by two matchers.

    Attributes
    ----------
    what : str
        Why it was picked, e.g. "Fisherfaces' best-scoring impostor pair".
    i, j : int
        Rows of the two photos among the held-out photos (``faces.data[test]``).
    mated : bool
        True if both photos are of one person.
    scores : dict of str -> float
        The book score each matcher gives the pair, by model key.
    """

    what: str
    i: int
    j: int
    mated: bool
    scores: dict


def hard_pairs(models=("fisher", "deep"), seed: int = 0) -> list[HardPair]:
    """The hardest held-out pairs of each of two matchers, scored by both.

    For each model: its highest-scoring impostor pair (the likeliest false
    match) and its lowest-scoring genuine pair (the likeliest false non-match).

    Parameters
    ----------
    models : pair of model keys, default ("fisher", "deep")
    seed : int
        Seed of the split of people.

    Returns
    -------
    list of HardPair
        Four pairs, in the order: first model's impostor, first model's
        genuine, second model's impostor, second model's genuine.
    """
    if isinstance(models, (str, bytes)) or not isinstance(models, (list, tuple)):
        raise TypeError(f"models: give two model keys as a tuple, e.g. ('fisher', 'deep'), "
                        f"got {type(models).__name__} {models!r}.")
    models = tuple(models)
    if len(models) != 2:
        raise ValueError(f"models: give two model keys, got {models!r}.")
    for m in models:
        check_choice(m, "models", _OLIVETTI_MODELS)
    seed = check_seed(seed)
    pairs = {m: _held_out_pairs(m, seed) for m in models}
    out = []
    for m in models:
        p = pairs[m]
        for mated, pick in ((False, np.argmax), (True, np.argmin)):
            rows = np.flatnonzero(p.mated == mated)
            k = int(rows[pick(p.score[rows])])
            what = (f"{MODELS[m].split(' (')[0]}: "
                    + ("best-scoring impostor pair" if not mated else "worst-scoring genuine pair"))
            out.append(HardPair(what=what, i=int(p.i[k]), j=int(p.j[k]), mated=mated,
                                scores={n: float(pairs[n].score[k]) for n in models}))
    return out


@dataclass(frozen=True)
class DlibRule:
    """dlib's documented rule (raw distance < 0.6) against book-score thresholds.

    Attributes
    ----------
    threshold : float
        The book score ``t`` whose rule ``score >= t`` agrees with dlib's rule
        on the most pairs (the midpoint of the best range, to one decimal).
    n_pairs : int
        Pairs compared (every pair of the faces given).
    n_disagree : int
        Pairs on which the two rules disagree at ``threshold``.
    unit_distance_score : float
        The book score of distance 0.6 between *unit* vectors (91), which is
        not dlib's rule: dlib's 0.6 is a distance between raw descriptors.
    raw_length : float
        Median length of the raw descriptors.
    fmr, fnmr : float
        dlib's rule's error rates on these pairs.
    """

    threshold: float
    n_pairs: int
    n_disagree: int
    unit_distance_score: float
    raw_length: float
    fmr: float
    fnmr: float


@lru_cache(maxsize=2)
def _dlib_rule(which: str) -> DlibRule:
    from ..matching import deep

    faces = load_olivetti()
    if which == "all":
        images, target = faces.images, faces.target
    else:
        _, test = embed.split_people(faces.target, n_train_people=25, seed=0)
        images, target = faces.images[test], faces.target[test]
    raw = deep.olivetti_descriptors(images, raw=True, progress=None)
    unit = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    i, j = np.triu_indices(len(raw), k=1)
    dist = np.linalg.norm(raw[i] - raw[j], axis=1)
    dlib_same = dist < deep.DLIB_THRESHOLD
    score = 50 * (1 + np.clip(np.sum(unit[i] * unit[j], axis=1), -1, 1))
    mated = target[i] == target[j]
    # Agreement of "score >= t" with dlib's rule, for t between consecutive scores.
    order = np.argsort(score)
    s, d = score[order], dlib_same[order]
    # t just above s[k-1]: pairs 0..k-1 are "different", k.. "same".
    wrong_below = np.concatenate([[0], np.cumsum(d)])           # dlib "same" called different
    wrong_above = np.concatenate([np.cumsum((~d)[::-1])[::-1], [0]])  # dlib "different" called same
    errors = wrong_below + wrong_above
    k = int(np.argmin(errors))
    lo = s[k - 1] if k > 0 else 0.0
    hi = s[k] if k < len(s) else 100.0
    return DlibRule(threshold=round(float((lo + hi) / 2), 1), n_pairs=int(len(score)),
                    n_disagree=int(errors[k]),
                    unit_distance_score=float(deep.distance_to_score(deep.DLIB_THRESHOLD)),
                    raw_length=float(np.median(np.linalg.norm(raw, axis=1))),
                    fmr=float(np.mean(dlib_same[~mated])), fnmr=float(np.mean(~dlib_same[mated])))


def dlib_rule_in_book_scores(faces: str = "all") -> DlibRule:
    """How dlib's documented rule (raw distance < 0.6) maps onto the book's score.

    Parameters
    ----------
    faces : {"all", "held-out"}, default "all"
        Every pair of the 400 Olivetti faces (79,800 pairs), or of the 150
        photos of chapter 2's 15 held-out people.

    Returns
    -------
    DlibRule
    """
    return _dlib_rule(check_choice(faces, "faces", ("all", "held-out")))


# --------------------------------------------------------------------------
# Every pair of the 400 faces, for a matcher that learned nothing from them
# --------------------------------------------------------------------------

_PRETRAINED = ("raw", "deep")


@lru_cache(maxsize=2)
def _every_pair_scores(model: str):
    faces = load_olivetti()
    m = olivetti_model(model, faces.data, faces.target)
    genuine, impostor = pair_scores(m.transform(faces.data), faces.target)
    genuine.setflags(write=False)
    impostor.setflags(write=False)
    return genuine, impostor


def every_pair_scores(model: str = "deep"):
    """Genuine and impostor scores over every pair of the 400 Olivetti faces.

    Only for matchers that learn nothing from Olivetti (raw pixels and the
    pretrained deep network), for which no person needs to be held out: all
    40 people are unseen, so every pair is a fair test and the impostor
    pairs are as many as Olivetti has.

    Parameters
    ----------
    model : {"raw", "deep"}, default "deep"

    Returns
    -------
    genuine : ndarray of shape (1800,)
    impostor : ndarray of shape (78000,)
        Book scores (read-only; computed once per model).
    """
    return _every_pair_scores(check_choice(model, "model", _PRETRAINED))


@dataclass(frozen=True)
class StrictestMeasurable:
    """What a set of impostor pairs can and cannot certify about a threshold.

    Attributes
    ----------
    threshold : float
        The lowest book score with no false match among the impostor pairs.
    n_impostor : int
        Impostor pairs compared.
    fmr_upper : float
        95% upper confidence bound on the FMR at ``threshold`` given zero
        false matches in ``n_impostor`` independent pairs: ``1 - 0.05 **
        (1 / n)``, about ``3 / n`` (the "rule of three"). No smaller FMR
        can be shown with these pairs.
    fnmr : float
        FNMR of the genuine pairs at ``threshold``.
    """

    threshold: float
    n_impostor: int
    fmr_upper: float
    fnmr: float


def strictest_measurable(genuine, impostor) -> StrictestMeasurable:
    """The strictest operating point a finite test can measure, and its price.

    Parameters
    ----------
    genuine, impostor : array-like of book scores in [0, 100]
        As from :func:`every_pair_scores` or :func:`olivetti_scores`; at
        least one of each.

    Returns
    -------
    StrictestMeasurable
    """
    g = check_scores(genuine, "genuine")
    i = check_scores(impostor, "impostor")
    t = threshold_for_fmr(i, 0)
    return StrictestMeasurable(threshold=float(t), n_impostor=int(i.size),
                               fmr_upper=float(1 - 0.05 ** (1 / i.size)),
                               fnmr=float(fnmr(g, t)))
