"""Old import paths kept for one term (private module).

Before version 0.2 the package was flat (``facelab.bias``, ``facelab.replay``,
...). Those modules are now thin forwarders: ``from facelab import bias`` still
works, and each name it is asked for comes from its new home with a
``DeprecationWarning`` that says where that is, so a student's notebook
downloaded last term keeps running while it learns the new path.
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["forward"]


def forward(old: str, new: tuple[str, ...], renamed: dict[str, str] | None = None):
    """Module ``__getattr__`` and ``__dir__`` forwarding ``old``'s names to ``new``.

    Parameters
    ----------
    old : str
        The old module's name, e.g. ``"facelab.bias"``.
    new : tuple of str
        The modules that now hold its names, searched in order.
    renamed : dict of str -> str, optional
        Old names that changed, mapped to ``"module:new_name"``.

    Returns
    -------
    (__getattr__, __dir__)
        To assign in the old module.
    """
    def _modules():
        return [importlib.import_module(m) for m in new]

    renamed = dict(renamed or {})

    def _warn(name: str, where: str) -> None:
        warnings.warn(f"{old}.{name} has moved to {where}; the old path ({old}) will be "
                      "removed in a later release.", DeprecationWarning, stacklevel=3)

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in renamed:
            module, new_name = renamed[name].split(":")
            _warn(name, f"{module}.{new_name}")
            return getattr(importlib.import_module(module), new_name)
        for module in _modules():
            if hasattr(module, name):
                _warn(name, f"{module.__name__}.{name}")
                return getattr(module, name)
        raise AttributeError(f"module {old!r} has no attribute {name!r} (it was split up: "
                             f"see {', '.join(new)})")

    def __dir__():
        names = set(renamed)
        for module in _modules():
            names.update(getattr(module, "__all__", [n for n in dir(module)
                                                     if not n.startswith("_")]))
        return sorted(names)

    return __getattr__, __dir__
