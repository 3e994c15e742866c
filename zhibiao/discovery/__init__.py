"""Finding a source's documents: a folder's files, a listing's or a feed's links, a page's attachments."""
