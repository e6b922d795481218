"""Matching, the second layer: faces become vectors, vectors are compared.

``embed``
    The classical embeddings: raw pixels, eigenfaces (1991), Fisherfaces (1997),
    and the open-set split of people into trainers and testers.
``deep``
    A modern deep network: dlib's ResNet face descriptor.
``compare``
    The book's 0-100 score scale and 1:1 verification.
``identification``
    1:N search against a gallery of any size, streamed in chunks.
"""

from .compare import (
    Verification,
    cosine_similarity,
    from_score,
    similarity_scores,
    to_score,
    verify,
)
from .deep import DlibResNet
from .embed import Eigenfaces, Fisherfaces, RawPixels, split_people
from .identification import (
    DEFAULT_CHUNK_SIZE,
    SearchResult,
    max_scores_streamed,
    search,
)

__all__ = ["split_people", "RawPixels", "Eigenfaces", "Fisherfaces", "DlibResNet",
           "cosine_similarity", "to_score", "from_score", "similarity_scores", "Verification",
           "verify", "DEFAULT_CHUNK_SIZE", "SearchResult", "search", "max_scores_streamed"]



