-- What each search document was made from, as a hash (search.index.ts): a reindexing whose documents would be
-- the same (re-importing an unchanged directory) leaves them, their numbers and the term sets as they are.
ALTER TABLE "directory_search_doc" ADD COLUMN "source_hash" text;--> statement-breakpoint
-- As in migration 0009, and each document keeps its source hash.
CREATE OR REPLACE FUNCTION directory_search_replace_docs(service_ids text[], docs json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory_search_doc WHERE service_id = ANY(service_ids);
  UPDATE directory_search_service SET gen = nextval('directory_search_gen') WHERE service_id = ANY(service_ids);
  INSERT INTO directory_search_service (service_id)
  SELECT DISTINCT x."serviceId" FROM json_to_recordset(docs) AS x("serviceId" text) ORDER BY 1
  ON CONFLICT (service_id) DO NOTHING;
  -- Each document weighted: name (A), body (B), and the name once more in the simple configuration (C), so an
  -- unstemmed name still matches. Numbered: the service's number × 64 + its place (the original first).
  INSERT INTO directory_search_doc (service_id, lang, is_original, name_norm, document, doc_no, source_hash)
  SELECT x."serviceId", x.lang, x."isOriginal", x.name,
         setweight(to_tsvector(x.config::regconfig, x.name), 'A')
         || setweight(to_tsvector(x.config::regconfig, x.body), 'B')
         || setweight(to_tsvector('simple'::regconfig, x.name), 'C'),
         s.no * 64 + (row_number() OVER (PARTITION BY x."serviceId" ORDER BY x."isOriginal" DESC, x.lang))::integer - 1,
         x."sourceHash"
    FROM json_to_recordset(docs)
      AS x("serviceId" text, lang text, "isOriginal" boolean, name text, body text, config text, "sourceHash" text)
    JOIN directory_search_service s ON s.service_id = x."serviceId";
  PERFORM pg_notify('directory_search', '');
END;
$$;
