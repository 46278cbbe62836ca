//! Password hashing with argon2id at the OWASP parameters (the crate's defaults:
//! m = 19456 KiB, t = 2, p = 1). Call these from the blocking pool only.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
}

/// A hash of a random password, verified against when the account is unknown or has
/// no password, so that the answer takes as long either way.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random = super::secrets::new_secret();
    hash(&random).unwrap_or_default()
});

/// True when `candidate` matches `stored`. Always does the full argon2 work.
pub fn verify(stored: Option<&str>, candidate: &str) -> bool {
    let known = stored.and_then(|s| PasswordHash::new(s).ok());
    match known {
        Some(parsed) => Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        None => {
            if let Ok(parsed) = PasswordHash::new(&DUMMY_HASH) {
                let _ = Argon2::default().verify_password(candidate.as_bytes(), &parsed);
            }
            false
        }
    }
}

/// Computes the dummy hash now rather than during the first unknown-user login.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_uses_argon2id_owasp_parameters() {
        let stored = hash("Trois-Chats-Verts!").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify(Some(&stored), "Trois-Chats-Verts!"));
        assert!(!verify(Some(&stored), "trois-chats-verts!"));
        assert!(!verify(None, "Trois-Chats-Verts!"));
        assert!(!verify(Some("not a hash"), "x"));
    }
}
