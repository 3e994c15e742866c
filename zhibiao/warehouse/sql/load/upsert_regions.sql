-- Region codes (records.upsert_regions registers warehouse/data/region_codes.csv as _zb_regions).
insert into regions (region, region_code, name_en)
select region, region_code, name_en from _zb_regions
on conflict (region) do update set
    region_code = excluded.region_code, name_en = excluded.name_en;
