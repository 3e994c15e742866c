-- Migration 010: a log of alert detections (issues 12 and 17). A night's detection reads the
-- series of the indicators and regions loaded since the last detection, not the whole fact
-- table (10M rows read into memory took 194 s and 19 GB for one new document); this log is
-- where it finds "since", and what an operator reads to see what each detection looked at.
create table detections (
    detected_at          timestamp not null,
    run_id               varchar,             -- the run it belongs to; null from the command line
    rules_version        varchar not null,    -- digest of the rules and the catalog they ran with
    full_scan            boolean not null,    -- every series read (the first detection, new rules)
    since_observation_id bigint,              -- an incremental one read what came after this id
    until_observation_id bigint,              -- the highest observation_id when it ran
    scope_pairs          integer,             -- (indicator, region) pairs read; null when full
    observations_read    bigint not null,     -- latest vintages the series rules read
    alerts_found         integer not null     -- anomalies the rules produced
);
