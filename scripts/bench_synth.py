"""How fast are synthetic faces made, and how much memory does it take?

Usage: python scripts/bench_synth.py [--stream 50000] [--full]

1. The ACLU test's sizes in memory: a 25,000-person gallery (one photo each)
   and 535 probe people (two photos each), with make_population.
2. Streaming, as for Amazon's 850,000-face reply: stream_faces over
   --stream people in chunks of 1,000, each chunk reduced to its mean
   brightness and dropped; the rate is extrapolated to 850,000 (--full
   streams all 850,000).
Times are wall-clock and CPU (all threads); on a shared machine the CPU time
is the steadier figure. Memory is the process's peak resident size
(ru_maxrss, including the interpreter and libraries), and the allocations
traced by tracemalloc while 5,000 people are made in memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from facelab.faces import synth
from facelab.faces.synth import drawing as synth_render

AMAZON = 850_000


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(label, fn):
    """Wall-clock and CPU time (all threads) of fn(), and the peak memory."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{label:40s} {dt:7.2f} s wall {cpu:7.2f} s CPU   "
          f"process peak so far {maxrss_mb():5.0f} MB")
    return out, dt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stream", type=int, default=50_000, help="people to stream and time")
    ap.add_argument("--full", action="store_true", help=f"stream all {AMAZON:,}")
    args = ap.parse_args(argv)
    n_stream = AMAZON if args.full else args.stream

    print(f"threads: {synth_render.THREADS}; CPUs: {synth_render._available_cpus()}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    synth.make_population({"A": 10}, 1, seed=99)  # warm up imports and caches
    print(f"process peak before: {maxrss_mb():.0f} MB")

    # Streaming first: the process's peak memory only ever grows.
    def stream():
        means = [chunk.images.mean() for chunk in
                 synth.stream_faces(n_stream, "A", seed=2, chunk_size=1000)]
        return len(means)

    _, t_stream = timed(f"stream: {n_stream:,} people x 1 photo", stream)
    rate = n_stream / t_stream
    print(f"  streaming rate {rate:,.0f} faces/s; {AMAZON:,} faces would take "
          f"{AMAZON / rate / 60:.1f} min" + ("" if args.full else " (extrapolated)"))

    gallery, t_gallery = timed(
        "gallery: 25,000 people x 1 photo",
        lambda: synth.make_population({"A": 12_500, "B": 12_500}, 1, seed=0))
    probes, t_probes = timed(
        "probes: 535 people x 2 photos",
        lambda: synth.make_population({"A": 268, "B": 267}, 2, seed=1))
    print(f"  total for the ACLU sizes {t_gallery + t_probes:.2f} s; the gallery's images "
          f"alone take {gallery.images.nbytes / 2 ** 20:.0f} MB")

    # Memory the gallery needs beyond its own images, traced (slower).
    del gallery, probes
    tracemalloc.start()
    synth.make_population({"A": 2_500, "B": 2_500}, 1, seed=0)
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    print(f"traced peak for 5,000 people in memory: {peak:.0f} MB "
          f"({5_000 * 64 * 64 * 4 / 2 ** 20:.0f} MB of it the images)")


if __name__ == "__main__":
    main()
