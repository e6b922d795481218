"""Evaluation, the third layer: how often a matcher is wrong, for whom, and how sure we are.

``pairs``
    Scores of every mated and non-mated pair of a set of faces.
``rates``
    FMR, FNMR, the error curve, DET, EER, thresholds for a target FMR.
``groups``
    Any metric overall and by group (after Fairlearn's ``MetricFrame``).
``bootstrap``
    Confidence intervals by resampling *people*, not comparisons.
``gallery``
    What a tiny false match rate becomes at gallery scale (watchlist arithmetic).
``leads``
    Candidate lists for people not in the gallery, and a fallible human reviewer.

The vocabulary is that of ISO/IEC 19795-1; a comparison **matches if and only
if score >= threshold** everywhere.
"""

from .bootstrap import (
    BootstrapResult,
    BootstrapWarning,
    PersonErrors,
    bootstrap_by_identity,
    draw_counts,
    pair_layout,
    percentile_interval,
    person_errors,
    pooled_replicates,
)
from .gallery import WatchlistOutcome, implied_fmr, p_any_false_match, watchlist
from .groups import GroupMetric, by_group
from .leads import ReviewOutcome, binomial_tail, expected_listed, review
from .pairs import Pairs, mixed_pair_scores, pair_scores
from .rates import (
    ErrorCurve,
    SortedScores,
    det_curve,
    eer,
    error_curve,
    fmr,
    fnmr,
    probit,
    threshold_for_fmr,
)

__all__ = ["Pairs", "pair_scores", "mixed_pair_scores", "fmr", "fnmr", "ErrorCurve",
           "error_curve", "det_curve", "eer", "threshold_for_fmr", "probit", "SortedScores",
           "GroupMetric", "by_group", "BootstrapResult", "BootstrapWarning",
           "bootstrap_by_identity", "percentile_interval", "draw_counts", "pair_layout",
           "PersonErrors", "person_errors", "pooled_replicates",
           "p_any_false_match", "implied_fmr", "WatchlistOutcome", "watchlist",
           "binomial_tail", "expected_listed", "ReviewOutcome", "review"]



