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

diesel::table! {
    dossiers (id) {
        id -> BigInt,
        number -> Text,
        name -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        role -> Text,
        status -> Text,
        username -> Text,
        username_key -> Text,
        email -> Text,
        email_key -> Text,
        first_name -> Text,
        last_name -> Text,
        password_hash -> Nullable<Text>,
        dossier_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        new_email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        account_id -> BigInt,
        remember_me -> Bool,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    legal_documents (id) {
        id -> BigInt,
        kind -> Text,
        version -> Text,
        title -> Text,
        body -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> BigInt,
        account_id -> BigInt,
        document_id -> BigInt,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    signup_drafts (id) {
        id -> BigInt,
        public_id -> Text,
        last_name -> Nullable<Text>,
        first_name -> Nullable<Text>,
        email -> Nullable<Text>,
        username -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        dossier_id -> Nullable<BigInt>,
        terms_document_id -> Nullable<BigInt>,
        terms_accepted_at -> Nullable<Timestamp>,
        privacy_document_id -> Nullable<BigInt>,
        privacy_accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    outbox_emails (id) {
        id -> BigInt,
        kind -> Text,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    throttles (scope, key) {
        scope -> Text,
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(accounts -> dossiers (dossier_id));
diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(consents -> accounts (account_id));
diesel::joinable!(consents -> legal_documents (document_id));
diesel::joinable!(signup_drafts -> dossiers (dossier_id));

diesel::allow_tables_to_appear_in_same_query!(
    city_settings,
    dossiers,
    accounts,
    account_tokens,
    sessions,
    refresh_tokens,
    legal_documents,
    consents,
    signup_drafts,
    outbox_emails,
    throttles,
);
