#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks a forced format (or detection).
    let (sel, rest) = match data.split_first() {
        Some((s, r)) => (*s as usize, r),
        None => return,
    };
    let format = levee_feeds::FeedFormat::ALL.get(sel % (levee_feeds::FeedFormat::ALL.len() + 1)).copied();
    for item in levee_feeds::read("fuzz", rest, format) {
        if let Err(e) = item {
            assert!(levee_feeds::FeedClass::of(&e).is_some());
        }
    }
});
