//! `levee scan`: the scan of `levee-scan` (the crate, which also builds the
//! standalone `levee-scan` binary), plus the local knowledge base as the
//! advisory source when no `--advisories` path is given.

use anyhow::Result;
use levee_formats::{Limits, Record};
use levee_match::{compile, MatchIndex};
use levee_scan::{Loaded, Progress};

use crate::opts::{FileConfig, StorageArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub scan: levee_scan::ScanArgs,
    #[command(flatten)]
    pub storage: StorageArgs,
}

pub fn run(a: Args) -> Result<u8> {
    let storage = a.storage;
    levee_scan::run(
        "levee",
        a.scan,
        Some(&mut |prog| from_store(&storage, prog)),
    )
}

/// Load every record of the local knowledge base.
pub fn from_store(storage: &StorageArgs, prog: &mut Progress) -> Result<Loaded> {
    let file = FileConfig::load(storage.config.as_deref())?;
    let st = storage.resolve(&file);
    if st.database_url.is_none() && !st.data_dir.join("levee.db").exists() {
        anyhow::bail!(
            "no advisories: {} holds no knowledge base; pass --advisories PATH, \
             or --data-dir / --database-url of an installation with imported advisories",
            st.data_dir.display()
        );
    }
    let rt = crate::opts::runtime()?;
    let limits = Limits::default();
    rt.block_on(async {
        let store = st.open().await?;
        let total = usize::try_from(store.kb_count().await?).unwrap_or(0);
        let mut index = MatchIndex::new();
        let mut problems = Vec::new();
        let mut unread = 0;
        let mut after = String::new();
        let mut n = 0usize;
        loop {
            let page = store.kb_records_page(&after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            for sr in &page {
                match Record::from_json(&sr.json, &limits) {
                    Ok(rec) => {
                        let c = compile(&rec);
                        problems.extend(c.problems.iter().map(|p| p.to_string()));
                        index.insert(c);
                    }
                    Err(e) => {
                        problems.push(format!("{}: {e}", sr.id));
                        unread += 1;
                    }
                }
            }
            n += page.len();
            prog.update(n, total);
        }
        Ok(Loaded {
            indexes: vec![index],
            skipped_dirs: 0,
            sources: vec![st.describe()],
            problems,
            unread,
        })
    })
}
