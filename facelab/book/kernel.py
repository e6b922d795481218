"""Register this Python environment as a Jupyter kernel for the student's own Jupyter.

A student who installs the book's packages into a virtual environment (see the README,
"For students") but opens the notebooks in a Jupyter installed elsewhere (Anaconda, a
system JupyterLab) needs that Jupyter to know about the environment. One command does it::

    python -m facelab.book.kernel

It writes a kernelspec named ``face-value`` ("Python 3 (Face Value)") into the user's
Jupyter data folder, pointing at the Python that ran the command. ``--sys-prefix`` or
``--prefix DIR`` write it into an environment instead (as the tests and the student smoke
test do), ``--name`` and ``--display-name`` change what it is called, and ``--list``
prints the kernels Jupyter can now see.

The name is deliberately not ``python3``: a user-level ``python3`` kernelspec would
replace the student's default kernel for every notebook they open, not only the book's.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from .._validation import check_bool

KERNEL_NAME = "face-value"
DISPLAY_NAME = "Python 3 (Face Value)"

_NAME_RE = re.compile(r"^[a-z0-9._-]+$", re.IGNORECASE)


def install_kernel(*, name: str = KERNEL_NAME, display_name: str = DISPLAY_NAME,
                   user: bool = True, prefix: str | os.PathLike | None = None) -> str:
    """Register the running Python as a Jupyter kernel and return the kernelspec's folder.

    Parameters
    ----------
    name : str
        The kernelspec name notebooks refer to (letters, digits, ``.``, ``_``, ``-``).
    display_name : str
        What Jupyter's kernel menu shows.
    user : bool
        Install into the user's Jupyter data folder (ignored when ``prefix`` is given).
    prefix : str, path-like or None
        Install under ``PREFIX/share/jupyter/kernels`` instead, e.g. ``sys.prefix``.

    Raises
    ------
    ValueError
        If ``name`` or ``display_name`` is not usable.
    TypeError
        If ``user`` is not True or False.
    RuntimeError
        If ipykernel is not installed in this environment.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"name must be a kernel name made of letters, digits, '.', '_' or '-'; "
                         f"got {name!r}")
    if not isinstance(display_name, str) or not display_name.strip():
        raise ValueError(f"display_name must be a non-empty string; got {display_name!r}")
    user = check_bool(user, "user")
    if prefix is not None:
        if not isinstance(prefix, (str, os.PathLike)) or not os.fspath(prefix):
            raise ValueError(f"prefix must be a folder path or None; got {prefix!r}")
        prefix = os.fspath(prefix)
    try:
        from ipykernel.kernelspec import install
    except ImportError as exc:  # pragma: no cover - ipykernel is a student requirement
        raise RuntimeError(
            "ipykernel is not installed in this Python; run "
            "`python -m pip install -r requirements-student.txt` first") from exc
    if prefix is not None:
        return install(kernel_name=name, display_name=display_name, prefix=prefix)
    return install(user=user, kernel_name=name, display_name=display_name)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m facelab.book.kernel [--sys-prefix | --prefix DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m facelab.book.kernel",
        description="Register this Python as the 'Python 3 (Face Value)' Jupyter kernel.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true",
                       help="install for the current user (the default)")
    where.add_argument("--sys-prefix", action="store_true",
                       help=f"install into this environment ({sys.prefix})")
    where.add_argument("--prefix", metavar="DIR", help="install under DIR/share/jupyter/kernels")
    parser.add_argument("--name", default=KERNEL_NAME, help=f"kernel name (default {KERNEL_NAME})")
    parser.add_argument("--display-name", default=DISPLAY_NAME,
                        help=f"name shown in Jupyter (default {DISPLAY_NAME!r})")
    parser.add_argument("--list", action="store_true",
                        help="afterwards, print the kernels Jupyter can see")
    args = parser.parse_args(argv)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    try:
        path = install_kernel(name=args.name, display_name=args.display_name, prefix=prefix)
    except (ValueError, RuntimeError) as exc:
        parser.exit(2, f"error: {exc}\n")
    print(f"Installed the Jupyter kernel {args.display_name!r} (name {args.name!r}) in {path}")
    print(f"It runs {sys.executable}. "
          f"In Jupyter choose Kernel > Change Kernel > {args.display_name}.")
    if args.list:
        from jupyter_client.kernelspec import KernelSpecManager
        for kname, kdir in sorted(KernelSpecManager().find_kernel_specs().items()):
            print(f"  {kname:20s} {kdir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
