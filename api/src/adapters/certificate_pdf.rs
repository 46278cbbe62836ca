//! Certificates as PDFs: the yearly certificate of childcare costs, worded as the tax
//! credit for childcare (article 200 quater B of the code général des impôts) asks,
//! with the city's identity and signature block.

use chrono::NaiveDate;
use domain::calendar::french_date;

use super::pdf_pages::{Row, euros, pdf};
use crate::usecases::billing::certificates::TaxCertificate;

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
    rows.push(Row::Gap);
    rows.push(Row::Text(format!(
        "Fait à {city}, le {}.",
        french_date(issued_on)
    )));
    rows.push(Row::Text("Pour le Maire et par délégation,".into()));
    rows.push(Row::Text("le service Enfance".into()));
    pdf(&rows)
}
