-- Generations of the search documents and of the dictionary: each reindexing of a service, and each new word,
-- takes the next number, so the in-memory term sets of an embedded database (search.memory.ts) read only what
-- changed since they last looked; and the reindexing notifies 'directory_search' (on commit), so they know when.
CREATE SEQUENCE "public"."directory_search_gen" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "directory_lexeme" ADD COLUMN "gen" bigint DEFAULT nextval('directory_search_gen') NOT NULL;--> statement-breakpoint
ALTER TABLE "directory_search_service" ADD COLUMN "gen" bigint DEFAULT nextval('directory_search_gen') NOT NULL;--> statement-breakpoint
CREATE INDEX "directory_lexeme_gen_idx" ON "directory_lexeme" USING btree ("gen");--> statement-breakpoint
CREATE INDEX "directory_search_service_gen_idx" ON "directory_search_service" USING btree ("gen");--> statement-breakpoint
-- As in migration 0008, and: the services reindexed (with documents or, deleted, without) take a new generation
-- (new ones take theirs from the column's default), and listeners hear of it when the transaction commits.
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
  INSERT INTO directory_search_doc (service_id, lang, is_original, name_norm, document, doc_no)
  SELECT x."serviceId", x.lang, x."isOriginal", x.name,
         setweight(to_tsvector(x.config::regconfig, x.name), 'A')
         || setweight(to_tsvector(x.config::regconfig, x.body), 'B')
         || setweight(to_tsvector('simple'::regconfig, x.name), 'C'),
         s.no * 64 + (row_number() OVER (PARTITION BY x."serviceId" ORDER BY x."isOriginal" DESC, x.lang))::integer - 1
    FROM json_to_recordset(docs)
      AS x("serviceId" text, lang text, "isOriginal" boolean, name text, body text, config text)
    JOIN directory_search_service s ON s.service_id = x."serviceId";
  PERFORM pg_notify('directory_search', '');
END;
$$;
