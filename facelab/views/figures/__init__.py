"""Every figure of the book: functions that take (or make) a matplotlib ``Axes`` and return it.

``faces``: grids of faces and detector boxes; ``scores``: score histograms and
error rates against the threshold; ``det``: the DET plot; ``search``: 1:N
search figures and the ACLU replay; ``leads``: chapter 9's candidate lists;
``groups``: chapter 4's figures by group; ``decomposition``: where chapter 4's
gap comes from; ``timeline``: dated events.
"""

from .decomposition import plot_decomposition
from .det import det_axes, plot_det
from .faces import draw_boxes, show_faces
from .groups import (
    plot_compositions,
    plot_fmr_bars,
    plot_gender_shades,
    plot_group_det,
    plot_group_histograms,
    plot_impostor_tails,
    plot_rates_vs_share,
    plot_ratio_vs_share,
)
from .leads import plot_candidate_lists, plot_top_scores
from .scores import plot_error_rates, score_histograms
from .search import plot_p_any, plot_pairs, plot_replay
from .timeline import timeline

__all__ = ["show_faces", "draw_boxes", "score_histograms", "plot_error_rates", "det_axes",
           "plot_det", "plot_p_any", "plot_replay", "plot_pairs", "plot_rates_vs_share",
           "plot_ratio_vs_share", "plot_group_histograms", "plot_group_det",
           "plot_impostor_tails", "plot_compositions", "plot_gender_shades", "plot_fmr_bars",
           "timeline", "plot_candidate_lists", "plot_top_scores", "plot_decomposition"]



