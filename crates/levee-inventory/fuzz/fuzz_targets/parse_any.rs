//! `cargo fuzz run parse_any`: every format's parser on arbitrary bytes; the
//! first byte picks the format. Must never panic, hang or blow up memory.
#![no_main]
use libfuzzer_sys::fuzz_target;
use levee_inventory::{parse_with, Format, Limits};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let f = Format::ALL[usize::from(sel) % Format::ALL.len()];
    let limits = Limits { max_bytes: 1 << 20, ..Limits::default() };
    let _ = parse_with(f, "fuzz", rest, &limits);
});
