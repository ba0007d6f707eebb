#!/usr/bin/env python3
"""End-to-end import benchmark: `levee import` into SQLite, with commit.

The shared OSV corpus (every `osv-*/*.osv.jsonl` in ../shared/data) is
replicated COPIES times into JSONL files under WORK. Copy 0 is the corpus as
is; copy k rewrites every identifier consistently (id, aliases, related,
upstream): a CVE id `CVE-YYYY-N` becomes `CVE-YYYY-<k><N padded to 7>` (still
a valid CVE id, distinct per copy), any other id gets a `-r<k>` suffix. So
each copy groups exactly like the original, and copies never merge.

Then one `levee import` run imports every copy into a fresh data directory
(SQLite, WAL, synchronous=FULL) and the wall time is measured; records/s =
records read / wall seconds. A second run (everything unchanged) is timed
too.

Usage:
  cargo build --release -p levee
  python3 bench/import_bench.py [--copies 11] [--work /tmp/levee-import-bench]
         [--levee target/release/levee] [--batch-size 2000] [--keep]
"""

import argparse
import glob
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

CVE = re.compile(r"^CVE-(\d{4})-(\d+)$")


def rewrite_id(s, k):
    if k == 0:
        return s
    m = CVE.match(s)
    if m:
        return "CVE-%s-%d%07d" % (m.group(1), k, int(m.group(2)))
    return "%s-r%d" % (s, k)


def rewrite(rec, k):
    rec["id"] = rewrite_id(rec["id"], k)
    for f in ("aliases", "related", "upstream"):
        if isinstance(rec.get(f), list):
            rec[f] = [rewrite_id(x, k) if isinstance(x, str) else x for x in rec[f]]
    return rec


def generate(shared, work, copies):
    files = sorted(glob.glob(os.path.join(shared, "osv-*", "*.osv.jsonl")))
    if not files:
        sys.exit("no osv-*/*.osv.jsonl under %s" % shared)
    lines = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            lines.extend(l for l in fh if l.strip())
    os.makedirs(work, exist_ok=True)
    out = []
    for k in range(copies):
        path = os.path.join(work, "corpus-copy-%02d.osv.jsonl" % k)
        out.append(path)
        if os.path.exists(path):
            continue
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            for l in lines:
                if k == 0:
                    fh.write(l if l.endswith("\n") else l + "\n")
                    continue
                try:
                    rec = json.loads(l)
                except ValueError:
                    fh.write(l)
                    continue
                fh.write(json.dumps(rewrite(rec, k), ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")
        os.rename(path + ".tmp", path)
    return out, len(lines) * copies


def run(levee, data, files, batch):
    cmd = [levee, "import", "--quiet", "--json", "--data-dir", data,
           "--report", os.path.join(data, "rejections.jsonl"),
           "--batch-size", str(batch)] + files
    t = time.monotonic()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.monotonic() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print("  wall %.1f s, cpu (user+sys) %.1f s, load average %.1f"
          % (dt, cpu, os.getloadavg()[0]))
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        sys.exit("levee import exited %d" % p.returncode)
    return dt, json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--shared", default=os.environ.get(
        "LEVEE_SHARED_DATA", os.path.join(root, "..", "shared", "data")))
    ap.add_argument("--copies", type=int, default=11)
    ap.add_argument("--work", default="/tmp/levee-import-bench")
    ap.add_argument("--levee", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")), "release", "levee"))
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--keep", action="store_true", help="keep the database")
    a = ap.parse_args()

    files, n = generate(a.shared, a.work, a.copies)
    size = sum(os.path.getsize(f) for f in files)
    print("input: %d records in %d files, %.0f MiB" % (n, len(files), size / 2**20))
    data = os.path.join(a.work, "data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    dt, rep = run(a.levee, data, files, a.batch_size)
    t = rep["total"]
    print("first import: %.1f s, %d read, %d imported, %d rejected, %d vulnerabilities, "
          "%d refused merges -> %.0f records/s"
          % (dt, t["read"], t["imported"], t["rejected"], rep["grouping"]["groups"],
             rep["grouping"]["conflicts"], t["read"] / dt))
    db = os.path.join(data, "levee.db")
    print("database: %.0f MiB" % (os.path.getsize(db) / 2**20))
    dt2, rep2 = run(a.levee, data, files, a.batch_size)
    t2 = rep2["total"]
    stored = t["imported"] + t["updated"] + t["unchanged"]
    print("re-import (all unchanged: %s): %.1f s -> %.0f records/s"
          % (t2["unchanged"] == stored and t2["imported"] + t2["updated"] == 0,
             dt2, t2["read"] / dt2))
    if not a.keep:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
