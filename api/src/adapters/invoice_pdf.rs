//! An invoice as a PDF, rendered on demand: an issued invoice never changes, so its PDF is
//! the same every time.

use domain::calendar::french_date;

use crate::usecases::billing::invoices::{InvoiceDetail, balance_of};

use super::pdf_pages::{Row, euros, pdf};

/// The invoice's PDF: who issues it, to which dossier, its lines and what is left.
pub fn render(city: &str, dossier_number: &str, detail: &InvoiceDetail) -> Vec<u8> {
    let invoice = &detail.invoice;
    let mut rows = vec![
        Row::Bold(city.to_owned()),
        Row::Text("Espace Familles".into()),
        Row::Gap,
        Row::Title(format!("Facture {}", invoice.number)),
        Row::Text(format!("Dossier famille n° {dossier_number}")),
        Row::Text(format!(
            "Période : {}",
            crate::usecases::billing::invoices::month_label(invoice.month)
        )),
        Row::Text(format!(
            "Émise le {} — à payer avant le {}",
            french_date(invoice.issued_on),
            french_date(invoice.due_on)
        )),
        Row::Gap,
        Row::Bold("Détail".into()),
    ];
    for l in &detail.lines {
        let kind = if l.kind == domain::billing::BillableKind::Unbooked {
            " (sans réservation)"
        } else {
            ""
        };
        rows.push(Row::Text(format!(
            "{} — {} ({}){kind}",
            l.child_name, l.activity_name, l.unit_name
        )));
        rows.push(Row::Text(format!(
            "      du {} au {} : {} × {} = {}",
            french_date(l.first_day),
            french_date(l.last_day),
            l.quantity,
            euros(l.unit_price_cents),
            euros(l.amount_cents)
        )));
    }
    rows.push(Row::Gap);
    rows.push(Row::Bold(format!("Total : {}", euros(invoice.total_cents))));
    if invoice.credited_cents > 0 {
        rows.push(Row::Text(format!(
            "Avoirs : − {}",
            euros(invoice.credited_cents)
        )));
    }
    if invoice.paid_cents > 0 {
        rows.push(Row::Text(format!(
            "Déjà payé : − {}",
            euros(invoice.paid_cents)
        )));
    }
    rows.push(Row::Bold(format!(
        "Reste à payer : {}",
        euros(balance_of(invoice).max(0))
    )));
    rows.push(Row::Gap);
    rows.push(Row::Text(match &detail.debit {
        Some(debit) => debit.sentence(),
        None => "Paiement en ligne par carte (PayFiP) sur l'Espace Familles, ou au guichet.".into(),
    }));
    pdf(&rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_are_named_in_french() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap_or_default();
        assert_eq!(
            crate::usecases::billing::invoices::month_label(day),
            "août 2026"
        );
    }
}
