#!/usr/bin/env python3
"""`levee scan` (and the standalone `levee-scan`) vs cargo-audit 0.22:
differential and benchmark, in one go.

Inputs (all rebuilt deterministically, nothing large is committed):
  * the advisory-db directory, rebuilt from
    ../shared/data/osv-rustsec/rustsec-advisories-md.jsonl (each line {path,text});
  * every Cargo.lock fixture in ../shared/data/lockfiles (cargo-lock/* and
    osv-scanner-scan-fixtures/*Cargo.lock), each copied to <name>/Cargo.lock;
  * generated lockfiles of 1,000 and 10,000 packages (seed 1), written by
    `cargo run -p levee-match --example gen_cargo_lock` — the same generator
    the test `crates/levee/tests/scan_cli.rs` uses.

Subcommands:
  diff    run both tools on every lockfile; the id sets (vulnerabilities and
          unmaintained/unsound/notice warnings) must be equal. Exit 1 if not.
  record  like diff, and write cargo-audit's ids to
          crates/levee/tests/fixtures/cargo-audit/<name>.ids (what the normal
          test suite compares levee against when cargo-audit is absent).
  bench   hyperfine, the tools side by side, cold (process start + advisory
          loading) on the generated 1,000- and 10,000-package lockfiles:
          median wall time over --runs runs, and peak RSS from
          /usr/bin/time -v. Prints a Markdown table for BENCHMARKS.md.
          `levee-scan` (the scan without the server, the same code) is run
          beside `levee scan` when it is found next to --levee.
  all     diff + bench.

Usage:
  CARGO_INSTALL_ROOT=/work/tools cargo install cargo-audit --locked --version ^0.22
  cargo build --release -p levee      # both binaries, levee and levee-scan
  python3 bench/scan_vs_cargo_audit.py all --cargo-audit /work/tools/bin/cargo-audit \\
      --levee $CARGO_TARGET_DIR/release/levee [--runs 30 --rounds 3] [--work /tmp/scan-bench]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "crates/levee/tests/fixtures/cargo-audit")
SIZES = [1000, 10000]
SEED = 1


def shared():
    return os.environ.get("LEVEE_SHARED_DATA") or os.path.join(os.path.dirname(REPO), "shared/data")


def rebuild_db(work):
    db = os.path.join(work, "advisory-db")
    if os.path.isdir(db):
        shutil.rmtree(db)
    with open(os.path.join(shared(), "osv-rustsec/rustsec-advisories-md.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            p = os.path.join(db, d["path"])
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as out:
                out.write(d["text"])
    return db


def generated(work, n):
    path = os.path.join(work, f"generated-{n}-seed{SEED}.lock")
    jsonl = os.path.join(shared(), "osv-rustsec/rustsec-advisories-md.jsonl")
    text = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "levee-match", "--example", "gen_cargo_lock", "--",
         jsonl, str(n), str(SEED)],
        cwd=REPO, check=True, capture_output=True, text=True).stdout
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def inputs(work):
    lockdir = os.path.join(shared(), "lockfiles")
    files = []
    for name in sorted(os.listdir(os.path.join(lockdir, "cargo-lock"))):
        files.append((f"cargo-lock__{name}", os.path.join(lockdir, "cargo-lock", name)))
    d = os.path.join(lockdir, "osv-scanner-scan-fixtures")
    for name in sorted(os.listdir(d)):
        if name.endswith("Cargo.lock"):
            files.append((f"osv-scanner-scan-fixtures__{name}", os.path.join(d, name)))
    for n in SIZES:
        files.append((f"generated-{n}-seed{SEED}", generated(work, n)))
    out = []
    for name, src in files:
        dst_dir = os.path.join(work, "locks", name)
        os.makedirs(dst_dir, exist_ok=True)
        dst = os.path.join(dst_dir, "Cargo.lock")
        shutil.copyfile(src, dst)
        out.append((name, dst))
    return out


def audit_cmd(bin_, db, lock):
    return [bin_, "audit", "--no-fetch", "--stale", "--no-yanked", "--json", "--db", db, "-f", lock]


def levee_cmd(bin_, db, lock):
    """`levee scan ...`, or `levee-scan ...` for the standalone binary."""
    sub = [] if os.path.basename(bin_).startswith("levee-scan") else ["scan"]
    return [bin_] + sub + ["--advisories", db, lock, "--format", "json"]


def levee_bins(args):
    """(label, binary) of each levee variant to run."""
    out = [("levee", args.levee)]
    if args.levee_scan:
        out.append(("levee-scan", args.levee_scan))
    return out


def audit_ids(bin_, db, lock):
    p = subprocess.run(audit_cmd(bin_, db, lock), capture_output=True, text=True)
    try:
        v = json.loads(p.stdout)
    except ValueError:
        # Same classification as crates/levee/tests/scan_cli.rs.
        kind = "dependency-graph" if "couldn't resolve dependency" in p.stderr else "parse"
        return {f"error {kind}"}, p.stderr.strip()
    ids = {f"vuln {x['advisory']['id']}" for x in v["vulnerabilities"]["list"]}
    for kind, lst in (v.get("warnings") or {}).items():
        for x in lst:
            if x.get("advisory"):
                ids.add(f"{kind} {x['advisory']['id']}")
    return ids, ""


def levee_ids(bin_, db, lock):
    p = subprocess.run(levee_cmd(bin_, db, lock), capture_output=True, text=True)
    if p.returncode == 2:
        return {"error"}, p.stderr.strip()
    v = json.loads(p.stdout)
    ids = {f"vuln {x['id']}" for x in v["findings"]}
    ids |= {f"{x['kind']} {x['id']}" for x in v["warnings"]}
    return ids, ""


def diff(args, record=False):
    db = rebuild_db(args.work)
    # cargo-audit opens the database as a git repository.
    subprocess.run(["git", "init", "-q", db], check=True)
    subprocess.run(["git", "-C", db, "add", "-A"], check=True)
    subprocess.run(["git", "-C", db, "-c", "user.name=bench", "-c", "user.email=bench@invalid",
                    "commit", "-q", "-m", "advisory-db snapshot"], check=True)
    ok = True
    if record:
        os.makedirs(FIXTURES, exist_ok=True)
    for name, lock in inputs(args.work):
        want, werr = audit_ids(args.cargo_audit, db, lock)
        got, gerr = levee_ids(args.levee, db, lock)
        if args.levee_scan:
            # The standalone binary runs the same code: the same bytes out.
            same_out = [subprocess.run(levee_cmd(b, db, lock), capture_output=True).stdout
                        for _, b in levee_bins(args)]
            if same_out[0] != same_out[1]:
                ok = False
                print(f"DIFFERENT {name}: levee scan and levee-scan print different reports")
        if "error dependency-graph" in want:
            # cargo-audit refuses lockfiles naming unlisted dependencies;
            # levee reads the packages and scans them.
            same = "error" not in got
        else:
            same = {"error" if w.startswith("error") else w for w in want} == got
        ok &= same
        vulns = sum(1 for x in want if x.startswith("vuln "))
        print(f"{'same' if same else 'DIFFERENT':9} {name}: cargo-audit {len(want)} ids ({vulns} vulnerabilities)"
              + (f" [cargo-audit refused it: {werr.splitlines()[-1].strip() if werr else ''}; levee: {sorted(got)}]"
                 if any(w.startswith("error") for w in want) else ""))
        if not same:
            print("  only cargo-audit:", sorted(want - got))
            print("  only levee:      ", sorted(got - want))
            if gerr:
                print("  levee stderr:", gerr)
        if record:
            with open(os.path.join(FIXTURES, f"{name}.ids"), "w", encoding="utf-8") as f:
                f.write(f"# cargo-audit 0.22 ids for {name} (bench/scan_vs_cargo_audit.py record)\n")
                for line in sorted(want):
                    f.write(line + "\n")
    return ok


def peak_rss_kb(cmd):
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    return -1


def bench(args):
    """hyperfine in `--rounds` rounds, alternating the order of the tools, so
    a slow spell of a shared machine falls on all; the medians and minimums
    are over every run of every round."""
    db = os.path.join(args.work, "advisory-db")
    if not os.path.isdir(os.path.join(db, ".git")):
        diff(args)
    tools = [("cargo-audit", lambda lock: audit_cmd(args.cargo_audit, db, lock))]
    tools += [(label, lambda lock, b=b: levee_cmd(b, db, lock)) for label, b in levee_bins(args)]
    rows = []
    for n in SIZES:
        lock = os.path.join(args.work, "locks", f"generated-{n}-seed{SEED}", "Cargo.lock")
        out_json = os.path.join(args.work, f"hyperfine-{n}.json")
        times = {label: [] for label, _ in tools}
        cpu = {label: [] for label, _ in tools}
        per_round = max(1, args.runs // args.rounds)
        for r in range(args.rounds):
            cmds = [(label, " ".join(f(lock))) for label, f in tools]
            # Rotate, so each tool goes first in some round.
            k = r % len(cmds)
            cmds = cmds[k:] + cmds[:k]
            argv = ["hyperfine", "-N", "--warmup", "1", "--runs", str(per_round), "-i",
                    "--export-json", out_json]
            for label, cmd in cmds:
                argv += ["-n", label, cmd]
            subprocess.run(argv, check=True, stdout=sys.stderr)
            with open(out_json, encoding="utf-8") as f:
                for res in json.load(f)["results"]:
                    times[res["command"]] += res["times"]
                    cpu[res["command"]].append(res["user"] + res["system"])
        for label, f in tools:
            med, mn = statistics.median(times[label]), min(times[label])
            rss = statistics.median(peak_rss_kb(f(lock)) for _ in range(3))
            rows.append((n, label, med, mn, rss, statistics.mean(cpu[label]), len(times[label])))
    print()
    print("| lockfile | tool | median (min) | speed-up vs cargo-audit, medians (mins) | peak RSS | CPU (user+sys) | runs |")
    print("|---|---|---|---|---|---|---|")
    ok = True
    for n, label, med, mn, rss, u, k in rows:
        base = next(r for r in rows if r[0] == n and r[1] == "cargo-audit")
        speed = "" if label == "cargo-audit" else f"**{base[2]/med:.1f}×** ({base[3]/mn:.1f}×)"
        if label != "cargo-audit":
            ok &= base[2] / med >= 5
        print(f"| {n:,} packages | {label} | {med*1000:.1f} ({mn*1000:.1f}) ms | {speed} "
              f"| {rss/1024:.1f} MiB | {u*1000:.0f} ms | {k} |")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["diff", "record", "bench", "all"])
    ap.add_argument("--cargo-audit", default=shutil.which("cargo-audit") or "/work/tools/bin/cargo-audit")
    ap.add_argument("--levee", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release/levee"))
    ap.add_argument("--levee-scan", default=None,
                    help="the standalone levee-scan binary (default: next to --levee, if there)")
    ap.add_argument("--runs", type=int, default=10, help="runs per tool and lockfile, over all rounds")
    ap.add_argument("--rounds", type=int, default=1, help="hyperfine rounds, alternating the order")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    args.work = args.work or tempfile.mkdtemp(prefix="levee-scan-bench-")
    os.makedirs(args.work, exist_ok=True)
    if args.levee_scan is None:
        beside = os.path.join(os.path.dirname(args.levee), "levee-scan")
        args.levee_scan = beside if os.path.isfile(beside) else ""
    for b in (args.cargo_audit, args.levee) + ((args.levee_scan,) if args.levee_scan else ()):
        if not os.path.isfile(b):
            sys.exit(f"not found: {b}")
    ok = True
    if args.cmd in ("diff", "all"):
        ok &= diff(args)
    if args.cmd == "record":
        ok &= diff(args, record=True)
    if args.cmd in ("bench", "all"):
        ok &= bench(args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
