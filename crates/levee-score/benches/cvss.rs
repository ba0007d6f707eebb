//! Parse + score throughput for CVSS v3.1 and v4.0 vectors (and v2), over
//! the vector files in shared/data when present, else a built-in sample.
//!
//! cargo bench -p levee-score --bench cvss -- --warm-up-time 1 --measurement-time 3

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use levee_score::cvss;

fn vectors(file: &str, fallback: &[&str]) -> Vec<String> {
    let path = levee_testdata::shared_root().map(|r| r.join("cvss/redhat-cvss").join(file));
    let from_file: Vec<String> = path
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            t.lines()
                .filter_map(|l| l.split_once(" - ").map(|(v, _)| v.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if from_file.is_empty() {
        fallback.iter().map(|s| (*s).to_owned()).collect()
    } else {
        from_file
    }
}

fn bench(c: &mut Criterion) {
    let sets = [
        (
            "v3.1 base",
            vectors(
                "vectors_simple31",
                &["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
            ),
            false,
        ),
        (
            "v3.x temporal+env",
            vectors(
                "vectors_cvsslib3",
                &["CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H"],
            ),
            true,
        ),
        (
            "v4.0",
            vectors(
                "vectors_simple4",
                &["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"],
            ),
            true,
        ),
        (
            "v2 base",
            vectors("vectors_simple2", &["AV:N/AC:L/Au:N/C:C/I:C/A:C"]),
            true,
        ),
    ];
    let mut g = c.benchmark_group("cvss parse+score");
    for (name, vs, all_scores) in &sets {
        g.throughput(Throughput::Elements(vs.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for v in vs {
                    let parsed = cvss::parse(black_box(v)).expect("valid vector");
                    acc += if *all_scores {
                        u32::from(parsed.scores().score.tenths())
                    } else {
                        match &parsed {
                            cvss::Cvss::V3(x) => u32::from(x.base_score().tenths()),
                            other => u32::from(other.score().tenths()),
                        }
                    };
                }
                acc
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
