"""Experiments, the fourth layer: the book's set-ups, each run by the package.

``olivetti``
    Chapter 2's set-up: the Olivetti faces split into 25 people who train and
    15 who are tested, and the matchers trained on them.
``replay``
    The ACLU's 2018 test of Rekognition and Amazon's reply, on synthetic people.
``composition``
    How bias emerges: matchers trained on different mixes of two groups.
``aclu_groups``
    Who is falsely matched in the ACLU replay, for matchers of each mix.
``occlusion``
    Chapter 5's masks and sunglasses: what a hidden region costs.

Each imports from the layers below (faces, matching, evaluation) and never
draws: figures and widgets are in :mod:`facelab.views`.
"""



