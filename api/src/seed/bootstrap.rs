//! What a fresh database needs before anyone can sign up: the first terms of use and
//! privacy policy, and an admin to run the rest.

use chrono::{DateTime, Utc};
use domain::accounts::{AccountStatus, Role};
use persistence::accounts::{self, NewAccount};
use persistence::{AnyConnection, accounts::legal};

use crate::auth::passwords;
use crate::config::BootstrapAdmin;
use crate::usecases::Outcome;
use domain::accounts::LegalDocumentKind;

/// The texts of the guide (chapter I, steps 3 and 4), published as version 1.0
/// when no version exists; admins publish the city's own afterwards.
pub fn ensure_legal_documents(conn: &mut AnyConnection, now: DateTime<Utc>) -> Outcome<()> {
    if legal::current(conn, LegalDocumentKind::Terms)?.is_none() {
        legal::publish(
            conn,
            LegalDocumentKind::Terms,
            "1.0",
            "Conditions générales d'utilisation",
            "ARTICLE 1 : PRÉAMBULE\n\n\
             1. La Commune (ci-après « la Ville ») propose un portail permettant à l'utilisateur \
             d'effectuer par voie dématérialisée ses démarches en matière d'enfance.\n\
             2. L'utilisateur reconnaît disposer de la compétence et des moyens nécessaires pour \
             accéder et utiliser son ordinateur.\n\
             3. L'utilisateur dispose de la faculté de sauvegarder et d'imprimer les présentes \
             conditions générales d'utilisation à l'aide des standards de son navigateur ou de son \
             ordinateur.",
            now,
        )?;
    }
    if legal::current(conn, LegalDocumentKind::Privacy)?.is_none() {
        legal::publish(
            conn,
            LegalDocumentKind::Privacy,
            "1.0",
            "Politique de confidentialité",
            "Conformément au règlement général sur la protection des données personnelles, vous \
             pouvez exercer vos droits sur les données vous concernant et les faire rectifier en \
             contactant le responsable des traitements. Depuis l'Espace Familles, vous pouvez \
             également télécharger l'ensemble des données que la Ville détient sur votre famille.",
            now,
        )?;
    }
    Ok(())
}

/// Creates the configured admin when no admin exists yet. Returns whether it did.
pub fn ensure_admin(
    conn: &mut AnyConnection,
    admin: &BootstrapAdmin,
    now: DateTime<Utc>,
) -> Outcome<bool> {
    if accounts::any_with_role(conn, "admin")? {
        return Ok(false);
    }
    let hash = passwords::hash(&admin.password)?;
    accounts::insert(
        conn,
        &NewAccount {
            role: Role::Admin,
            status: AccountStatus::Active,
            username: &admin.username,
            email: &admin.email,
            first_name: "Administrateur",
            last_name: "Espace Familles",
            password_hash: Some(&hash),
            dossier_id: None,
        },
        now,
    )?;
    Ok(true)
}
