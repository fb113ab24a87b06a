/* common.c - what every command shares: errors, options, store and config. */
#include "cmd/cmd.h"

#include "store/lookup.h"
#include "util/error.h"

#include <stdarg.h>

void kith_cmd_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  /* One line: a message must never spill onto a second. */
  g_strdelimit(msg, "\r\n", ' ');
  fprintf(stderr, "kith: %s\n", msg);
}

int kith_cmd_fail(GError *error)
{
  if (!error) {
    kith_cmd_error("failed");
    return KITH_EXIT_FAILED;
  }
  kith_cmd_error("%s", error->message);
  return g_error_matches(error, KITH_ERROR, KITH_ERROR_USAGE) ? KITH_EXIT_USAGE : KITH_EXIT_FAILED;
}

gboolean kith_cmd_parse(kith_cmd *cmd, GOptionEntry *entries, const char *params,
                        const char *summary)
{
  g_autofree char *p = g_strdup_printf("%s %s", cmd->name, params ? params : "");
  g_autoptr(GOptionContext) ctx = g_option_context_new(p);
  if (summary)
    g_option_context_set_summary(ctx, summary);
  g_option_context_set_description(ctx, "Global options: --db PATH, --config PATH.");
  if (entries)
    g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &cmd->argc, &cmd->argv, &error)) {
    kith_cmd_error("%s: %s", cmd->name, error->message);
    return FALSE;
  }
  return TRUE;
}

kith_store *kith_cmd_store(kith_cmd *cmd, int *status)
{
  if (cmd->store)
    return cmd->store;
  kith_store_mode mode = KITH_STORE_READ;
  switch (cmd->store_mode) {
  case KITH_CMD_STORE_NONE:
    g_return_val_if_reached(NULL); /* the table says this command opens no store */
  case KITH_CMD_STORE_READ: mode = KITH_STORE_READ; break;
  case KITH_CMD_STORE_WRITE: mode = KITH_STORE_WRITE; break;
  case KITH_CMD_STORE_CREATE: mode = KITH_STORE_CREATE; break;
  }
  g_autoptr(GError) error = NULL;
  cmd->store = kith_store_open(cmd->db_path, mode, &error);
  if (!cmd->store)
    *status = kith_cmd_fail(error);
  return cmd->store;
}

void kith_cmd_read_only(kith_cmd *cmd)
{
  g_return_if_fail(cmd->store == NULL);
  if (cmd->store_mode == KITH_CMD_STORE_WRITE)
    cmd->store_mode = KITH_CMD_STORE_READ;
}

kith_config *kith_cmd_load_config(kith_cmd *cmd, int *status)
{
  if (!cmd->config_path)
    return kith_config_new_default();
  g_autoptr(GError) error = NULL;
  kith_config *config = kith_config_load(cmd->config_path, &error);
  if (!config)
    *status = kith_cmd_fail(error);
  return config;
}

gboolean kith_cmd_open(kith_cmd *cmd, kith_config **config, kith_store **store, int *status)
{
  *config = kith_cmd_load_config(cmd, status);
  if (!*config)
    return FALSE;
  *store = kith_cmd_store(cmd, status);
  return *store != NULL;
}

void kith_cmd_check_org(kith_store *store, const kith_config *config)
{
  const char *where = config->path ? config->path : "kith.conf";
  if (!config->integration_user || !*config->integration_user)
    return; /* then a contact whose user is inactive gets no OwnerId */
  g_autoptr(GError) error = NULL;
  kith_lookup_answer exists = kith_lookup_user_active(store, config->integration_user, NULL,
                                                      &error);
  if (exists == KITH_LOOKUP_ERROR)
    kith_cmd_error("%s", error->message);
  else if (exists == KITH_LOOKUP_NONE)
    kith_cmd_error("%s: [org] integration_user: %s is not a User in the store (import User.csv)",
                   where, config->integration_user);
}
