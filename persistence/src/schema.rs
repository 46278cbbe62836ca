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
        opening_hours -> Nullable<Text>,
        opening_note -> Nullable<Text>,
        version -> BigInt,
        top_bracket_from -> Nullable<Text>,
        lookup_applies_from -> Text,
    }
}

diesel::table! {
    info_pages (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        body_markdown -> Text,
        body_html -> Text,
        position -> Integer,
        version -> BigInt,
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
        address_line1 -> Text,
        address_line2 -> Text,
        postcode -> Text,
        city -> Text,
        home_phone -> Nullable<Text>,
        mobile_phone -> Nullable<Text>,
        work_phone -> Nullable<Text>,
        version -> BigInt,
        contacts_confidential -> Bool,
    }
}

diesel::table! {
    guardians (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        position -> Integer,
        relationship -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Nullable<Text>,
        mobile_phone -> Nullable<Text>,
        work_phone -> Nullable<Text>,
    }
}

diesel::table! {
    dossier_contacts (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        position -> Integer,
        kind -> Text,
        first_name -> Text,
        last_name -> Text,
        relationship -> Text,
        phone -> Text,
    }
}

diesel::table! {
    children (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        first_name -> Text,
        last_name -> Text,
        birth_date -> Date,
        school -> Nullable<Text>,
        school_level -> Nullable<Text>,
        diet -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A child's second household (separated parents).
    child_households (child_id) {
        child_id -> BigInt,
        dossier_id -> BigInt,
        request_id -> Nullable<BigInt>,
        linked_by -> Nullable<BigInt>,
        linked_at -> Timestamp,
        ended_on -> Nullable<Date>,
    }
}

diesel::table! {
    custody_schedules (id) {
        id -> BigInt,
        child_id -> BigInt,
        valid_from -> Date,
        schedule -> Text,
        set_by -> Nullable<BigInt>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    child_health (child_id) {
        child_id -> BigInt,
        allergies -> Text,
        care_plan -> Bool,
        care_plan_details -> Text,
        doctor_name -> Text,
        doctor_phone -> Text,
        vaccinations -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    requests (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        kind -> Text,
        message -> Text,
        proposal -> Nullable<Text>,
        status -> Text,
        decision_comment -> Nullable<Text>,
        filed_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        child_id -> Nullable<BigInt>,
        request_id -> Nullable<BigInt>,
        kind -> Text,
        origin -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        status -> Text,
        issued_on -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        review_reason -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    renewal_campaigns (id) {
        id -> BigInt,
        school_year -> Integer,
        opens_on -> Date,
        closes_on -> Date,
        sections -> Text,
        message -> Text,
        opening_told_at -> Nullable<Timestamp>,
        closing_told_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    renewals (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        dossier_id -> BigInt,
        status -> Text,
        confirmed -> Text,
        comment -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    document_requirements (kind) {
        kind -> Text,
        label -> Text,
        scope -> Text,
        validity -> Text,
        validity_months -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    family_quotients (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        quotient -> BigInt,
        valid_from -> Date,
        valid_until -> Date,
        proof_document_id -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        source -> Text,
        provider -> Nullable<Text>,
        reference_month -> Nullable<Text>,
    }
}

diesel::table! {
    issued_certificates (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        kind -> Text,
        year -> Nullable<Integer>,
        document_id -> BigInt,
        total_cents -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    certificate_runs (id) {
        id -> BigInt,
        year -> Integer,
        status -> Text,
        total -> Integer,
        done -> Integer,
        issued -> Integer,
        started_by -> Nullable<BigInt>,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    quotient_lookups (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        asked_by -> Nullable<BigInt>,
        consented_at -> Timestamp,
        outcome -> Text,
        quotient_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_username -> Text,
        action -> Text,
        dossier_id -> Nullable<BigInt>,
        child_id -> Nullable<BigInt>,
        detail -> Text,
    }
}

diesel::table! {
    dossier_imports (id) {
        id -> BigInt,
        status -> Text,
        file_name -> Text,
        content -> Text,
        rows_total -> BigInt,
        rows_rejected -> BigInt,
        dossiers_planned -> BigInt,
        children_planned -> BigInt,
        report -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        imported_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_kinds (id) {
        id -> BigInt,
        code -> Text,
        label -> Text,
        booking_rule -> Nullable<Text>,
        change_rule -> Nullable<Text>,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        kind_id -> BigInt,
        name -> Text,
        description -> Text,
        starts_on -> Date,
        ends_on -> Date,
        eligibility -> Text,
        mode -> Text,
        entry_rule -> Text,
        family_chooses_group -> Bool,
        sibling_rate_percent -> Nullable<Integer>,
        required_documents -> Text,
        cancellable -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        unbooked_surcharge_percent -> Integer,
    }
}

diesel::table! {
    activity_units (id) {
        id -> BigInt,
        activity_id -> BigInt,
        position -> Integer,
        name -> Text,
        starts_at -> Text,
        ends_at -> Text,
        weekdays -> Text,
        prices -> Text,
    }
}

diesel::table! {
    activity_groups (id) {
        id -> BigInt,
        activity_id -> BigInt,
        name -> Text,
        capacity -> Integer,
        taken -> Integer,
    }
}

diesel::table! {
    group_day_capacities (group_id, day) {
        group_id -> BigInt,
        day -> Date,
        capacity -> Integer,
    }
}

diesel::table! {
    registrations (id) {
        id -> BigInt,
        activity_id -> BigInt,
        child_id -> BigInt,
        dossier_id -> BigInt,
        group_id -> BigInt,
        status -> Text,
        entry_date -> Date,
        health_form_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        requested_by -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    week_places (group_id, week_start) {
        group_id -> BigInt,
        week_start -> Date,
        taken -> Integer,
    }
}

diesel::table! {
    baskets (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        account_id -> Nullable<BigInt>,
        status -> Text,
        total_cents -> BigInt,
        hold_until -> Nullable<Timestamp>,
        idempotency_key -> Nullable<Text>,
        payment_reference -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        credit_cents -> BigInt,
    }
}

diesel::table! {
    basket_items (id) {
        id -> BigInt,
        basket_id -> BigInt,
        child_id -> BigInt,
        activity_id -> BigInt,
        group_id -> BigInt,
        week_start -> Date,
        days -> Integer,
        day_price_cents -> BigInt,
        amount_cents -> BigInt,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    week_waitlist (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        account_id -> Nullable<BigInt>,
        child_id -> BigInt,
        activity_id -> BigInt,
        group_id -> BigInt,
        week_start -> Date,
        status -> Text,
        basket_id -> Nullable<BigInt>,
        offer_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
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
        client_id -> Nullable<BigInt>,
        scopes -> Nullable<Text>,
        provider -> Nullable<Text>,
        id_token -> Nullable<Text>,
    }
}

diesel::table! {
    oauth_clients (id) {
        id -> BigInt,
        client_id -> Text,
        name -> Text,
        kind -> Text,
        secret_hash -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_codes (id) {
        id -> BigInt,
        code_hash -> Text,
        client_id -> BigInt,
        account_id -> BigInt,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        session_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    external_identities (id) {
        id -> BigInt,
        account_id -> BigInt,
        provider -> Text,
        issuer -> Text,
        subject -> Text,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        birthdate -> Nullable<Text>,
        linked_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_flows (id) {
        id -> BigInt,
        flow_hash -> Text,
        provider -> Text,
        purpose -> Text,
        state -> Text,
        nonce -> Text,
        code_verifier -> Text,
        account_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        verified_identity -> Nullable<Text>,
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
        verified_identity -> Nullable<Text>,
    }
}

diesel::table! {
    stored_files (key) {
        key -> Text,
        content -> Binary,
        size_bytes -> BigInt,
        created_at -> Timestamp,
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

diesel::table! {
    activity_rules (activity_id) {
        activity_id -> BigInt,
        runs_on -> Nullable<Text>,
        booking_rule -> Nullable<Text>,
        change_rule -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    school_holidays (id) {
        id -> BigInt,
        school_year -> Text,
        description -> Text,
        first_day -> Date,
        last_day -> Date,
        imported_at -> Timestamp,
        imported_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    closure_days (id) {
        id -> BigInt,
        day -> Date,
        activity_id -> Nullable<BigInt>,
        reason -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bookings (id) {
        id -> BigInt,
        child_id -> BigInt,
        dossier_id -> BigInt,
        registration_id -> BigInt,
        unit_id -> BigInt,
        group_id -> BigInt,
        day -> Date,
        status -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    booking_counts (group_id, unit_id, day) {
        group_id -> BigInt,
        unit_id -> BigInt,
        day -> Date,
        taken -> Integer,
    }
}

diesel::table! {
    planning_changes (child_id, unit_id, day) {
        child_id -> BigInt,
        unit_id -> BigInt,
        day -> Date,
        dossier_id -> BigInt,
        action -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attendances (child_id, unit_id, day) {
        child_id -> BigInt,
        unit_id -> BigInt,
        day -> Date,
        dossier_id -> BigInt,
        status -> Text,
        note -> Nullable<Text>,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (child_id, dossier_id) {
        child_id -> BigInt,
        dossier_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    document_numbers (kind, year) {
        kind -> Text,
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    billing_runs (id) {
        id -> BigInt,
        month -> Date,
        status -> Text,
        dossiers_total -> Integer,
        dossiers_done -> Integer,
        invoices_created -> Integer,
        total_cents -> BigInt,
        started_by -> Nullable<BigInt>,
        started_at -> Timestamp,
        lease_until -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invoices (id) {
        id -> BigInt,
        number -> Text,
        dossier_id -> BigInt,
        month -> Date,
        run_id -> Nullable<BigInt>,
        issued_on -> Date,
        due_on -> Date,
        total_cents -> BigInt,
        paid_cents -> BigInt,
        credited_cents -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> BigInt,
        invoice_id -> BigInt,
        position -> Integer,
        child_id -> Nullable<BigInt>,
        child_name -> Text,
        activity_id -> Nullable<BigInt>,
        activity_name -> Text,
        unit_id -> Nullable<BigInt>,
        unit_name -> Text,
        kind -> Text,
        first_day -> Date,
        last_day -> Date,
        quantity -> Integer,
        unit_price_cents -> BigInt,
        amount_cents -> BigInt,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> BigInt,
        number -> Text,
        dossier_id -> BigInt,
        invoice_id -> BigInt,
        amount_cents -> BigInt,
        reason -> Text,
        issued_by -> Nullable<BigInt>,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    account_credits (id) {
        id -> BigInt,
        number -> Text,
        dossier_id -> BigInt,
        basket_item_id -> Nullable<BigInt>,
        amount_cents -> BigInt,
        remaining_cents -> BigInt,
        reason -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    credit_uses (id) {
        id -> BigInt,
        credit_id -> BigInt,
        invoice_id -> Nullable<BigInt>,
        basket_id -> Nullable<BigInt>,
        amount_cents -> BigInt,
        used_at -> Timestamp,
    }
}

diesel::table! {
    idempotent_answers (id) {
        id -> BigInt,
        scope -> Text,
        idempotency_key -> Text,
        operation -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        invoice_id -> BigInt,
        method -> Text,
        amount_cents -> BigInt,
        reference -> Nullable<Text>,
        received_on -> Date,
        recorded_by -> Nullable<BigInt>,
        idempotency_key -> Nullable<Text>,
        online_payment_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        reversed_on -> Nullable<Date>,
        reversal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    online_payments (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        invoice_id -> Nullable<BigInt>,
        basket_id -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        provider -> Text,
        idop -> Nullable<Text>,
        refdet -> Text,
        amount_cents -> BigInt,
        status -> Text,
        result_code -> Nullable<Text>,
        sandbox_result -> Nullable<Text>,
        idempotency_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    news_items (id) {
        id -> BigInt,
        title -> Text,
        body_markdown -> Text,
        body_html -> Text,
        published_from -> Nullable<Timestamp>,
        published_until -> Nullable<Timestamp>,
        pinned -> Bool,
        retired_at -> Nullable<Timestamp>,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    news_attachments (id) {
        id -> BigInt,
        news_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        dossier_id -> BigInt,
        title -> Text,
        body -> Text,
        link -> Nullable<Text>,
        data -> Text,
        dedupe_key -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        account_id -> BigInt,
        event_id -> BigInt,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_preferences (account_id, kind) {
        account_id -> BigInt,
        kind -> Text,
        email -> Bool,
        push -> Bool,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> BigInt,
        account_id -> BigInt,
        session_id -> BigInt,
        channel -> Text,
        address -> Text,
        p256dh -> Nullable<Text>,
        auth -> Nullable<Text>,
        platform -> Text,
        language -> Text,
        label -> Text,
        created_at -> Timestamp,
        last_pushed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    push_deliveries (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        event_id -> BigInt,
        payload -> Text,
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
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        description -> Text,
        kinds -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::joinable!(accounts -> dossiers (dossier_id));
diesel::joinable!(news_attachments -> news_items (news_id));
diesel::joinable!(notifications -> events (event_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(push_deliveries -> push_subscriptions (subscription_id));
diesel::joinable!(push_subscriptions -> accounts (account_id));
diesel::joinable!(push_subscriptions -> sessions (session_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(consents -> accounts (account_id));
diesel::joinable!(consents -> legal_documents (document_id));
diesel::joinable!(signup_drafts -> dossiers (dossier_id));
diesel::joinable!(sessions -> oauth_clients (client_id));
diesel::joinable!(oauth_codes -> oauth_clients (client_id));
diesel::joinable!(external_identities -> accounts (account_id));
diesel::joinable!(guardians -> dossiers (dossier_id));
diesel::joinable!(basket_items -> baskets (basket_id));
diesel::joinable!(week_places -> activity_groups (group_id));
diesel::joinable!(activities -> activity_kinds (kind_id));
diesel::joinable!(activity_units -> activities (activity_id));
diesel::joinable!(activity_groups -> activities (activity_id));
diesel::joinable!(registrations -> activities (activity_id));
diesel::joinable!(registrations -> children (child_id));
diesel::joinable!(registrations -> activity_groups (group_id));
diesel::joinable!(dossier_contacts -> dossiers (dossier_id));
diesel::joinable!(children -> dossiers (dossier_id));
diesel::joinable!(child_health -> children (child_id));
diesel::joinable!(child_households -> children (child_id));
diesel::joinable!(custody_schedules -> children (child_id));
diesel::joinable!(requests -> dossiers (dossier_id));
diesel::joinable!(documents -> dossiers (dossier_id));
diesel::joinable!(family_quotients -> dossiers (dossier_id));
diesel::joinable!(quotient_lookups -> dossiers (dossier_id));
diesel::joinable!(bookings -> activity_units (unit_id));
diesel::joinable!(bookings -> registrations (registration_id));
diesel::joinable!(planning_changes -> activity_units (unit_id));
diesel::joinable!(attendances -> activity_units (unit_id));
diesel::joinable!(activity_rules -> activities (activity_id));
diesel::joinable!(invoices -> dossiers (dossier_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(credit_notes -> invoices (invoice_id));
diesel::joinable!(credit_uses -> account_credits (credit_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(online_payments -> invoices (invoice_id));

diesel::joinable!(renewals -> renewal_campaigns (campaign_id));
diesel::joinable!(renewals -> dossiers (dossier_id));

diesel::table! {
    direct_debit_settings (id) {
        id -> BigInt,
        creditor_id -> Text,
        creditor_name -> Text,
        iban -> Text,
        bic -> Nullable<Text>,
        pain_version -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mandates (id) {
        id -> BigInt,
        dossier_id -> BigInt,
        reference -> Nullable<Text>,
        creditor_id -> Text,
        status -> Text,
        channel -> Text,
        holder_name -> Text,
        iban -> Text,
        bic -> Nullable<Text>,
        signed_on -> Date,
        signed_at_place -> Text,
        signed_by -> Nullable<BigInt>,
        consent_at -> Nullable<Timestamp>,
        document_id -> Nullable<BigInt>,
        last_collected_on -> Nullable<Date>,
        consecutive_rejections -> Integer,
        ended_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    debit_collections (id) {
        id -> BigInt,
        collection_date -> Date,
        message_id -> Text,
        pain_version -> Text,
        debit_count -> Integer,
        total_cents -> BigInt,
        sha256 -> Text,
        content -> Text,
        built_by -> Nullable<BigInt>,
        built_at -> Timestamp,
    }
}

diesel::table! {
    direct_debits (id) {
        id -> BigInt,
        invoice_id -> BigInt,
        dossier_id -> BigInt,
        mandate_id -> BigInt,
        end_to_end_id -> Text,
        amount_cents -> BigInt,
        collection_date -> Date,
        told_on -> Date,
        status -> Text,
        sequence_type -> Nullable<Text>,
        collection_id -> Nullable<BigInt>,
        reason_code -> Nullable<Text>,
        settled_on -> Nullable<Date>,
        payment_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(direct_debits -> mandates (mandate_id));
diesel::joinable!(direct_debits -> invoices (invoice_id));

diesel::allow_tables_to_appear_in_same_query!(
    direct_debit_settings,
    mandates,
    debit_collections,
    direct_debits,
    city_settings,
    renewal_campaigns,
    renewals,
    document_requirements,
    dossiers,
    quotient_lookups,
    issued_certificates,
    certificate_runs,
    accounts,
    account_tokens,
    sessions,
    refresh_tokens,
    legal_documents,
    consents,
    signup_drafts,
    oauth_clients,
    oauth_codes,
    external_identities,
    sign_in_flows,
    outbox_emails,
    push_subscriptions,
    push_deliveries,
    throttles,
    guardians,
    dossier_contacts,
    children,
    child_health,
    child_households,
    custody_schedules,
    requests,
    documents,
    family_quotients,
    audit_log,
    dossier_imports,
    activity_kinds,
    activities,
    activity_units,
    activity_groups,
    registrations,
    group_day_capacities,
    week_places,
    baskets,
    basket_items,
    week_waitlist,
    activity_rules,
    school_holidays,
    closure_days,
    bookings,
    booking_counts,
    planning_changes,
    attendances,
    calendar_feeds,
    document_numbers,
    billing_runs,
    invoices,
    invoice_lines,
    credit_notes,
    account_credits,
    credit_uses,
    idempotent_answers,
    info_pages,
    payments,
    online_payments,
    news_items,
    news_attachments,
    events,
    notifications,
    notification_preferences,
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts,
);
