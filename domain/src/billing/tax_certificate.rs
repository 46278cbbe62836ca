//! The yearly certificate of childcare costs for the tax credit (article 200 quater B
//! of the code général des impôts): what a family paid during a calendar year for the
//! care outside home of each child under six on 1 January of that year. Care counts
//! (before and after school, Wednesdays, day holiday centres); meals do not, nor stays
//! with overnight accommodation.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The activity kinds whose costs count: care outside home, without meals or
/// accommodation.
const CARE_KINDS: &[&str] = &[
    "morning_care",
    "evening_care",
    "wednesday_care",
    "short_holiday_centre",
    "summer_centre",
];

/// Whether an activity of this kind counts towards the tax credit.
pub fn counts_for_tax_credit(kind_code: &str) -> bool {
    CARE_KINDS.contains(&kind_code)
}

/// Whether a child born on `birth_date` counts for `year`: under six on 1 January,
/// that is born on or after 1 January six years before (the tax form's "nés à compter
/// du 1er janvier N-6"); a child turning six during the year, or born during it, counts.
pub fn under_six_on_new_year(birth_date: NaiveDate, year: i32) -> bool {
    NaiveDate::from_ymd_opt(year - 6, 1, 1).is_some_and(|limit| birth_date >= limit)
}

/// Something the family paid for (an invoice, a holiday basket): its total, what was
/// paid of it during the year, and the part of it each child's counting care makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidBill {
    /// The bill's total, in cents, before any credit note or account credit.
    pub total_cents: i64,
    /// What the family paid of it during the year, in cents.
    pub paid_in_year_cents: i64,
    /// (child, cents of counting care on the bill).
    pub care_by_child: Vec<(i64, i64)>,
}

/// The amounts to certify, by child: on each bill, the counting care in proportion to
/// what was paid of its total during the year (a bill half paid certifies half its
/// care; what a credit note took off or an account credit paid is not money paid
/// that year, so it certifies nothing), rounded down to the cent.
pub fn certified_amounts(bills: &[PaidBill]) -> BTreeMap<i64, i64> {
    let mut amounts = BTreeMap::new();
    for bill in bills {
        if bill.total_cents <= 0 || bill.paid_in_year_cents <= 0 {
            continue;
        }
        let paid = bill.paid_in_year_cents.min(bill.total_cents);
        for &(child, care) in &bill.care_by_child {
            let share = i128::from(care.max(0)) * i128::from(paid) / i128::from(bill.total_cents);
            let share = i64::try_from(share).unwrap_or(i64::MAX).min(care);
            *amounts.entry(child).or_insert(0) += share;
        }
    }
    amounts.retain(|_, cents| *cents > 0);
    amounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_child_counts_when_under_six_on_the_first_of_january() {
        // Turns six on 15 March 2026: under six on 1 January 2026.
        assert!(under_six_on_new_year(date(2020, 3, 15), 2026));
        // Born on 1 January 2020 still counts ("nés à compter du 1er janvier 2020").
        assert!(under_six_on_new_year(date(2020, 1, 1), 2026));
        assert!(!under_six_on_new_year(date(2019, 12, 31), 2026));
        // Born during the year: counts too.
        assert!(under_six_on_new_year(date(2026, 2, 1), 2026));
    }

    #[test]
    fn meals_and_stays_do_not_count() {
        assert!(counts_for_tax_credit("morning_care"));
        assert!(counts_for_tax_credit("summer_centre"));
        assert!(!counts_for_tax_credit("school_catering"));
        assert!(!counts_for_tax_credit("stay"));
    }

    #[test]
    fn a_partly_paid_bill_certifies_its_care_in_proportion() {
        let bills = [
            PaidBill {
                total_cents: 10_000,
                paid_in_year_cents: 10_000,
                care_by_child: vec![(1, 6_000), (2, 1_000)],
            },
            PaidBill {
                total_cents: 3_000,
                paid_in_year_cents: 1_000,
                care_by_child: vec![(1, 2_000)],
            },
            PaidBill {
                total_cents: 500,
                paid_in_year_cents: 0,
                care_by_child: vec![(2, 500)],
            },
        ];
        let amounts = certified_amounts(&bills);
        assert_eq!(amounts.get(&1), Some(&(6_000 + 666)));
        assert_eq!(amounts.get(&2), Some(&1_000));
    }

    proptest! {
        #[test]
        fn never_more_than_the_care_nor_than_what_was_paid(
            due in 1i64..1_000_000,
            paid in 0i64..2_000_000,
            care in proptest::collection::vec(0i64..500_000, 0..4),
        ) {
            let care_by_child: Vec<(i64, i64)> =
                care.iter().enumerate().map(|(i, c)| (i64::try_from(i).unwrap_or(0), *c)).collect();
            let amounts = certified_amounts(&[PaidBill { total_cents: due, paid_in_year_cents: paid, care_by_child: care_by_child.clone() }]);
            for (child, care) in care_by_child {
                prop_assert!(amounts.get(&child).copied().unwrap_or(0) <= care);
            }
            let total: i64 = amounts.values().sum();
            let total_care: i64 = care.iter().sum();
            prop_assert!(i128::from(total) * i128::from(due) <= i128::from(total_care) * i128::from(paid.min(due)));
        }
    }
}
