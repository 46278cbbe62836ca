//! Certificates as PDFs, with the city's identity and signature block: the yearly
//! certificate of childcare costs, worded as the tax credit for childcare (article 200
//! quater B of the code général des impôts) asks; an attendance certificate; a
//! payment's receipt.

use chrono::NaiveDate;
use domain::calendar::french_date;

use super::pdf_pages::{Row, euros, pdf};
use domain::billing::PaymentMethod;
use persistence::billing::Payment;
use persistence::dossiers::Dossier;

use crate::usecases::billing::certificates::{AttendanceCertificate, TaxCertificate};

/// The certificate of childcare costs paid in its year, child by child.
pub fn tax(city: &str, certificate: &TaxCertificate, issued_on: NaiveDate) -> Vec<u8> {
    let dossier = &certificate.dossier;
    let mut rows = vec![
        Row::Bold(format!("Ville de {city}")),
        Row::Text("Espace Familles — service Enfance".into()),
        Row::Gap,
        Row::Title(format!(
            "Attestation de frais de garde — année {}",
            certificate.year
        )),
        Row::Gap,
        Row::Text(format!(
            "Famille {} — dossier n° {}",
            dossier.name, dossier.number
        )),
        Row::Text(
            format!("{} {}", dossier.address_line1, dossier.address_line2)
                .trim()
                .to_owned(),
        ),
        Row::Text(format!("{} {}", dossier.postcode, dossier.city)),
        Row::Gap,
        Row::Text(format!(
            "La Ville de {city} atteste que la famille ci-dessus a payé en {}, pour la garde",
            certificate.year
        )),
        Row::Text(format!(
            "hors du domicile des enfants de moins de 6 ans au 1er janvier {} (accueils",
            certificate.year
        )),
        Row::Text(
            "périscolaires, accueils de loisirs sans hébergement), les sommes suivantes :".into(),
        ),
        Row::Gap,
    ];
    for (child, cents) in &certificate.children {
        rows.push(Row::Text(format!(
            "{} {}, né(e) le {} : {}",
            child.first_name,
            child.last_name,
            french_date(child.birth_date),
            euros(*cents)
        )));
    }
    rows.push(Row::Gap);
    rows.push(Row::Bold(format!(
        "Total : {}",
        euros(certificate.total_cents())
    )));
    rows.push(Row::Gap);
    rows.push(Row::Text(
        "Les frais de repas et de séjours avec hébergement sont exclus. Montants à déclarer au"
            .into(),
    ));
    rows.push(Row::Text(
        "titre du crédit d'impôt pour frais de garde (article 200 quater B du code général des"
            .into(),
    ));
    rows.push(Row::Text(
        "impôts), déduction faite des aides perçues pour cette garde (CAF, employeur).".into(),
    ));
    rows.extend(signature(city, issued_on));
    pdf(&rows)
}

/// The days a child attended each activity over a period.
pub fn attendance(
    city: &str,
    certificate: &AttendanceCertificate,
    issued_on: NaiveDate,
) -> Vec<u8> {
    let (dossier, child) = (&certificate.dossier, &certificate.child);
    let mut rows = vec![
        Row::Bold(format!("Ville de {city}")),
        Row::Text("Espace Familles — service Enfance".into()),
        Row::Gap,
        Row::Title("Attestation de présence".into()),
        Row::Gap,
        Row::Text(format!(
            "La Ville de {city} atteste que {} {}, né(e) le {} (famille {}, dossier n° {}),",
            child.first_name,
            child.last_name,
            french_date(child.birth_date),
            dossier.name,
            dossier.number
        )),
        Row::Text(format!(
            "a fréquenté du {} au {} les activités suivantes :",
            french_date(certificate.from),
            french_date(certificate.to)
        )),
        Row::Gap,
    ];
    for (activity, days) in &certificate.activities {
        let plural = if *days > 1 { "s" } else { "" };
        rows.push(Row::Text(format!("{activity} : {days} jour{plural}")));
    }
    rows.extend(signature(city, issued_on));
    pdf(&rows)
}

/// The receipt of a payment of an invoice.
pub fn receipt(
    city: &str,
    dossier: &Dossier,
    invoice_number: &str,
    payment: &Payment,
    issued_on: NaiveDate,
) -> Vec<u8> {
    let method = match payment.method {
        PaymentMethod::Card => "carte bancaire",
        PaymentMethod::Cheque => "chèque",
        PaymentMethod::Cash => "espèces",
        PaymentMethod::Cesu => "CESU",
        PaymentMethod::DirectDebit => "prélèvement",
        PaymentMethod::AccountCredit => "avoir",
    };
    let mut rows = vec![
        Row::Bold(format!("Ville de {city}")),
        Row::Text("Espace Familles — service Enfance".into()),
        Row::Gap,
        Row::Title(format!("Reçu de paiement n° {}", payment.id)),
        Row::Gap,
        Row::Text(format!(
            "Famille {} — dossier n° {}",
            dossier.name, dossier.number
        )),
        Row::Gap,
        Row::Text(format!(
            "Reçu le {} la somme de {} ({method}{}),",
            french_date(payment.received_on),
            euros(payment.amount_cents),
            payment
                .reference
                .as_deref()
                .map(|r| format!(", référence {r}"))
                .unwrap_or_default()
        )),
        Row::Text(format!("en paiement de la facture {invoice_number}.")),
    ];
    rows.extend(signature(city, issued_on));
    pdf(&rows)
}

fn signature(city: &str, issued_on: NaiveDate) -> [Row; 4] {
    [
        Row::Gap,
        Row::Text(format!("Fait à {city}, le {}.", french_date(issued_on))),
        Row::Text("Pour le Maire et par délégation,".into()),
        Row::Text("le service Enfance".into()),
    ]
}
