//! Acceptance tests for `levee crash`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const ASAN: &str = "=================================================================
==42==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000031 at pc 0x4f1 bp 0x7ffd sp 0x7ffc
READ of size 4 at 0x602000000031 thread T0
    #0 0x4f1 in png::Reader::row(int) /src/png/reader.cc:120:7
    #1 0x4f2 in png::Reader::decode() /src/png/reader.cc:80:3
    #2 0x4f3 in png::Decode(unsigned char const*, unsigned long) /src/png/api.cc:12:10
    #3 0x4f4 in LLVMFuzzerTestOneInput /src/fuzz/png_fuzzer.cc:5:1
SUMMARY: AddressSanitizer: heap-buffer-overflow /src/png/reader.cc:120:7 in png::Reader::row(int)
";

const ASAN_OTHER_CALLER: &str = "==7==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000099 at pc 0x1 bp 0x2 sp 0x3
READ of size 4 at 0x602000000099 thread T0
    #0 0x1 in png::Reader::row(int) /src/png/reader.cc:120:7
    #1 0x2 in png::Reader::decode() /src/png/reader.cc:80:3
    #2 0x3 in png::DecodeStream(Stream*) /src/png/api.cc:40:10
";

const UAF: &str = "==7==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000099 at pc 0x1 bp 0x2 sp 0x3
WRITE of size 8 at 0x602000000099 thread T0
    #0 0x1 in gif::Frame::free() /src/gif/frame.cc:20:7
    #1 0x2 in gif::Decode() /src/gif/api.cc:8:3
";

const TIMEOUT: &str = "INFO: Seed: 1
==9== ERROR: libFuzzer: timeout after 25 seconds
    #0 0x5 in __sanitizer_print_stack_trace
    #1 0x6 in fuzzer::Fuzzer::AlarmCallback()
    #2 0x7 in slow_loop /src/slow.c:3:1
SUMMARY: libFuzzer: timeout
";

fn levee(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("levee runs");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            // A run refused before it reads stdin (a bad setting) may exit
            // first: its answer is in the output, not in the pipe.
            if let Err(e) = input.write_all(s.as_bytes()) {
                assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
            }
        }
    }
    child.wait_with_output().expect("levee finishes")
}

fn log_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write log");
    p.to_string_lossy().into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn parse_asan_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = log_file(&dir, "asan.txt", ASAN);
    let out = levee(&["crash", "parse", &f, "--format", "json"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["crash_type"], "Heap-buffer-overflow\nREAD 4");
    assert_eq!(v["crash_address"], "0x602000000031");
    assert_eq!(
        v["crash_state"],
        "png::Reader::row\npng::Reader::decode\npng::Decode\n"
    );
    assert_eq!(v["security"], true);
    let frames = v["frames"].as_array().expect("frames array");
    assert_eq!(
        frames.len(),
        4,
        "LLVMFuzzerTestOneInput becomes the fuzzer file"
    );
    assert_eq!(frames[3], "png_fuzzer.cc");
}

#[test]
fn parse_text_from_stdin() {
    let out = levee(&["crash", "parse", "-"], Some(ASAN));
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("crash_type:    Heap-buffer-overflow"), "{s}");
    assert!(s.contains("png::Reader::decode"), "{s}");
}

#[test]
fn no_crash_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = log_file(
        &dir,
        "clean.txt",
        "INFO: Seed: 1\nDone 1000 runs in 2 second(s)\n",
    );
    let out = levee(&["crash", "parse", &f, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["crash_type"], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no crash"));
}

#[test]
fn env_settings_change_the_analysis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = log_file(&dir, "timeout.txt", TIMEOUT);
    // By default timeouts are not reported.
    let out = levee(&["crash", "parse", &f, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = levee(
        &[
            "crash",
            "parse",
            &f,
            "--env",
            "REPORT_OOMS_AND_HANGS=True",
            "--env",
            "FUZZ_TARGET=slow_fuzzer",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["crash_type"], "Timeout");
    assert_eq!(v["crash_state"], "slow_fuzzer\n");
    assert_eq!(v["security"], false);
}

#[test]
fn bad_env_and_missing_file_are_errors() {
    let out = levee(&["crash", "parse", "-", "--env", "NOEQUALS"], Some(ASAN));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEY=VALUE"));
    let out = levee(&["crash", "parse", "/nonexistent/levee/crash.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    // Standard input can be read once: `-` for both logs is refused.
    let out = levee(&["crash", "compare", "-", "-"], Some(ASAN));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only one"));
}

#[test]
fn compare_near_exact_different() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = log_file(&dir, "a.txt", ASAN);
    let b = log_file(&dir, "b.txt", ASAN_OTHER_CALLER);
    let c = log_file(&dir, "c.txt", UAF);
    let out = levee(&["crash", "compare", &a, &a], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "exact");
    let out = levee(&["crash", "compare", &a, &b, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["similarity"], "near");
    assert_eq!(v["same_bug"], true);
    let out = levee(&["crash", "compare", &a, &c], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "different");
}
