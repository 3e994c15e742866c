select indicator_code as code, name_zh, aliases, name_en, unit, kind, growth_basis, category,
       headline
from indicators
