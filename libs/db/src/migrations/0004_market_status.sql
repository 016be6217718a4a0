-- The market gate, one row per KST trading day, upserted on every recomputation (signals.md,
-- "Market gate"). Index values are points, changes are percent. Zeros are stored as 0, never null.
create table market_status (
  date              date primary key,
  computed_at       timestamptz not null,
  status            text not null check (status in ('GREEN', 'YELLOW', 'RED')),
  level             integer not null check (level between 0 and 100),
  kospi             numeric not null,
  kospi_change_pct  numeric not null,
  kosdaq            numeric not null,
  kosdaq_change_pct numeric not null,
  -- [{name, ticker, change_pct, signal}] as published.
  sectors           jsonb not null default '[]',
  -- The full `data` object as published.
  payload           jsonb not null
);
