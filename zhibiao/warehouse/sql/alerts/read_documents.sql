select document_id, source_id, url, region, title, published_on, fetched_at, status, error
from documents
