select document_id, stage, reason, failed_expectation, indicator_code, period, evidence, run_id
from quarantine where stage = 'validate'
