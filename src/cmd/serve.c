/* serve.c - kith serve: options, the store and the token, then the service (serve/service.c). */
#include "cmd/cmd.h"

#include "serve/api.h"
#include "serve/service.h"

#include <string.h>
#include <sys/stat.h>

int kith_cmd_serve(kith_cmd *cmd)
{
  g_autofree char *listen = NULL;
  GOptionEntry entries[] = {{"listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
                             "HOST:PORT (overrides [serve] listen)", "ADDR"},
                            {NULL}};
  if (!kith_cmd_parse(cmd, entries, "",
                      "Run as a service: capture from the [source] groups as mail arrives, sync "
                      "every sync_interval, dedup daily, and serve the console and its API."))
    return KITH_EXIT_USAGE;
  /* Whatever the service creates (the token, a WAL, an SHM) is its
   * owner's only. */
  umask(077);
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  if (strcmp(cmd->db_path, ":memory:") != 0)
    kith_service_keep_private(cmd->db_path);
  g_autofree char *dir = g_path_get_dirname(cmd->db_path);
  g_autofree char *token_path = *config->serve.token_file
                                    ? g_strdup(config->serve.token_file)
                                    : g_build_filename(dir, "kith-serve.token", NULL);
  gboolean made = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = kith_service_token(token_path, &made, &error);
  if (!token)
    return kith_cmd_fail(error);
  glong chars = g_utf8_validate(token, -1, NULL) ? g_utf8_strlen(token, -1) : (glong)strlen(token);
  if (chars < KITH_API_TOKEN_MIN) {
    kith_cmd_error("%s: token too short (%ld characters; at least %d)", token_path, chars,
                   KITH_API_TOKEN_MIN);
    return KITH_EXIT_FAILED;
  }
  if (made) {
    /* Where, never what: the token stays out of terminals and journals. */
    printf("kith serve: a new API token was written to %s (readable by its owner only)\n",
           token_path);
    fflush(stdout);
  }

  return kith_service_run(store, config, token, listen, &error) ? KITH_EXIT_OK
                                                                : kith_cmd_fail(error);
}
