//! Grouping on arbitrary id lists: must not panic, and never joins two CVE
//! ids that no single record lists together.
#![no_main]
use levee_formats::{group::is_cve, Grouper};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;

fuzz_target!(|data: &[u8]| {
    let mut g = Grouper::new();
    let mut pairs = HashSet::new();
    for chunk in data.chunks(4) {
        let name = |b: u8| if b % 2 == 0 { format!("CVE-2020-{:04}", b % 16) } else { format!("X-{}", b % 16) };
        let Some((&id, rest)) = chunk.split_first() else { continue };
        let id = name(id);
        let aliases: Vec<String> = rest.iter().map(|&b| name(b)).collect();
        let mut c: Vec<&String> = std::iter::once(&id).chain(aliases.iter()).filter(|x| is_cve(x)).collect();
        c.sort();
        c.dedup();
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                pairs.insert((c[i].clone(), c[j].clone()));
            }
        }
        g.add(&id, &aliases, &[], &[]);
    }
    for grp in g.groups() {
        for i in 0..grp.cves.len() {
            for j in i + 1..grp.cves.len() {
                assert!(pairs.contains(&(grp.cves[i].clone(), grp.cves[j].clone())));
            }
        }
    }
});
