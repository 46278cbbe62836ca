-- The city's opening hours (a JSON list of {weekday, opens, closes}) and a note
-- beside them; the settings' version is their ETag for admins' updates.
ALTER TABLE city_settings ADD COLUMN opening_hours TEXT;
ALTER TABLE city_settings ADD COLUMN opening_note TEXT;
ALTER TABLE city_settings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Information pages agents publish ("Aide", "Accessibilité", each service's rules),
-- in Markdown, with the sanitised HTML rendered once when written.
CREATE TABLE info_pages (
    id INTEGER PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
