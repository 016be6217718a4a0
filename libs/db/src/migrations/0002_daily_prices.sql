-- One bar per ticker and KRX trading day (Kiwoom ka10081 for OHLCV, ka10086 for investor flows).
-- Prices and `change` are KRW, `change_rate` is percent against the previous close, volumes and
-- net buys are shares, `trading_value` is KRW. No foreign key to stocks: bars may arrive for a
-- watch-list ticker before the stock list is refreshed.
create table daily_prices (
  ticker              text not null check (ticker ~ '^[0-9A-Z]{6}$' and ticker ~ '[0-9]'),
  date                date not null,
  open                numeric not null,
  high                numeric not null,
  low                 numeric not null,
  close               numeric not null,
  volume              bigint not null check (volume >= 0),
  trading_value       bigint check (trading_value >= 0),
  change              numeric,
  change_rate         numeric,
  foreign_net_buy     bigint,
  institution_net_buy bigint,
  individual_net_buy  bigint,
  source              text not null,
  updated_at          timestamptz not null default now(),
  -- This btree (ticker, date) is also the latest-by-ticker index: `where ticker = $1 order by
  -- date desc limit n` reads it backwards (Index Scan Backward), per ticker in a lateral join too.
  -- A second (ticker, date desc) index would hold the same entries and double the write cost.
  primary key (ticker, date)
);
