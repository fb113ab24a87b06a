/* pending.c - commands not built yet. */
#include "cmd/cmd.h"
#define NOT_YET(fn) int fn(kith_cmd *cmd) { kith_cmd_error("%s: not built yet", cmd->name); return KITH_EXIT_FAILED; }
NOT_YET(kith_cmd_ingest)
NOT_YET(kith_cmd_sync)
NOT_YET(kith_cmd_run)
NOT_YET(kith_cmd_dedup)
NOT_YET(kith_cmd_log)
NOT_YET(kith_cmd_remove)
NOT_YET(kith_cmd_unsuppress)
NOT_YET(kith_cmd_report)
NOT_YET(kith_cmd_explain)
NOT_YET(kith_cmd_demo)
NOT_YET(kith_cmd_config)
