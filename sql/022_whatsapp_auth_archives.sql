-- WHATSAPP_AUTH=remote: each session's WhatsApp Web login state (the zip whatsapp-web.js's
-- RemoteAuth makes of the Chromium profile's Default/IndexedDB and Local Storage), kept in
-- PostgreSQL so a session taken over by another host resumes without a new QR code.
-- Written only by the worker holding the session's lease (src/whatsapp/auth-store.ts); removed
-- when the session stops running (the supervisor's sweep) or WhatsApp logs the device out.
create table whatsapp_auth_archives (
  session_id uuid primary key,
  archive bytea not null,
  bytes integer not null check (bytes >= 0),
  saved_by text not null,
  saved_at timestamptz not null default now()
);
