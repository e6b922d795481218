"""scripts/cache_guard.py: a change to the package forces every page to run again."""

import importlib.util

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("cache_guard", ROOT / "scripts" / "cache_guard.py")
cache_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cache_guard)


def test_package_change_clears_cache_and_saved_environments(tmp_path):
    build = tmp_path / "_build"
    cache = build / ".jupyter_cache"
    folders = [cache, build / ".doctrees", build / "instructor" / "_build" / ".doctrees"]
    for folder in folders:
        folder.mkdir(parents=True)
        (folder / "x").write_text("old")
    assert cache_guard.main([str(cache)]) == 0  # no stamp yet: treated as changed
    assert not any(f.exists() for f in folders)
    for folder in folders:  # a build refills them...
        folder.mkdir(parents=True)
    assert cache_guard.main([str(cache)]) == 0  # ...and an unchanged package keeps them
    assert all(f.exists() for f in folders)
