//! Compact JWS with EdDSA (RFC 7515 + RFC 8037), implemented directly on
//! `ed25519-dalek`: grant tokens and the signed revocation list.
//!
//! Only `alg: "EdDSA"` (Ed25519) is accepted; the header must carry a
//! `kid`, which selects the verifying key. Signatures are checked with
//! `verify_strict` (no small-order keys or malleable signatures).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{json, Value};

/// Why a compact JWS was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// Not three base64url segments with a JSON header and payload.
    #[error("not a compact JWS: {0}")]
    Malformed(&'static str),
    #[error("unsupported algorithm {0:?} (only EdDSA is accepted)")]
    Algorithm(String),
    #[error("the header has no kid")]
    NoKid,
    #[error("no public key with kid {0:?}")]
    UnknownKid(String),
    #[error("the signature does not verify")]
    BadSignature,
}

/// A verifying key, optionally named by its `kid`. A key without a kid
/// verifies tokens of any kid (a single key given on the command line).
#[derive(Clone, Debug)]
pub struct PublicKey {
    pub kid: Option<String>,
    pub key: VerifyingKey,
}

/// Sign `payload` as a compact JWS with `kid` and `typ`.
pub fn sign(key: &SigningKey, kid: &str, typ: &str, payload: &Value) -> String {
    let header = json!({"alg": "EdDSA", "kid": kid, "typ": typ});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
}

/// A decoded, verified JWS.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub header: Value,
    pub payload: Value,
    pub kid: String,
}

/// Split and decode without checking the signature. Used to tell a
/// malformed token (an error) from a forged one (bad signature).
pub fn decode_unverified(token: &str) -> Result<(Value, Value, Vec<u8>), JwsError> {
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed("expected three dot-separated segments"));
    };
    let dec = |seg: &str, what: &'static str| {
        URL_SAFE_NO_PAD
            .decode(seg)
            .map_err(|_| JwsError::Malformed(what))
    };
    let header: Value = serde_json::from_slice(&dec(h, "header is not base64url")?)
        .map_err(|_| JwsError::Malformed("header is not JSON"))?;
    if !header.is_object() {
        return Err(JwsError::Malformed("header is not a JSON object"));
    }
    let payload_bytes = dec(p, "payload is not base64url")?;
    let sig = dec(s, "signature is not base64url")?;
    // A payload that is not JSON is reported after the signature check: a
    // forged token must read "bad signature", not "malformed".
    let payload = serde_json::from_slice(&payload_bytes).unwrap_or(Value::Null);
    Ok((header, payload, sig))
}

/// Verify a compact JWS against a key set.
pub fn verify(token: &str, keys: &[PublicKey]) -> Result<Verified, JwsError> {
    let token = token.trim();
    let (header, payload, sig) = decode_unverified(token)?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "EdDSA" {
        return Err(JwsError::Algorithm(alg.chars().take(20).collect()));
    }
    if header.get("crit").is_some() {
        return Err(JwsError::Malformed(
            "critical header parameters are not supported",
        ));
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(JwsError::NoKid)?
        .to_string();
    let key = keys
        .iter()
        .find(|k| k.kid.as_deref() == Some(kid.as_str()))
        .or_else(|| keys.iter().find(|k| k.kid.is_none()))
        .ok_or_else(|| JwsError::UnknownKid(kid.chars().take(80).collect()))?;
    let sig: [u8; 64] = sig.try_into().map_err(|_| JwsError::BadSignature)?;
    let input_len = token.rfind('.').unwrap_or(0);
    let input = token.get(..input_len).unwrap_or("");
    key.key
        .verify_strict(input.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| JwsError::BadSignature)?;
    if !payload.is_object() {
        return Err(JwsError::Malformed("payload is not a JSON object"));
    }
    Ok(Verified {
        header,
        payload,
        kid,
    })
}

/// Why a public-key file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("public key: {0}")]
pub struct KeyError(pub String);

fn jwk(v: &Value, at: &str) -> Result<PublicKey, KeyError> {
    let field = |f: &str| v.get(f).and_then(Value::as_str);
    if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
        return Err(KeyError(format!(
            "{at}: not an Ed25519 JWK (kty OKP, crv Ed25519)"
        )));
    }
    let x = field("x").ok_or_else(|| KeyError(format!("{at}: no \"x\"")))?;
    Ok(PublicKey {
        kid: field("kid").map(str::to_string),
        key: raw_key(x).map_err(|e| KeyError(format!("{at}: {}", e.0)))?,
    })
}

fn raw_key(x: &str) -> Result<VerifyingKey, KeyError> {
    let b = URL_SAFE_NO_PAD
        .decode(x.trim())
        .map_err(|_| KeyError("\"x\" is not base64url".into()))?;
    let arr: [u8; 32] = b
        .try_into()
        .map_err(|_| KeyError("an Ed25519 public key is 32 bytes".into()))?;
    VerifyingKey::from_bytes(&arr).map_err(|_| KeyError("not a valid Ed25519 point".into()))
}

/// Read public keys from a JWK Set (`{"keys": [...]}`, as served at
/// `/api/v1/audit/keys`), a single JWK, or a bare base64url key.
pub fn parse_public_keys(text: &str) -> Result<Vec<PublicKey>, KeyError> {
    let t = text.trim();
    if t.starts_with('{') {
        let v: Value = serde_json::from_str(t).map_err(|e| KeyError(format!("not JSON: {e}")))?;
        if let Some(list) = v.get("keys") {
            let list = list
                .as_array()
                .ok_or_else(|| KeyError("\"keys\" is not an array".into()))?;
            let keys = list
                .iter()
                .enumerate()
                .map(|(i, k)| jwk(k, &format!("keys[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            if keys.is_empty() {
                return Err(KeyError("the key set is empty".into()));
            }
            return Ok(keys);
        }
        return Ok(vec![jwk(&v, "$")?]);
    }
    Ok(vec![PublicKey {
        kid: None,
        key: raw_key(t)?,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn rfc8037_test_vector() {
        // RFC 8037 appendix A.4: Ed25519 signing of "Example of Ed25519 signing".
        let d = URL_SAFE_NO_PAD
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap();
        let sk = SigningKey::from_bytes(&d.try_into().unwrap());
        assert_eq!(
            URL_SAFE_NO_PAD.encode(sk.verifying_key().as_bytes()),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
        let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        let sig = sk.sign(input.as_bytes());
        assert_eq!(
            URL_SAFE_NO_PAD.encode(sig.to_bytes()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = key(7);
        let keys = vec![PublicKey {
            kid: Some("k1".into()),
            key: k.verifying_key(),
        }];
        let t = sign(&k, "k1", "JWT", &json!({"a": 1}));
        let v = verify(&t, &keys).unwrap();
        assert_eq!(v.payload["a"], 1);
        assert_eq!(v.kid, "k1");
        // Wrong key, unknown kid, tampered payload, alg none, malformed.
        let other = vec![PublicKey {
            kid: Some("k1".into()),
            key: key(8).verifying_key(),
        }];
        assert_eq!(verify(&t, &other), Err(JwsError::BadSignature));
        let t2 = sign(&k, "k2", "JWT", &json!({}));
        assert!(matches!(verify(&t2, &keys), Err(JwsError::UnknownKid(_))));
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(r#"{"a":2}"#),
            parts[2]
        );
        assert_eq!(verify(&forged, &keys), Err(JwsError::BadSignature));
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k1"}"#),
            parts[1]
        );
        assert!(matches!(verify(&none, &keys), Err(JwsError::Algorithm(_))));
        assert!(matches!(verify("a.b", &keys), Err(JwsError::Malformed(_))));
        assert!(matches!(
            verify("!!.b.c", &keys),
            Err(JwsError::Malformed(_))
        ));
    }

    #[test]
    fn key_files() {
        let k = key(3);
        let x = URL_SAFE_NO_PAD.encode(k.verifying_key().as_bytes());
        let set = format!(r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"a","x":"{x}"}}]}}"#);
        assert_eq!(
            parse_public_keys(&set).unwrap()[0].kid.as_deref(),
            Some("a")
        );
        assert!(parse_public_keys(&x).unwrap()[0].kid.is_none());
        assert!(parse_public_keys("{\"keys\":[]}").is_err());
        assert!(parse_public_keys("not a key").is_err());
        assert!(parse_public_keys(r#"{"kty":"RSA"}"#).is_err());
    }
}
