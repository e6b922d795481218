"""facelab: the code behind *Face Value*, an open textbook on facial recognition.

Modules are organised by concept:

``datasets``
    Loading the Olivetti faces (checksummed) and the book's cited data files.
"""

__version__ = "0.1.0"
