//! Property tests: no reader panics on arbitrary input; export round-trips;
//! grouping never joins unattested CVE pairs and ignores insertion order.

use std::collections::HashSet;
use std::io::Write;

use levee_formats::group::is_cve;
use levee_formats::rustsec::{parse_rustsec_md, semver_events};
use levee_formats::{
    export, read_bytes, read_stream, Grouper, InputFormat, Limits, ReadOptions, Record, Timestamp,
};
use proptest::prelude::*;

fn drain(bytes: &[u8]) {
    for f in [None]
        .into_iter()
        .chain(InputFormat::ALL.iter().copied().map(Some))
    {
        let opts = ReadOptions {
            limits: Limits::default(),
            format: f,
        };
        for r in read_bytes("p", bytes, &opts).take(1000) {
            let _ = r.map(|rec| export::to_json(&rec));
        }
        let _ = read_stream("p", bytes, &opts).take(1000).count();
    }
}

fn small_zip() -> Vec<u8> {
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zw.start_file("A.json", opt).unwrap();
    zw.write_all(br#"{"id":"A","modified":"2024-01-01T00:00:00Z"}"#)
        .unwrap();
    zw.start_file("B.yaml", opt).unwrap();
    zw.write_all(b"id: B\nmodified: 2024-01-01T00:00:00Z\n")
        .unwrap();
    zw.finish().unwrap().into_inner()
}

const SEEDS: &[&str] = &[
    r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1"}]}]}]}"#,
    "id: A\nmodified: 2024-01-01T00:00:00Z\naliases: [CVE-2024-0001]\n",
    "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"foo\"\ndate = \"2099-01-01\"\n[versions]\npatched = [\">= 1.0.0\"]\n```\n# T\n",
    "[{\"id\":\"A\"},{\"id\":\"B\",\"modified\":\"2024-01-01T00:00:00Z\"}]",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        drain(&bytes);
    }

    #[test]
    fn readers_never_panic_on_mutated_seeds(seed in 0..SEEDS.len(), pos in any::<prop::sample::Index>(), b in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut v = SEEDS[seed].as_bytes().to_vec();
        let i = pos.index(v.len());
        v[i] = b;
        v.truncate(cut.index(v.len() + 1).max(1));
        drain(&v);
        let jsonl = [v.clone(), b"\n".to_vec(), SEEDS[0].as_bytes().to_vec()].concat();
        drain(&jsonl);
    }

    #[test]
    fn zip_reader_never_panics_on_corruption(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut z = small_zip();
        for (i, b) in flips {
            let i = i.index(z.len());
            z[i] = b;
        }
        drain(&z);
    }

    #[test]
    fn text_parsers_never_panic(s in "\\PC{0,80}") {
        let _ = Timestamp::parse(&s);
        let _ = semver_events(std::slice::from_ref(&s), &[]);
        let _ = parse_rustsec_md(Some(&s), &s, &Limits::default());
        drain(s.as_bytes());
    }

    #[test]
    fn export_round_trips(id in "[A-Z]{2,5}-[0-9]{1,6}", aliases in proptest::collection::vec("[A-Z]{3}-[0-9]{4}", 0..4),
                          summary in "\\PC{0,40}", n in any::<i64>(), f in -1e9f64..1e9, v in "[0-9]\\.[0-9]{1,3}") {
        let value = serde_json::json!({
            "id": id, "modified": "2024-01-01T00:00:00Z", "aliases": aliases, "summary": summary,
            "affected": [{"package": {"ecosystem": "PyPI", "name": "p"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": v}]}],
                          "database_specific": {"n": n, "f": f}}],
        });
        let text = serde_json::to_string(&value).unwrap();
        let rec = Record::from_json(&text, &Limits::default()).unwrap();
        let back: serde_json::Value = serde_json::from_str(&export::to_json(&rec)).unwrap();
        prop_assert_eq!(&back, &value);
        let pretty: serde_json::Value = serde_json::from_str(&export::to_json_pretty(&rec)).unwrap();
        prop_assert_eq!(&pretty, &value);
        let dump = export::zip_dump_bytes([&rec]).unwrap();
        let again: Vec<_> = read_bytes("d", &dump, &ReadOptions::default()).collect();
        prop_assert_eq!(again.len(), 1);
        prop_assert_eq!(again[0].as_ref().unwrap(), &rec);
    }

    #[test]
    fn grouping_invariants(recs in proptest::collection::vec(
        (0u8..12, proptest::collection::vec(0u8..12, 0..4)), 1..24), seed in any::<u64>()) {
        // ids 0..6 are CVEs, 6..12 are other ids; record ids get a prefix.
        let name = |i: u8| if i < 6 { format!("CVE-2020-000{i}") } else { format!("GHSA-{i}") };
        let mut list: Vec<(String, Vec<String>)> = recs.iter().enumerate()
            .map(|(k, (id, al))| (if k % 3 == 0 { name(*id) } else { format!("R-{k}") }, al.iter().map(|&a| name(a)).collect()))
            .collect();
        // dedupe record ids (a re-added id replaces)
        let mut seen = HashSet::new();
        list.retain(|(id, _)| seen.insert(id.clone()));
        let mut pairs = HashSet::new();
        for (id, al) in &list {
            let mut c: Vec<&String> = std::iter::once(id).chain(al.iter()).filter(|x| is_cve(x)).collect();
            c.sort(); c.dedup();
            for i in 0..c.len() { for j in i + 1..c.len() { pairs.insert((c[i].clone(), c[j].clone())); } }
        }
        let mut g1 = Grouper::new();
        for (id, al) in &list { g1.add(id, al, &[], &[]); }
        for grp in g1.groups() {
            for i in 0..grp.cves.len() { for j in i + 1..grp.cves.len() {
                prop_assert!(pairs.contains(&(grp.cves[i].clone(), grp.cves[j].clone())), "{:?}", grp);
            }}
        }
        // A shuffled insertion order gives the same result.
        let mut shuffled = list.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut g2 = Grouper::new();
        for (id, al) in &shuffled { g2.add(id, al, &[], &[]); }
        prop_assert_eq!(g1.groups(), g2.groups());
        prop_assert_eq!(g1.conflicts(), g2.conflicts());
        // The key alone (group_key, group_keys) is the built group's key.
        let ids: Vec<String> = list.iter().flat_map(|(id, al)| std::iter::once(id.clone()).chain(al.iter().cloned())).chain(["NOT-KNOWN".to_string()]).collect();
        let batch = g1.group_keys(ids.iter().map(String::as_str));
        for (id, k) in ids.iter().zip(&batch) {
            let built = g1.group(id).map(|g| g.key);
            prop_assert_eq!(g1.group_key(id), built.clone(), "{}", id);
            prop_assert_eq!(k.clone(), built, "{}", id);
        }
    }
}
