/* schema.h - the store's numbered migrations. */
#pragma once

/* The SQL of migration VERSION (1 = the first schema), or NULL. */
const char *kith_schema_migration(int version);

/* Indexes a long ingest may drop while it captures and build again at its
 * end (faster than keeping them up to date activity by activity): the SQL
 * that makes each one when it is missing. Every writing open runs it too,
 * so a store left without one by a crash gets it back. */
#define KITH_SCHEMA_DEFERRED_INDEX_NAME "participant_email"
#define KITH_SCHEMA_DEFERRED_INDEX                                                               \
  "CREATE INDEX IF NOT EXISTS participant_email ON participant(email)"
