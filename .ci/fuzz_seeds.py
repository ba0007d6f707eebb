#!/usr/bin/env python3
"""Seed corpora for the cargo-fuzz targets, from ../shared/data.

    python3 .ci/fuzz_seeds.py OUT_DIR

Writes OUT_DIR/<target>/<seed> files (outside the repository: the shared
data is never copied into it). Targets whose first byte selects a format
(parse_any, read_feed) get each sample once per selector. Deterministic
(seeded sample). Exits non-zero when the shared data is missing.
"""
import glob
import json
import os
import random
import sys

random.seed(7)
D = os.environ.get("LEVEE_SHARED_DATA") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data")
if len(sys.argv) != 2:
    sys.exit(__doc__)
C = sys.argv[1]
if not os.path.isdir(D):
    sys.exit("no shared data at " + D)


def files(pattern, n, maxsize=32768):
    fs=[f for f in glob.glob(D+'/'+pattern, recursive=True) if os.path.isfile(f) and os.path.getsize(f)<=maxsize]
    random.shuffle(fs); return fs[:n]
def put(target, name, data):
    d=os.path.join(C,target); os.makedirs(d,exist_ok=True)
    open(os.path.join(d,name),'wb').write(data)
def head(path, n=8192):
    return open(path,'rb').read(n)
# inventory: every selector for a sample of files
inv = files('lockfiles/**/*', 60) + files('cyclonedx/**/*.json', 10) + files('cyclonedx/**/*.xml', 10) + files('spdx/**/*.json', 8) + files('spdx/**/*.spdx', 8)
for i,f in enumerate(inv):
    b=open(f,'rb').read()
    for sel in range(40):
        put('parse_any', f'{i}-{sel}', bytes([sel])+b)
# formats
for i,f in enumerate(files('osv-*/**/*.json', 80)): put('read_bytes', f'osv{i}', open(f,'rb').read())
with open(D+'/osv-rustsec/rustsec-advisories-md.jsonl') as fh:
    lines=fh.readlines()
random.shuffle(lines)
for i,l in enumerate(lines[:80]):
    put('rustsec_md', f'md{i}', json.loads(l)['text'].encode())
put('read_bytes','jsonl', ''.join(lines[:3]).encode())
# feeds
feeds = files('csaf/**/*.json', 20, 65536) + files('cve-json5/**/*.json', 20) + files('debian-dsa-dla/**/*', 5) + files('alpine-secdb/**/*', 5) + files('gitlab-advisories-community/**/*.yml', 10) + files('nodejs-security-wg/**/*.json', 5) + files('rubysec/**/*.yml', 5) + files('friendsofphp/**/*.yaml', 5) + files('hex-elixir-advisories/**/*.yml', 5)
for i,f in enumerate(feeds):
    b=head(f, 65536)
    for sel in range(16):
        put('read_feed', f'{i}-{sel}', bytes([sel])+b)
for i,f in enumerate(files('csaf/**/*.json', 40, 65536)): put('csaf_validate', f'c{i}', open(f,'rb').read())
# score
for i,f in enumerate(files('cvss/**/*', 20, 1<<20)):
    for j,l in enumerate(open(f,'rb').read().splitlines()[:30]):
        put('cvss_parse', f'{i}-{j}', l.strip()[:200])
put('feeds','kevj', head(D+'/cisa-kev/known_exploited_vulnerabilities.json', 6000))
put('feeds','kevc', head(D+'/cisa-kev/known_exploited_vulnerabilities.csv', 6000))
put('feeds','epss', head(D+'/epss/emba-epss-snapshot-2026-08-16.scsv', 4000))
put('feeds','cwe', head(D+'/cwe/1000.csv', 6000))
# crash
for i,f in enumerate(files('sanitizer-crashes/logs/**/*', 200, 65536)): put('analyze', f'l{i}', open(f,'rb').read())
# versions
vs=['1.0.0','1.2.3-alpha.1+build','2.0.0rc1','1:2.3-4ubuntu1','1.0~beta','v1.2.3','1.0.0.post1.dev2','0.0.0-20210101000000-abcdef123456','1.2.3-SNAPSHOT','r123']
for i,a in enumerate(vs):
    for j,b in enumerate(vs): put('version', f'{i}-{j}', f'{a}\n{b}'.encode())
for i,s in enumerate(['>=1.0.0, <2.0.0','^1.2','~> 2.3','[1.0,2.0)','>= 1.0 < 2','=1.0 || >=3']): put('native_range', f'r{i}', s.encode())
for i,s in enumerate(['vers:npm/>=1.0.0|<2.0.0','vers:pypi/1.0|>=2.0','vers:deb/>=1:2.3']): put('vers', f'v{i}', s.encode())
for i,s in enumerate(['pkg:npm/%40angular/core@1.0.0','pkg:maven/org.apache/commons@1.0?type=jar','pkg:deb/debian/curl@7.0?arch=amd64&distro=bookworm#sub/path','pkg:cargo/serde@1.0.0']): put('purl', f'p{i}', s.encode())
for t in os.listdir(C): print(t, len(os.listdir(os.path.join(C,t))))
