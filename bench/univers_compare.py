#!/usr/bin/env python3
"""Compare levee-versions with Python `univers` on the same inputs.

Inputs: the version strings of ../shared/data/version-ordering/ (as in
crates/levee-versions/benches/versions.rs: every other token of each
comparison line, first 2000). For each ecosystem univers supports, measures
univers parse/s and parse+compare/s (parse two strings, compare them), reads
the Rust numbers from criterion's output, and prints the ratio.

Usage:
  pip install univers
  CARGO_TARGET_DIR=/work/targets/versions cargo bench -p levee-versions \
      --bench versions -- --warm-up-time 0.5 --measurement-time 1.5 --noplot
  python3 bench/univers_compare.py [--target-dir DIR] [--shared DIR]
"""
import argparse
import json
import os
import time

from univers import versions as uv

# criterion group (levee scheme) -> (fixture file, univers class)
CASES = [
    ("SemVer", "semver-versions.txt", uv.SemverVersion),
    ("Go", "semver-versions.txt", uv.GolangVersion),
    ("NuGet", "nuget-versions.txt", uv.NugetVersion),
    ("PEP440", "pypi-versions-generated.txt", uv.PypiVersion),
    ("Maven", "maven-versions-generated.txt", uv.MavenVersion),
    ("RubyGems", "rubygems-versions-generated.txt", uv.RubygemsVersion),
    ("Composer", "packagist-versions-generated.txt", uv.ComposerVersion),
    ("dpkg", "debian-versions-generated.txt", uv.DebianVersion),
    ("RPM", "redhat-versions.txt", uv.RpmVersion),
    ("apk", "alpine-versions-generated.txt", uv.AlpineLinuxVersion),
]


def inputs(shared, fname):
    out = []
    with open(os.path.join(shared, "version-ordering", fname), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or line.startswith("//"):
                continue
            out.extend(t for t in line.split(" ")[::2] if t)
    return out[:2000]


def rate(fn, n, min_time=1.0):
    reps, t0 = 0, time.perf_counter()
    while True:
        fn()
        reps += 1
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return n * reps / dt


def rust_rate(target, group, bench):
    d = os.path.join(target, "criterion", group, bench, "new")
    try:
        with open(os.path.join(d, "estimates.json")) as f:
            ns = json.load(f)["mean"]["point_estimate"]
        with open(os.path.join(d, "benchmark.json")) as f:
            elems = json.load(f)["throughput"]["Elements"]
    except (OSError, KeyError, ValueError):
        return None
    return elems / (ns / 1e9)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--target-dir", default=os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target")))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared", "data"))
    a = ap.parse_args()
    print(f"{'scheme':10} {'univers parse/s':>16} {'levee parse/s':>14} {'ratio':>7} "
          f"{'univers p+c/s':>14} {'levee p+c/s':>12} {'ratio':>7}")
    for group, fname, cls in CASES:
        raw = inputs(a.shared, fname)
        strs = []
        for s in raw:
            try:
                cls(s)
                strs.append(s)
            except Exception:
                pass
        if len(strs) < 2:
            continue
        pairs = list(zip(strs, strs[1:]))

        def parse():
            for s in strs:
                cls(s)

        def parse_compare():
            for x, y in pairs:
                cls(x) < cls(y)

        up = rate(parse, len(strs))
        upc = rate(parse_compare, len(pairs))
        rp = rust_rate(a.target_dir, group, "parse")
        rpc = rust_rate(a.target_dir, group, "parse+compare")
        fmt = lambda v: f"{v:,.0f}" if v else "n/a"
        ratio = lambda r, u: f"{r / u:,.0f}x" if r and u else "n/a"
        print(f"{group:10} {fmt(up):>16} {fmt(rp):>14} {ratio(rp, up):>7} "
              f"{fmt(upc):>14} {fmt(rpc):>12} {ratio(rpc, upc):>7}")


if __name__ == "__main__":
    main()
