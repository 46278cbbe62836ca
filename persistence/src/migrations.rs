use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{AnyConnection, DbError};

const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Any constant works; it only has to be the same for every instance.
const MIGRATION_LOCK_KEY: i64 = 0x4546_316d_6967;

/// Applies the pending migrations of the connection's backend and returns their
/// names. On PostgreSQL an advisory lock keeps two instances starting together
/// from migrating at the same time.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        AnyConnection::Postgresql(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = pg
                .run_pending_migrations(POSTGRES)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>());
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result
        }
        AnyConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;

    use crate::schema::{activities, activity_kinds};

    /// An activity of the kind `code`, from `starts_on` to `ends_on`, as rows stood
    /// before the guide's kinds.
    fn activity(name: &str, code: &str, starts_on: &str, ends_on: &str) -> String {
        format!(
            "INSERT INTO activities (kind_id, name, description, starts_on, ends_on, eligibility, mode, \
             entry_rule, family_chooses_group, required_documents, cancellable, created_at, updated_at) \
             SELECT id, '{name}', '', '{starts_on}', '{ends_on}', '{{}}', 'prepaid', 'chosen', 0, '', 0, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM activity_kinds WHERE code = '{code}';"
        )
    }

    #[test]
    fn the_guide_kinds_migration_moves_summer_centres_and_keeps_the_others() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        migrate_until(&mut conn, "guide_kinds");
        conn.batch_execute(&format!(
            "{}{}{}",
            activity("Été", "holiday_centre", "2027-07-05", "2027-08-27"),
            activity("Hiver", "holiday_centre", "2027-02-15", "2027-02-26"),
            activity("Séjour", "stay", "2027-08-02", "2027-08-06"),
        ))
        .unwrap();
        conn.run_pending_migrations(SQLITE).unwrap();
        let mut kinds: Vec<(String, String)> = activities::table
            .inner_join(activity_kinds::table)
            .select((activities::name, activity_kinds::code))
            .load(&mut conn)
            .unwrap();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                ("Hiver".to_owned(), "short_holiday_centre".to_owned()),
                ("Séjour".to_owned(), "stay".to_owned()),
                ("Été".to_owned(), "summer_centre".to_owned()),
            ]
        );
        let old: i64 = activity_kinds::table
            .filter(activity_kinds::code.eq("holiday_centre"))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(old, 0);
    }

    /// Runs the SQLite migrations before the one named `name`.
    fn migrate_until(conn: &mut SqliteConnection, name: &str) {
        while !conn.pending_migrations(SQLITE).unwrap()[0]
            .name()
            .to_string()
            .contains(name)
        {
            conn.run_next_migration(SQLITE).unwrap();
        }
    }

    #[test]
    fn rebuilding_the_documents_table_keeps_every_document_and_what_points_to_it() {
        use crate::schema::{documents, family_quotients, issued_certificates};
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        migrate_until(&mut conn, "document_requirements");
        let stamp = "'2026-01-01 00:00:00'";
        conn.batch_execute(&format!(
            "INSERT INTO dossiers (id, number, name, email, created_at, updated_at, address_line1, \
             address_line2, postcode, city, version) VALUES (1, '18', 'T I', NULL, {stamp}, {stamp}, \
             '', '', '', '', 1);
             INSERT INTO documents (id, dossier_id, kind, origin, file_name, content_type, size_bytes, \
             sha256, storage_key, created_at) VALUES \
             (1, 1, 'income_proof', 'family', 'avis.pdf', 'application/pdf', 1, 'x', 'k1', {stamp}), \
             (2, 1, 'certificate', 'city', 'attestation.pdf', 'application/pdf', 1, 'y', 'k2', {stamp});
             INSERT INTO family_quotients (dossier_id, quotient, valid_from, valid_until, \
             proof_document_id, created_at, source) VALUES (1, 850, '2026-09-01', '2027-08-31', 1, \
             {stamp}, 'agent');
             INSERT INTO issued_certificates (dossier_id, kind, year, document_id, total_cents, \
             created_at) VALUES (1, 'childcare_tax', 2025, 2, 100, {stamp});"
        ))
        .unwrap();
        conn.run_pending_migrations(SQLITE).unwrap();
        let kept: Vec<(i64, String)> = documents::table
            .order(documents::id)
            .select((documents::id, documents::status))
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            kept,
            [(1, "pending".to_owned()), (2, "accepted".to_owned())]
        );
        let proof: Option<i64> = family_quotients::table
            .select(family_quotients::proof_document_id)
            .first(&mut conn)
            .unwrap();
        assert_eq!(proof, Some(1), "the quotient still names its proof");
        let certificates: i64 = issued_certificates::table
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(certificates, 1, "no cascade from the rebuild");
        // The new kinds are accepted, and foreign keys are on again.
        conn.batch_execute(&format!(
            "INSERT INTO documents (dossier_id, kind, origin, file_name, content_type, size_bytes, \
             sha256, storage_key, created_at, status) VALUES (1, 'school_insurance', 'family', \
             'a.pdf', 'application/pdf', 1, 'z', 'k3', {stamp}, 'pending');"
        ))
        .unwrap();
        let orphan = conn.batch_execute(&format!(
            "INSERT INTO documents (dossier_id, kind, origin, file_name, content_type, size_bytes, \
             sha256, storage_key, created_at, status) VALUES (99, 'other', 'family', 'b.pdf', \
             'application/pdf', 1, 'w', 'k4', {stamp}, 'pending');"
        ));
        assert!(orphan.is_err(), "foreign keys enforced after the migration");
    }
}
