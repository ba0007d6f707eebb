//! Secret keys, stored encrypted under a master key.
//!
//! The master key (32 bytes) is given by file or environment and never
//! stored in the database. Keys kept in the `keys` table: the audit HMAC key,
//! Ed25519 signing keys (audit checkpoints, grants, results) and webhook
//! secrets. Each secret is sealed with ChaCha20-Poly1305 (random nonce,
//! the key id and purpose as associated data). Signing keys rotate: the old
//! key is retired (no longer signs) but its public key still verifies.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::Row;

use crate::{Result, Store, StoreError, WriteTx};

pub const PURPOSE_AUDIT: &str = "audit-hmac";
pub const PURPOSE_SIGNING: &str = "signing-ed25519";
pub const PURPOSE_WEBHOOK: &str = "webhook-secret";
/// Seals small secrets kept in rows (TOTP seeds, webhook secrets).
pub const PURPOSE_DATA: &str = "data-seal";

/// The key-encryption key. `Debug` never shows it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        MasterKey(k)
    }

    /// 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).ok()
        } else {
            base64::engine::general_purpose::STANDARD.decode(t).ok()
        };
        match bytes {
            Some(b) if b.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&b);
                Ok(MasterKey(k))
            }
            _ => Err(StoreError::Conflict(
                "a master key is 32 bytes, as 64 hex digits or base64".into(),
            )),
        }
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Read `path`, or create it (mode 0600) with a new key if absent.
    pub fn load_or_create(path: &std::path::Path) -> Result<Self, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(t) => MasterKey::parse(&t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let k = MasterKey::generate();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                use std::io::Write;
                let mut f = opts.open(path)?;
                f.write_all(k.to_hex().as_bytes())?;
                f.sync_all()?;
                Ok(k)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn check_value(&self) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        m.update(b"levee-master-key-check");
        hex::encode(m.finalize().into_bytes())
    }

    fn seal(&self, kid: &str, purpose: &str, secret: &[u8]) -> Vec<u8> {
        let cipher = ChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = format!("{kid}|{purpose}");
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: aad.as_bytes(),
                },
            )
            .expect("encryption of a small buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend(ct);
        out
    }

    fn open(&self, kid: &str, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 12 {
            return Err(StoreError::Corrupt(format!("key {kid} is truncated")));
        }
        let (nonce, ct) = sealed.split_at(12);
        let cipher = ChaCha20Poly1305::new((&self.0).into());
        let aad = format!("{kid}|{purpose}");
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| {
                StoreError::Corrupt(format!("key {kid} does not decrypt under this master key"))
            })
    }
}

/// A signing key and its id.
#[derive(Clone)]
pub struct Signer {
    pub kid: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct PublicKeyInfo {
    pub kid: String,
    /// Raw Ed25519 public key, base64url without padding (as in a JWK `x`).
    pub x: String,
    pub retired: bool,
}

/// The keys a process needs, decrypted once at start-up.
#[derive(Clone)]
pub struct Keyring {
    pub audit_key: [u8; 32],
    pub signer: Signer,
    data_key: MasterKey,
}

impl Keyring {
    /// Seal a small secret for storage in a row; `context` (e.g. the user
    /// id) is bound as associated data, so a sealed value cannot be moved
    /// to another row.
    pub fn seal(&self, context: &str, secret: &[u8]) -> Vec<u8> {
        self.data_key.seal(context, PURPOSE_DATA, secret)
    }

    /// Open what [`Keyring::seal`] sealed for the same `context`.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        self.data_key.open(context, PURPOSE_DATA, sealed)
    }
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("signer", &self.signer.kid)
            .finish_non_exhaustive()
    }
}

pub fn b64url(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn verifying_key_from_b64(x: &str) -> Option<VerifyingKey> {
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(x.trim())
        .ok()?;
    let arr: [u8; 32] = b.try_into().ok()?;
    VerifyingKey::from_bytes(&arr).ok()
}

async fn insert_key(
    tx: &mut WriteTx,
    master: &MasterKey,
    purpose: &str,
    secret: &[u8],
    public: Option<&[u8]>,
) -> Result<String> {
    let kid = crate::new_id(match purpose {
        PURPOSE_SIGNING => "sig_",
        PURPOSE_AUDIT => "aud_",
        _ => "key_",
    });
    let sealed = master.seal(&kid, purpose, secret);
    sqlx::query("INSERT INTO keys (kid, purpose, public, secret_enc, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&kid)
        .bind(purpose)
        .bind(public.map(<[u8]>::to_vec))
        .bind(sealed)
        .bind(tx.now().micros())
        .execute(tx.conn())
        .await?;
    tx.change(
        "key",
        &kid,
        "create",
        &serde_json::json!({ "purpose": purpose }),
    )
    .await?;
    Ok(kid)
}

impl Store {
    /// Load (creating on first use) the audit key and the current signing
    /// key. Refuses a master key other than the one the database was set up
    /// with.
    pub async fn load_keyring(&self, master: &MasterKey) -> Result<Keyring> {
        let mut tx = self.write().await?;
        let check: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'master_key_check'")
                .fetch_optional(tx.conn())
                .await?;
        match check {
            Some(c) if c != master.check_value() => {
                return Err(StoreError::Conflict(
                    "the master key does not match the one this database was created with".into(),
                ))
            }
            Some(_) => {}
            None => {
                tx.meta_set("master_key_check", &master.check_value())
                    .await?
            }
        }
        let audit = match current(&mut tx, PURPOSE_AUDIT).await? {
            Some((kid, sealed)) => master.open(&kid, PURPOSE_AUDIT, &sealed)?,
            None => {
                let mut k = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut k);
                insert_key(&mut tx, master, PURPOSE_AUDIT, &k, None).await?;
                k.to_vec()
            }
        };
        let data = match current(&mut tx, PURPOSE_DATA).await? {
            Some((kid, sealed)) => master.open(&kid, PURPOSE_DATA, &sealed)?,
            None => {
                let mut k = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut k);
                insert_key(&mut tx, master, PURPOSE_DATA, &k, None).await?;
                k.to_vec()
            }
        };
        let data_key: [u8; 32] = data
            .try_into()
            .map_err(|_| StoreError::Corrupt("data key has a bad length".into()))?;
        let signer = match current(&mut tx, PURPOSE_SIGNING).await? {
            Some((kid, sealed)) => {
                let raw = master.open(&kid, PURPOSE_SIGNING, &sealed)?;
                let arr: [u8; 32] = raw.try_into().map_err(|_| {
                    StoreError::Corrupt(format!("signing key {kid} has a bad length"))
                })?;
                Signer {
                    kid,
                    key: SigningKey::from_bytes(&arr),
                }
            }
            None => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                let kid = insert_key(
                    &mut tx,
                    master,
                    PURPOSE_SIGNING,
                    &key.to_bytes(),
                    Some(key.verifying_key().as_bytes()),
                )
                .await?;
                Signer { kid, key }
            }
        };
        tx.commit().await?;
        let audit_key: [u8; 32] = audit
            .try_into()
            .map_err(|_| StoreError::Corrupt("audit key has a bad length".into()))?;
        self.set_audit_key(audit_key);
        Ok(Keyring {
            audit_key,
            signer,
            data_key: MasterKey(data_key),
        })
    }

    /// Retire the current signing key and create a new one. Old public keys
    /// keep verifying.
    pub async fn rotate_signing_key(&self, master: &MasterKey) -> Result<String> {
        let mut tx = self.write().await?;
        let now = tx.now().micros();
        sqlx::query("UPDATE keys SET retired_at = $1 WHERE purpose = $2 AND retired_at IS NULL")
            .bind(now)
            .bind(PURPOSE_SIGNING)
            .execute(tx.conn())
            .await?;
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let kid = insert_key(
            &mut tx,
            master,
            PURPOSE_SIGNING,
            &key.to_bytes(),
            Some(key.verifying_key().as_bytes()),
        )
        .await?;
        tx.commit().await?;
        Ok(kid)
    }

    /// Every signing public key, current and retired.
    pub async fn public_keys(&self) -> Result<Vec<PublicKeyInfo>> {
        let rows = sqlx::query(
            "SELECT kid, public, retired_at FROM keys WHERE purpose = $1 ORDER BY created_at, kid",
        )
        .bind(PURPOSE_SIGNING)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let public: Option<Vec<u8>> = r.try_get("public")?;
                Ok(PublicKeyInfo {
                    kid: r.try_get("kid")?,
                    x: b64url(&public.unwrap_or_default()),
                    retired: r.try_get::<Option<i64>, _>("retired_at")?.is_some(),
                })
            })
            .collect()
    }

    pub async fn public_key(&self, kid: &str) -> Result<Option<VerifyingKey>> {
        Ok(self
            .public_keys()
            .await?
            .into_iter()
            .find(|k| k.kid == kid)
            .and_then(|k| verifying_key_from_b64(&k.x)))
    }
}

async fn current(tx: &mut WriteTx, purpose: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT kid, secret_enc FROM keys WHERE purpose = $1 AND retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .bind(purpose)
    .fetch_optional(tx.conn())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn master_key_parse_and_seal() {
        let k = MasterKey::generate();
        let again = MasterKey::parse(&k.to_hex()).unwrap();
        let sealed = k.seal("kid1", "p", b"secret");
        assert_eq!(again.open("kid1", "p", &sealed).unwrap(), b"secret");
        assert!(
            again.open("kid2", "p", &sealed).is_err(),
            "aad binds the key id"
        );
        assert!(MasterKey::generate().open("kid1", "p", &sealed).is_err());
        assert!(MasterKey::parse("short").is_err());
        assert_eq!(format!("{k:?}"), "MasterKey(***)");
    }
}
