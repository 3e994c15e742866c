-- Migration 004: listings and folders (commit b14459b, issue 13).
-- Listings and folders (docs/architecture.md#registry): their entries name no kind of their
-- own (each document's is read from its title), and every link or file they turn up is
-- recorded once, with what became of it.
alter table sources alter column kind drop not null;

create table if not exists discovered_links (
    url            varchar primary key,    -- the link as resolved (absolute), or a file's path
    source_id      varchar not null,       -- the listing or folder entry that found it
    found_on       varchar,                -- the listing page, feed or release page it was on
    title          varchar,                -- the link's text, or the file's name
    kind           varchar,                -- the entry's kind, else the title's (discovery/titles.yaml)
    period         varchar,                -- the reference period the title names (2024Q1)
    published_on   date,                   -- the date printed beside the link, or in the file name
    first_seen_at  timestamp not null,
    last_seen_at   timestamp not null,
    status         varchar not null,       -- loaded, unchanged, filtered_out, failed, quarantined, rejected
    retry          boolean not null default false,  -- a transient failure: tried again next night
    document_id    varchar,                -- sha256 of its bytes, once fetched
    error          varchar,                -- why it failed or was filtered out
    run_id         varchar                 -- the run that last decided its status
);
