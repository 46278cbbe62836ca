//! A receiver of webhooks: a real HTTP server recording what it is sent, which a test
//! can make fail a number of times first.

use std::sync::{Arc, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    /// Whether the signature is the Standard Webhooks one for `secret`.
    pub fn signed_with(&self, secret: &str) -> bool {
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature == expected
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Debug, Default)]
struct Log {
    received: Vec<Received>,
    /// Requests still to answer 500.
    failures_left: usize,
}

#[derive(Debug)]
pub struct WebhookReceiver {
    pub url: String,
    log: Arc<Mutex<Log>>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(req: HttpRequest, body: String, log: web::Data<Arc<Mutex<Log>>>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut log = log.lock().unwrap();
    log.received.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    if log.failures_left > 0 {
        log.failures_left -= 1;
        HttpResponse::InternalServerError().body("down for maintenance")
    } else {
        HttpResponse::NoContent().finish()
    }
}

impl WebhookReceiver {
    pub async fn start() -> Self {
        let log = Arc::new(Mutex::new(Log::default()));
        let data = web::Data::new(log.clone());
        let (base, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/hooks", web::post().to(receive));
        });
        Self {
            url: format!("{base}/hooks"),
            log,
            handle,
        }
    }

    /// Answers the next `n` requests with a 500.
    pub fn fail_next(&self, n: usize) {
        self.log.lock().unwrap().failures_left = n;
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }

    /// Waits (up to 5 s) until `n` requests have arrived, and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("{n} webhook requests expected, got {:?}", self.received());
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}
