/* schema.h - the store's numbered migrations. */
#pragma once

/* The SQL of migration VERSION (1 = the first schema), or NULL. */
const char *kith_schema_migration(int version);
