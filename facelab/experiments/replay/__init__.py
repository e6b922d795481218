"""Replaying the ACLU's 2018 test of Amazon Rekognition on synthetic people.

In July 2018 the ACLU searched a photo of every member of the US Congress
against a database of 25,000 arrest photos with Amazon Rekognition at its
default threshold, and 28 members were falsely matched. Amazon answered that
police should use a stricter threshold, and that a re-run against 850,000
faces at 99 gave no false match. Neither the photos nor Rekognition can be
re-run here. This module runs the *same experiment* on people who do not
exist (:mod:`facelab.synth`), with the book's own matcher and score scale:

:func:`train_embedding`
    Fisherfaces trained on a synthetic *training* population: people who
    are neither probes nor in any gallery.
:func:`probe_set`
    The "legislators": ``n_probes`` synthetic people, two photos each. The
    first is searched; the second is what a gallery would hold if the
    person were in it (the *mated* case).
:func:`aclu_replay`
    Every probe searched against a gallery of other people (25,000 by
    default); every score is kept, so any threshold can be read off later.
:func:`amazon_reply`
    The same probes against a much larger gallery (850,000 by default),
    generated, embedded and searched chunk by chunk.

Who is who
----------
A synthetic person is fixed by the seed, their group and an index within the
group (see :mod:`facelab.synth`). The populations here use disjoint ranges of
indices, so nobody is in two of them, and anyone can be photographed again
from ``(seed, group, index)``:

==============  =====================  ==========================
population      first index per group  used by
==============  =====================  ==========================
training        :data:`TRAIN_START`    :func:`train_embedding`
probes          :data:`PROBE_START`    :func:`probe_set`
ACLU gallery    :data:`GALLERY_START`  :func:`aclu_replay`
larger gallery  :data:`RERUN_START`    :func:`amazon_reply`
==============  =====================  ==========================

(Two different seeds give independent people in every range, so an embedding
trained with one seed may be used on probes drawn with another.)

What the replay assumes
-----------------------
* Every probe is compared with every gallery entry; a probe is *falsely
  matched* if at least one entry scores at or above the threshold (the book's
  rule, ``score >= threshold``). No probe is in the gallery.
* Scores are on the book's scale, ``50 * (1 + cosine)`` of a linear
  embedding of 64 x 64 grey synthetic faces. Rekognition's "similarity" is a
  different, undocumented number: a threshold here is not a threshold there.
* The groups, their sizes and the gallery's composition are parameters, not
  facts about Congress or about any arrest-photo database.
"""

from __future__ import annotations

from ...progress import print_progress
from .aclu import AcluReplay, AmazonReply, aclu_replay, amazon_reply
from .world import (
    DEFAULT_TRAINING,
    GALLERY_START,
    PROBE_START,
    RERUN_START,
    TRAIN_START,
    ProbeSet,
    SyntheticEmbedding,
    gallery_layout,
    probe_set,
    train_embedding,
)

__all__ = [
    "TRAIN_START",
    "PROBE_START",
    "GALLERY_START",
    "RERUN_START",
    "DEFAULT_TRAINING",
    "SyntheticEmbedding",
    "train_embedding",
    "ProbeSet",
    "probe_set",
    "gallery_layout",
    "AcluReplay",
    "aclu_replay",
    "AmazonReply",
    "amazon_reply",
    "print_progress",
]



