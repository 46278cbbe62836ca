//! Reads what the bank says of the debits it collected: an ISO 20022 `camt.054`
//! notification (each transaction's end-to-end id; a return reason makes it rejected,
//! a credit without one paid), or a CSV the city keeps (`reference;statut;motif;date`).

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;

/// What the bank says of one debit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// The debit's end-to-end id (its invoice's number).
    pub end_to_end_id: String,
    /// `None`: paid; `Some(code)`: rejected or returned, with the bank's reason.
    pub rejected: Option<String>,
    pub amount_cents: Option<i64>,
    pub on: Option<NaiveDate>,
}

/// Why a report cannot be read, with the line or element concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("not a camt.054 notification: {0}")]
    NotCamt054(String),
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// Reads a report: XML (camt.054) when it starts with `<`, else CSV.
pub fn read(bytes: &[u8]) -> Result<Vec<ReportLine>, ReportError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        camt054(text)
    } else {
        csv_report(text)
    }
}

/// One `TxDtls` being read, with its entry's sign and date.
#[derive(Debug, Default)]
struct Reading {
    /// Whether the entry is booked (`BOOK`); a pending one says nothing final yet.
    entry_pending: bool,
    entry_credit: Option<bool>,
    entry_date: Option<NaiveDate>,
    end_to_end_id: Option<String>,
    credit: Option<bool>,
    amount: Option<i64>,
    reason: Option<String>,
}

fn camt054(xml: &str) -> Result<Vec<ReportLine>, ReportError> {
    let bad = |e: quick_xml::Error| ReportError::NotCamt054(e.to_string());
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    let mut reading = Reading::default();
    let mut is_camt054 = false;
    let mut text = String::new();
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "BkToCstmrDbtCdtNtfctn" => is_camt054 = true,
                    "Ntry" => reading = Reading::default(),
                    "TxDtls" => {
                        reading.end_to_end_id = None;
                        reading.credit = None;
                        reading.amount = None;
                        reading.reason = None;
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                let decoded = t.decode().map_err(|e| bad(quick_xml::Error::Encoding(e)))?;
                text.push_str(&decoded);
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                read_leaf(&mut reading, &path, &name, text.trim());
                if name == "TxDtls"
                    && let Some(line) = finish(&reading)
                {
                    lines.push(line);
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !is_camt054 {
        return Err(ReportError::NotCamt054(
            "no BkToCstmrDbtCdtNtfctn element".to_owned(),
        ));
    }
    Ok(lines)
}

/// Keeps what a closing leaf element says.
fn read_leaf(r: &mut Reading, path: &[String], name: &str, value: &str) {
    let parent = path.last().map(String::as_str);
    let grand = path
        .len()
        .checked_sub(2)
        .and_then(|i| path.get(i))
        .map(String::as_str);
    match (grand, parent, name) {
        (_, Some("Ntry"), "CdtDbtInd") => r.entry_credit = Some(value == "CRDT"),
        // `<Sts>BOOK</Sts>` (camt.054.001.02) or `<Sts><Cd>BOOK</Cd></Sts>` (later).
        (_, Some("Ntry"), "Sts") | (Some("Ntry"), Some("Sts"), "Cd") if !value.is_empty() => {
            r.entry_pending = value != "BOOK";
        }
        (Some("Ntry"), Some("BookgDt"), "Dt") => {
            r.entry_date = value.parse().ok();
        }
        (Some("Ntry"), Some("ValDt"), "Dt") if r.entry_date.is_none() => {
            r.entry_date = value.parse().ok();
        }
        (_, Some("Refs"), "EndToEndId") => r.end_to_end_id = Some(value.to_owned()),
        (_, Some("TxDtls"), "CdtDbtInd") => r.credit = Some(value == "CRDT"),
        (_, Some("TxDtls" | "TxAmt"), "Amt") => r.amount = cents(value),
        (_, Some("Rsn"), "Cd") if path.iter().any(|p| p == "RtrInf") => {
            r.reason = Some(value.to_owned());
        }
        _ => {}
    }
}

/// A booked transaction with a return reason is rejected; a booked credit without one
/// is paid; anything else (a pending entry, a fee, a debit without reason) says
/// nothing final of a collected debit.
fn finish(r: &Reading) -> Option<ReportLine> {
    if r.entry_pending {
        return None;
    }
    let end_to_end_id = r.end_to_end_id.clone().filter(|id| !id.is_empty())?;
    let credit = r.credit.or(r.entry_credit).unwrap_or(false);
    let rejected = match (&r.reason, credit) {
        (Some(code), _) => Some(code.clone()),
        (None, true) => None,
        (None, false) => return None,
    };
    Some(ReportLine {
        end_to_end_id,
        rejected,
        amount_cents: r.amount,
        on: r.entry_date,
    })
}

/// `62.20` as 6220 cents; `None` when it is not an amount with at most two decimals.
fn cents(value: &str) -> Option<i64> {
    let value = value.trim().replace(',', ".");
    let (whole, decimals) = value.split_once('.').unwrap_or((&value, ""));
    if decimals.len() > 2 || whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let decimals = format!("{decimals:0<2}");
    if !decimals.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(decimals.parse().ok()?)
}

/// The city's CSV: a header with `reference`, `statut` (`payé`/`paid` or
/// `rejeté`/`rejected`), `motif` (the reason code of a rejection), `date`
/// (`2027-02-05` or `05/02/2027`) and optionally `montant`; `;` or `,` between fields.
fn csv_report(text: &str) -> Result<Vec<ReportLine>, ReportError> {
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ReportError::Csv {
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(domain::text::fold)
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(reference), Some(status)) = (column("reference"), column("statut")) else {
        return Err(ReportError::Csv {
            line: 1,
            message: "the header must name the columns reference and statut".to_owned(),
        });
    };
    let (reason, date, amount) = (column("motif"), column("date"), column("montant"));
    let mut lines = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2);
        let record = record.map_err(|e| ReportError::Csv {
            line,
            message: e.to_string(),
        })?;
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or_default();
        let rejected = match domain::text::fold(field(Some(status))).as_str() {
            "paye" | "paid" => None,
            "rejete" | "rejected" | "retourne" | "returned" => Some(field(reason).to_uppercase()),
            other => {
                return Err(ReportError::Csv {
                    line,
                    message: format!("statut {other:?}: payé or rejeté expected"),
                });
            }
        };
        let on = match field(date) {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(d, "%d/%m/%Y"))
                    .map_err(|_| ReportError::Csv {
                        line,
                        message: format!("date {d:?}"),
                    })?,
            ),
        };
        let amount_cents = match field(amount) {
            "" => None,
            a => Some(cents(a).ok_or_else(|| ReportError::Csv {
                line,
                message: format!("montant {a:?}"),
            })?),
        };
        lines.push(ReportLine {
            end_to_end_id: field(Some(reference)).to_owned(),
            rejected,
            amount_cents,
            on,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>N1</MsgId><CreDtTm>2027-02-08T08:00:00</CreDtTm></GrpHdr>
  <Ntfctn><Id>N1</Id><CreDtTm>2027-02-08T08:00:00</CreDtTm>
   <Acct><Id><IBAN>FR8910071940000000100000123</IBAN></Id></Acct>
   <Ntry><Amt Ccy="EUR">62.20</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2027-02-08</Dt></BookgDt><ValDt><Dt>2027-02-08</Dt></ValDt>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>F2027-000001</EndToEndId></Refs>
     <AmtDtls><TxAmt><Amt Ccy="EUR">62.20</Amt></TxAmt></AmtDtls>
     <RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf>
    </TxDtls></NtryDtls>
   </Ntry>
   <Ntry><Amt Ccy="EUR">40.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2027-02-04</Dt></BookgDt>
    <NtryDtls><TxDtls><Refs><EndToEndId>F2027-000002</EndToEndId></Refs><Amt Ccy="EUR">40</Amt></TxDtls></NtryDtls>
   </Ntry>
   <Ntry><Amt Ccy="EUR">12.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
    <NtryDtls><TxDtls><Refs><EndToEndId>F2027-000003</EndToEndId></Refs></TxDtls></NtryDtls>
   </Ntry>
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>"#;

    #[test]
    fn a_camt054_says_rejected_and_paid_and_nothing_of_a_pending_entry() {
        let lines = read(CAMT.as_bytes());
        assert_eq!(
            lines,
            Ok(vec![
                ReportLine {
                    end_to_end_id: "F2027-000001".to_owned(),
                    rejected: Some("AM04".to_owned()),
                    amount_cents: Some(6220),
                    on: NaiveDate::from_ymd_opt(2027, 2, 8),
                },
                ReportLine {
                    end_to_end_id: "F2027-000002".to_owned(),
                    rejected: None,
                    amount_cents: Some(4000),
                    on: NaiveDate::from_ymd_opt(2027, 2, 4),
                },
            ])
        );
    }

    #[test]
    fn other_xml_is_refused() {
        assert!(matches!(
            read(b"<Document><CstmrDrctDbtInitn/></Document>"),
            Err(ReportError::NotCamt054(_))
        ));
    }

    #[test]
    fn the_city_csv_reads_in_french() {
        let csv = "Référence;Statut;Motif;Date;Montant\nF2027-000001;rejeté;am04;08/02/2027;62,20\nF2027-000002;payé;;2027-02-04;\n";
        let lines = read(csv.as_bytes());
        assert_eq!(
            lines,
            Ok(vec![
                ReportLine {
                    end_to_end_id: "F2027-000001".to_owned(),
                    rejected: Some("AM04".to_owned()),
                    amount_cents: Some(6220),
                    on: NaiveDate::from_ymd_opt(2027, 2, 8),
                },
                ReportLine {
                    end_to_end_id: "F2027-000002".to_owned(),
                    rejected: None,
                    amount_cents: None,
                    on: NaiveDate::from_ymd_opt(2027, 2, 4),
                },
            ])
        );
        assert!(matches!(
            read(b"reference,statut\nF1,perdu\n"),
            Err(ReportError::Csv { line: 2, .. })
        ));
        assert!(matches!(
            read(b"a,b\n1,2\n"),
            Err(ReportError::Csv { line: 1, .. })
        ));
    }

    #[test]
    fn amounts_read_in_cents() {
        assert_eq!(cents("62.2"), Some(6220));
        assert_eq!(cents("62"), Some(6200));
        assert_eq!(cents("0,05"), Some(5));
        assert_eq!(cents("1.234"), None);
        assert_eq!(cents("-1"), None);
    }
}
