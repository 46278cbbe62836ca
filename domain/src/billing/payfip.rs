//! How an order is named to the treasury's PayFiP service, within the formats its web
//! service accepts (`creerPaiementSecurise`; see `api::adapters::payfip`): `refdet`, 6 to 30 letters and digits, is the
//! reference the treasury files the payment under; `objet`, at most 100 ASCII letters,
//! digits and spaces, is what the payer reads on its page.

/// The reference of an invoice's payment: the invoice number's letters and digits
/// ("F-2026-000001" → "F2026000001").
pub fn invoice_refdet(invoice_number: &str) -> String {
    refdet(
        invoice_number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect(),
    )
}

/// The reference of a holiday basket's payment ("PANIER000042").
pub fn basket_refdet(basket_id: i64) -> String {
    refdet(format!("PANIER{:06}", basket_id.unsigned_abs()))
}

/// What the payer reads for an invoice ("Facture F 2026 000001").
pub fn invoice_objet(invoice_number: &str) -> String {
    objet(&format!("Facture {invoice_number}"))
}

/// What the payer reads for a holiday basket ("Panier 42").
pub fn basket_objet(basket_id: i64) -> String {
    objet(&format!("Panier {basket_id}"))
}

/// Padded with zeros in front to 6 characters, cut to 30.
fn refdet(mut text: String) -> String {
    while text.len() < 6 {
        text.insert(0, '0');
    }
    text.truncate(30);
    text
}

/// Any other character becomes a space; cut to 100.
fn objet(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn orders_are_named_as_the_portal_shows_them() {
        assert_eq!(invoice_refdet("F-2026-000001"), "F2026000001");
        assert_eq!(invoice_objet("F-2026-000001"), "Facture F 2026 000001");
        assert_eq!(basket_refdet(42), "PANIER000042");
        assert_eq!(basket_objet(42), "Panier 42");
        assert_eq!(invoice_refdet("A-1"), "0000A1");
    }

    proptest! {
        #[test]
        fn references_and_objects_stay_within_what_payfip_accepts(number in ".{0,120}", id in any::<i64>()) {
            for refdet in [invoice_refdet(&number), basket_refdet(id)] {
                prop_assert!((6..=30).contains(&refdet.len()), "{refdet}");
                prop_assert!(refdet.chars().all(|c| c.is_ascii_alphanumeric()), "{refdet}");
            }
            for objet in [invoice_objet(&number), basket_objet(id)] {
                prop_assert!(objet.chars().count() <= 100, "{objet}");
                prop_assert!(objet.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '), "{objet}");
            }
        }
    }
}
