//! Prices by family-quotient bracket, with an optional rate for siblings.

/// A unit's price for families whose quotient is at most `max_quotient` (`None`:
/// every quotient, the last bracket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceBracket {
    pub max_quotient: Option<i64>,
    pub price_cents: i64,
}

/// The price of one unit for a family: the first bracket (by rising ceiling) its
/// quotient fits in; without a known quotient, the top bracket (the full price).
/// A sibling pays `sibling_rate_percent` of it (rounded to the nearest cent).
pub fn unit_price(
    brackets: &[PriceBracket],
    quotient: Option<i64>,
    sibling_rate_percent: Option<i64>,
    is_sibling: bool,
) -> Option<i64> {
    let mut sorted = brackets.to_vec();
    sorted.sort_by_key(|b| b.max_quotient.unwrap_or(i64::MAX));
    let bracket = match quotient {
        Some(q) => sorted
            .iter()
            .find(|b| b.max_quotient.is_none_or(|max| q <= max))
            .or(sorted.last()),
        None => sorted.last(),
    }?;
    let price = bracket.price_cents;
    Some(match (is_sibling, sibling_rate_percent) {
        (true, Some(rate)) => (price * rate + 50) / 100,
        _ => price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brackets() -> Vec<PriceBracket> {
        vec![
            PriceBracket {
                max_quotient: None,
                price_cents: 350,
            },
            PriceBracket {
                max_quotient: Some(500),
                price_cents: 120,
            },
            PriceBracket {
                max_quotient: Some(1000),
                price_cents: 250,
            },
        ]
    }

    #[test]
    fn a_family_pays_the_bracket_of_its_quotient() {
        assert_eq!(unit_price(&brackets(), Some(400), None, false), Some(120));
        assert_eq!(unit_price(&brackets(), Some(500), None, false), Some(120));
        assert_eq!(unit_price(&brackets(), Some(850), None, false), Some(250));
        assert_eq!(unit_price(&brackets(), Some(5000), None, false), Some(350));
        assert_eq!(unit_price(&brackets(), None, None, false), Some(350));
        assert_eq!(unit_price(&[], Some(400), None, false), None);
    }

    #[test]
    fn siblings_pay_the_sibling_rate() {
        assert_eq!(
            unit_price(&brackets(), Some(850), Some(90), true),
            Some(225)
        );
        assert_eq!(
            unit_price(&brackets(), Some(850), Some(90), false),
            Some(250)
        );
        assert_eq!(unit_price(&brackets(), Some(850), None, true), Some(250));
    }

    proptest! {
        #[test]
        fn a_higher_quotient_never_pays_less(q1 in 0i64..5000, q2 in 0i64..5000) {
            let (low, high) = if q1 <= q2 { (q1, q2) } else { (q2, q1) };
            let brackets = vec![
                PriceBracket { max_quotient: Some(500), price_cents: 120 },
                PriceBracket { max_quotient: Some(1000), price_cents: 250 },
                PriceBracket { max_quotient: None, price_cents: 350 },
            ];
            prop_assert!(unit_price(&brackets, Some(low), None, false) <= unit_price(&brackets, Some(high), None, false));
        }
    }
}
