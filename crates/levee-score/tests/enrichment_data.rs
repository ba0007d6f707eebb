//! The enrichment parsers over the real files in `shared/data`. Counts are
//! derived from the files themselves (lines, declared counts), not hard-coded
//! alone.

use std::collections::HashMap;

use levee_score::cwe::CweCsv;
use levee_score::epss::{self, EpssFormat};
use levee_score::kev::{KevCsv, KevJson, RansomwareUse};
use levee_score::ssvc::{
    self, Automatable, CisaDecision, Exploitation, MissionWellBeing, TechnicalImpact,
};
use levee_score::{CweId, Date};

fn read(rel: &str) -> Option<Vec<u8>> {
    levee_testdata::shared_data(rel).map(|p| std::fs::read(p).expect("read shared data"))
}

#[test]
fn kev_json_and_csv_agree() {
    let (Some(json), Some(csv)) = (
        read("cisa-kev/known_exploited_vulnerabilities.json"),
        read("cisa-kev/known_exploited_vulnerabilities.csv"),
    ) else {
        return;
    };
    let cat = KevJson::parse(&json).expect("catalogue parses");
    let from_json: Vec<_> = cat
        .entries()
        .collect::<Result<_, _>>()
        .expect("no bad JSON entry");
    assert_eq!(from_json.len() as u64, cat.count, "declared count");
    assert_eq!(from_json.len(), 1404);
    assert_eq!(cat.catalog_version, "2025.08.25");

    let from_csv: Vec<_> = KevCsv::new(&csv)
        .expect("header")
        .collect::<Result<_, _>>()
        .expect("no bad CSV row");
    assert_eq!(from_csv.len(), from_json.len());
    for (a, b) in from_json.iter().zip(&from_csv) {
        assert_eq!(a, b, "JSON and CSV differ for {}", a.cve_id);
    }

    let log4shell = from_json
        .iter()
        .find(|e| e.cve_id.as_str() == "CVE-2021-44228")
        .expect("Log4Shell is in KEV");
    assert_eq!(log4shell.date_added, Date::new(2021, 12, 10).unwrap());
    assert_eq!(
        log4shell.known_ransomware_campaign_use,
        RansomwareUse::Known
    );
    assert_eq!(log4shell.cwes, vec![CweId(20), CweId(400), CweId(502)]);
    // ransomware use counted independently in the raw text
    let raw = String::from_utf8_lossy(&json);
    let known_raw = raw
        .matches("\"knownRansomwareCampaignUse\": \"Known\"")
        .count();
    let known = from_json
        .iter()
        .filter(|e| e.known_ransomware_campaign_use == RansomwareUse::Known)
        .count();
    assert_eq!(known, known_raw);
    assert!(known > 0);
}

#[test]
fn epss_plain_snapshot() {
    let Some(bytes) = read("epss/emba-epss-snapshot-2026-08-16.scsv") else {
        return;
    };
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let day = Date::find_in("emba-epss-snapshot-2026-08-16.scsv");
    let feed = epss::parse(&bytes, day).expect("parses");
    assert_eq!(feed.meta().format, EpssFormat::Semicolon);
    let mut n = 0;
    let mut log4shell = None;
    for r in feed {
        let s = r.unwrap_or_else(|e| panic!("bad row: {e}"));
        assert_eq!(s.date, day);
        if s.cve.as_str() == "CVE-2021-44228" {
            log4shell = Some(s);
        }
        n += 1;
    }
    assert_eq!(n, lines);
    assert_eq!(n, 360_142);
    let l = log4shell.expect("Log4Shell scored");
    assert!(l.epss.get() > 0.9 && l.percentile.get() > 0.99);
}

#[test]
fn epss_bad_rows_do_not_abort() {
    let Some(bytes) = read("epss/emba-epss-snapshot-2026-08-16.scsv") else {
        return;
    };
    // take the first 1000 lines, damage two of them
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<String> = text.lines().take(1000).map(str::to_owned).collect();
    lines[9] = "CVE-1999-XXXX;0.1;0.2".into();
    lines[99] = lines[99].replace(';', ",;");
    let damaged = lines.join("\n");
    let out: Vec<_> = epss::parse(damaged.as_bytes(), None).unwrap().collect();
    assert_eq!(out.len(), 1000);
    let bad: Vec<u64> = out
        .iter()
        .filter_map(|r| r.as_ref().err())
        .filter_map(|e| e.line)
        .collect();
    assert_eq!(bad, vec![10, 100]);
}

#[test]
fn cwe_exports() {
    // record counts as SOURCES.md gives them; cross-checked with the CSV
    for (file, count) in [
        ("1000.csv", 938),
        ("1003.csv", 130),
        ("2000.csv", 963),
        ("699.csv", 399),
    ] {
        let Some(bytes) = read(&format!("cwe/{file}")) else {
            return;
        };
        let entries: Vec<_> = CweCsv::new(&bytes)
            .expect("header")
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(entries.len(), count, "{file}");
        let ids: HashMap<CweId, &str> = entries.iter().map(|e| (e.id, e.name.as_str())).collect();
        assert_eq!(ids.len(), count, "{file}: duplicate ids");
        if file == "2000.csv" {
            assert_eq!(ids.get(&CweId(79)).copied(), Some("Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"));
            assert_eq!(ids.get(&CweId(917)).copied(), Some("Improper Neutralization of Special Elements used in an Expression Language Statement ('Expression Language Injection')"));
        }
    }
}

#[test]
fn kev_cwes_are_named_by_the_dictionary() {
    let (Some(json), Some(cwe)) = (
        read("cisa-kev/known_exploited_vulnerabilities.json"),
        read("cwe/2000.csv"),
    ) else {
        return;
    };
    let names: HashMap<CweId, String> = CweCsv::new(&cwe)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| (e.id, e.name))
        .collect();
    let cat = KevJson::parse(&json).unwrap();
    let (mut known, mut total) = (0, 0);
    for e in cat.entries().filter_map(Result::ok) {
        for c in e.cwes {
            total += 1;
            known += usize::from(names.contains_key(&c));
        }
    }
    // categories/views (e.g. CWE-16, CWE-264) are not weaknesses; most are
    assert!(total > 1000 && known * 100 / total >= 95, "{known}/{total}");
}

#[test]
fn ssvc_in_vulnrichment_records() {
    let Some(bytes) = read("cve-json5/vulnrichment-cve5.jsonl") else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    let (mut records, mut with_ssvc, mut assessments) = (0, 0, 0);
    let mut expl: HashMap<Exploitation, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        records += 1;
        let all = ssvc::from_cve_record(line.as_bytes())
            .unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        with_ssvc += usize::from(!all.is_empty());
        for a in all {
            let a = a.unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
            assessments += 1;
            assert!(
                a.exploitation.is_some() && a.automatable.is_some() && a.technical_impact.is_some()
            );
            assert_eq!(a.role.as_deref(), Some("CISA Coordinator"));
            assert!(a.id.as_deref().is_some_and(|id| id.starts_with("CVE-")));
            *expl.entry(a.exploitation.unwrap()).or_default() += 1;
        }
    }
    assert_eq!(records, 5313);
    // counted independently: lines containing an ssvc `other`
    let raw = text
        .lines()
        .filter(|l| l.contains("\"type\":\"ssvc\""))
        .count();
    assert_eq!(with_ssvc, raw);
    assert_eq!(assessments, 5302);
    // values occur in several spellings (`poc`, `PoC`); all are typed
    assert_eq!(expl.values().sum::<usize>(), assessments);
    assert!(expl[&Exploitation::Active] > 100);
}

#[test]
fn cisa_coordinator_table_matches_csv() {
    let Some(bytes) = read("ssvc/csv/cisa/cisa_coordinator_2_0_3.csv") else {
        return;
    };
    let text = String::from_utf8(bytes).unwrap();
    let mut n = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (e, a, ti, m, want): (
            Exploitation,
            Automatable,
            TechnicalImpact,
            MissionWellBeing,
            CisaDecision,
        ) = (
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].parse().unwrap(),
        );
        assert_eq!(ssvc::cisa_coordinator(e, a, ti, m), want, "{line}");
        n += 1;
    }
    assert_eq!(n, 36);
}
