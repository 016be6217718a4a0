-- Listed instruments (Kiwoom ka10099). `ticker` is the 6-character KRX short code without the
-- A/Q/J prefix or _AL/_NX suffix: six [0-9A-Z] with at least one digit, as on the wire.
create table stocks (
  ticker        text primary key check (ticker ~ '^[0-9A-Z]{6}$' and ticker ~ '[0-9]'),
  name          text not null,
  market        text not null check (market in ('KOSPI', 'KOSDAQ')),
  kind          text not null default 'stock' check (kind in ('stock', 'preferred', 'etf', 'etn')),
  sector        text,
  listed_shares bigint check (listed_shares >= 0),
  -- The signal universe leaves out 관리종목 (designated for management) and suspended stocks.
  is_managed    boolean not null default false,
  is_suspended  boolean not null default false,
  updated_at    timestamptz not null default now()
);
