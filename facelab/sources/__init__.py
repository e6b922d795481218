"""Sources, beside the experiments: the cited facts, rules and published tables.

``facts``
    Dated, cited fact cards: every number about the world the book quotes.
``law``
    The rules about facial recognition, and the fines paid under them.
``published``
    Published results recomputed from their tables (Gender Shades).
"""



