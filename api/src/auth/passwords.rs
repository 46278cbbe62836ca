//! Password hashing with argon2id at the OWASP parameters (the crate's defaults:
//! m = 19456 KiB, t = 2, p = 1), stored as PHC strings.
//!
//! The work runs on a few dedicated threads, one per core, fed by a queue, each
//! with its own 19 MiB of argon2 memory allocated once: a burst of logins waits its
//! turn there instead of taking every core, and resident memory stays flat (letting
//! argon2 allocate per hash grew it by 170 MB in 5 s of logins). Callers block
//! until their result is ready: call these from the blocking pool, and hold no
//! database connection meanwhile.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};

enum Job {
    Hash(String, Sender<anyhow::Result<String>>),
    Verify(Option<String>, String, Sender<bool>),
}

/// The queue of the hashing threads, started on first use.
static QUEUE: LazyLock<Mutex<Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for index in 0..std::thread::available_parallelism().map_or(2, usize::from) {
        let receiver = receiver.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{index}"))
            .spawn(move || work(&receiver));
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start a password hashing thread");
        }
    }
    Mutex::new(sender)
});

/// A hash of a random password, verified against when the account is unknown or has
/// no password, so that the answer takes as long either way.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

/// A hashing thread idle this long gives its memory back.
const IDLE_RELEASE: Duration = Duration::from_secs(3);

fn work(receiver: &Mutex<Receiver<Job>>) {
    let mut hasher = Hasher::default();
    loop {
        let job = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv_timeout(IDLE_RELEASE);
        match job {
            Err(RecvTimeoutError::Timeout) => hasher.release(),
            Ok(Job::Hash(password, reply)) => {
                let _ = reply.send(hasher.hash(&password));
            }
            Ok(Job::Verify(stored, candidate, reply)) => {
                let matches = match stored {
                    Some(stored) => hasher.verify(&stored, &candidate),
                    None => {
                        let dummy = DUMMY_HASH.get_or_init(|| {
                            hasher
                                .hash(&super::secrets::new_secret())
                                .unwrap_or_default()
                        });
                        let dummy = dummy.clone();
                        hasher.verify(&dummy, &candidate);
                        false
                    }
                };
                let _ = reply.send(matches);
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Argon2 with its memory, allocated at the first hash and reused for the next
/// ones until the thread is idle.
#[derive(Default)]
struct Hasher {
    blocks: Vec<Block>,
}

impl Hasher {
    fn release(&mut self) {
        self.blocks = Vec::new();
    }

    fn compute(
        &mut self,
        argon2: &Argon2<'_>,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> argon2::Result<()> {
        let count = params.block_count();
        if self.blocks.len() < count {
            // A stored hash made with more memory than today's parameters.
            self.blocks.resize(count, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut self.blocks[..count])
    }

    fn hash(&mut self, password: &str) -> anyhow::Result<String> {
        let params = Params::DEFAULT;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no random salt: {e}"))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        self.compute(&argon2, &params, password.as_bytes(), &salt, &mut out)
            .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
        let phc = PasswordHash {
            algorithm: ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("{e}"))?,
            salt: Some(Salt::new(&salt).map_err(|e| anyhow::anyhow!("{e}"))?),
            hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))?),
        };
        Ok(phc.to_string())
    }

    /// Recomputes with the stored hash's own algorithm, version and parameters, and
    /// compares in constant time (`Output`'s equality).
    fn verify(&mut self, stored: &str, candidate: &str) -> bool {
        let Ok(phc) = PasswordHash::new(stored) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::new(phc.algorithm.as_str()),
            Params::try_from(&phc),
        ) else {
            return false;
        };
        let version = phc
            .version
            .map_or(Ok(Version::default()), Version::try_from);
        let Ok(version) = version else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        self.compute(
            &argon2,
            &params,
            candidate.as_bytes(),
            salt.as_ref(),
            &mut out,
        )
        .is_ok()
            && Output::new(&out).is_ok_and(|computed| &computed == expected)
    }
}

fn submit(job: Job) -> anyhow::Result<()> {
    QUEUE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(job)
        .map_err(|_| anyhow::anyhow!("the password hashing threads are gone"))
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let (reply, result) = mpsc::channel();
    submit(Job::Hash(password.to_owned(), reply))?;
    result
        .recv()
        .map_err(|_| anyhow::anyhow!("a password hashing thread died"))?
}

/// True when `candidate` matches `stored`. Always does the full argon2 work, also
/// for an unknown account (against a dummy hash), so both take as long.
pub fn verify(stored: Option<&str>, candidate: &str) -> bool {
    let (reply, result) = mpsc::channel();
    let submitted = submit(Job::Verify(
        stored.map(str::to_owned),
        candidate.to_owned(),
        reply,
    ));
    submitted.is_ok() && result.recv().unwrap_or(false)
}

/// Starts the hashing threads and makes the dummy hash now, rather than during the
/// first login of an unknown account.
pub fn warm_up() {
    verify(None, "warm-up");
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
