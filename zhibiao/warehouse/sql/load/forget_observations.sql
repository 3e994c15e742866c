-- Re-extraction: the document's old rows, a misreading of its vintage, go.
delete from observations where document_id = $document_id;
