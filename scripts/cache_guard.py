"""Clear the notebook execution cache when the book's package or data change.

Jupyter Book re-executes a chapter only when the chapter's own code changes.
A chapter's output also depends on the ``facelab`` package and its data files
(a corrected fact, a fixed function), which the cache cannot see. This script
hashes them and clears the cache when the hash differs from the last build's.
It also removes Sphinx's saved environments (every ``.doctrees`` folder under
the build folder), since Sphinx, too, re-reads only the pages whose source
changed, and would otherwise keep the outputs it read before.

Usage: python scripts/cache_guard.py [CACHE_DIR]   (default _build/.jupyter_cache)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "facelab").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    cache = Path(argv[0]) if argv else ROOT / "_build" / ".jupyter_cache"
    stamp = cache.parent / (cache.name + ".package-sha256")
    current = package_hash()
    if stamp.is_file() and stamp.read_text().strip() == current:
        return 0
    if cache.exists():
        shutil.rmtree(cache)
        print(f"facelab changed since the last build: cleared {cache}")
    for doctrees in sorted(cache.parent.rglob(".doctrees")) if cache.parent.exists() else []:
        shutil.rmtree(doctrees)
        print(f"facelab changed since the last build: cleared {doctrees}")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
