//! The messages of PayFiP's web service (SOAP 1.1, document/literal): the requests
//! this server sends, and what it reads of the answers and faults. Only the
//! operation's wrapper is namespaced; the fields are unqualified, in a fixed order.

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

/// The service's namespace.
pub const NAMESPACE: &str = "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService";

/// What `creerPaiementSecurise` sends, in the service's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub exer: String,
    pub mel: String,
    pub montant: String,
    pub numcli: String,
    pub objet: String,
    pub refdet: String,
    pub saisie: String,
    pub urlnotif: String,
    pub urlredirect: String,
}

/// The envelope of `operation` with `fields` (name, value) in `arg0`.
pub fn envelope(operation: &str, fields: &[(&str, &str)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("<{name}>{}</{name}>", escape(*value)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:tns=\"{NAMESPACE}\">\
         <soapenv:Body><tns:{operation}><arg0>{body}</arg0></tns:{operation}></soapenv:Body></soapenv:Envelope>"
    )
}

pub fn create_request(new: &NewPayment) -> String {
    envelope(
        "creerPaiementSecurise",
        &[
            ("exer", &new.exer),
            ("mel", &new.mel),
            ("montant", &new.montant),
            ("numcli", &new.numcli),
            ("objet", &new.objet),
            ("refdet", &new.refdet),
            ("saisie", &new.saisie),
            ("urlnotif", &new.urlnotif),
            ("urlredirect", &new.urlredirect),
        ],
    )
}

pub fn details_request(idop: &str) -> String {
    envelope("recupererDetailPaiementSecurise", &[("idOp", idop)])
}

/// A message read: the fields of its `return` (or of its fault's detail) by local
/// name, and whether it was a fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub fields: Vec<(String, String)>,
    /// `faultstring`, when the answer is a fault.
    pub fault: Option<String>,
}

impl Message {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads an answer: the leaf elements under `return`, or under a fault's `detail`
/// with its `faultstring`. Namespace prefixes are ignored.
pub fn parse(xml: &str) -> Result<Message, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut message = Message::default();
    let mut text = String::new();
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                path.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                text.clear();
            }
            Event::Text(t) => {
                let decoded = t.decode().map_err(quick_xml::Error::Encoding)?;
                text.push_str(
                    &quick_xml::escape::unescape(&decoded).map_err(quick_xml::Error::Escape)?,
                );
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(quick_xml::Error::Encoding)?;
                let entity = format!("&{name};");
                text.push_str(
                    &quick_xml::escape::unescape(&entity).map_err(quick_xml::Error::Escape)?,
                );
            }
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let parent = path.last().map(String::as_str);
                if name == "faultstring" {
                    message.fault = Some(text.clone());
                } else if path.iter().any(|p| p == "return" || p == "detail")
                    && parent.is_some()
                    && !text.is_empty()
                {
                    message.fields.push((name, text.clone()));
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_has_its_fields_unqualified_and_escaped() {
        let xml = details_request("a<b");
        assert!(xml.contains("<tns:recupererDetailPaiementSecurise><arg0><idOp>a&lt;b</idOp></arg0></tns:recupererDetailPaiementSecurise>"), "{xml}");
        assert!(xml.contains(&format!("xmlns:tns=\"{NAMESPACE}\"")));
    }

    #[test]
    fn an_answer_is_read_by_local_names() {
        let xml = format!(
            "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2=\"{NAMESPACE}\"><return><dattrans>27112026</dattrans><exer>2026</exer><heurtrans>0912</heurtrans><idOp>cc0cb210-1cd4-11ea-8cca-0213ad91a103</idOp><mel>a@b.fr</mel><montant>570</montant><numauto>112233</numauto><numcli>012345</numcli><refdet>F2026000001</refdet><resultrans>P</resultrans><saisie>T</saisie></return></ns2:recupererDetailPaiementSecuriseResponse></S:Body></S:Envelope>"
        );
        let message = parse(&xml).unwrap();
        assert_eq!(message.fault, None);
        assert_eq!(message.get("resultrans"), Some("P"));
        assert_eq!(message.get("montant"), Some("570"));
        assert_eq!(
            message.get("idOp"),
            Some("cc0cb210-1cd4-11ea-8cca-0213ad91a103")
        );
        assert_eq!(message.get("objet"), None);
    }

    #[test]
    fn a_fault_gives_its_code() {
        let xml = format!(
            "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2=\"{NAMESPACE}\"><code>P5</code><descriptif/><libelle>R&#233;sultat de la transaction non connu.</libelle><severite>2</severite></ns2:FonctionnelleErreur></detail></S:Fault></S:Body></S:Envelope>"
        );
        let message = parse(&xml).unwrap();
        assert_eq!(
            message.fault.as_deref(),
            Some("fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur")
        );
        assert_eq!(message.get("code"), Some("P5"));
        assert_eq!(
            message.get("libelle"),
            Some("Résultat de la transaction non connu.")
        );
    }
}
