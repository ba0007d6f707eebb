//! Acceptance tests for `levee version compare|sort|check` (exit codes:
//! 0 ok / not affected, 1 affected, 2 error).

use std::io::Write;
use std::process::{Command, Stdio};

fn levee(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    if let Some(mut s) = child.stdin.take() {
        // A run refused before it reads stdin may close the pipe first.
        if let Err(e) = s.write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compare_prints_operator() {
    for (eco, a, b, want) in [
        ("npm", "1.0.0-alpha", "1.0.0", "<"),
        ("PyPI", "1.0", "1.0.0", "="),
        ("Debian:12", "1:1.0", "2.0", ">"),
        ("Alpine:v3.20", "1.2.3-r1", "1.2.3-r0", ">"),
        ("Maven", "1.0-SNAPSHOT", "1.0", "<"),
        ("PyPI", "-class.-jw.util.version.version-pre", "1.0", "<"),
    ] {
        let (code, out, err) = levee(&["version", "compare", eco, a, b], "");
        assert_eq!((code, out.trim()), (0, want), "{eco} {a} {b}: {err}");
    }
}

#[test]
fn invalid_arguments_exit_2_with_one_line() {
    for args in [
        &["version", "compare", "Nope", "1", "2"][..],
        &["version", "compare", "npm", "1.0.0", "not-a-version"][..],
        &["version", "compare", "Android", "1", "2"][..],
        &["version", "check", "npm", "1.0.0", ">=1.0.0 <"][..],
        &["version", "check", "npm", "1.0.0", "vers:pypi/<2"][..],
    ] {
        let (code, out, err) = levee(args, "");
        assert_eq!(code, 2, "{args:?}: {out} {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn sort_orders_and_reports_bad_lines() {
    let (code, out, err) = levee(
        &["version", "sort", "npm"],
        "1.10.0\n1.2.0\n1.2.0-rc.1\nv0.9.0\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "v0.9.0\n1.2.0-rc.1\n1.2.0\n1.10.0\n");
    let (code, out, err) = levee(&["version", "sort", "npm"], "2.0.0\nbad version\n1.0.0\n");
    assert_eq!(code, 2);
    assert_eq!(out, "1.0.0\n2.0.0\n");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn check_exit_codes() {
    for (eco, v, range, code_want, out_want) in [
        ("npm", "3.10.0-beta", "<3.11 || >=4 <4.5", 1, "affected"),
        ("npm", "4.5.0", "<3.11 || >=4 <4.5", 0, "not affected"),
        ("npm", "1.5.0", "vers:npm/>=1.0.0|<2.0.0", 1, "affected"),
        (
            "RubyGems",
            "4.2.5",
            "~> 4.2.5, >= 4.2.5.1",
            0,
            "not affected",
        ),
        (
            "Maven",
            "2.3.1",
            "[2.0,2.3.1],[2.4.0,2.12.2)",
            1,
            "affected",
        ),
        ("PyPI", "1.3.4", ">=1.0,!=1.3.*,<2", 0, "not affected"),
        (
            "Debian:12",
            "2:1.20.11-1",
            "2:1.20.11-1+deb11u6",
            1,
            "affected",
        ),
    ] {
        let (code, out, err) = levee(&["version", "check", eco, v, range], "");
        assert_eq!(
            (code, out.trim()),
            (code_want, out_want),
            "{eco} {v} {range}: {err}"
        );
    }
}
