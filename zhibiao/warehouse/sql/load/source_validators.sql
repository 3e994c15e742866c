-- ETag and Last-Modified of a source's last successful fetch (conditional GET).
select etag, last_modified from sources where source_id = $source_id;
