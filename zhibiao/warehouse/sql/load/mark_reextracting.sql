-- Re-extraction: the documents row is updated, not deleted (DuckDB checks a primary key
-- over-eagerly when a row is deleted and inserted again in one transaction).
update documents set status = 'reextracting' where document_id = $document_id;
