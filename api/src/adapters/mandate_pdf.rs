//! A SEPA Core mandate as a PDF, with the rulebook's wording of the authorisation and
//! the refund right, the reference, the creditor identifier and the signature,
//! filed among the family's documents when it signs online or an agent records a
//! paper one. The debtor's IBAN is masked, as everywhere a family or agent reads it.

use chrono::{DateTime, NaiveDate, Utc};
use domain::billing::sepa::{MandateChannel, mask_iban};
use domain::calendar::{french_date, french_instant};

use super::pdf_pages::{Row, pdf};

/// What the form shows.
#[derive(Debug, Clone)]
pub struct MandateForm<'a> {
    pub creditor_name: &'a str,
    pub creditor_id: &'a str,
    pub reference: &'a str,
    pub holder_name: &'a str,
    pub iban: &'a str,
    pub bic: Option<&'a str>,
    pub signed_on: NaiveDate,
    pub signed_at_place: &'a str,
    pub channel: MandateChannel,
    /// When the family gave its consent online.
    pub consent_at: Option<DateTime<Utc>>,
    pub dossier_number: &'a str,
}

pub fn render(form: &MandateForm<'_>) -> Vec<u8> {
    let creditor = form.creditor_name;
    let mut rows = vec![
        Row::Title("Mandat de prélèvement SEPA".into()),
        Row::Gap,
        Row::Text(format!(
            "Référence unique du mandat (RUM) : {}",
            form.reference
        )),
        Row::Text(format!(
            "Identifiant créancier SEPA (ICS) : {}",
            form.creditor_id
        )),
        Row::Text(format!("Créancier : {creditor}")),
        Row::Text(format!("Dossier famille n° {}", form.dossier_number)),
        Row::Gap,
        Row::Text(format!(
            "En signant ce formulaire de mandat, vous autorisez (A) {creditor} à envoyer des"
        )),
        Row::Text(
            "instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter"
                .into(),
        ),
        Row::Text(format!(
            "votre compte conformément aux instructions de {creditor}."
        )),
        Row::Text(
            "Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions"
                .into(),
        ),
        Row::Text(
            "décrites dans la convention que vous avez passée avec elle. Une demande de".into(),
        ),
        Row::Text(
            "remboursement doit être présentée dans les 8 semaines suivant la date de débit de"
                .into(),
        ),
        Row::Text("votre compte pour un prélèvement autorisé.".into()),
        Row::Gap,
        Row::Bold("Débiteur".into()),
        Row::Text(format!("Titulaire du compte : {}", form.holder_name)),
        Row::Text(format!("IBAN : {}", mask_iban(form.iban))),
        Row::Text(format!("BIC : {}", form.bic.unwrap_or("—"))),
        Row::Text("Type de paiement : récurrent".into()),
        Row::Gap,
        Row::Text(format!(
            "Signé à {}, le {}",
            form.signed_at_place,
            french_date(form.signed_on)
        )),
    ];
    rows.push(Row::Text(match (form.channel, form.consent_at) {
        (MandateChannel::Online, Some(at)) => format!(
            "Signature électronique : consentement donné en ligne le {}.",
            french_instant(at)
        ),
        _ => "Mandat signé sur papier, enregistré par le service Enfance.".to_owned(),
    }));
    pdf(&rows)
}
