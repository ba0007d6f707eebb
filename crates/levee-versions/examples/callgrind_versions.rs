//! Fixed parse+compare workload for instruction counting
//! (`bench/callgrind_versions.sh`): the same inputs as the criterion bench
//! (the first 2000 valid tokens of the scheme's shared ordering file), each
//! adjacent pair parsed and compared, PASSES times, after one uncounted
//! warm-up pass. `semver-crate` runs the `semver` crate on the SemVer inputs
//! it accepts, as a reference point.
//!
//! cargo run --release -p levee-versions --example callgrind_versions -- \
//!     semver|pep440|semver-crate PASSES

use std::hint::black_box;

use levee_versions::{Version, VersionScheme};

fn inputs(scheme: VersionScheme, file: &str) -> Vec<String> {
    let root = levee_testdata::shared_root().expect("shared data");
    let text = std::fs::read_to_string(root.join("version-ordering").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        for v in line.split(' ').step_by(2) {
            if !v.is_empty() && Version::parse(scheme, v).is_ok() {
                out.push(v.to_string());
            }
        }
    }
    out.truncate(2000);
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "semver".into());
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    let (scheme, file) = match which.as_str() {
        "pep440" => (VersionScheme::Pep440, "pypi-versions-generated.txt"),
        _ => (VersionScheme::SemVer, "semver-versions.txt"),
    };
    let mut strs = inputs(scheme, file);
    if which == "semver-crate" {
        strs.retain(|s| semver::Version::parse(s).is_ok());
        warm_up_semver(&strs);
        for _ in 0..passes {
            run_semver_crate(&strs);
        }
    } else {
        warm_up(scheme, &strs);
        for _ in 0..passes {
            run_levee(scheme, &strs);
        }
    }
    eprintln!("ops={} passes={passes}", strs.len().saturating_sub(1));
}

#[inline(never)]
fn warm_up(scheme: VersionScheme, strs: &[String]) {
    let ok = strs
        .iter()
        .filter(|s| Version::parse(scheme, s).is_ok())
        .count();
    eprintln!("warm-up: {ok} parsed");
}

#[inline(never)]
fn warm_up_semver(strs: &[String]) {
    let ok = strs
        .iter()
        .filter(|s| semver::Version::parse(s).is_ok())
        .count();
    eprintln!("warm-up: {ok} parsed");
}

#[inline(never)]
fn run_levee(scheme: VersionScheme, strs: &[String]) {
    for w in strs.windows(2) {
        if let [x, y] = w {
            if let (Ok(a), Ok(b)) = (
                Version::parse(scheme, black_box(x)),
                Version::parse(scheme, black_box(y)),
            ) {
                black_box(a.cmp(&b));
            }
        }
    }
}

#[inline(never)]
fn run_semver_crate(strs: &[String]) {
    for w in strs.windows(2) {
        if let [x, y] = w {
            if let (Ok(a), Ok(b)) = (
                semver::Version::parse(black_box(x)),
                semver::Version::parse(black_box(y)),
            ) {
                black_box(a.cmp(&b));
            }
        }
    }
}
