"""Views, the top layer: the book's palette, formats, figures, tables and controls.

``style``
    The palette (Okabe-Ito), the second encodings, matplotlib defaults.
``format``
    How numbers are written: percentages, intervals.
``tables``
    Markdown tables for the book's pages.
``figures``
    Every figure, each a function that takes and returns a matplotlib ``Axes``.
``widgets``
    Kernel-backed controls (ipywidgets) that never look alive when they are not.
``explorers``
    Controls that run in the browser with no kernel.

Views call the layers below and draw; nothing below imports a view.
"""



