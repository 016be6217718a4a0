-- KRX closures (Kiwoom has no holiday TR; kiwoom-rest.md §7.3). `kind` is free text such as
-- 'public', 'lunar', 'substitute', 'krx' or 'ad_hoc'.
create table market_holidays (
  date date primary key,
  name text not null,
  kind text
);
