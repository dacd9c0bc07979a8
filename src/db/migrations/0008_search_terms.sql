-- Term sets and champions (src/domains/directory/search.terms.ts): search counts a large result from sorted
-- arrays of document numbers (intarray) and ranks it from each term's best documents, instead of reading every
-- matching document.
CREATE TABLE "directory_search_champion" (
	"lexeme" text NOT NULL,
	"lang" text NOT NULL,
	"doc_no" integer NOT NULL,
	"impact" real NOT NULL,
	CONSTRAINT "directory_search_champion_lexeme_lang_doc_no_pk" PRIMARY KEY("lexeme","lang","doc_no")
);
--> statement-breakpoint
CREATE TABLE "directory_search_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"multi" integer[] DEFAULT '{}' NOT NULL,
	"hot" integer NOT NULL,
	"keep" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory_search_service" (
	"service_id" text PRIMARY KEY NOT NULL,
	"no" integer GENERATED ALWAYS AS IDENTITY (sequence name "directory_search_service_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	CONSTRAINT "directory_search_service_no_unique" UNIQUE("no")
);
--> statement-breakpoint
CREATE TABLE "directory_search_term" (
	"lexeme" text NOT NULL,
	"lang" text NOT NULL,
	"docs" integer[] NOT NULL,
	"hot" boolean DEFAULT false NOT NULL,
	"dirty" boolean DEFAULT false NOT NULL,
	CONSTRAINT "directory_search_term_lexeme_lang_pk" PRIMARY KEY("lexeme","lang")
);
--> statement-breakpoint
ALTER TABLE "directory_search_doc" ADD COLUMN "doc_no" integer;
--> statement-breakpoint
CREATE INDEX "directory_search_champion_doc_no_idx" ON "directory_search_champion" USING btree ("doc_no");
--> statement-breakpoint
CREATE INDEX "directory_search_term_prefix_idx" ON "directory_search_term" USING btree ("lexeme" collate "C");
--> statement-breakpoint
CREATE INDEX "directory_search_term_dirty_idx" ON "directory_search_term" USING btree ("lexeme","lang") WHERE "directory_search_term"."dirty";
--> statement-breakpoint
CREATE UNIQUE INDEX "directory_search_doc_doc_no_idx" ON "directory_search_doc" USING btree ("doc_no");
--> statement-breakpoint
-- hot: a term (lexeme, language) with at least this many documents keeps champions; keep: how many at most (at
-- least half as many: see directory_search_settle).
INSERT INTO "directory_search_state" ("id", "multi", "hot", "keep") VALUES (1, '{}', 500, 100);
--> statement-breakpoint
-- How much a document is about a lexeme, to choose a term's champions (search ranks them properly afterwards):
-- its occurrences by weight (name A, body B, simple-config name C), shorter documents first, as ts_rank does.
CREATE FUNCTION directory_search_impact(weights text[], doc_length integer) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (SELECT sum(CASE w WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4 WHEN 'C' THEN 0.2 ELSE 0.1 END) FROM unnest(weights) w)
         / ln(doc_length + 2.0)
$$;
--> statement-breakpoint
-- The relevance of a search document (search.ts ranks by it on every path): cover density of the query, the
-- visitor's language first on ties, and the name's trigram similarity to the query.
CREATE FUNCTION directory_search_score(document tsvector, tsq tsquery, lang text, locale text, name_norm text, query text)
RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ts_rank_cd(document, tsq, 1) + CASE WHEN lang = locale THEN 0.01 ELSE 0 END + 0.3 * similarity(name_norm, query)
$$;
--> statement-breakpoint
-- Numbers and term sets for the documents indexed before this migration.
INSERT INTO directory_search_service (service_id) SELECT DISTINCT service_id FROM directory_search_doc ORDER BY 1;
--> statement-breakpoint
UPDATE directory_search_doc d SET doc_no = x.doc_no
  FROM (SELECT d2.service_id, d2.lang,
               s.no * 64 + (row_number() OVER (PARTITION BY d2.service_id ORDER BY d2.is_original DESC, d2.lang))::integer - 1 AS doc_no
          FROM directory_search_doc d2 JOIN directory_search_service s ON s.service_id = d2.service_id) x
 WHERE d.service_id = x.service_id AND d.lang = x.lang;
--> statement-breakpoint
ALTER TABLE "directory_search_doc" ALTER COLUMN "doc_no" SET NOT NULL;
--> statement-breakpoint
-- Replaces the search documents of these services by these (JSON: serviceId, lang, isOriginal, name, body, config).
CREATE FUNCTION directory_search_replace_docs(service_ids text[], docs json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory_search_doc WHERE service_id = ANY(service_ids);
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
END;
$$
--> statement-breakpoint
-- With intarray (PostgreSQL): the term sets, champions and the term path. Without it (PGlite, whose intarray build
-- makes some later queries never return: measured, 6 runs in 60 of a search sequence with its bundle loaded, 0 in 90
-- without; or a server without contrib): search documents only, and search takes the GIN path.
DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'intarray') AND version() NOT LIKE '%emscripten%' THEN
    CREATE EXTENSION IF NOT EXISTS intarray;
    EXECUTE $ddl$
CREATE AGGREGATE directory_int_union(integer[]) (SFUNC = _int_union, STYPE = integer[], INITCOND = '{}');
$ddl$;
    EXECUTE $ddl$
CREATE FUNCTION directory_search_settle() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  s directory_search_state;
BEGIN
  SELECT * INTO s FROM directory_search_state WHERE id = 1;
  DELETE FROM directory_search_term WHERE dirty AND icount(docs) = 0;
  -- No longer hot.
  DELETE FROM directory_search_champion c USING directory_search_term t
   WHERE t.dirty AND t.hot AND icount(t.docs) < s.hot AND c.lexeme = t.lexeme AND c.lang = t.lang;
  UPDATE directory_search_term SET hot = false WHERE dirty AND hot AND icount(docs) < s.hot;
  -- Still hot: the documents added were offered as champions; keep the best.
  DELETE FROM directory_search_champion c USING (
    SELECT c2.lexeme, c2.lang, c2.doc_no,
           row_number() OVER (PARTITION BY c2.lexeme, c2.lang ORDER BY c2.impact DESC, c2.doc_no) AS r
      FROM directory_search_champion c2 JOIN directory_search_term t ON t.lexeme = c2.lexeme AND t.lang = c2.lang
     WHERE t.dirty AND t.hot) x
   WHERE c.lexeme = x.lexeme AND c.lang = x.lang AND c.doc_no = x.doc_no AND x.r > s.keep;
  -- A term's champions are its best documents, at most keep and at least half as many. Deleted documents take
  -- theirs with them (reindex) and nothing below the last one can replace them (learn): one left with fewer than
  -- half is chosen again, below, from all its documents, which reads them all, so only once in a while.
  DELETE FROM directory_search_champion c USING (
    SELECT t.lexeme, t.lang FROM directory_search_term t
      JOIN directory_search_champion c3 ON c3.lexeme = t.lexeme AND c3.lang = t.lang
     WHERE t.dirty AND t.hot
     GROUP BY t.lexeme, t.lang HAVING 2 * count(*) < least(s.keep, max(icount(t.docs)))) x
   WHERE c.lexeme = x.lexeme AND c.lang = x.lang;
  -- Newly hot, or chosen again. The terms first (materialized, so that the planner cannot test each of their
  -- documents for champions), then their documents.
  WITH need AS MATERIALIZED (
    SELECT t.lexeme, t.lang, t.docs FROM directory_search_term t
     WHERE t.dirty AND icount(t.docs) >= s.hot
       AND NOT EXISTS (SELECT 1 FROM directory_search_champion c WHERE c.lexeme = t.lexeme AND c.lang = t.lang))
  INSERT INTO directory_search_champion (lexeme, lang, doc_no, impact)
  SELECT x.lexeme, x.lang, x.doc_no, x.impact FROM (
    SELECT t.lexeme, t.lang, d.doc_no, directory_search_impact(u.weights, length(d.document)) AS impact,
           row_number() OVER (PARTITION BY t.lexeme, t.lang
                              ORDER BY directory_search_impact(u.weights, length(d.document)) DESC, d.doc_no) AS r
      FROM need t
      CROSS JOIN LATERAL unnest(t.docs) AS n(doc_no)
      -- An equality join (hash or index), never "= ANY(t.docs)", which would test every pair.
      JOIN directory_search_doc d ON d.doc_no = n.doc_no
      CROSS JOIN LATERAL unnest(d.document) u
     WHERE u.lexeme = t.lexeme) x
   WHERE x.r <= s.keep;
  UPDATE directory_search_term SET hot = true WHERE dirty AND NOT hot AND icount(docs) >= s.hot;
  UPDATE directory_search_term SET dirty = false WHERE dirty;
END;
$$;
$ddl$;
    EXECUTE $ddl$
-- Adds the search documents of these services to the term sets, offers them as champions, notes the services with
-- several documents, and settles. Called once per transaction after directory_search_reindex (search.index.ts):
-- a hot term's set is rewritten once however many chunks were reindexed; and by this migration, for the documents
-- already there. Learning the same documents again changes nothing.
CREATE FUNCTION directory_search_learn(service_ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- The lock of directory_search_reindex (already held when called after it in the same transaction).
  PERFORM pg_advisory_xact_lock(7243903);
  INSERT INTO directory_search_term (lexeme, lang, docs, dirty)
  SELECT u.lexeme, d.lang, sort(array_agg(d.doc_no)), true
    FROM directory_search_doc d CROSS JOIN LATERAL unnest(d.document) u
   WHERE d.service_id = ANY(service_ids)
   GROUP BY u.lexeme, d.lang
   ORDER BY 1, 2
  ON CONFLICT (lexeme, lang) DO UPDATE SET docs = directory_search_term.docs | excluded.docs, dirty = true;
  -- The new documents join the champions of the hot terms they hold where they rank above the last one, so the
  -- champions stay a term's best documents (settle keeps at most keep); terms without champions get theirs chosen
  -- from all their documents.
  WITH offered AS MATERIALIZED (
    SELECT u.lexeme, d.lang, d.doc_no, directory_search_impact(u.weights, length(d.document)) AS impact
      FROM directory_search_doc d CROSS JOIN LATERAL unnest(d.document) u
      JOIN directory_search_term t ON t.lexeme = u.lexeme AND t.lang = d.lang AND t.hot
     WHERE d.service_id = ANY(service_ids)),
  last AS (
    SELECT DISTINCT ON (c.lexeme, c.lang) c.lexeme, c.lang, c.impact, c.doc_no
      FROM directory_search_champion c
     WHERE (c.lexeme, c.lang) IN (SELECT o.lexeme, o.lang FROM offered o)
     ORDER BY c.lexeme, c.lang, c.impact, c.doc_no DESC)
  INSERT INTO directory_search_champion (lexeme, lang, doc_no, impact)
  SELECT o.lexeme, o.lang, o.doc_no, o.impact
    FROM offered o JOIN last l ON l.lexeme = o.lexeme AND l.lang = o.lang
   WHERE o.impact > l.impact OR (o.impact = l.impact AND o.doc_no < l.doc_no)
  ON CONFLICT DO NOTHING;
  UPDATE directory_search_state SET multi = multi | coalesce((
    SELECT sort(array_agg(d.doc_no)) FROM directory_search_doc d
     WHERE d.service_id = ANY(service_ids)
       AND EXISTS (SELECT 1 FROM directory_search_doc e WHERE e.service_id = d.service_id AND e.doc_no <> d.doc_no)), '{}')
   WHERE id = 1;
  PERFORM directory_search_settle();
END;
$$;
$ddl$;
    EXECUTE $ddl$
-- Replaces the search documents of these services, taking their old documents out of the term sets first; the
-- new ones are added by directory_search_learn before the transaction ends (the lock is held until then).
CREATE FUNCTION directory_search_reindex(service_ids text[], docs json) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  gone integer[];
BEGIN
  PERFORM pg_advisory_xact_lock(7243903);
  SELECT coalesce(sort(array_agg(doc_no)), '{}') INTO gone FROM directory_search_doc WHERE service_id = ANY(service_ids);
  IF icount(gone) > 0 THEN
    UPDATE directory_search_term t SET docs = t.docs - g.nos, dirty = true
      FROM (SELECT u.lexeme, d.lang, sort(array_agg(d.doc_no)) AS nos
              FROM directory_search_doc d CROSS JOIN LATERAL unnest(d.document) u
             WHERE d.service_id = ANY(service_ids) GROUP BY u.lexeme, d.lang) g
     WHERE t.lexeme = g.lexeme AND t.lang = g.lang;
    -- The champions among them leave; the others keep their place (settle chooses again when too few are left).
    DELETE FROM directory_search_champion WHERE doc_no = ANY(gone);
    UPDATE directory_search_state SET multi = multi - gone WHERE id = 1;
  END IF;

  PERFORM directory_search_replace_docs(service_ids, docs);
END;
$$;
$ddl$;
    EXECUTE $ddl$
CREATE FUNCTION directory_search_by_terms(
  lexemes text[], word_of integer[], is_prefix boolean[], join_all boolean,
  tsq tsquery, locale text, query text, min_matches integer, max_loose integer, lim integer, off integer)
RETURNS TABLE (n integer, total integer, ranked boolean, id text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_docs integer[];
  word_docs integer[] := '{}';
  operand_docs integer[];
  candidates integer[];
  multi integer[];
  loose bigint;
  operand_loose bigint;
  i integer;
BEGIN
  FOR i IN 1 .. coalesce(array_length(lexemes, 1), 0) LOOP
    IF is_prefix[i] THEN
      SELECT coalesce(uniq(sort(array_agg(x))), '{}') INTO operand_docs
        FROM directory_search_term t CROSS JOIN LATERAL unnest(t.docs) x
       WHERE t.lexeme COLLATE "C" >= lexemes[i] AND t.lexeme COLLATE "C" < lexemes[i] || U&'\+10FFFF'
         AND starts_with(t.lexeme, lexemes[i]);
    ELSE
      SELECT directory_int_union(t.docs) INTO operand_docs FROM directory_search_term t WHERE t.lexeme = lexemes[i];
    END IF;
    word_docs := word_docs | operand_docs;
    IF i = array_length(lexemes, 1) OR word_of[i + 1] <> word_of[i] THEN
      found_docs := CASE WHEN found_docs IS NULL THEN word_docs
                         WHEN join_all THEN found_docs & word_docs ELSE found_docs | word_docs END;
      word_docs := '{}';
    END IF;
  END LOOP;
  found_docs := coalesce(found_docs, '{}');
  n := icount(found_docs);
  SELECT s.multi INTO multi FROM directory_search_state s WHERE s.id = 1;
  -- A service with several language versions may match in more than one: counted once.
  total := icount(found_docs - multi) + (SELECT count(DISTINCT x >> 6) FROM unnest(found_docs & multi) x);
  ranked := true;
  IF n < min_matches THEN
    candidates := found_docs;
  ELSE
    -- The champions of the hot terms of each operand, and the documents of its terms too small to have any.
    candidates := '{}';
    loose := 0;
    FOR i IN 1 .. array_length(lexemes, 1) LOOP
      IF is_prefix[i] THEN
        SELECT coalesce(sum(icount(t.docs)) FILTER (WHERE NOT t.hot), 0),
               directory_int_union(t.docs) FILTER (WHERE NOT t.hot)
          INTO operand_loose, operand_docs
          FROM directory_search_term t
         WHERE t.lexeme COLLATE "C" >= lexemes[i] AND t.lexeme COLLATE "C" < lexemes[i] || U&'\+10FFFF'
           AND starts_with(t.lexeme, lexemes[i]);
        SELECT candidates | coalesce(sort(array_agg(c.doc_no)), '{}') INTO candidates
          FROM directory_search_term t JOIN directory_search_champion c ON c.lexeme = t.lexeme AND c.lang = t.lang
         WHERE t.hot AND t.lexeme COLLATE "C" >= lexemes[i] AND t.lexeme COLLATE "C" < lexemes[i] || U&'\+10FFFF'
           AND starts_with(t.lexeme, lexemes[i]);
      ELSE
        SELECT coalesce(sum(icount(t.docs)) FILTER (WHERE NOT t.hot), 0),
               directory_int_union(t.docs) FILTER (WHERE NOT t.hot)
          INTO operand_loose, operand_docs
          FROM directory_search_term t WHERE t.lexeme = lexemes[i];
        SELECT candidates | coalesce(sort(array_agg(c.doc_no)), '{}') INTO candidates
          FROM directory_search_term t JOIN directory_search_champion c ON c.lexeme = t.lexeme AND c.lang = t.lang
         WHERE t.hot AND t.lexeme = lexemes[i];
      END IF;
      loose := loose + operand_loose;
      IF loose > max_loose THEN
        ranked := false;
        EXIT;
      END IF;
      candidates := candidates | operand_docs;
    END LOOP;
    candidates := candidates & found_docs;
  END IF;
  IF ranked AND n > 0 THEN
    -- Every candidate gets the cheap rank (ts_rank); the best 200 (or as many as the page needs) the full score.
    RETURN QUERY
      WITH c AS (
        SELECT d.doc_no FROM directory_search_doc d WHERE d.doc_no = ANY(candidates)
         ORDER BY ts_rank(d.document, tsq, 1) + CASE WHEN d.lang = locale THEN 0.01 ELSE 0 END DESC, d.doc_no
         LIMIT greatest(200, off + lim)),
      hits AS (
        SELECT d.service_id, max(directory_search_score(d.document, tsq, d.lang, locale, d.name_norm, query)) AS score
          FROM c JOIN directory_search_doc d ON d.doc_no = c.doc_no GROUP BY d.service_id)
      SELECT directory_search_by_terms.n, directory_search_by_terms.total, true, h.service_id
        FROM hits h ORDER BY h.score DESC, h.service_id LIMIT lim OFFSET off;
    IF FOUND THEN RETURN; END IF;
  END IF;
  id := NULL;
  RETURN NEXT;
END;
$$;
$ddl$;
    PERFORM directory_search_learn(array(SELECT service_id FROM directory_search_service));
  ELSE
    EXECUTE $ddl$
CREATE FUNCTION directory_search_reindex(service_ids text[], docs json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM directory_search_replace_docs(service_ids, docs);
END;
$$
$ddl$;
    EXECUTE $ddl$
CREATE FUNCTION directory_search_learn(service_ids text[]) RETURNS void LANGUAGE sql AS $$ SELECT NULL::void $$
$ddl$;
  END IF;
END
$do$
