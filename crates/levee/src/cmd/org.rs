//! `levee org …` and `levee token …`: administration on local storage.
//! Writes are audited with the actor `cli`.

use anyhow::{Context, Result};
use levee_model::{Capability, CapabilitySet, OrgRole, Sector};
use levee_store::identity::{new_token_secret, NewOrg};
use serde_json::json;

use crate::opts::{runtime, FileConfig, StorageArgs};

const ACTOR: &str = "cli";

#[derive(clap::Subcommand, Debug)]
pub enum OrgCommand {
    /// List organizations as JSON lines.
    List {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Create an organization.
    Create {
        name: String,
        /// Comma-separated: finder,vendor,operator,model_developer,evaluator,coordinator,government
        #[arg(long, value_delimiter = ',', required = true)]
        capabilities: Vec<String>,
        #[arg(long)]
        sector: Option<String>,
        #[arg(long)]
        rural: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Add a member (creating the user) with a role: admin, member, read_only.
    AddMember {
        org_id: String,
        email: String,
        #[arg(long, default_value = "member")]
        role: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Erase a person's data (name, email, password, second factor),
    /// revoke their tokens and end their sessions. The audit chain, which
    /// refers to users by pseudonymous id only, stays intact.
    Erase {
        user_id: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

pub fn user(c: UserCommand) -> Result<u8> {
    let UserCommand::Erase { user_id, storage } = c;
    runtime()?.block_on(async {
        let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
        let (store, _, _) = s.open_with_keys().await?;
        let mut tx = store.write().await?;
        tx.erase_user(&user_id)
            .await
            .with_context(|| format!("user {user_id}"))?;
        tx.audit(ACTOR, None, "user.erase", &user_id, &json!({}))
            .await?;
        tx.commit().await?;
        eprintln!("levee: erased the personal data of {user_id}");
        Ok(0)
    })
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token for a user in an org; prints the secret once.
    Create {
        org_id: String,
        user_id: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long, default_value = "read,write", value_delimiter = ',')]
        scopes: Vec<String>,
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Revoke a token by id.
    Revoke {
        token_id: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

pub fn org(c: OrgCommand) -> Result<u8> {
    runtime()?.block_on(async {
        match c {
            OrgCommand::List { storage } => {
                let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
                let store = s.open().await?;
                for o in store.orgs().await? {
                    println!("{}", serde_json::to_string(&o)?);
                }
                Ok(0)
            }
            OrgCommand::Create {
                name,
                capabilities,
                sector,
                rural,
                storage,
            } => {
                let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
                let caps: Vec<Capability> = capabilities
                    .iter()
                    .map(|c| c.trim().parse())
                    .collect::<Result<_, _>>()?;
                let caps = CapabilitySet::new(caps)?;
                let sector = sector.map(|x| x.parse::<Sector>()).transpose()?;
                anyhow::ensure!(
                    caps.contains(Capability::Operator) == sector.is_some(),
                    "--sector is required for operators and only for them"
                );
                let (store, _, _) = s.open_with_keys().await?;
                let mut tx = store.write().await?;
                let o = tx
                    .insert_org(&NewOrg {
                        name,
                        capabilities: caps,
                        sector: sector.map(|x| x.as_str().to_string()),
                        size: None,
                        rural,
                        contacts: json!([]),
                    })
                    .await?;
                tx.audit(
                    ACTOR,
                    Some(&o.id),
                    "org.create",
                    &o.id,
                    &json!({"name": o.name}),
                )
                .await?;
                tx.commit().await?;
                println!("{}", serde_json::to_string(&o)?);
                Ok(0)
            }
            OrgCommand::AddMember {
                org_id,
                email,
                role,
                storage,
            } => {
                let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
                let role: OrgRole = role.parse()?;
                let (store, _, _) = s.open_with_keys().await?;
                store
                    .org(&org_id)
                    .await
                    .with_context(|| format!("organization {org_id}"))?;
                let mut tx = store.write().await?;
                let u = match tx.user_by_email(&email).await? {
                    Some(u) => u,
                    None => tx.insert_user(None, Some(&email), false).await?,
                };
                tx.upsert_membership(&u.id, &org_id, role).await?;
                tx.audit(
                    ACTOR,
                    Some(&org_id),
                    "member.set",
                    &u.id,
                    &json!({"role": role}),
                )
                .await?;
                tx.commit().await?;
                println!(
                    "{}",
                    json!({"user_id": u.id, "org_id": org_id, "role": role})
                );
                Ok(0)
            }
        }
    })
}

pub fn token(c: TokenCommand) -> Result<u8> {
    runtime()?.block_on(async {
        match c {
            TokenCommand::Create {
                org_id,
                user_id,
                name,
                scopes,
                days,
                storage,
            } => {
                let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
                anyhow::ensure!((1..=366).contains(&days), "--days must be 1..=366");
                anyhow::ensure!(
                    !scopes.is_empty() && scopes.iter().all(|x| x == "read" || x == "write"),
                    "--scopes is a subset of read,write"
                );
                let (store, _, _) = s.open_with_keys().await?;
                let m = store.memberships_of_user(&user_id).await?;
                anyhow::ensure!(
                    m.iter().any(|m| m.org_id == org_id),
                    "user {user_id} is not a member of {org_id}"
                );
                let mut tx = store.write().await?;
                let secret = new_token_secret();
                let exp = tx.now().plus_secs(days * 86_400);
                let t = tx
                    .insert_token(&user_id, Some(&org_id), &name, &secret, &scopes, Some(exp))
                    .await?;
                tx.audit(
                    ACTOR,
                    Some(&org_id),
                    "token.create",
                    &t.id,
                    &json!({"name": name}),
                )
                .await?;
                tx.commit().await?;
                eprintln!("levee: token {} created; the secret is shown once:", t.id);
                println!("{secret}");
                Ok(0)
            }
            TokenCommand::Revoke { token_id, storage } => {
                let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
                let (store, _, _) = s.open_with_keys().await?;
                let t = store
                    .token(&token_id)
                    .await
                    .with_context(|| format!("token {token_id}"))?;
                let mut tx = store.write().await?;
                tx.revoke_token(&t.id).await?;
                tx.audit(
                    ACTOR,
                    t.org_id.as_deref(),
                    "token.revoke",
                    &t.id,
                    &json!({}),
                )
                .await?;
                tx.commit().await?;
                eprintln!("levee: token {} revoked", t.id);
                Ok(0)
            }
        }
    })
}
