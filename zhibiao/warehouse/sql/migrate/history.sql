-- The migrations a warehouse has, as `zhibiao upgrade` prints them.
select format('{:03d}_{}.sql', version, name) as migration, applied_at
from schema_version order by version;
