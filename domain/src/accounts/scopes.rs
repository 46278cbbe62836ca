//! What a third-party app may do for a family: the OAuth 2.0 scopes a family grants,
//! each a coherent slice of the family's rights, worded for the consent page.

use crate::stored::stored_enum;

stored_enum! {
    /// One right a family grants an app.
    Scope {
        /// Read the account's identity (name, email).
        Profile => "profile",
        /// Read the family's file: children, contact details, documents, requests,
        /// registrations, renewal.
        DossierRead => "dossier:read",
        /// Change it: contact details, documents, requests, renewal.
        DossierWrite => "dossier:write",
        /// Read the plannings, the draft, holiday weeks and the deadlines.
        PlanningRead => "planning:read",
        /// Book and cancel days, register children, fill the holiday basket.
        PlanningWrite => "planning:write",
        /// Read invoices, the account statement, payments, mandates and certificates.
        InvoicesRead => "invoices:read",
        /// Pay online and manage direct debit mandates.
        Payments => "payments",
        /// Read the portal's notifications and their preferences.
        Notifications => "notifications",
    }
}

impl Scope {
    /// What the consent page says the app will be able to do.
    pub fn consent_text(self) -> &'static str {
        match self {
            Self::Profile => "Connaître votre nom et votre adresse e-mail",
            Self::DossierRead => {
                "Consulter votre dossier : enfants, coordonnées, documents, démarches, inscriptions"
            }
            Self::DossierWrite => {
                "Modifier votre dossier : coordonnées, documents, démarches, renouvellement"
            }
            Self::PlanningRead => "Consulter les plannings de vos enfants",
            Self::PlanningWrite => {
                "Réserver et annuler des jours, inscrire vos enfants aux activités"
            }
            Self::InvoicesRead => "Consulter vos factures, paiements et attestations",
            Self::Payments => "Payer en ligne et gérer vos mandats de prélèvement",
            Self::Notifications => "Lire vos notifications du portail",
        }
    }
}

/// A set of scopes, written space-separated as OAuth 2.0 does (RFC 6749, section 3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(mut scopes: Vec<Scope>) -> Self {
        scopes.sort();
        scopes.dedup();
        Self(scopes)
    }

    /// Parses `planning:read invoices:read`; an unknown scope is named in the error.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split_ascii_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<Scope>, String>>()
            .map(Self::new)
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether every scope of `self` is in `allowed`.
    pub fn within(&self, allowed: &Self) -> bool {
        self.0.iter().all(|s| allowed.contains(*s))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl std::fmt::Display for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_sorted_and_once_and_name_an_unknown_one() {
        let scopes = Scopes::parse("invoices:read  planning:read invoices:read").unwrap();
        assert_eq!(scopes.to_string(), "planning:read invoices:read");
        assert!(Scopes::parse("planning:read admin").is_err());
        assert!(Scopes::parse("").unwrap().is_empty());
    }

    #[test]
    fn a_set_is_within_another_only_when_each_scope_is() {
        let all = Scopes::parse("planning:read planning:write").unwrap();
        assert!(Scopes::parse("planning:read").unwrap().within(&all));
        assert!(
            !Scopes::parse("payments planning:read")
                .unwrap()
                .within(&all)
        );
    }
}
