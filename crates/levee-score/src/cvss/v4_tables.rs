//! CVSS v4.0 scoring tables, transcribed from FIRSTdotorg/cvss-v4-calculator
//! (`cvss_lookup.js`, `max_severity.js`, `max_composed.js`; BSD-2-Clause,
//! Copyright FIRST.ORG, Inc., Red Hat, and contributors). A test compares
//! them with `shared/data/cvss/cvss-v4-macrovector/cvss-v4-tables.json`.

/// Dimensions of the MacroVector (number of levels of EQ1..EQ6).
pub(crate) const DIMS: [u8; 6] = [3, 2, 3, 3, 3, 2];

/// Score in tenths of the highest-severity vector of each MacroVector,
/// indexed by the mixed-radix number EQ1..EQ6 (see [`DIMS`]); 255 marks a
/// MacroVector that cannot occur.
#[rustfmt::skip]
pub(crate) static LOOKUP: [u8; 324] = [
    100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68,
    98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48,
    255, 92, 255, 82, 255, 72, 255, 79, 255, 69, 255, 50, 255, 69, 255, 55, 255, 27,
    99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53,
    95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30,
    255, 86, 255, 75, 255, 52, 255, 71, 255, 52, 255, 29, 255, 63, 255, 29, 255, 17,
    98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49,
    94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25,
    255, 83, 255, 70, 255, 54, 255, 65, 255, 58, 255, 26, 255, 53, 255, 21, 255, 13,
    95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30,
    89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16,
    255, 71, 255, 59, 255, 30, 255, 58, 255, 26, 255, 15, 255, 23, 255, 13, 255, 6,
    93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22,
    85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8,
    255, 64, 255, 51, 255, 20, 255, 47, 255, 21, 255, 11, 255, 24, 255, 9, 255, 4,
    88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11,
    75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2,
    255, 53, 255, 24, 255, 14, 255, 24, 255, 12, 255, 5, 255, 10, 255, 3, 255, 1,
];

/// Maximal severity distance inside each EQ level (in steps of 0.1).
pub(crate) const MAX_SEVERITY_EQ1: [u8; 3] = [1, 4, 5];
pub(crate) const MAX_SEVERITY_EQ2: [u8; 2] = [1, 2];
/// Keyed by EQ3 level then EQ6 level; (2, 0) cannot occur.
pub(crate) const MAX_SEVERITY_EQ3EQ6: [[u8; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
pub(crate) const MAX_SEVERITY_EQ4: [u8; 3] = [6, 5, 4];
/// EQ5 distances are always 0; kept for the table comparison test.
#[cfg(test)]
pub(crate) const MAX_SEVERITY_EQ5: [u8; 3] = [1, 1, 1];

// Highest-severity metric combinations per EQ level, as severity levels in
// steps of 0.1 (AV N0 A1 L2 P3; PR N0 L1 H2; UI N0 P1 A2; AC L0 H1; AT N0 P1;
// VC/VI/VA H0 L1 N2; SC H1 L2 N3; SI/SA S0 H1 L2 N3; CR/IR/AR H0 M1 L2).

/// EQ1 levels: (AV, PR, UI).
pub(crate) static MAX_EQ1: [&[[u8; 3]]; 3] = [
    &[[0, 0, 0]],
    &[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    &[[3, 0, 0], [1, 1, 1]],
];
/// EQ2 levels: (AC, AT).
pub(crate) static MAX_EQ2: [&[[u8; 2]]; 2] = [&[[0, 0]], &[[1, 0], [0, 1]]];
/// EQ3 level, EQ6 level: (VC, VI, VA, CR, IR, AR).
pub(crate) static MAX_EQ3EQ6: [[&[[u8; 6]]; 2]; 3] = [
    [
        &[[0, 0, 0, 0, 0, 0]],
        &[[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
    ],
    [
        &[[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
        &[
            [1, 0, 1, 0, 1, 0],
            [1, 0, 0, 0, 1, 1],
            [0, 1, 0, 1, 0, 1],
            [0, 1, 1, 1, 0, 0],
            [1, 1, 0, 0, 0, 1],
        ],
    ],
    [&[], &[[1, 1, 1, 0, 0, 0]]],
];
/// EQ4 levels: (SC, SI, SA).
pub(crate) static MAX_EQ4: [&[[u8; 3]]; 3] = [&[[1, 0, 0]], &[[1, 1, 1]], &[[2, 2, 2]]];
/// EQ5 levels: E (A0 P1 U2).
#[cfg(test)]
pub(crate) static MAX_EQ5: [[u8; 1]; 3] = [[0], [1], [2]];

/// Index into [`LOOKUP`] of a MacroVector; `None` when a level is out of range.
pub(crate) fn lookup(mv: [u8; 6]) -> Option<u8> {
    let mut idx = 0usize;
    for (l, d) in mv.iter().zip(DIMS) {
        if *l >= d {
            return None;
        }
        idx = idx * usize::from(d) + usize::from(*l);
    }
    LOOKUP.get(idx).copied().filter(|&s| s != 255)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fmt_levels(names: &[&str], levels: &[u8]) -> String {
        let tables: &[(&str, &[&str])] = &[
            ("AV", &["N", "A", "L", "P"]),
            ("PR", &["N", "L", "H"]),
            ("UI", &["N", "P", "A"]),
            ("AC", &["L", "H"]),
            ("AT", &["N", "P"]),
            ("VC", &["H", "L", "N"]),
            ("VI", &["H", "L", "N"]),
            ("VA", &["H", "L", "N"]),
            ("SC", &["", "H", "L", "N"]),
            ("SI", &["S", "H", "L", "N"]),
            ("SA", &["S", "H", "L", "N"]),
            ("CR", &["H", "M", "L"]),
            ("IR", &["H", "M", "L"]),
            ("AR", &["H", "M", "L"]),
            ("E", &["A", "P", "U"]),
        ];
        let mut s = String::new();
        for (n, l) in names.iter().zip(levels) {
            let vals = tables.iter().find(|(m, _)| m == n).expect("metric").1;
            s.push_str(&format!("{n}:{}/", vals[usize::from(*l)]));
        }
        s
    }

    fn strs(v: &Value) -> Vec<String> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_str().expect("string").to_owned())
            .collect()
    }

    #[test]
    fn tables_match_shared_transcription() {
        let Some(p) = levee_testdata::shared_data("cvss/cvss-v4-macrovector/cvss-v4-tables.json")
        else {
            return;
        };
        let j: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        // lookup: every JSON entry present and equal, nothing extra
        let t = j["macrovector_lookup"]["table"].as_object().unwrap();
        assert_eq!(t.len(), 270);
        for (k, v) in t {
            let mv: Vec<u8> = k.bytes().map(|b| b - b'0').collect();
            let mv: [u8; 6] = mv.try_into().unwrap();
            let want = (v.as_f64().unwrap() * 10.0).round() as u8;
            assert_eq!(lookup(mv), Some(want), "macrovector {k}");
        }
        assert_eq!(LOOKUP.iter().filter(|&&x| x != 255).count(), 270);

        let ms = &j["max_severity"]["table"];
        for (i, v) in MAX_SEVERITY_EQ1.iter().enumerate() {
            assert_eq!(ms["eq1"][i.to_string()], u64::from(*v), "eq1 {i}");
        }
        for (i, v) in MAX_SEVERITY_EQ2.iter().enumerate() {
            assert_eq!(ms["eq2"][i.to_string()], u64::from(*v), "eq2 {i}");
        }
        for (i, v) in MAX_SEVERITY_EQ4.iter().enumerate() {
            assert_eq!(ms["eq4"][i.to_string()], u64::from(*v), "eq4 {i}");
        }
        for (i, v) in MAX_SEVERITY_EQ5.iter().enumerate() {
            assert_eq!(ms["eq5"][i.to_string()], u64::from(*v), "eq5 {i}");
        }
        let e36 = ms["eq3eq6"].as_object().unwrap();
        let mut n = 0;
        for (a, inner) in e36 {
            for (b, v) in inner.as_object().unwrap() {
                let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
                assert_eq!(v.as_u64().unwrap(), u64::from(MAX_SEVERITY_EQ3EQ6[a][b]));
                n += 1;
            }
        }
        assert_eq!(n, 5);

        let mc = &j["max_composed"]["table"];
        for (i, l) in MAX_EQ1.iter().enumerate() {
            let got: Vec<String> = l
                .iter()
                .map(|x| fmt_levels(&["AV", "PR", "UI"], x))
                .collect();
            assert_eq!(got, strs(&mc["eq1"][i.to_string()]));
        }
        for (i, l) in MAX_EQ2.iter().enumerate() {
            let got: Vec<String> = l.iter().map(|x| fmt_levels(&["AC", "AT"], x)).collect();
            assert_eq!(got, strs(&mc["eq2"][i.to_string()]));
        }
        for (i, l) in MAX_EQ4.iter().enumerate() {
            let got: Vec<String> = l
                .iter()
                .map(|x| fmt_levels(&["SC", "SI", "SA"], x))
                .collect();
            assert_eq!(got, strs(&mc["eq4"][i.to_string()]));
        }
        for (i, l) in MAX_EQ5.iter().enumerate() {
            assert_eq!(vec![fmt_levels(&["E"], l)], strs(&mc["eq5"][i.to_string()]));
        }
        let names = ["VC", "VI", "VA", "CR", "IR", "AR"];
        let mut n = 0;
        for (a, inner) in mc["eq3"].as_object().unwrap() {
            for (b, v) in inner.as_object().unwrap() {
                let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
                let got: Vec<String> = MAX_EQ3EQ6[a][b]
                    .iter()
                    .map(|x| fmt_levels(&names, x))
                    .collect();
                assert_eq!(got, strs(v), "eq3 {a} eq6 {b}");
                n += 1;
            }
        }
        assert_eq!(n, 5);
        assert!(MAX_EQ3EQ6[2][0].is_empty());
    }
}
