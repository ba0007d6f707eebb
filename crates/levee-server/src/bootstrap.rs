//! First start: create the platform administrator, the clearinghouse's own
//! coordinator org, and a bootstrap token.

use levee_model::{Capability, CapabilitySet, OrgRole};
use levee_store::identity::{new_token_secret, NewOrg};
use levee_store::Store;
use serde_json::json;

/// What the first start created.
#[derive(Debug)]
pub struct Bootstrapped {
    pub user_id: String,
    pub org_id: String,
    /// The token secret: printed once, stored only as a hash.
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("LEVEE_BOOTSTRAP_TOKEN must be at least 32 characters of visible ASCII")]
    WeakToken,
    #[error(transparent)]
    Store(#[from] levee_store::StoreError),
}

/// Create the first administrator if there are no users yet. `preset` (from
/// `LEVEE_BOOTSTRAP_TOKEN`) fixes the token for automation.
pub async fn bootstrap(
    store: &Store,
    preset: Option<&str>,
) -> Result<Option<Bootstrapped>, BootstrapError> {
    if let Some(p) = preset {
        if p.len() < 32 || p.len() > 256 || !p.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(BootstrapError::WeakToken);
        }
    }
    let mut tx = store.write().await?;
    // Checked inside the write transaction: two processes starting
    // together bootstrap once.
    let users = tx.user_count().await?;
    if users > 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let user = tx.insert_user(Some("admin"), None, true).await?;
    let org = tx
        .insert_org(&NewOrg {
            name: "Clearinghouse".into(),
            capabilities: CapabilitySet::new([Capability::Coordinator])
                .map_err(|e| levee_store::StoreError::Corrupt(e.to_string()))?,
            sector: None,
            size: None,
            rural: false,
            contacts: json!([]),
        })
        .await?;
    tx.upsert_membership(&user.id, &org.id, OrgRole::Admin)
        .await?;
    let token = preset.map_or_else(new_token_secret, str::to_string);
    let info = tx
        .insert_token(
            &user.id,
            None,
            "bootstrap",
            &token,
            &["read".into(), "write".into()],
            None,
        )
        .await?;
    tx.audit(
        &user.id,
        Some(&org.id),
        "bootstrap",
        &user.id,
        &json!({"org": org.id, "token": info.id}),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Bootstrapped {
        user_id: user.id,
        org_id: org.id,
        token,
    }))
}
