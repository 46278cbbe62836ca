//! Writes a collection file: ISO 20022 `pain.008.001.02` or `.08` (the two differ
//! here only in their namespace and in naming a BIC `BIC` or `BICFI`), one payment
//! information block per sequence type, amounts in euros with two decimals. The same
//! input writes the same bytes.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use domain::billing::sepa::{PainVersion, SequenceType, decimal_euros, sepa_text};
use quick_xml::escape::partial_escape;

/// The city, as the file names it.
#[derive(Debug, Clone, Copy)]
pub struct Creditor<'a> {
    pub name: &'a str,
    /// The creditor identifier (ICS).
    pub id: &'a str,
    pub iban: &'a str,
    pub bic: Option<&'a str>,
}

/// One debit of the file.
#[derive(Debug, Clone)]
pub struct Debit {
    pub end_to_end_id: String,
    pub amount_cents: i64,
    pub sequence: SequenceType,
    /// The mandate's reference (RUM) and the day it was signed.
    pub mandate_reference: String,
    pub signed_on: NaiveDate,
    pub debtor_name: String,
    pub iban: String,
    pub bic: Option<String>,
    /// What the family's bank statement shows.
    pub remittance: String,
}

/// A collection file's content.
#[derive(Debug, Clone)]
pub struct Collection<'a> {
    pub message_id: &'a str,
    pub created_at: NaiveDateTime,
    pub collection_date: NaiveDate,
    pub version: PainVersion,
    pub creditor: Creditor<'a>,
    pub debits: &'a [Debit],
}

/// The file, in UTF-8.
pub fn write(c: &Collection<'_>) -> String {
    let total: i64 = c.debits.iter().map(|d| d.amount_cents).sum();
    let mut xml = String::with_capacity(1024 + c.debits.len() * 900);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        xml,
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<CstmrDrctDbtInitn>\n",
        c.version.as_str()
    );
    let _ = writeln!(
        xml,
        "<GrpHdr><MsgId>{}</MsgId><CreDtTm>{}</CreDtTm><NbOfTxs>{}</NbOfTxs><CtrlSum>{}</CtrlSum><InitgPty><Nm>{}</Nm></InitgPty></GrpHdr>",
        text(c.message_id, 35),
        c.created_at.format("%Y-%m-%dT%H:%M:%S"),
        c.debits.len(),
        decimal_euros(total),
        text(c.creditor.name, 70),
    );
    for sequence in [SequenceType::First, SequenceType::Recurring] {
        let debits: Vec<&Debit> = c.debits.iter().filter(|d| d.sequence == sequence).collect();
        if !debits.is_empty() {
            block(&mut xml, c, sequence, &debits);
        }
    }
    xml.push_str("</CstmrDrctDbtInitn>\n</Document>\n");
    xml
}

/// One payment information block: the debits of one sequence type.
fn block(xml: &mut String, c: &Collection<'_>, sequence: SequenceType, debits: &[&Debit]) {
    let total: i64 = debits.iter().map(|d| d.amount_cents).sum();
    let _ = writeln!(
        xml,
        "<PmtInf><PmtInfId>{}-{}</PmtInfId><PmtMtd>DD</PmtMtd><BtchBookg>true</BtchBookg><NbOfTxs>{}</NbOfTxs><CtrlSum>{}</CtrlSum>\
<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>CORE</Cd></LclInstrm><SeqTp>{}</SeqTp></PmtTpInf>\
<ReqdColltnDt>{}</ReqdColltnDt><Cdtr><Nm>{}</Nm></Cdtr><CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>{}<ChrgBr>SLEV</ChrgBr>\
<CdtrSchmeId><Id><PrvtId><Othr><Id>{}</Id><SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id></CdtrSchmeId>",
        text(c.message_id, 30),
        sequence.as_str(),
        debits.len(),
        decimal_euros(total),
        sequence.as_str(),
        c.collection_date.format("%Y-%m-%d"),
        text(c.creditor.name, 70),
        c.creditor.iban,
        agent("CdtrAgt", c.version, c.creditor.bic),
        text(c.creditor.id, 35),
    );
    for d in debits {
        let _ = writeln!(
            xml,
            "<DrctDbtTxInf><PmtId><EndToEndId>{}</EndToEndId></PmtId><InstdAmt Ccy=\"EUR\">{}</InstdAmt>\
<DrctDbtTx><MndtRltdInf><MndtId>{}</MndtId><DtOfSgntr>{}</DtOfSgntr></MndtRltdInf></DrctDbtTx>\
{}<Dbtr><Nm>{}</Nm></Dbtr><DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct><RmtInf><Ustrd>{}</Ustrd></RmtInf></DrctDbtTxInf>",
            text(&d.end_to_end_id, 35),
            decimal_euros(d.amount_cents),
            text(&d.mandate_reference, 35),
            d.signed_on.format("%Y-%m-%d"),
            agent("DbtrAgt", c.version, d.bic.as_deref()),
            text(&d.debtor_name, 70),
            d.iban,
            text(&d.remittance, 140),
        );
    }
    xml.push_str("</PmtInf>\n");
}

/// A bank by its BIC, or "not provided" (SEPA lets an IBAN alone name the bank).
fn agent(tag: &str, version: PainVersion, bic: Option<&str>) -> String {
    let bic_tag = match version {
        PainVersion::V02 => "BIC",
        PainVersion::V08 => "BICFI",
    };
    match bic {
        Some(bic) => {
            format!("<{tag}><FinInstnId><{bic_tag}>{bic}</{bic_tag}></FinInstnId></{tag}>")
        }
        None => {
            format!("<{tag}><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></{tag}>")
        }
    }
}

/// A text in SEPA's characters, escaped for XML.
fn text(value: &str, max: usize) -> String {
    partial_escape(sepa_text(value, max).as_str()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debit(n: i64, sequence: SequenceType) -> Debit {
        Debit {
            end_to_end_id: format!("F2027-{n:06}"),
            amount_cents: 1000 + n,
            sequence,
            mandate_reference: format!("EF-18-{n:06}"),
            signed_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            debtor_name: "Élodie T'I & fils".to_owned(),
            iban: "FR7630006000011234567890189".to_owned(),
            bic: None,
            remittance: format!("Facture F2027-{n:06}"),
        }
    }

    fn collection(debits: &[Debit], version: PainVersion) -> String {
        write(&Collection {
            message_id: "EF-20270204",
            created_at: NaiveDate::from_ymd_opt(2027, 1, 20)
                .and_then(|d| d.and_hms_opt(9, 30, 0))
                .unwrap_or_default(),
            collection_date: NaiveDate::from_ymd_opt(2027, 2, 4).unwrap_or_default(),
            version,
            creditor: Creditor {
                name: "Ville de Villejuif",
                id: "FR72ZZZ123456",
                iban: "FR8910071940000000100000123",
                bic: Some("TRPUFRP1"),
            },
            debits,
        })
    }

    #[test]
    fn one_block_per_sequence_type_with_its_sums() {
        let debits = [
            debit(1, SequenceType::First),
            debit(2, SequenceType::Recurring),
            debit(3, SequenceType::Recurring),
        ];
        let xml = collection(&debits, PainVersion::V02);
        assert!(xml.contains("<NbOfTxs>3</NbOfTxs><CtrlSum>30.06</CtrlSum>"));
        assert!(xml.contains("<PmtInfId>EF-20270204-FRST</PmtInfId><PmtMtd>DD</PmtMtd><BtchBookg>true</BtchBookg><NbOfTxs>1</NbOfTxs><CtrlSum>10.01</CtrlSum>"));
        assert!(xml.contains("<PmtInfId>EF-20270204-RCUR</PmtInfId><PmtMtd>DD</PmtMtd><BtchBookg>true</BtchBookg><NbOfTxs>2</NbOfTxs><CtrlSum>20.05</CtrlSum>"));
        assert!(xml.contains("<Nm>Elodie T'I fils</Nm>"), "{xml}");
        assert!(xml.contains("<CdtrAgt><FinInstnId><BIC>TRPUFRP1</BIC></FinInstnId></CdtrAgt>"));
        assert!(xml.contains(
            "<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>"
        ));
        assert_eq!(xml, collection(&debits, PainVersion::V02));
    }

    #[test]
    fn version_08_names_bics_bicfi() {
        let xml = collection(&[debit(1, SequenceType::First)], PainVersion::V08);
        assert!(xml.contains("urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"));
        assert!(xml.contains("<BICFI>TRPUFRP1</BICFI>"));
        assert!(!xml.contains("<RCUR"));
        assert!(!xml.contains("RCUR"));
    }
}
