//! The client of PayFiP, the treasury's payment web service: SOAP over HTTPS with
//! reqwest. A functional fault (a code such as P1 or P5) is an answer; a timeout, an
//! unreachable server, a technical fault or an unreadable answer means "try again
//! later", never a refusal.

pub mod soap;

use std::time::Duration;

pub use soap::{Message, NewPayment};

/// How long a call may take before it counts as "try again later".
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum PayFipError {
    /// The service refused: `code` (A2, R3, P1, P5, ...) and its label.
    #[error("PayFiP refused: {code} {label}")]
    Refused { code: String, label: String },
    #[error("PayFiP unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, Clone)]
pub struct PayFipClient {
    http: reqwest::Client,
    url: String,
}

impl PayFipClient {
    /// A client of the web service at `url` (its `.../tpa/services/securite`).
    pub fn new(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder().timeout(TIMEOUT).build()?,
            url: url.to_owned(),
        })
    }

    /// `creerPaiementSecurise`: the idop to send the family to.
    pub async fn create(&self, new: &NewPayment) -> Result<String, PayFipError> {
        let answer = self.call(soap::create_request(new)).await?;
        answer
            .get("idOp")
            .or_else(|| answer.get("idop"))
            .map(str::to_owned)
            .ok_or_else(|| PayFipError::Unavailable("an answer without idOp".into()))
    }

    /// `recupererDetailPaiementSecurise`: what the service knows of the payment.
    pub async fn details(&self, idop: &str) -> Result<Message, PayFipError> {
        self.call(soap::details_request(idop)).await
    }

    async fn call(&self, body: String) -> Result<Message, PayFipError> {
        let request = self
            .http
            .post(&self.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(body);
        let response = crate::telemetry::traces::send("PayFiP", request)
            .await
            .map_err(|e| PayFipError::Unavailable(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| PayFipError::Unavailable(e.to_string()))?;
        let message = soap::parse(&text).map_err(|e| {
            PayFipError::Unavailable(format!("HTTP {status}, unreadable answer: {e}"))
        })?;
        match &message.fault {
            Some(fault) if fault.contains("FonctionnelleErreur") => Err(PayFipError::Refused {
                code: message.get("code").unwrap_or_default().to_owned(),
                label: message.get("libelle").unwrap_or_default().to_owned(),
            }),
            Some(fault) => Err(PayFipError::Unavailable(format!("HTTP {status}: {fault}"))),
            None if !status.is_success() => Err(PayFipError::Unavailable(format!("HTTP {status}"))),
            None => Ok(message),
        }
    }
}
