//! Reader behaviour on small fixtures written here: format detection, one bad
//! record never aborting, locations, and bombs refused cleanly.

use std::io::Write;

use levee_formats::{
    read_bytes, read_stream, InputFormat, Limits, ReadOptions, Record, Rejection, RejectionClass,
};

const A: &str = r#"{"id":"A-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"]}"#;
const B: &str = r#"{"id":"B-1","modified":"2024-02-01T00:00:00Z"}"#;

fn split(v: Vec<Result<Record, Rejection>>) -> (Vec<Record>, Vec<Rejection>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for r in v {
        match r {
            Ok(x) => ok.push(x),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

fn read(bytes: &[u8]) -> (Option<InputFormat>, Vec<Record>, Vec<Rejection>) {
    let recs = read_bytes("in", bytes, &ReadOptions::default());
    let f = recs.format();
    let (ok, bad) = split(recs.collect());
    (f, ok, bad)
}

#[test]
fn jsonl_bad_line_does_not_abort() {
    let input = format!("{A}\n{{not json\n\n{B}\n{{\"id\":\"C\"}}\n");
    let (f, ok, bad) = read(input.as_bytes());
    assert_eq!(f, Some(InputFormat::Jsonl));
    assert_eq!(
        ok.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["A-1", "B-1"]
    );
    assert_eq!(bad.len(), 2);
    assert_eq!(bad[0].class, RejectionClass::Syntax);
    assert_eq!(bad[0].location.line, Some(2));
    assert_eq!(bad[1].class, RejectionClass::MissingModified);
    assert_eq!(bad[1].location.line, Some(5));
    assert_eq!(bad[1].id.as_deref(), Some("C"));
    // The stream reader agrees.
    let s: Vec<_> = read_stream("in", input.as_bytes(), &ReadOptions::default()).collect();
    let (ok2, bad2) = split(s);
    assert_eq!(ok2, ok);
    assert_eq!(bad2, bad);
}

#[test]
fn single_pretty_json_array_and_yaml() {
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(A).unwrap())
            .unwrap();
    let (f, ok, bad) = read(pretty.as_bytes());
    assert_eq!((f, ok.len(), bad.len()), (Some(InputFormat::Json), 1, 0));
    let s: Vec<_> = read_stream("in", pretty.as_bytes(), &ReadOptions::default()).collect();
    assert_eq!(s.len(), 1);
    assert!(s[0].is_ok());

    let arr = format!("[\n{A},\n{B},\n 5\n]");
    let (f, ok, bad) = read(arr.as_bytes());
    assert_eq!((f, ok.len()), (Some(InputFormat::JsonArray), 2));
    assert_eq!(bad[0].class, RejectionClass::NotAnObject);
    assert_eq!(bad[0].location.line, Some(4));

    let yaml = "id: PYSEC-2021-1\nmodified: 2021-07-21T14:00:00Z\naffected:\n- package:\n    ecosystem: PyPI\n    name: x\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n";
    let (f, ok, bad) = read(yaml.as_bytes());
    assert_eq!(f, Some(InputFormat::Yaml));
    assert!(bad.is_empty(), "{bad:?}");
    let ev = &ok[0].affected[0].ranges[0].events;
    assert_eq!(ev[0].version(), "0");
    assert_eq!(ev[1].version(), "1.10");
}

#[test]
fn yaml_bombs_and_depth() {
    let bomb = "id: X\nmodified: 2021-07-21T14:00:00Z\na: &a [x, x, x, x, x, x, x, x]\nb: [*a, *a, *a, *a]\n";
    let (_, ok, bad) = read(bomb.as_bytes());
    assert!(ok.is_empty());
    assert_eq!(bad[0].class, RejectionClass::YamlAlias);
    let deep = format!(
        "id: X\nmodified: 2021-07-21T14:00:00Z\nx: {}1{}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let (_, _, bad) = read(deep.as_bytes());
    assert_eq!(bad[0].class, RejectionClass::TooDeep, "{}", bad[0]);
}

#[test]
fn deep_json_and_long_strings() {
    let deep = format!(
        "{{\"id\":\"X\",\"modified\":\"2024-01-01T00:00:00Z\",\"x\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_, ok, bad) = read(deep.as_bytes());
    assert!(ok.is_empty());
    assert_eq!(bad[0].class, RejectionClass::TooDeep);
    let lim = ReadOptions {
        limits: Limits {
            max_string_bytes: 10,
            ..Limits::default()
        },
        format: None,
    };
    let recs: Vec<_> = read_bytes("in", A.as_bytes(), &lim).collect();
    assert_eq!(
        recs[0].as_ref().unwrap_err().class,
        RejectionClass::StringTooLong
    );
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zw.start_file(*name, opt).unwrap();
        zw.write_all(data).unwrap();
    }
    zw.finish().unwrap().into_inner()
}

#[test]
fn zip_entries_and_bombs() {
    let zeros = vec![b' '; 8 << 20];
    let inner = zip_of(&[("x.json", A.as_bytes())]);
    let z = zip_of(&[
        ("A-1.json", A.as_bytes()),
        ("../evil.json", B.as_bytes()),
        ("/abs.json", B.as_bytes()),
        ("dir/B-1.yaml", b"id: B-1\nmodified: 2024-02-01T00:00:00Z\n"),
        ("README.txt", b"ignored"),
        ("bomb.json", &zeros),
        ("nested.zip.json", &inner),
        ("bad.json", b"{\"id\":"),
    ]);
    let (f, ok, bad) = read(&z);
    assert_eq!(f, Some(InputFormat::Zip));
    assert_eq!(
        ok.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["A-1", "B-1"]
    );
    let classes: Vec<_> = bad
        .iter()
        .map(|r| (r.location.entry.clone().unwrap_or_default(), r.class))
        .collect();
    assert_eq!(
        classes,
        [
            (
                "../evil.json".to_string(),
                RejectionClass::ArchiveUnsafePath
            ),
            ("/abs.json".to_string(), RejectionClass::ArchiveUnsafePath),
            ("bomb.json".to_string(), RejectionClass::ArchiveRatio),
            (
                "nested.zip.json".to_string(),
                RejectionClass::ArchiveUnsupported
            ),
            ("bad.json".to_string(), RejectionClass::Syntax),
        ]
    );
    // Entry and total caps.
    let small = ReadOptions {
        limits: Limits {
            max_entry_bytes: 10,
            ..Limits::default()
        },
        format: None,
    };
    let r: Vec<_> = read_bytes("z", &z, &small)
        .filter_map(Result::err)
        .map(|e| e.class)
        .collect();
    assert!(r.contains(&RejectionClass::ArchiveEntryTooLarge));
    let total = ReadOptions {
        limits: Limits {
            max_archive_total_bytes: 100,
            ..Limits::default()
        },
        format: None,
    };
    let r: Vec<_> = read_bytes("z", &z, &total).collect();
    assert!(r.iter().any(|x| x
        .as_ref()
        .is_err_and(|e| e.class == RejectionClass::ArchiveTooLarge)));
    // Truncated / corrupt archive.
    let (_, ok, bad) = read(&z[..z.len() / 2]);
    assert!(ok.is_empty());
    assert_eq!(bad[0].class, RejectionClass::ArchiveCorrupt);
}

#[test]
fn unknown_and_encoding() {
    let (f, ok, bad) = read(b"\x00\x01binary");
    assert_eq!((f, ok.len()), (None, 0));
    assert_eq!(bad[0].class, RejectionClass::UnknownFormat);
    let mut latin1 = A.as_bytes().to_vec();
    latin1.extend_from_slice(b"\n{\"id\":\"\xff\"}\n");
    let (_, ok, bad) = read(&latin1);
    assert_eq!(ok.len(), 1);
    assert_eq!(bad[0].class, RejectionClass::Encoding);
}

#[test]
fn rustsec_markdown_inputs() {
    let md = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"foo\"\ndate = \"2099-01-01\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n```\n\n# Foo is broken\n\nDetails.\n";
    let (f, ok, _) = read(md.as_bytes());
    assert_eq!(f, Some(InputFormat::RustsecMarkdown));
    assert_eq!(ok[0].id, "RUSTSEC-2099-0001");
    let wrapped = format!(
        "{}\n{}\n",
        serde_json::json!({"path": "crates/foo/RUSTSEC-2099-0001.md", "text": md}),
        serde_json::json!({"path": "crates/foo/RUSTSEC-2099-0002.md", "text": "nope"})
    );
    let (f, ok, bad) = read(wrapped.as_bytes());
    assert_eq!(f, Some(InputFormat::RustsecMarkdownJsonl));
    assert_eq!(ok.len(), 1);
    assert_eq!(bad[0].class, RejectionClass::RustsecFrontMatter);
    assert_eq!(
        bad[0].location.entry.as_deref(),
        Some("crates/foo/RUSTSEC-2099-0002.md")
    );
}
