//! `levee audit verify|checkpoint`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use levee_store::audit::Checkpoint;

use crate::opts::{runtime, FileConfig, StorageArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Verify the audit chain. Exit 0 intact, 1 broken (naming the first
    /// bad entry), 2 error.
    Verify {
        #[command(flatten)]
        storage: StorageArgs,
        /// A checkpoint exported earlier (JSON); proves no truncation below it.
        #[arg(long, value_name = "FILE")]
        checkpoint: Vec<PathBuf>,
    },
    /// Retire the current signing key and create a new one (old public
    /// keys keep verifying earlier checkpoints and grants). Prints the new
    /// key id.
    RotateKey {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// List the signing public keys as a JWK Set.
    Keys {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Sign a checkpoint at the chain's head and print it as JSON (keep it
    /// somewhere the database's administrators cannot change).
    Checkpoint {
        #[command(flatten)]
        storage: StorageArgs,
    },
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Verify {
            storage,
            checkpoint,
        } => {
            let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
            let mut cps = Vec::new();
            for f in &checkpoint {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("reading {}", f.display()))?;
                let cp: Checkpoint = serde_json::from_str(&text)
                    .with_context(|| format!("{}: not a Levee checkpoint", f.display()))?;
                cps.push(cp);
            }
            runtime()?.block_on(async {
                let store = s.open().await?;
                match store.audit_verify(&cps).await? {
                    Ok(n) => {
                        println!("intact: {n} entries");
                        Ok(0)
                    }
                    Err(b) => {
                        println!("broken at entry {}: {}", b.seq, b.reason);
                        Ok(1)
                    }
                }
            })
        }
        Command::RotateKey { storage } => {
            let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
            runtime()?.block_on(async {
                let (store, _, master) = s.open_with_keys().await?;
                let kid = store.rotate_signing_key(&master).await?;
                let mut tx = store.write().await?;
                tx.audit(
                    "cli",
                    None,
                    "key.rotate",
                    &kid,
                    &serde_json::json!({"purpose": "signing"}),
                )
                .await?;
                tx.commit().await?;
                println!("{kid}");
                Ok(0)
            })
        }
        Command::Keys { storage } => {
            let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
            runtime()?.block_on(async {
                let store = s.open().await?;
                let keys: Vec<_> = store
                    .public_keys()
                    .await?
                    .into_iter()
                    .map(|k| {
                        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                            "kid": k.kid, "x": k.x, "retired": k.retired})
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "keys": keys }))?);
                Ok(0)
            })
        }
        Command::Checkpoint { storage } => {
            let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
            runtime()?.block_on(async {
                let (store, keys, _) = s.open_with_keys().await?;
                match store.audit_checkpoint(&keys.signer).await? {
                    Some(cp) => {
                        println!("{}", serde_json::to_string_pretty(&cp)?);
                        Ok(0)
                    }
                    None => anyhow::bail!("the audit log is empty"),
                }
            })
        }
    }
}
