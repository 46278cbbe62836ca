//! The messages the portal sends, in French, as text and HTML.

use chrono::{DateTime, Utc};
use domain::calendar::french_instant;
use persistence::notifications::outbox::{self, NewEmail};
use persistence::{AnyConnection, DbError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Message {
    /// Writes the message to the outbox, in the caller's transaction.
    pub fn queue(&self, conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<(), DbError> {
        outbox::enqueue(
            conn,
            &NewEmail {
                kind: self.kind,
                to_address: &self.to,
                subject: &self.subject,
                text_body: &self.text,
                html_body: &self.html,
            },
            now,
        )
    }
}

/// Escapes text for HTML (emails, and the payment sandbox's page).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A message made of paragraphs and at most one button link.
fn compose(
    kind: &'static str,
    to: &str,
    subject: &str,
    greeting: &str,
    paragraphs: &[String],
    link: Option<(&str, &str)>,
) -> Message {
    let mut text = format!("{greeting}\n\n");
    let mut html = format!("<p>{}</p>\n", escape(greeting));
    for (index, paragraph) in paragraphs.iter().enumerate() {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        if let (0, Some((label, url))) = (index, link) {
            text.push_str(&format!("{label} : {url}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>\n",
                escape(url),
                escape(label)
            ));
        }
    }
    let signature = "Le service Enfance de votre ville — Espace Familles";
    text.push_str(signature);
    text.push('\n');
    html.push_str(&format!("<p>{}</p>\n", escape(signature)));
    Message {
        kind,
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html: format!("<!DOCTYPE html>\n<html lang=\"fr\"><body>\n{html}</body></html>\n"),
    }
}

/// A notice's email: its title as subject, its paragraphs, its link as the button.
pub fn notice(
    kind: &'static str,
    to: &str,
    first_name: &str,
    title: &str,
    paragraphs: &[String],
    link: Option<(&str, &str)>,
) -> Message {
    compose(kind, to, title, &hello(first_name), paragraphs, link)
}

fn hello(first_name: &str) -> String {
    format!("Bonjour {first_name},")
}

pub fn activation(to: &str, first_name: &str, link: &str, valid_until: DateTime<Utc>) -> Message {
    compose(
        "activation",
        to,
        "Activez votre compte Espace Familles",
        &hello(first_name),
        &[
            "Votre compte Espace Familles a été créé. Pour l'activer, suivez ce lien :".to_owned(),
            format!(
                "Attention, le lien n'est valide que jusqu'au {} (72 heures).",
                french_instant(valid_until)
            ),
            "Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.".to_owned(),
        ],
        Some(("Activer mon compte", link)),
    )
}

pub fn invitation(to: &str, first_name: &str, link: &str, valid_until: DateTime<Utc>) -> Message {
    compose(
        "invitation",
        to,
        "Votre compte agent Espace Familles",
        &hello(first_name),
        &[
            "Un compte agent de l'Espace Familles vous a été ouvert. Choisissez votre mot de passe en suivant ce lien :".to_owned(),
            format!("Le lien est valide jusqu'au {}.", french_instant(valid_until)),
        ],
        Some(("Choisir mon mot de passe", link)),
    )
}

pub fn address_already_registered(to: &str, reset_link: &str) -> Message {
    compose(
        "address_already_registered",
        to,
        "Tentative d'inscription à l'Espace Familles",
        "Bonjour,",
        &[
            "Quelqu'un a tenté de créer un compte Espace Familles avec cette adresse, qui a déjà un compte. Si c'était vous et que vous avez oublié votre mot de passe, vous pouvez le réinitialiser :".to_owned(),
            "Sinon, ignorez ce message : aucun compte n'a été créé.".to_owned(),
        ],
        Some(("Réinitialiser mon mot de passe", reset_link)),
    )
}

pub fn password_reset(
    to: &str,
    first_name: &str,
    link: &str,
    valid_until: DateTime<Utc>,
) -> Message {
    compose(
        "password_reset",
        to,
        "Réinitialisation de votre mot de passe",
        &hello(first_name),
        &[
            "Vous avez demandé à réinitialiser le mot de passe de votre compte Espace Familles. Suivez ce lien :".to_owned(),
            format!("Le lien n'est valide qu'une fois, jusqu'au {} (1 heure).", french_instant(valid_until)),
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.".to_owned(),
        ],
        Some(("Choisir un nouveau mot de passe", link)),
    )
}

pub fn password_changed(to: &str, first_name: &str, at: DateTime<Utc>) -> Message {
    compose(
        "password_changed",
        to,
        "Votre mot de passe a été modifié",
        &hello(first_name),
        &[
            format!("Le mot de passe de votre compte Espace Familles a été modifié le {}. Vos autres connexions ont été fermées.", french_instant(at)),
            "Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre le service Enfance de votre ville.".to_owned(),
        ],
        None,
    )
}

pub fn email_change(to: &str, first_name: &str, link: &str, valid_until: DateTime<Utc>) -> Message {
    compose(
        "email_change",
        to,
        "Confirmez votre nouvelle adresse e-mail",
        &hello(first_name),
        &[
            "Pour que cette adresse devienne celle de votre compte Espace Familles, confirmez-la en suivant ce lien :".to_owned(),
            format!("Le lien est valide jusqu'au {}.", french_instant(valid_until)),
        ],
        Some(("Confirmer mon adresse", link)),
    )
}

pub fn email_changed(to: &str, first_name: &str, new_email: &str) -> Message {
    compose(
        "email_changed",
        to,
        "L'adresse de votre compte a été modifiée",
        &hello(first_name),
        &[
            format!("L'adresse e-mail de votre compte Espace Familles est désormais {new_email}. Les messages vous seront envoyés à cette adresse."),
            "Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre le service Enfance de votre ville.".to_owned(),
        ],
        None,
    )
}

/// The family's acknowledgement of a request (démarche) it filed.
pub fn request_filed(to: &str, first_name: &str, number: i64, link: &str) -> Message {
    compose(
        "request_filed",
        to,
        &format!("Votre démarche n° {number} a bien été reçue"),
        &hello(first_name),
        &[format!(
            "Votre démarche n° {number} a bien été transmise au service Enfance. Vous serez prévenu(e) par e-mail de la réponse ; vous pouvez aussi la suivre dans votre espace :"
        )],
        Some(("Suivre mes démarches", link)),
    )
}

/// The back office's notice of a new request.
pub fn request_received(to: &str, number: i64, dossier_number: &str, kind: &str) -> Message {
    compose(
        "request_received",
        to,
        &format!("Nouvelle démarche n° {number} (dossier {dossier_number})"),
        "Bonjour,",
        &[format!(
            "Le dossier {dossier_number} a déposé la démarche n° {number} ({kind}). Elle attend une réponse dans la file des démarches du back-office."
        )],
        None,
    )
}

/// The back office's notice of a mandate suspended after the bank's rejections.
pub fn mandate_suspended(to: &str, dossier_number: &str, reference: &str, reason: &str) -> Message {
    compose(
        "mandate_suspended",
        to,
        &format!("Mandat de prélèvement suspendu (dossier {dossier_number})"),
        "Bonjour,",
        &[format!(
            "Le mandat {reference} du dossier {dossier_number} est suspendu ({reason}). Ses prochaines factures ne seront pas prélevées ; la famille en est informée. Les mandats suspendus sont listés dans le back-office."
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_activation_email_says_the_link_and_its_deadline_in_paris_time() {
        let until: DateTime<Utc> = "2026-09-04T08:00:00Z".parse().unwrap();
        let message = activation(
            "a@b.fr",
            "Zoé <script>",
            "https://familles.example/activation?token=x",
            until,
        );
        assert!(
            message
                .text
                .contains("Activer mon compte : https://familles.example/activation?token=x")
        );
        assert!(message.text.contains("04/09/2026 à 10:00"));
        assert!(message.html.contains("Zoé &lt;script&gt;"));
        assert!(!message.html.contains("<script>"));
    }
}
