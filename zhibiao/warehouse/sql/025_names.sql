-- Names beside codes, for the views analysts read: each lookup written once, read by every
-- view that shows it (031, 050, 060, 070, 080). A code the reference tables do not hold
-- gives null, never an error: the figure stays visible.

-- The catalog's English name and the unit its series are kept in.
create or replace macro indicator_name_en(code) as
    (select name_en from indicators where indicator_code = code);
create or replace macro indicator_unit(code) as
    (select unit from indicators where indicator_code = code);

-- A region's GB/T 2260 code and English name (regions, from warehouse/data/region_codes.csv).
create or replace macro region_code(name) as
    (select region_code from regions where region = name);
create or replace macro region_name_en(name) as
    (select name_en from regions where region = name);

-- A document's title, and the address a person opens: the URL after redirects when the
-- fetch followed any, else the URL or path as registered.
create or replace macro document_title(doc) as
    (select title from documents where document_id = doc);
create or replace macro document_url(doc) as
    (select coalesce(final_url, url) from documents where document_id = doc);
