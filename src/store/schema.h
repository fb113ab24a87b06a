/* schema.h - the store's numbered migrations. */
#pragma once

/* The SQL of migration VERSION (1 = the first schema), or NULL. */
const char *kith_schema_migration(int version);

/* Indexes a long ingest may drop while it captures and build again at its
 * end (faster than keeping them up to date activity by activity): the SQL
 * that makes each one when it is missing. Every writing open runs it too,
 * so a store left without one by a crash gets it back. */
#define KITH_SCHEMA_DEFERRED_INDEX_NAME "participant_email"
#define KITH_SCHEMA_DEFERRED_INDEX                                                                 \
  "CREATE INDEX IF NOT EXISTS participant_email ON participant(email)"

/* The indexes no decision reads (kith explain's and dedup's look-ups by
 * record), which a long ingest's decisions need not keep up to date row by
 * row: dropped for them and built once after. A writing open builds any
 * that is missing (a run stopped between). */
#define KITH_SCHEMA_DECISION_INDEXES_DROP                                                          \
  "DROP INDEX IF EXISTS link_object; DROP INDEX IF EXISTS log_activity"
#define KITH_SCHEMA_DECISION_INDEXES                                                               \
  "CREATE INDEX IF NOT EXISTS link_object ON activity_link(object_id);"                            \
  "CREATE INDEX IF NOT EXISTS log_activity ON engagement_log(activity_id)"

/* How a newer observation replaces the one kept for an address's field
 * (R37-R39): a later time, or at the same time the greater activity Id, so
 * the order of ingestion never matters. Follows an INSERT into observation. */
#define KITH_SCHEMA_OBSERVATION_UPSERT                                                             \
  " ON CONFLICT(email, field) DO UPDATE SET value = excluded.value, time = excluded.time,"         \
  " activity_id = excluded.activity_id"                                                            \
  " WHERE excluded.time > observation.time OR (excluded.time = observation.time AND"               \
  " excluded.activity_id > observation.activity_id)"

/* Keeps what observation_log holds in observation (each only if newer than
 * the one kept) and empties the log. In key order, so that every page of
 * observation is written once. Every writing open runs it when the log is
 * not empty: a capture that stopped before its end leaves nothing unkept. */
#define KITH_SCHEMA_OBSERVATION_MERGE                                                              \
  "INSERT INTO observation(email, field, value, time, activity_id)"                                \
  " SELECT email, field, value, time, activity_id FROM observation_log WHERE true"                 \
  " ORDER BY email, field" KITH_SCHEMA_OBSERVATION_UPSERT ";"                                      \
  "DELETE FROM observation_log;"
