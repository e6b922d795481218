"""Progress lines for long computations, printed in the running cell's own output."""

from __future__ import annotations

import numbers
import sys
import time

__all__ = ["print_progress"]


class print_progress:
    """A ``progress(done, total)`` callback that prints a short log line now and then.

    One line each time another ``every`` of the work is done, so a static
    page shows a tidy log of a few lines rather than hundreds of updates::

        Searching 850,000 faces: 25% (212,500 of 850,000) after 52 s
        Searching 850,000 faces: 50% (425,000 of 850,000) after 1 min 44 s
        ...

    Parameters
    ----------
    label : str
        What is being done.
    every : float in (0, 1], default 0.25
        Print after each such share of the work (1: only when it is done).
    file : file-like, optional
        Where to print; default ``sys.stdout``.
    """

    def __init__(self, label: str, every: float = 0.25, file=None):
        if isinstance(every, bool) or not isinstance(every, numbers.Real) or not 0 < every <= 1:
            raise ValueError(f"every: must be a share in (0, 1], got {every!r}.")
        self.label = str(label)
        self.every = float(every)
        self.file = file
        self._next = self.every
        self._t0 = time.perf_counter()  # the work starts when the callback is made

    def __call__(self, done: int, total: int) -> None:
        frac = done / total if total else 1.0
        if frac + 1e-9 < self._next and done < total:
            return
        while self._next <= frac + 1e-9:
            self._next += self.every
        s = time.perf_counter() - self._t0
        took = f"{s:.0f} s" if s < 60 else f"{int(s // 60)} min {s % 60:.0f} s"
        print(f"{self.label}: {frac:.0%} ({done:,} of {total:,}) after {took}",
              flush=True, file=self.file or sys.stdout)
