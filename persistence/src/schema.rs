//! The tables, as diesel sees them. Kept by hand in step with both migration folders;
//! the end-to-end tests run every query on SQLite and PostgreSQL.

diesel::table! {
    /// The city running the portal: one row, id 1.
    city_settings (id) {
        id -> BigInt,
        name -> Text,
        time_zone -> Text,
        school_zone -> Text,
        academy -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        website_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
