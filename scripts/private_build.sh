#!/usr/bin/env bash
# Build the book into a private folder with its own execution cache, so that
# several authors can build at once without sharing _build/.
# Usage: scripts/private_build.sh NAME   -> /tmp/fv-NAME/_build/html
set -euo pipefail
name=${1:?usage: scripts/private_build.sh NAME}
root=$(cd "$(dirname "$0")/.." && pwd)
out=/tmp/fv-$name
mkdir -p "$out"
"$root/.venv/bin/python" - "$root/_config.yml" "$out" <<'PY'
import sys, yaml
src, out = sys.argv[1], sys.argv[2]
config = yaml.safe_load(open(src))
config["execute"]["cache"] = f"{out}/jupyter_cache"
# Local extensions are found relative to the config file: make them absolute.
root = src.rsplit("/", 1)[0]
ext = config["sphinx"]["local_extensions"]
config["sphinx"]["local_extensions"] = {k: f"{root}/{v}" for k, v in ext.items()}
yaml.safe_dump(config, open(f"{out}/_config.yml", "w"), sort_keys=False)
PY
export SCIKIT_LEARN_DATA=${SCIKIT_LEARN_DATA:-$(cd "$root/.." && pwd)/shared/scikit_learn_data}
cd "$root"
"$root/.venv/bin/python" scripts/cache_guard.py "$out/jupyter_cache"
# Execute the uncached chapters two at a time first; the build then only reads the cache.
"$root/.venv/bin/python" scripts/execute_parallel.py . --config "$out/_config.yml" --path-output "$out"
exec "$root/.venv/bin/jupyter-book" build . --builder html -W --keep-going \
  --config "$out/_config.yml" --path-output "$out"
