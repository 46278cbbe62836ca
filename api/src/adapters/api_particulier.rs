//! The client of API Particulier's "Quotient familial CAF & MSA" (v3, by civil-status
//! identity): `GET /v3/dss/quotient_familial/identite`, a bearer token, the city's
//! SIRET as `recipient`. A 404 means no CAF or MSA file matches the identity; a 409
//! that several do; anything else that fails means "try again later", never a refusal.

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use domain::dossiers::{Allocataire, QuotientProvider};
use serde::Deserialize;

/// How long a call may take before it counts as "try again later".
const TIMEOUT: Duration = Duration::from_secs(10);

/// The allocataire (the guardian the CAF or MSA pays) as the service identifies them.
#[derive(Debug, Clone)]
pub struct Identity {
    pub birth_name: String,
    pub first_names: Vec<String>,
    /// `F` or `M` (sexeEtatCivil).
    pub sex: &'static str,
    pub birth_date: NaiveDate,
    /// The INSEE code of the birth country (`99100`: France).
    pub birth_country: String,
    /// The INSEE code of the birth commune, for people born in France.
    pub birth_commune: Option<String>,
}

/// The quotient the service found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundQuotient {
    pub value: i64,
    pub provider: QuotientProvider,
    /// `YYYY-MM`: the month the quotient is for.
    pub month: String,
    /// Who the CAF or MSA pays, to check they are the dossier's guardians.
    pub allocataires: Vec<Allocataire>,
}

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no CAF or MSA file matches the identity")]
    NotFound,
    #[error("several CAF or MSA files match the identity")]
    SeveralFound,
    #[error("API Particulier unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, Clone)]
pub struct ApiParticulierClient {
    http: reqwest::Client,
    url: String,
    token: String,
    recipient: String,
}

#[derive(Deserialize)]
struct Answer {
    data: AnswerData,
}

#[derive(Deserialize)]
struct AnswerData {
    #[serde(default)]
    allocataires: Vec<AnswerPerson>,
    quotient_familial: Option<AnswerQuotient>,
}

#[derive(Deserialize)]
struct AnswerPerson {
    nom_naissance: String,
    nom_usage: Option<String>,
    prenoms: String,
}

#[derive(Deserialize)]
struct AnswerQuotient {
    fournisseur: String,
    valeur: Option<i64>,
    annee: i32,
    mois: u32,
}

impl ApiParticulierClient {
    /// A client of the service at `url` (`https://particulier.api.gouv.fr`), calling
    /// with `token` on behalf of the city whose SIRET is `recipient`.
    pub fn new(url: &str, token: &str, recipient: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder().timeout(TIMEOUT).build()?,
            url: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            recipient: recipient.to_owned(),
        })
    }

    /// The latest quotient the CAF or MSA knows for the identity.
    pub async fn quotient(&self, who: &Identity) -> Result<FoundQuotient, LookupError> {
        let mut query: Vec<(&str, String)> = vec![
            ("recipient", self.recipient.clone()),
            ("nomNaissance", who.birth_name.clone()),
            ("sexeEtatCivil", who.sex.to_owned()),
            ("anneeDateNaissance", who.birth_date.year().to_string()),
            ("moisDateNaissance", who.birth_date.month().to_string()),
            ("jourDateNaissance", who.birth_date.day().to_string()),
            ("codeCogInseePaysNaissance", who.birth_country.clone()),
        ];
        query.extend(who.first_names.iter().map(|n| ("prenoms[]", n.clone())));
        if let Some(commune) = &who.birth_commune {
            query.push(("codeCogInseeCommuneNaissance", commune.clone()));
        }
        let mut url =
            reqwest::Url::parse(&format!("{}/v3/dss/quotient_familial/identite", self.url))
                .map_err(|e| LookupError::Unavailable(format!("API_PARTICULIER_URL: {e}")))?;
        url.query_pairs_mut().extend_pairs(&query);
        let request = self.http.get(url).bearer_auth(&self.token);
        let response = crate::telemetry::traces::send("API Particulier", request)
            .await
            .map_err(|e| LookupError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| LookupError::Unavailable(e.without_url().to_string()))?;
        match status.as_u16() {
            200 => {}
            404 => return Err(LookupError::NotFound),
            409 => return Err(LookupError::SeveralFound),
            _ => {
                return Err(LookupError::Unavailable(format!(
                    "HTTP {status}: {}",
                    text.chars().take(300).collect::<String>()
                )));
            }
        }
        let answer: Answer = serde_json::from_str(&text)
            .map_err(|e| LookupError::Unavailable(format!("unreadable answer: {e}")))?;
        let Some(quotient) = answer.data.quotient_familial else {
            return Err(LookupError::NotFound);
        };
        let Some(value) = quotient.valeur else {
            return Err(LookupError::NotFound);
        };
        let provider = match quotient.fournisseur.as_str() {
            "CNAF" | "CAF" => QuotientProvider::Caf,
            "MSA" => QuotientProvider::Msa,
            other => {
                return Err(LookupError::Unavailable(format!(
                    "unknown provider {other}"
                )));
            }
        };
        Ok(FoundQuotient {
            value,
            provider,
            month: format!("{:04}-{:02}", quotient.annee, quotient.mois),
            allocataires: answer
                .data
                .allocataires
                .into_iter()
                .map(|p| Allocataire {
                    birth_name: p.nom_naissance,
                    usage_name: p.nom_usage,
                    first_names: p.prenoms,
                })
                .collect(),
        })
    }
}
