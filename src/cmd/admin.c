/* admin.c - kith dedup, kith remove, kith unsuppress, kith config. */
#include "cmd/cmd.h"

#include "core/address.h"
#include "pipeline/record.h"
#include "rules/maintain.h"
#include "store/lookup.h"
#include "store/privacy.h"
#include "store/state.h"
#include "util/error.h"

static void print_plan(const char *what, const char *email, const char *id, const char *detail,
                       gpointer user_data)
{
  printf("%s\t%s\t%s\t%s\n", what, email, id, detail);
}

int kith_cmd_dedup(kith_cmd *cmd)
{
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {{"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
                             "print what would be done, change nothing", NULL},
                            {NULL}};
  if (!kith_cmd_parse(
          cmd, entries, "",
          "Delete the duplicate contacts kith created (R40-R42); the next sync applies it."))
    return KITH_EXIT_USAGE;
  if (cmd->argc > 1) {
    kith_cmd_error("dedup: unexpected argument '%s'", cmd->argv[1]);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (dry_run)
    kith_cmd_read_only(cmd);
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  kith_decider d;
  kith_record_decider_init(&d, store, config);
  kith_dedup_stats st = {0};
  g_autoptr(GError) error = NULL;
  gboolean ok = (dry_run || kith_store_begin(store, &error)) &&
                kith_rules_dedup(&d, dry_run, dry_run ? print_plan : NULL, NULL, &st, &error) &&
                (dry_run || kith_store_commit(store, &error));
  kith_decider_clear(&d);
  if (!ok) {
    kith_store_rollback(store);
    return kith_cmd_fail(error);
  }
  printf("dedup%s: %u addresses with duplicates, %u contacts %s, %u roles %s, %u not created by "
         "kith kept\n",
         dry_run ? " (dry run)" : "", st.groups, st.deleted,
         dry_run ? "to delete" : "queued for deletion", st.roles_moved,
         dry_run ? "to move" : "queued to move", st.kept);
  return KITH_EXIT_OK;
}

int kith_cmd_remove(kith_cmd *cmd)
{
  gboolean allow_recreate = FALSE;
  GOptionEntry entries[] = {{"allow-recreate", 0, 0, G_OPTION_ARG_NONE, &allow_recreate,
                             "do not suppress the address: kith may create it again", NULL},
                            {NULL}};
  if (!kith_cmd_parse(
          cmd, entries, "CONTACT_ID",
          "Remove a contact kith created and its roles (R50); the next sync applies it."))
    return KITH_EXIT_USAGE;
  if (cmd->argc != 2) {
    kith_cmd_error("remove: name one contact Id");
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  kith_decider d;
  kith_record_decider_init(&d, store, config);
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  gboolean ok = kith_store_begin(store, &error) &&
                kith_rules_remove(&d, cmd->argv[1], allow_recreate, &email, &error) &&
                kith_store_commit(store, &error);
  kith_decider_clear(&d);
  if (!ok) {
    kith_store_rollback(store);
    return kith_cmd_fail(error);
  }
  printf("remove: contact %s (%s) queued for removal%s; 'kith sync' applies it\n", cmd->argv[1],
         email, allow_recreate ? "" : ", address suppressed");
  return KITH_EXIT_OK;
}

int kith_cmd_unsuppress(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "ADDRESS", "Let kith create a removed address again."))
    return KITH_EXIT_USAGE;
  if (cmd->argc != 2) {
    kith_cmd_error("unsuppress: name one address");
    return KITH_EXIT_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autofree char *email = kith_address_normalize(cmd->argv[1], &error);
  if (!email) {
    kith_cmd_error("unsuppress: %s", error->message);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  gboolean was = FALSE;
  if (!kith_state_unsuppress(store, email, &was, &error))
    return kith_cmd_fail(error);
  if (!was) {
    kith_cmd_error("unsuppress: %s: not suppressed", email);
    return KITH_EXIT_FAILED;
  }
  printf("unsuppress: %s may be created again\n", email);
  return KITH_EXIT_OK;
}

int kith_cmd_purge(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "ADDRESS",
                      "Forget one address (a right-to-erasure request): its observations, its rows "
                      "in activities and its log rows. CRM records are left to the CRM."))
    return KITH_EXIT_USAGE;
  if (cmd->argc != 2) {
    kith_cmd_error("purge: name one address");
    return KITH_EXIT_USAGE;
  }
  g_autoptr(GError) error = NULL;
  g_autofree char *email = kith_address_normalize(cmd->argv[1], &error);
  if (!email) {
    kith_cmd_error("purge: %s", error->message);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  kith_store *store = kith_cmd_store(cmd, &status);
  if (!store)
    return status;
  kith_purge_counts n;
  if (!kith_privacy_purge_address(store, email, &n, &error))
    return kith_cmd_fail(error);
  printf("purge: %s: removed %" G_GINT64_FORMAT " observation%s, %" G_GINT64_FORMAT
         " participant row%s, %" G_GINT64_FORMAT " log row%s, %" G_GINT64_FORMAT " link%s\n",
         email, n.observations, n.observations == 1 ? "" : "s", n.participants,
         n.participants == 1 ? "" : "s", n.log_rows, n.log_rows == 1 ? "" : "s", n.links,
         n.links == 1 ? "" : "s");
  return KITH_EXIT_OK;
}

/* What kith.conf names that the store's CRM does not have: warnings, one
 * line each, as `kith: FILE: [GROUP] KEY: warning: WHY`. */
static gboolean check_against_store(const kith_config *config, kith_store *store, GError **error)
{
  const char *where = config->path ? config->path : "kith.conf";
  gboolean active = FALSE;
  if (*config->integration_user) {
    kith_lookup_answer exists = kith_lookup_user_active(store, config->integration_user, &active,
                                                        error);
    if (exists == KITH_LOOKUP_ERROR)
      return FALSE;
    if (exists == KITH_LOOKUP_NONE || !active)
      kith_cmd_error("%s: [org] integration_user: warning: %s is %s", where,
                     config->integration_user,
                     exists == KITH_LOOKUP_FOUND ? "an inactive User" : "no User");
  }
  guint stars = 0;
  for (guint i = 0; i < config->profiles->len; i++) {
    const kith_profile *p = g_ptr_array_index(config->profiles, i);
    if (p->everyone && ++stars == 2)
      kith_cmd_error("%s: [profile %s] users: warning: a second 'users = *' profile is never used",
                     where, p->name);
    for (char **u = p->users; *u; u++) {
      g_autofree char *id = NULL, *target = NULL;
      const char *alias_of = g_hash_table_lookup(config->aliases, *u);
      if (kith_lookup_user_by_email(store, *u, &id, NULL, error) == KITH_LOOKUP_ERROR ||
          (alias_of &&
           kith_lookup_user_by_email(store, alias_of, &target, NULL, error) == KITH_LOOKUP_ERROR))
        return FALSE;
      if (!id && !target)
        kith_cmd_error("%s: [profile %s] users: warning: %s is no User's Email", where, p->name,
                       *u);
    }
  }
  GHashTableIter it;
  gpointer alias, user;
  g_hash_table_iter_init(&it, config->aliases);
  while (g_hash_table_iter_next(&it, &alias, &user)) {
    g_autofree char *id = NULL;
    kith_lookup_answer found = kith_lookup_user_by_email(store, user, &id, NULL, error);
    if (found == KITH_LOOKUP_ERROR)
      return FALSE;
    if (found == KITH_LOOKUP_NONE)
      kith_cmd_error(
          "%s: [aliases] %s: warning: %s is no User's Email, so the alias is ignored (R2)", where,
          (char *)alias, (char *)user);
  }
  return TRUE;
}

int kith_cmd_config(kith_cmd *cmd)
{
  if (!kith_cmd_parse(cmd, NULL, "",
                      "Check kith.conf and print it as kith understands it; with a store, also "
                      "check the Users and the integration user it names."))
    return KITH_EXIT_USAGE;
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = kith_cmd_load_config(cmd, &status);
  if (!config)
    return status;
  if (g_file_test(cmd->db_path, G_FILE_TEST_IS_REGULAR)) {
    g_autoptr(kith_store) store = kith_store_open(cmd->db_path, KITH_STORE_READ, NULL);
    g_autoptr(GError) error = NULL;
    if (store && !check_against_store(config, store, &error))
      kith_cmd_error("%s", error->message); /* the Users could not be read: no check */
  }
  g_autofree char *text = kith_config_describe(config);
  fputs(text, stdout);
  return KITH_EXIT_OK;
}
