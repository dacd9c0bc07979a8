-- Trigram similarity (typo-tolerant search) and accent folding, on PGlite and PostgreSQL alike.
-- Both are trusted extensions on PostgreSQL 13+, so a database owner without superuser may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
