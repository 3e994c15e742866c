-- Whether these bytes are already loaded (1 or 0), whatever URL or file name brought them.
select count(*) from documents where document_id = $document_id and status = 'loaded';
