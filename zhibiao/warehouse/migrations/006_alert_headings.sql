-- Migration 006: alerts a person can act on (commit e101a78, issue 14): headings in words,
-- and who closed an alert by hand, with their reason.
alter table alerts add column if not exists heading_zh varchar;       -- rule, indicator, region, period
alter table alerts add column if not exists heading_en varchar;
alter table alerts add column if not exists closed_by varchar;        -- who closed it by hand; null: a run
alter table alerts add column if not exists close_note varchar;       -- their reason
