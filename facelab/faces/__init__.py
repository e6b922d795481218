"""Faces and data, the package's lowest layer: what every matcher is given.

``datasets``
    The Olivetti faces (checksummed) and the book's cited data files.
``detect``
    Finding a face in a photo (scikit-image's LBP cascade).
``regions``
    The regions a mask or sunglasses hide, and hiding them (chapter 5).
``synth``
    Synthetic faces of people who do not exist, in documented groups.

Nothing here knows about matching or error rates.
"""

from .datasets import (
    OLIVETTI_SHA256,
    ChecksumError,
    DataUnavailableError,
    Faces,
    load_olivetti,
    read_csv,
)
from .detect import Box, crop_face, detect_faces
from .regions import FILLS, REGIONS, Region, coverage, occlude, outline, region_mask

__all__ = ["OLIVETTI_SHA256", "DataUnavailableError", "ChecksumError", "Faces", "load_olivetti",
           "read_csv", "Box", "detect_faces", "crop_face", "Region", "REGIONS", "FILLS",
           "region_mask", "coverage", "outline", "occlude"]



