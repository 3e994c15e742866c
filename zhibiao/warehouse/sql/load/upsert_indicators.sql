-- The indicator catalog (records.upsert_indicators registers it as _zb_catalog).
insert into indicators (indicator_code, name_zh, aliases, name_en, unit, kind, growth_basis,
                        category, headline, direction)
select indicator_code, name_zh, aliases, name_en, unit, kind, growth_basis, category, headline,
       direction
from _zb_catalog
on conflict (indicator_code) do update set
    name_zh = excluded.name_zh, aliases = excluded.aliases, name_en = excluded.name_en,
    unit = excluded.unit, kind = excluded.kind, growth_basis = excluded.growth_basis,
    category = excluded.category, headline = excluded.headline, direction = excluded.direction;
