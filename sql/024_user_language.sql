-- The web UI's language each user chose (event UserLanguageSet, web/i18n; docs/architecture.md,
-- "Languages of the web UI"). Null: follow the browser's Accept-Language, then the business's country.
alter table users add column if not exists language text check (language in ('en', 'es', 'pt'));
