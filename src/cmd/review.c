/* review.c - kith review: the decisions a person should look at, listed,
 * accepted or rejected (docs/review.md). */
#include "cmd/cmd.h"

#include "pipeline/resolve.h"

#include <string.h>
#include <unistd.h>

static void print_items(kith_printer *p, GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++) {
    const kith_review_item *it = g_ptr_array_index(items, i);
    g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, it->id);
    g_autofree char *n = it->kind == KITH_REVIEW_MANY
                             ? g_strdup_printf("%" G_GINT64_FORMAT, it->participants)
                             : g_strdup("");
    const char *v[] = {id,
                       kith_review_kind_name(it->kind),
                       it->email,
                       it->first_name ? it->first_name : "",
                       it->last_name ? it->last_name : "",
                       it->account_id,
                       it->contact_id,
                       it->activity_id,
                       n,
                       it->seen,
                       kith_review_state_name(it->state),
                       it->decision};
    kith_printer_row(p, v);
  }
}

static int list(const kith_config *config, kith_store *store, gboolean all, kith_format format)
{
  g_autoptr(GError) error = NULL;
  if (!kith_resolve_refresh(store, config, &error))
    return kith_cmd_fail(error);
  g_autoptr(GPtrArray) items = kith_review_list(store, all, &error);
  if (!items)
    return kith_cmd_fail(error);
  static const char *const columns[] = {"Id",           "Kind",      "Email",     "FirstName",
                                        "LastName",     "AccountId", "ContactId", "ActivityId",
                                        "Participants", "Seen",      "State",     "Decision"};
  kith_printer *p = kith_printer_new(format, KITH_CSV_SPREADSHEET_SAFE, stdout, columns,
                                     G_N_ELEMENTS(columns), NULL);
  print_items(p, items);
  kith_printer_finish(p);
  return KITH_EXIT_OK;
}

static gboolean parse_id(const char *text, gint64 *out)
{
  char *end = NULL;
  gint64 v = g_ascii_strtoll(text, &end, 10);
  if (!*text || *end || v <= 0)
    return FALSE;
  *out = v;
  return TRUE;
}

int kith_cmd_review(kith_cmd *cmd)
{
  g_autofree char *format_name = NULL, *merge = NULL, *first = NULL, *last = NULL;
  gboolean all = FALSE, create = FALSE;
  GOptionEntry entries[] = {
      {"all", 'a', 0, G_OPTION_ARG_NONE, &all, "list: every item, decided or settled too", NULL},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "list: csv, json or text", "FORMAT"},
      {"merge", 0, 0, G_OPTION_ARG_STRING, &merge,
       "accept: the address is another address of this contact", "CONTACT_ID"},
      {"create", 0, 0, G_OPTION_ARG_NONE, &create, "accept: a contact of its own for the address",
       NULL},
      {"first-name", 0, 0, G_OPTION_ARG_STRING, &first, "accept --create: its FirstName", "NAME"},
      {"last-name", 0, 0, G_OPTION_ARG_STRING, &last, "accept --create: its LastName", "NAME"},
      {NULL}};
  if (!kith_cmd_parse(cmd, entries, "[list | accept ID | reject ID]",
                      "The decisions a person should look at: addresses R43 kept from becoming a "
                      "second contact, people at an Account skipped for a missing name (R22), "
                      "and contacts made from an activity with many participants ([review] "
                      "participants). Accepting or rejecting one is logged and queued like any "
                      "decision; 'kith sync' applies it."))
    return KITH_EXIT_USAGE;
  const char *verb = cmd->argc > 1 ? cmd->argv[1] : "list";
  gboolean is_list = strcmp(verb, "list") == 0, accept = strcmp(verb, "accept") == 0,
           reject = strcmp(verb, "reject") == 0;
  if (!is_list && !accept && !reject) {
    kith_cmd_error("review: '%s': not list, accept or reject", verb);
    return KITH_EXIT_USAGE;
  }
  gint64 id = 0;
  if (is_list ? cmd->argc > 2 : cmd->argc != 3) {
    kith_cmd_error(is_list ? "review: list takes no argument" : "review: %s: name one item Id",
                   verb);
    return KITH_EXIT_USAGE;
  }
  if (!is_list && !parse_id(cmd->argv[2], &id)) {
    kith_cmd_error("review: %s: '%s' is not an item Id", verb, cmd->argv[2]);
    return KITH_EXIT_USAGE;
  }
  if ((!accept && (merge || create || first || last)) || (is_list ? FALSE : (all || format_name))) {
    kith_cmd_error("review: %s: an option that belongs to another use (see 'kith review --help')",
                   verb);
    return KITH_EXIT_USAGE;
  }
  kith_format format = KITH_FORMAT_TEXT;
  if (!kith_format_parse(format_name, isatty(STDOUT_FILENO) ? KITH_FORMAT_TEXT : KITH_FORMAT_CSV,
                         &format)) {
    kith_cmd_error("review: --format %s: not csv, json or text", format_name);
    return KITH_EXIT_USAGE;
  }
  int status = KITH_EXIT_OK;
  g_autoptr(kith_config) config = NULL;
  kith_store *store = NULL;
  if (!kith_cmd_open(cmd, &config, &store, &status))
    return status;
  if (is_list)
    return list(config, store, all, format);
  g_autoptr(GError) error = NULL;
  kith_review_outcome out = {0};
  kith_review_choice choice = {
      .merge = merge, .create = create, .first_name = first, .last_name = last};
  gboolean ok = accept ? kith_resolve_accept(store, config, id, &choice, &out, &error)
                       : kith_resolve_reject(store, config, id, &out, &error);
  if (!ok)
    return kith_cmd_fail(error);
  printf("review: %" G_GINT64_FORMAT " %s: %s\n", id, accept ? "accepted" : "rejected",
         out.sentence);
  kith_review_outcome_clear(&out);
  return KITH_EXIT_OK;
}
