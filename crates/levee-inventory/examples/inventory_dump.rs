//! Print what the parser finds in files: `inventory_dump [--format F] FILE...`.
//! A debugging aid (the crate itself does no IO).
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut format = None;
    if args.first().map(String::as_str) == Some("--format") && args.len() > 1 {
        format = args
            .get(1)
            .and_then(|f| f.parse::<levee_inventory::Format>().ok());
        args.drain(..2);
    }
    let verbose = std::env::var_os("VERBOSE").is_some();
    let mut code = ExitCode::SUCCESS;
    for path in args {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: cannot read");
            code = ExitCode::from(2);
            continue;
        };
        let r = match format {
            Some(f) => levee_inventory::parse_as(f, &path, &bytes),
            None => levee_inventory::parse(&path, &bytes),
        };
        match r {
            Ok(inv) => {
                println!(
                    "{path}\t{}\t{} components\t{} problems\t{} skipped",
                    inv.format,
                    inv.components.len(),
                    inv.problems.len(),
                    inv.skipped.len()
                );
                if verbose {
                    for c in &inv.components {
                        println!(
                            "  {}\t{}\t{}\t{}\t{:?}\t{}",
                            c.osv_ecosystem().unwrap_or_default(),
                            c.name,
                            c.version,
                            c.purl,
                            c.commit,
                            c.location
                        );
                    }
                    for p in inv.problems.iter().chain(&inv.skipped) {
                        println!("  ! {p}");
                    }
                }
            }
            Err(e) => {
                println!("{path}\tERROR {e}");
                code = ExitCode::from(1);
            }
        }
    }
    code
}
