//! The city's billing rules for one day of one unit, and the lines they make.

use chrono::NaiveDate;

use super::BillableKind;
use crate::planning::AttendanceStatus;

/// Whether a day is billed, from its live booking (a day the city closed has none)
/// and what the agents recorded: booked and present, or absent without a
/// justification, is billed; a justified absence is not; present without a booking is
/// billed with the surcharge; nothing booked and nobody recorded is not billed.
pub fn billable(live_booking: bool, attendance: Option<AttendanceStatus>) -> Option<BillableKind> {
    match (live_booking, attendance) {
        (true, Some(AttendanceStatus::AbsentJustified)) => None,
        (true, _) => Some(BillableKind::Booked),
        (false, Some(AttendanceStatus::PresentUnbooked)) => Some(BillableKind::Unbooked),
        (false, _) => None,
    }
}

/// A price raised by a surcharge in percent, rounded to the nearest cent.
pub fn surcharged(price_cents: i64, percent: i64) -> i64 {
    (price_cents * (100 + percent) + 50) / 100
}

/// One billed day of one unit, priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub child_id: i64,
    pub activity_id: i64,
    pub unit_id: i64,
    pub day: NaiveDate,
    pub kind: BillableKind,
    pub unit_price_cents: i64,
}

/// An invoice line: the days of one child, unit and kind at one price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub child_id: i64,
    pub activity_id: i64,
    pub unit_id: i64,
    pub kind: BillableKind,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
}

/// Gathers a dossier's entries into lines, one per child, activity, unit, kind and
/// price (a quotient that changes within the month splits a unit into two lines),
/// ordered by child, activity, unit, kind, then first day.
pub fn lines(entries: &[Entry]) -> Vec<Line> {
    let mut sorted = entries.to_vec();
    sorted.sort_by_key(|e| {
        (
            e.child_id,
            e.activity_id,
            e.unit_id,
            e.kind,
            e.unit_price_cents,
            e.day,
        )
    });
    let mut out: Vec<Line> = Vec::new();
    for e in sorted {
        match out.last_mut() {
            Some(line)
                if (
                    line.child_id,
                    line.activity_id,
                    line.unit_id,
                    line.kind,
                    line.unit_price_cents,
                ) == (
                    e.child_id,
                    e.activity_id,
                    e.unit_id,
                    e.kind,
                    e.unit_price_cents,
                ) =>
            {
                line.last_day = e.day;
                line.quantity += 1;
                line.amount_cents += e.unit_price_cents;
            }
            _ => out.push(Line {
                child_id: e.child_id,
                activity_id: e.activity_id,
                unit_id: e.unit_id,
                kind: e.kind,
                first_day: e.day,
                last_day: e.day,
                quantity: 1,
                unit_price_cents: e.unit_price_cents,
                amount_cents: e.unit_price_cents,
            }),
        }
    }
    out.sort_by_key(|l| (l.child_id, l.activity_id, l.unit_id, l.kind, l.first_day));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default()
    }

    #[test]
    fn the_city_rules_decide_what_is_billed() {
        use AttendanceStatus::*;
        assert_eq!(billable(true, None), Some(BillableKind::Booked));
        assert_eq!(billable(true, Some(Present)), Some(BillableKind::Booked));
        assert_eq!(
            billable(true, Some(AbsentUnjustified)),
            Some(BillableKind::Booked)
        );
        assert_eq!(billable(true, Some(AbsentJustified)), None);
        assert_eq!(
            billable(false, Some(PresentUnbooked)),
            Some(BillableKind::Unbooked)
        );
        assert_eq!(billable(false, None), None);
        assert_eq!(billable(false, Some(AbsentJustified)), None);
    }

    #[test]
    fn a_surcharge_rounds_to_the_nearest_cent() {
        assert_eq!(surcharged(285, 20), 342);
        assert_eq!(surcharged(285, 0), 285);
        assert_eq!(surcharged(333, 50), 500); // 499.5 rounds up
    }

    #[test]
    fn a_price_change_in_the_month_splits_the_line() {
        let entry = |d, price| Entry {
            child_id: 1,
            activity_id: 2,
            unit_id: 3,
            day: day(d),
            kind: BillableKind::Booked,
            unit_price_cents: price,
        };
        let out = lines(&[entry(20, 250), entry(1, 285), entry(2, 285), entry(21, 250)]);
        assert_eq!(out.len(), 2);
        assert_eq!(
            (
                out[0].first_day,
                out[0].last_day,
                out[0].quantity,
                out[0].amount_cents
            ),
            (day(1), day(2), 2, 570)
        );
        assert_eq!(
            (
                out[1].first_day,
                out[1].last_day,
                out[1].quantity,
                out[1].amount_cents
            ),
            (day(20), day(21), 2, 500)
        );
    }

    fn entries() -> impl Strategy<Value = Vec<Entry>> {
        prop::collection::vec(
            (
                1..3i64,
                1..3i64,
                1..28u32,
                any::<bool>(),
                prop::sample::select(vec![0i64, 285, 342, 350]),
            ),
            0..60,
        )
        .prop_map(|raw| {
            let mut seen = std::collections::HashSet::new();
            raw.into_iter()
                .filter(|(c, u, d, _, _)| seen.insert((*c, *u, *d)))
                .map(|(c, u, d, unbooked, price)| Entry {
                    child_id: c,
                    activity_id: u * 10,
                    unit_id: u,
                    day: day(d),
                    kind: if unbooked {
                        BillableKind::Unbooked
                    } else {
                        BillableKind::Booked
                    },
                    unit_price_cents: price,
                })
                .collect()
        })
    }

    proptest! {
        /// Lines bill every entry once: the same days, the same total.
        #[test]
        fn lines_add_up_to_the_entries(entries in entries()) {
            let out = lines(&entries);
            let quantity: i64 = out.iter().map(|l| i64::from(l.quantity)).sum();
            let amount: i64 = out.iter().map(|l| l.amount_cents).sum();
            prop_assert_eq!(quantity, entries.len() as i64);
            prop_assert_eq!(amount, entries.iter().map(|e| e.unit_price_cents).sum::<i64>());
            for l in &out {
                prop_assert_eq!(l.amount_cents, i64::from(l.quantity) * l.unit_price_cents);
                prop_assert!(l.first_day <= l.last_day);
                let covered = entries.iter().filter(|e| {
                    (e.child_id, e.unit_id, e.kind, e.unit_price_cents) == (l.child_id, l.unit_id, l.kind, l.unit_price_cents)
                        && (l.first_day..=l.last_day).contains(&e.day)
                }).count();
                prop_assert_eq!(covered as i32, l.quantity);
            }
        }
    }
}
