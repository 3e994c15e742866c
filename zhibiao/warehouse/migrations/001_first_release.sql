-- Migration 001: the first released schema (commit 480c2bc, the first version that created a
-- warehouse), tables of the contract in docs/architecture.md#warehouse-contract.
-- Observations are append-only vintages (ALFRED style).
--
-- Migrations 001-006 restate what zhibiao applied on every connect before it recorded
-- migrations: `if not exists` throughout, so a warehouse made by any of those versions,
-- whichever of them it already has, converges on the same tables with its rows kept.
-- A released migration is never edited (its checksum is recorded): add a new one.

create sequence if not exists observation_id_seq;

create table if not exists sources (
    source_id      varchar primary key,   -- sources.yaml id
    url            varchar not null,
    kind           varchar not null,       -- work_report, statistical_bulletin, monthly_release ...
    region         varchar not null,
    publisher      varchar,
    cadence        varchar,                -- daily, monthly, quarterly, yearly
    published_on   date,                   -- from the registry, when it states one
    etag           varchar,                -- last validator seen (conditional GET)
    last_modified  varchar,
    last_fetched_at timestamp,
    last_status    varchar,                -- new, unchanged, failed
    last_error     varchar,
    updated_at     timestamp default current_timestamp
);

create table if not exists documents (
    document_id    varchar primary key,    -- sha256 of the raw bytes
    source_id      varchar,
    url            varchar,
    final_url      varchar,
    kind           varchar,
    region         varchar,
    title          varchar,
    published_on   date,                   -- the vintage date of every figure it states
    fetched_at     timestamp,
    size_bytes     bigint,
    content_type   varchar,
    charset        varchar,
    snapshot_path  varchar,                -- data/snapshots/<sha256[:2]>/<sha256>
    status         varchar not null,       -- loaded, quarantined, rejected, failed
    error          varchar,
    figures        integer,
    extractor_version varchar,
    loaded_at      timestamp default current_timestamp
);

create table if not exists indicators (
    indicator_code varchar primary key,
    name_zh        varchar not null,
    aliases        varchar,                -- '|' separated
    name_en        varchar,
    unit           varchar,
    kind           varchar,                -- stock, flow, rate
    growth_basis   varchar,                -- real, nominal, none
    category       varchar,
    headline       boolean
);

create table if not exists observations (
    observation_id    bigint primary key default nextval('observation_id_seq'),
    indicator_code    varchar not null,
    indicator_label   varchar not null,
    region            varchar not null,
    period            varchar not null,
    period_type       varchar not null,
    measure           varchar not null,
    value             double not null,
    value_high        double,
    unit              varchar not null,
    raw_value         varchar,
    raw_unit          varchar,
    status            varchar not null,
    qualifier         varchar not null,
    document_id       varchar not null,
    published_on      date not null,
    realtime_start    date not null,
    realtime_end      date,                -- null = still current (open interval)
    evidence          varchar,
    extractor_version varchar,
    loaded_at         timestamp default current_timestamp,
    -- Series key helpers, written by the loader so that every view partitions the same way.
    -- The key of a series is (indicator_code, series_label, region, period, measure, series_kind).
    series_label      varchar not null default '',  -- indicator_label when the code is 'unmapped', else
                                             -- the words that qualify the indicator (环比, 比2020年)
    series_kind       varchar not null,      -- stated (actual/preliminary/estimate are vintages of one
                                             -- series), target, derived: each its own series
    derivation        varchar,               -- how a derived value was computed; null when stated
    -- The row observations_latest shows for its series, maintained by the loader with
    -- realtime_end (load/intervals.sql): a flag, not a window at query time, so
    -- the current values of millions of series are a filtered scan.
    is_latest         boolean not null default false,
    check (measure in ('level', 'growth_pct', 'pp_change', 'multiple')),
    check (status in ('actual', 'preliminary', 'estimate', 'target', 'derived')),
    check (qualifier in ('eq', 'ge', 'gt', 'le', 'lt', 'approx')),
    check (series_kind = case status when 'target' then 'target' when 'derived' then 'derived'
                                     else 'stated' end),
    check (realtime_end is null or realtime_end > realtime_start),
    check (not is_latest or realtime_end is null)
);

create table if not exists quarantine (
    document_id     varchar,
    source_id       varchar,
    stage           varchar not null,      -- fetch, decode, extract, validate, load
    reason          varchar not null,      -- a sentence a person understands
    failed_expectation varchar,
    indicator_code  varchar,
    indicator_label varchar,
    period          varchar,
    measure         varchar,
    value           double,
    unit            varchar,
    evidence        varchar,
    payload         varchar,               -- the row as JSON, for replay
    run_id          varchar,
    quarantined_at  timestamp default current_timestamp
);

create table if not exists runs (
    run_id          varchar primary key,
    flow            varchar not null,
    started_at      timestamp not null,
    finished_at     timestamp,
    status          varchar,               -- running, completed, completed_with_failures, failed, crashed
    documents_seen  integer,
    documents_new   integer,
    documents_unchanged integer,
    documents_failed integer,
    figures_loaded  integer,
    figures_quarantined integer,
    alerts_raised   integer,
    summary         varchar
);
