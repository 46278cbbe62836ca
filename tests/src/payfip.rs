//! A fake PayFiP: a real HTTP server speaking the SOAP messages of the treasury's
//! service (`creerPaiementSecurise`, `recupererDetailPaiementSecurise`, its faults),
//! whose payments a test ends as a person on PayFiP's page would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{HttpResponse, web};
use quick_xml::Reader;
use quick_xml::events::Event;

const NAMESPACE: &str = "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService";

/// A payment created at the fake: the fields it was created with, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct FakePayment {
    pub fields: HashMap<String, String>,
    /// `resultrans` once the person paid or gave up; `None`: "not known yet" (P5).
    pub result: Option<String>,
    /// What `recupererDetailPaiementSecurise` answers instead of the created amount.
    pub reported_amount: Option<String>,
}

#[derive(Debug, Default)]
struct Ledger {
    payments: HashMap<String, FakePayment>,
    /// Every operation called, in order.
    calls: Vec<String>,
    /// Answer every call with a technical fault (an outage).
    down: bool,
    /// Refuse every payment to create with a functional fault.
    refusing: bool,
    /// How long each answer takes (the service's real latency).
    latency: std::time::Duration,
}

pub struct FakePayFip {
    pub url: String,
    ledger: Arc<Mutex<Ledger>>,
    handle: actix_web::dev::ServerHandle,
}

impl FakePayFip {
    pub async fn start() -> Self {
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let data = web::Data::new(ledger.clone());
        let (base, handle) = crate::local_server::start_local(move |app| {
            app.app_data(data.clone())
                .route("/tpa/services/securite", web::post().to(soap));
        });
        Self {
            url: format!("{base}/tpa/services/securite"),
            ledger,
            handle,
        }
    }

    /// The person on PayFiP's page: `P` paid, `R` refused, `A` abandoned.
    pub fn end(&self, idop: &str, resultrans: &str) {
        let mut ledger = self.ledger.lock().unwrap();
        ledger
            .payments
            .get_mut(idop)
            .expect("a payment created at the fake")
            .result = Some(resultrans.to_owned());
    }

    /// Makes the fake report another amount for the payment than it was created with.
    pub fn misreport_amount(&self, idop: &str, montant: &str) {
        let mut ledger = self.ledger.lock().unwrap();
        ledger.payments.get_mut(idop).unwrap().reported_amount = Some(montant.to_owned());
    }

    pub fn payment(&self, idop: &str) -> FakePayment {
        self.ledger.lock().unwrap().payments[idop].clone()
    }

    pub fn calls(&self) -> Vec<String> {
        self.ledger.lock().unwrap().calls.clone()
    }

    /// Makes every answer take `latency`, as the real service over the internet does.
    pub fn set_latency(&self, latency: std::time::Duration) {
        self.ledger.lock().unwrap().latency = latency;
    }

    pub fn set_down(&self, down: bool) {
        self.ledger.lock().unwrap().down = down;
    }

    /// Makes `creerPaiementSecurise` refuse every payment (a functional fault, as for
    /// a client number the service no longer takes payments for), or take them again.
    pub fn set_refusing(&self, refusing: bool) {
        self.ledger.lock().unwrap().refusing = refusing;
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

impl std::fmt::Debug for FakePayFip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePayFip")
            .field("url", &self.url)
            .finish()
    }
}

/// The operation named in the body and the fields of its `arg0`.
fn read(xml: &str) -> (String, HashMap<String, String>) {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut operation = String::new();
    let mut fields = HashMap::new();
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.last().is_some_and(|p| p == "Body") {
                    operation = name.clone();
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if path.last().is_some_and(|p| p == "arg0") {
                    fields.insert(name, std::mem::take(&mut text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (operation, fields)
}

fn envelope(body: &str) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body>{body}</S:Body></S:Envelope>"
    )
}

fn answer(operation: &str, fields: &[(&str, &str)]) -> HttpResponse {
    let inner: String = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("<{k}>{v}</{k}>"))
        .collect();
    HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(envelope(&format!(
        "<ns2:{operation}Response xmlns:ns2=\"{NAMESPACE}\"><return>{inner}</return></ns2:{operation}Response>"
    )))
}

fn fault(kind: &str, code: &str, label: &str) -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/xml; charset=utf-8")
        .body(envelope(&format!(
            "<S:Fault xmlns:ns4=\"http://www.w3.org/2003/05/soap-envelope\"><faultcode>S:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.{kind}</faultstring><detail><ns2:{kind} xmlns:ns2=\"{NAMESPACE}\"><code>{code}</code><descriptif/><libelle>{label}</libelle><severite>2</severite></ns2:{kind}></detail></S:Fault>"
        )))
}

async fn soap(ledger: web::Data<Arc<Mutex<Ledger>>>, body: String) -> HttpResponse {
    let latency = ledger.lock().unwrap().latency;
    tokio::time::sleep(latency).await;
    let (operation, fields) = read(&body);
    let mut ledger = ledger.lock().unwrap();
    ledger.calls.push(operation.clone());
    if ledger.down {
        return fault("TechIndisponibiliteErreur", "T1", "Service indisponible.");
    }
    match operation.as_str() {
        "creerPaiementSecurise" => {
            if ledger.refusing {
                return fault(
                    "FonctionnelleErreur",
                    "N1",
                    "Le client n'est pas autorisé à utiliser le service.",
                );
            }
            let refdet = fields.get("refdet").cloned().unwrap_or_default();
            if refdet.len() < 6 || !refdet.chars().all(|c| c.is_ascii_alphanumeric()) {
                return fault(
                    "FonctionnelleErreur",
                    "R3",
                    "Le format du paramètre REFDET n'est pas conforme",
                );
            }
            if !fields.get("mel").is_some_and(|m| m.contains('@')) {
                return fault("FonctionnelleErreur", "A2", "Adresse mél incorrecte.");
            }
            let idop = uuid::Uuid::new_v4().to_string();
            ledger.payments.insert(
                idop.clone(),
                FakePayment {
                    fields,
                    ..FakePayment::default()
                },
            );
            answer("creerPaiementSecurise", &[("idOp", &idop)])
        }
        "recupererDetailPaiementSecurise" => {
            let idop = fields.get("idOp").cloned().unwrap_or_default();
            let Some(payment) = ledger.payments.get(&idop) else {
                return fault("FonctionnelleErreur", "P1", "IdOp incorrect.");
            };
            let Some(result) = &payment.result else {
                return fault(
                    "FonctionnelleErreur",
                    "P5",
                    "Résultat de la transaction non connu.",
                );
            };
            let f = |name: &str| payment.fields.get(name).cloned().unwrap_or_default();
            let montant = payment
                .reported_amount
                .clone()
                .unwrap_or_else(|| f("montant"));
            let numauto = if result == "P" { "112233" } else { "" };
            answer(
                "recupererDetailPaiementSecurise",
                &[
                    ("dattrans", "27112026"),
                    ("exer", &f("exer")),
                    ("heurtrans", "0912"),
                    ("idOp", &idop),
                    ("mel", &f("mel")),
                    ("montant", &montant),
                    ("numauto", numauto),
                    ("numcli", &f("numcli")),
                    ("objet", &f("objet")),
                    ("refdet", &f("refdet")),
                    ("resultrans", result),
                    ("saisie", &f("saisie")),
                ],
            )
        }
        _ => fault("TechProtocolaireErreur", "T2", "Opération inconnue."),
    }
}

impl crate::TestAppBuilder {
    /// The app taking online payments at `fake`, as a city configured for PayFiP.
    #[must_use]
    pub fn paying_at(self, fake: &FakePayFip) -> Self {
        self.setting("PAYFIP_NUMCLI", "012345")
            .setting("PAYFIP_URL", &fake.url)
            .setting(
                "PAYFIP_NOTIFICATION_URL",
                "https://api.familles.example.fr/api/v1/payfip/notifications",
            )
    }
}
