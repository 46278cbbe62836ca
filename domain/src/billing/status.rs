//! Invoice numbers, due dates and statuses.

use chrono::{Datelike, Days, NaiveDate};

use super::InvoiceStatus;

/// Days a family has to pay an invoice, from the day it is issued.
pub const PAYMENT_TERM_DAYS: u64 = 30;

/// The first and last day of the month holding `day`.
pub fn month_span(day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = day.with_day(1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next.pred_opt()?))
}

/// When an invoice issued on `issued_on` must be paid.
pub fn due_on(issued_on: NaiveDate) -> NaiveDate {
    issued_on
        .checked_add_days(Days::new(PAYMENT_TERM_DAYS))
        .unwrap_or(issued_on)
}

/// The number of the `n`th invoice of `year`: `F2026-000042`. Numbers run per year
/// with no gap.
pub fn invoice_number(year: i32, n: i64) -> String {
    format!("F{year}-{n:06}")
}

/// The number of the `n`th credit note of `year`: `AV2026-000007`.
pub fn credit_note_number(year: i32, n: i64) -> String {
    format!("AV{year}-{n:06}")
}

/// What is left to pay on an invoice (negative: the city owes the family).
pub fn balance(total_cents: i64, paid_cents: i64, credited_cents: i64) -> i64 {
    total_cents - paid_cents - credited_cents
}

/// Nothing left to pay (paid or credited): paid; past its due date: overdue; some
/// paid: partly paid; else to pay.
pub fn status(
    total_cents: i64,
    paid_cents: i64,
    credited_cents: i64,
    due_on: NaiveDate,
    today: NaiveDate,
) -> InvoiceStatus {
    if balance(total_cents, paid_cents, credited_cents) <= 0 {
        InvoiceStatus::Paid
    } else if today > due_on {
        InvoiceStatus::Overdue
    } else if paid_cents > 0 {
        InvoiceStatus::PartlyPaid
    } else {
        InvoiceStatus::ToPay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn months_end_on_their_last_day() {
        assert_eq!(
            month_span(date(2027, 2, 14)),
            Some((date(2027, 2, 1), date(2027, 2, 28)))
        );
        assert_eq!(
            month_span(date(2028, 2, 1)),
            Some((date(2028, 2, 1), date(2028, 2, 29)))
        );
        assert_eq!(
            month_span(date(2026, 12, 31)),
            Some((date(2026, 12, 1), date(2026, 12, 31)))
        );
    }

    #[test]
    fn numbers_are_per_year_and_padded() {
        assert_eq!(invoice_number(2026, 42), "F2026-000042");
        assert_eq!(credit_note_number(2027, 7), "AV2027-000007");
    }

    #[test]
    fn statuses() {
        let due = date(2026, 12, 1);
        let before = date(2026, 11, 20);
        let after = date(2026, 12, 2);
        assert_eq!(status(1000, 0, 0, due, before), InvoiceStatus::ToPay);
        assert_eq!(status(1000, 0, 0, due, due), InvoiceStatus::ToPay);
        assert_eq!(status(1000, 400, 0, due, before), InvoiceStatus::PartlyPaid);
        assert_eq!(status(1000, 400, 0, due, after), InvoiceStatus::Overdue);
        assert_eq!(status(1000, 600, 400, due, after), InvoiceStatus::Paid);
        assert_eq!(status(1000, 0, 1000, due, before), InvoiceStatus::Paid);
        assert_eq!(status(0, 0, 0, due, after), InvoiceStatus::Paid);
    }
}
