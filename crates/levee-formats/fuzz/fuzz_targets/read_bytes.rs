//! Every reader, every forced format, on arbitrary bytes: must not panic.
#![no_main]
use levee_formats::{export, read_bytes, read_stream, InputFormat, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [None].into_iter().chain(InputFormat::ALL.iter().copied().map(Some)) {
        let opts = ReadOptions { format, ..ReadOptions::default() };
        for r in read_bytes("fuzz", data, &opts).take(10_000) {
            if let Ok(rec) = r {
                let _ = export::to_json(&rec);
            }
        }
        let _ = read_stream("fuzz", data, &opts).take(10_000).count();
    }
});
