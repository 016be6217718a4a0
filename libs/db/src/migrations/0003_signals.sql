-- One row per published signal set: `payload` is the full set exactly as published (signals.md,
-- "Publishing rules"), so the REST view and a restarted engine serve what clients saw.
-- `set_date` is the engine's as_of trading date; `checksum` lets the engine skip unchanged sets.
create table signals (
  id          bigserial primary key,
  signal_type text not null check (signal_type ~ '^[A-Z][A-Z0-9_]*$'),
  set_date    date not null,
  computed_at timestamptz not null,
  payload     jsonb not null,
  count       integer not null check (count >= 0),
  checksum    text not null
);

-- The latest set per type: newest trading date, then newest computation, then newest row.
create index signals_latest_idx on signals (signal_type, set_date desc, computed_at desc, id desc);
