-- Billing: monthly invoices from the planning, their numbers, credit notes and
-- payments recorded at the counter.

-- What a child present without a booking pays on top of the unit's price, in percent.
ALTER TABLE activities ADD COLUMN unbooked_surcharge_percent INTEGER NOT NULL DEFAULT 0
    CHECK (unbooked_surcharge_percent BETWEEN 0 AND 500);

-- The last number issued per kind and year: numbers are taken in the transaction that
-- writes the documents, so a rolled-back chunk leaves no gap.
CREATE TABLE document_numbers (
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    year INTEGER NOT NULL,
    last_number BIGINT NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (kind, year)
);

-- One pass of billing over a month. A pass bills the dossiers that have no invoice for
-- the month yet, chunk by chunk, each chunk committed with its progress; a pass whose
-- lease ran out (its server stopped) is taken over by the next one.
CREATE TABLE billing_runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
    dossiers_total INTEGER NOT NULL DEFAULT 0,
    dossiers_done INTEGER NOT NULL DEFAULT 0,
    invoices_created INTEGER NOT NULL DEFAULT 0,
    total_cents BIGINT NOT NULL DEFAULT 0,
    started_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    started_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE UNIQUE INDEX billing_runs_one_running ON billing_runs (month) WHERE status = 'running';

-- A dossier's bill of a month. Never edited once issued but for what has been paid or
-- credited; corrections are credit notes.
CREATE TABLE invoices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    month DATE NOT NULL,
    run_id BIGINT REFERENCES billing_runs (id) ON DELETE SET NULL,
    issued_on DATE NOT NULL,
    due_on DATE NOT NULL,
    total_cents BIGINT NOT NULL CHECK (total_cents >= 0),
    paid_cents BIGINT NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    credited_cents BIGINT NOT NULL DEFAULT 0 CHECK (credited_cents >= 0 AND credited_cents <= total_cents),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (dossier_id, month)
);
CREATE INDEX invoices_month ON invoices (month, dossier_id);

-- What an invoice bills, with the names as they were when it was issued.
CREATE TABLE invoice_lines (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    child_id BIGINT REFERENCES children (id) ON DELETE SET NULL,
    child_name TEXT NOT NULL,
    activity_id BIGINT REFERENCES activities (id) ON DELETE SET NULL,
    activity_name TEXT NOT NULL,
    unit_id BIGINT REFERENCES activity_units (id) ON DELETE SET NULL,
    unit_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('booked', 'unbooked')),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents = quantity * unit_price_cents),
    UNIQUE (invoice_id, position)
);

-- A correction of an issued invoice: lowers what the family owes.
CREATE TABLE credit_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reason TEXT NOT NULL,
    issued_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_notes_dossier ON credit_notes (dossier_id, issued_at);

-- A payment of an invoice or a basket by card or direct debit through PayFiP or the
-- built-in sandbox: one row per attempt, since an idop is never reused. Only the service's own answer about the
-- idop settles it ('pending' to 'paid', 'refused' or 'abandoned', once).
CREATE TABLE online_payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    -- What it pays: an invoice, or a basket of holiday weeks.
    invoice_id BIGINT REFERENCES invoices (id),
    basket_id BIGINT REFERENCES baskets (id),
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    provider TEXT NOT NULL CHECK (provider IN ('sandbox', 'payfip')),
    idop TEXT UNIQUE,
    refdet TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL CHECK (status IN ('creating', 'pending', 'paid', 'refused', 'abandoned', 'failed')),
    -- PayFiP's resultrans (P, V, A, R, Z) or fault code (P1), as last read.
    result_code TEXT,
    -- What the person chose on the sandbox's page, which the sandbox then answers.
    sandbox_result TEXT CHECK (sandbox_result IN ('P', 'R', 'A')),
    idempotency_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (dossier_id, idempotency_key),
    CHECK ((invoice_id IS NULL) <> (basket_id IS NULL))
);
CREATE INDEX online_payments_pending ON online_payments (status, created_at);

-- Money received for an invoice: at the counter (cheque, cash, CESU) or online.
CREATE TABLE payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    method TEXT NOT NULL CHECK (method IN ('cheque', 'cash', 'cesu', 'card', 'direct_debit')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reference TEXT,
    received_on DATE NOT NULL,
    recorded_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    idempotency_key TEXT,
    -- The online payment it settles: at most one payment each.
    online_payment_id BIGINT UNIQUE REFERENCES online_payments (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_dossier ON payments (dossier_id, received_on);
CREATE INDEX payments_received ON payments (received_on);
CREATE UNIQUE INDEX payments_idempotency ON payments (invoice_id, idempotency_key);
