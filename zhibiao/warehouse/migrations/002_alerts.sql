-- Migration 002: the alerts table (commit 6e30315, issue 6).
--
-- Alerts raised by the anomaly rules (zhibiao/transforms/anomalies.py), kept by
-- zhibiao/warehouse/alerts.py. One row per fingerprint = sha256 of (rule, key, the values that
-- make the anomaly). While the rules keep producing it the row stays open and is notified once;
-- when they stop it closes; if the same anomaly comes back it reopens and is notified again.
-- Different values are a different fingerprint: a new row, while the old one closes. A person
-- who closes an alert (`zhibiao alerts close`, closed_by and close_note set) closes it for good:
-- the same facts never reopen it; changed facts are a new fingerprint.

create table if not exists alerts (
    fingerprint     varchar primary key,   -- sha256 hex of (rule, key, values)
    rule            varchar not null,      -- see the rule names below
    severity        varchar not null,      -- info, warning, critical
    indicator_code  varchar,               -- null for source and document alerts
    region          varchar,
    period          varchar,
    measure         varchar,
    document_id     varchar,               -- first of document_ids
    message         varchar not null,      -- message_zh and message_en, one a line
    details         varchar,               -- JSON {"key": ..., "values": ...} behind the fingerprint
    run_id          varchar,               -- run that (re)opened it
    last_seen_at    timestamp,             -- latest run that produced it
    notified_at     timestamp,             -- delivery succeeded; null while open = pending
    status          varchar default 'open' -- open, closed
);

-- Columns added here rather than above so that an `alerts` table created by an earlier
-- definition (a draft of 010_tables.sql had one) gains them too. Rules: level_growth_mismatch,
-- target_missed, large_revision, growth_outlier, implausible_value, parts_sum_mismatch,
-- source_failed, source_stale, validation_failed, document_rejected.
alter table alerts add column if not exists alert_id varchar;          -- fingerprint[:16]
alter table alerts add column if not exists message_zh varchar;        -- plain sentence, numbers
alter table alerts add column if not exists message_en varchar;
alter table alerts add column if not exists evidence varchar;          -- source sentence(s)
alter table alerts add column if not exists document_ids varchar[];    -- documents of the figures
alter table alerts add column if not exists opened_at timestamp;       -- run that (re)opened it
alter table alerts add column if not exists closed_at timestamp;       -- run that stopped seeing it
alter table alerts add column if not exists notify_attempts integer default 0;
alter table alerts add column if not exists notify_error varchar;      -- last failed delivery
