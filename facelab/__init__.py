"""facelab: the code behind *Face Value*, an open textbook on facial recognition.

Modules are organised by concept:

``datasets``
    Loading the Olivetti faces (checksummed) and the book's cited data files.
``facts``
    Dated, cited fact cards: every number about the world the book quotes.
``detect``
    Finding a face in a photo.
``embed``
    Turning a face into a vector: raw pixels, eigenfaces, Fisherfaces.
``match``
    Comparing embeddings on the book's 0-100 score scale; 1:1 and 1:N.
``metrics``
    Error rates (FMR, FNMR, EER, DET), by group, with bootstrap intervals.
``watchlist``
    The arithmetic of searching a crowd against a list.
``synth``
    Synthetic faces of people who do not exist, in documented groups.
``plotting``, ``widgets``, ``explorers``
    Figures, kernel-backed controls, and controls that run in the browser.
"""

__version__ = "0.1.0"
