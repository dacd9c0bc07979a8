-- No query searches the search documents' names by trigram (search.ts scores similarity(name_norm, query) for
-- the candidates it has found; typos are corrected against the lexeme dictionary's trigram index): the index only
-- cost every reindexing (~0.45 s of 10k services on PGlite).
DROP INDEX "directory_search_doc_name_trgm_idx";
