-- Migration 005: region codes beside region names (commit 8067073, issue 14).
-- regions: each region name observations carry, with its GB/T 2260 code and English name.
-- Filled from zhibiao/warehouse/data/region_codes.csv by the run's registration step
-- (warehouse/records.py upsert_regions), as `indicators` is from the catalog.
create table if not exists regions (
    region       varchar primary key,      -- the normalised name observations carry (林芝市)
    region_code  varchar not null,         -- GB/T 2260 administrative division code (540400)
    name_en      varchar not null          -- English name (Nyingchi)
);
