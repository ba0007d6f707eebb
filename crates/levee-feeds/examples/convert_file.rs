//! Convert a feed file and print warnings/rejections (for inspection):
//! `cargo run -p levee-feeds --example convert_file -- FILE [CODE]`
//! prints every record warning with CODE (all codes when omitted) and every
//! rejection, then a summary.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: convert_file FILE [WARNING_CODE]");
        std::process::exit(2);
    };
    let code = args.next();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let (mut ok, mut bad) = (0u64, 0u64);
    for r in levee_feeds::read(&path, &bytes, None) {
        match r {
            Ok(rec) => {
                ok += 1;
                for w in rec
                    .warnings
                    .iter()
                    .filter(|w| code.as_deref().is_none_or(|c| c == w.code))
                {
                    println!("{}\t{}\t{}\t{}", rec.id, w.code, w.path, w.message);
                }
            }
            Err(e) => {
                bad += 1;
                println!("REJECTED\t{e}");
            }
        }
    }
    eprintln!("{ok} records, {bad} rejections");
}
