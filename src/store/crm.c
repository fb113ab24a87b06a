/* crm.c - CSV import (libcsv) and export of the CRM objects, by Id. */
#include "store/crm.h"

#include "extract/address.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_FIELD (1024 * 1024) /* one CSV field */
#define MAX_COLUMNS 4096        /* columns of one row */

static const kith_crm_column user_cols[] = {
    {"Id", KITH_COL_TEXT}, {"FirstName", KITH_COL_TEXT}, {"LastName", KITH_COL_TEXT},
    {"Email", KITH_COL_EMAIL}, {"IsActive", KITH_COL_BOOL}};
static const kith_crm_column account_cols[] = {
    {"Id", KITH_COL_TEXT}, {"Name", KITH_COL_TEXT}, {"Website", KITH_COL_TEXT},
    {"Secondary_Domains__c", KITH_COL_TEXT}, {"OwnerId", KITH_COL_TEXT}};
static const kith_crm_column team_cols[] = {
    {"Id", KITH_COL_TEXT}, {"AccountId", KITH_COL_TEXT}, {"UserId", KITH_COL_TEXT},
    {"TeamMemberRole", KITH_COL_TEXT}};
static const kith_crm_column contact_cols[] = {
    {"Id", KITH_COL_TEXT},          {"AccountId", KITH_COL_TEXT},
    {"FirstName", KITH_COL_TEXT},   {"LastName", KITH_COL_TEXT},
    {"Email", KITH_COL_EMAIL},      {"Title", KITH_COL_TEXT},
    {"Phone", KITH_COL_TEXT},       {"Department", KITH_COL_TEXT},
    {"Seniority__c", KITH_COL_TEXT}, {"Persona__c", KITH_COL_TEXT},
    {"MailingCountry", KITH_COL_TEXT}, {"MailingState", KITH_COL_TEXT},
    {"OwnerId", KITH_COL_TEXT},     {"LeadSource", KITH_COL_TEXT},
    {"Created_By_Kith__c", KITH_COL_BOOL}, {"CreatedDate", KITH_COL_TIME}};
static const kith_crm_column lead_cols[] = {
    {"Id", KITH_COL_TEXT}, {"FirstName", KITH_COL_TEXT}, {"LastName", KITH_COL_TEXT},
    {"Email", KITH_COL_EMAIL}, {"Company", KITH_COL_TEXT}, {"OwnerId", KITH_COL_TEXT},
    {"IsConverted", KITH_COL_BOOL}};
static const kith_crm_column opp_cols[] = {
    {"Id", KITH_COL_TEXT}, {"AccountId", KITH_COL_TEXT}, {"Name", KITH_COL_TEXT},
    {"OwnerId", KITH_COL_TEXT}, {"StageName", KITH_COL_TEXT}, {"IsClosed", KITH_COL_BOOL},
    {"CreatedDate", KITH_COL_TIME}};
static const kith_crm_column role_cols[] = {
    {"Id", KITH_COL_TEXT}, {"OpportunityId", KITH_COL_TEXT}, {"ContactId", KITH_COL_TEXT},
    {"Role", KITH_COL_TEXT}, {"IsPrimary", KITH_COL_BOOL}, {"Created_By_Kith__c", KITH_COL_BOOL}};

#define OBJ(n, p, c) {n, p, c, G_N_ELEMENTS(c)}
static const kith_crm_object objects[] = {
    OBJ("User", "005", user_cols),
    OBJ("Account", "001", account_cols),
    OBJ("AccountTeamMember", "01M", team_cols),
    OBJ("Contact", "003", contact_cols),
    OBJ("Lead", "00Q", lead_cols),
    OBJ("Opportunity", "006", opp_cols),
    OBJ("OpportunityContactRole", "00K", role_cols),
};

const kith_crm_object *kith_crm_object_lookup(const char *name)
{
  for (guint i = 0; name && i < G_N_ELEMENTS(objects); i++)
    if (strcmp(objects[i].name, name) == 0)
      return &objects[i];
  return NULL;
}

const char *kith_crm_object_names(void)
{
  return "User, Account, AccountTeamMember, Contact, Lead, Opportunity, OpportunityContactRole";
}

/* ---- import ------------------------------------------------------------ */

typedef struct {
  kith_store *store;
  const kith_crm_object *object;
  const char *path;
  kith_row_error_fn on_row_error;
  gpointer user_data;
  kith_import_stats *stats;
  GError *fatal;        /* set when the whole import must stop */
  guint line;           /* current physical line */
  guint record_line;    /* line where the current record started */
  GPtrArray *fields;    /* the current record's fields */
  gboolean too_wide;
  int header_len;       /* -1 until the header is read */
  int col_index[32];    /* object column -> CSV field index, -1 when absent */
} import_ctx;

static void row_error(import_ctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void row_error(import_ctx *c, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *where = g_strdup_printf("%s:%u", c->path, c->record_line);
  c->stats->bad_rows++;
  if (c->on_row_error)
    c->on_row_error(where, why, c->user_data);
}

static gboolean parse_bool(const char *s, int *out)
{
  if (*s == '\0' || g_ascii_strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
    *out = 0;
    return TRUE;
  }
  if (g_ascii_strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
    *out = 1;
    return TRUE;
  }
  return FALSE;
}

static char *email_key(const char *email)
{
  if (!email || !*email)
    return NULL;
  char *k = kith_address_normalize(email, NULL);
  return k ? k : g_utf8_strdown(email, -1);
}

static void read_header(import_ctx *c)
{
  const kith_crm_object *o = c->object;
  if (c->too_wide) {
    g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: the header has more than %d columns",
                c->path, c->record_line, MAX_COLUMNS);
    return;
  }
  c->header_len = c->fields->len;
  for (guint i = 0; i < o->n_columns; i++) {
    c->col_index[i] = -1;
    for (guint f = 0; f < c->fields->len; f++) {
      const char *h = g_ptr_array_index(c->fields, f);
      if (g_ascii_strcasecmp(g_strstrip((char *)h), o->columns[i].name) == 0) {
        c->col_index[i] = f;
        break;
      }
    }
  }
  if (c->col_index[0] < 0)
    g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_PARSE,
                "%s: no Id column in the header (is it a %s CSV file?)", c->path, o->name);
}

static gboolean write_account_domains(kith_store *store, const char *id, const char *website,
                                      const char *secondary, GError **err)
{
  sqlite3_stmt *del = kith_store_stmt(store, "DELETE FROM account_domain WHERE account_id = ?", err);
  if (!del)
    return FALSE;
  sqlite3_bind_text(del, 1, id, -1, SQLITE_TRANSIENT);
  if (!kith_store_step_done(store, del, err))
    return FALSE;
  sqlite3_stmt *ins = kith_store_stmt(
      store, "INSERT INTO account_domain(domain, account_id, is_primary) VALUES(?, ?, ?)"
             " ON CONFLICT DO UPDATE SET is_primary = max(is_primary, excluded.is_primary)",
      err);
  if (!ins)
    return FALSE;
  g_autofree char *primary = kith_domain_from_website(website);
  if (primary) {
    sqlite3_bind_text(ins, 1, primary, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 3, 1);
    if (!kith_store_step_done(store, ins, err))
      return FALSE;
  }
  g_auto(GStrv) parts = g_strsplit_set(secondary ? secondary : "", ";,", -1);
  for (char **p = parts; *p; p++) {
    g_autofree char *d = kith_domain_from_website(g_strstrip(*p));
    if (!d)
      continue;
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, d, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 3, 0);
    if (!kith_store_step_done(store, ins, err))
      return FALSE;
  }
  return TRUE;
}

static char *upsert_sql(const kith_crm_object *o);

gboolean kith_crm_upsert(kith_store *store, const kith_crm_object *o, const char *const *vals,
                         char **why, GError **error)
{
  static char *sql[G_N_ELEMENTS(objects)];
  guint index = o - objects;
  g_return_val_if_fail(index < G_N_ELEMENTS(objects), FALSE);
  if (g_once_init_enter(&sql[index])) {
    char *text = upsert_sql(o);
    g_once_init_leave(&sql[index], text);
  }
  for (guint i = 0; i < o->n_columns; i++)
    if (vals[i] && !g_utf8_validate(vals[i], -1, NULL)) {
      *why = g_strdup_printf("%s is not UTF-8 text", o->columns[i].name);
      return FALSE;
    }
  g_autofree char *id = g_strstrip(g_strdup(vals[0] ? vals[0] : ""));
  if (*id == '\0') {
    *why = g_strdup("no Id");
    return FALSE;
  }
  sqlite3_stmt *st = kith_store_stmt(store, sql[index], error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  int extra = o->n_columns + 1;
  for (guint i = 1; i < o->n_columns; i++) {
    const char *v = vals[i] ? vals[i] : "";
    int b;
    gint64 t;
    switch (o->columns[i].type) {
    case KITH_COL_BOOL:
      if (!parse_bool(v, &b)) {
        *why = g_strdup_printf("%s: '%s' is not a boolean (true, false, 1 or 0)", o->columns[i].name, v);
        return FALSE;
      }
      sqlite3_bind_int(st, i + 1, b);
      break;
    case KITH_COL_EMAIL: {
      sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
      char *k = email_key(v);
      if (k)
        sqlite3_bind_text(st, extra, k, -1, g_free);
      extra++;
      break;
    }
    case KITH_COL_TIME:
      sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
      if (*v) {
        if (!kith_time_parse(v, &t)) {
          *why = g_strdup_printf("%s: '%s' is not an ISO 8601 time", o->columns[i].name, v);
          return FALSE;
        }
        sqlite3_bind_int64(st, extra, t);
      }
      extra++;
      break;
    default:
      sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
    }
  }
  if (!kith_store_step_done(store, st, error))
    return FALSE;
  if (strcmp(o->name, "Account") == 0)
    return write_account_domains(store, id, vals[2], vals[3], error);
  return TRUE;
}

gboolean kith_crm_delete(kith_store *store, const kith_crm_object *o, const char *id, GError **error)
{
  g_autofree char *sql = g_strdup_printf("DELETE FROM \"%s\" WHERE Id = ?", o->name);
  sqlite3_stmt *st = kith_store_stmt(store, sql, error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  if (!kith_store_step_done(store, st, error))
    return FALSE;
  if (strcmp(o->name, "Account") == 0) {
    st = kith_store_stmt(store, "DELETE FROM account_domain WHERE account_id = ?", error);
    if (!st)
      return FALSE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    return kith_store_step_done(store, st, error);
  }
  return TRUE;
}

static void import_record(import_ctx *c)
{
  const kith_crm_object *o = c->object;
  if (c->too_wide) {
    row_error(c, "more than %d columns", MAX_COLUMNS);
    return;
  }
  if ((int)c->fields->len != c->header_len) {
    row_error(c, "%u fields, the header has %d", c->fields->len, c->header_len);
    return;
  }
  const char *vals[32];
  for (guint i = 0; i < o->n_columns; i++) {
    int f = c->col_index[i];
    vals[i] = f >= 0 ? g_ptr_array_index(c->fields, f) : "";
  }
  g_autofree char *why = NULL;
  if (!kith_crm_upsert(c->store, o, vals, &why, &c->fatal)) {
    if (why)
      row_error(c, "%s", why);
    return;
  }
  c->stats->rows++;
}

static void on_field(void *data, size_t len, void *user)
{
  import_ctx *c = user;
  if (c->fields->len == 0)
    c->record_line = c->line;
  if (c->fields->len >= MAX_COLUMNS) {
    c->too_wide = TRUE;
    return;
  }
  g_ptr_array_add(c->fields, g_strndup(data ? data : "", len));
}

static void on_record(int term, void *user)
{
  import_ctx *c = user;
  if (c->fatal)
    return;
  if (c->fields->len == 0)
    c->record_line = c->line;
  if (c->header_len < 0)
    read_header(c);
  else
    import_record(c);
  g_ptr_array_set_size(c->fields, 0);
  c->too_wide = FALSE;
}

/* INSERT ... ON CONFLICT(Id) DO UPDATE: duplicate Ids, last one wins. */
static char *upsert_sql(const kith_crm_object *o)
{
  g_autoptr(GString) cols = g_string_new("Id");
  g_autoptr(GString) qs = g_string_new("?");
  g_autoptr(GString) set = g_string_new("");
  for (guint i = 1; i < o->n_columns; i++) {
    g_string_append_printf(cols, ", %s", o->columns[i].name);
    g_string_append(qs, ", ?");
    g_string_append_printf(set, "%s%s = excluded.%s", set->len ? ", " : "", o->columns[i].name,
                           o->columns[i].name);
  }
  for (guint i = 1; i < o->n_columns; i++) {
    const char *derived = o->columns[i].type == KITH_COL_EMAIL  ? "email_key"
                          : o->columns[i].type == KITH_COL_TIME ? "created_ts"
                                                                : NULL;
    if (!derived)
      continue;
    g_string_append_printf(cols, ", %s", derived);
    g_string_append(qs, ", ?");
    g_string_append_printf(set, ", %s = excluded.%s", derived, derived);
  }
  return g_strdup_printf("INSERT INTO \"%s\"(%s) VALUES(%s) ON CONFLICT(Id) DO UPDATE SET %s",
                         o->name, cols->str, qs->str, set->str);
}

/* When OBJECT's table is empty: drops its secondary indexes (inside the
 * caller's transaction) and returns the SQL that creates them again. */
static GPtrArray *drop_indexes_if_empty(kith_store *store, const kith_crm_object *o, GError **error)
{
  GPtrArray *sqls = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *probe = g_strdup_printf("SELECT 1 FROM \"%s\" LIMIT 1", o->name);
  sqlite3_stmt *st = kith_store_stmt(store, probe, error);
  if (!st)
    return sqls;
  gboolean empty = sqlite3_step(st) != SQLITE_ROW;
  sqlite3_reset(st);
  if (!empty)
    return sqls;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  st = kith_store_stmt(store, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
                              " tbl_name = ? AND sql IS NOT NULL",
                       error);
  if (!st)
    return sqls;
  sqlite3_bind_text(st, 1, o->name, -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    g_ptr_array_add(names, g_strdup(kith_store_col(st, 0)));
    g_ptr_array_add(sqls, g_strdup(kith_store_col(st, 1)));
  }
  sqlite3_reset(st);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *drop = g_strdup_printf("DROP INDEX \"%s\"", (char *)g_ptr_array_index(names, i));
    if (!kith_store_exec(store, drop, error))
      break;
  }
  return sqls;
}

gboolean kith_crm_import(kith_store *store, const kith_crm_object *object, const char *path,
                         kith_row_error_fn on_row_error, gpointer user_data,
                         kith_import_stats *stats, GError **error)
{
  kith_import_stats local = {0};
  if (!stats)
    stats = &local;
  FILE *f = fopen(path, "rb");
  if (!f) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
    return FALSE;
  }
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    fclose(f);
    g_set_error(error, KITH_ERROR, KITH_ERROR_FAILED, "%s: is a folder, not a CSV file", path);
    return FALSE;
  }
  struct csv_parser parser;
  csv_init(&parser, CSV_APPEND_NULL | CSV_STRICT_FINI);
  import_ctx c = {.store = store, .object = object, .path = path, .on_row_error = on_row_error,
                  .user_data = user_data, .stats = stats, .header_len = -1,
                  .fields = g_ptr_array_new_with_free_func(g_free)};
  gboolean ok = kith_store_begin(store, error);
  /* Into an empty table, the secondary indexes are built once at the end,
   * which is several times faster than keeping them up to date row by row. */
  g_autoptr(GPtrArray) indexes = ok ? drop_indexes_if_empty(store, object, &c.fatal) : NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while (ok && !c.fatal && (n = getline(&line, &cap, f)) >= 0) {
    c.line++;
    const char *p = line;
    if (c.line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
      p += 3;
      n -= 3;
    }
    if (memchr(p, '\0', n)) {
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE,
                  "%s:%u: a NUL byte: not a CSV text file", path, c.line);
      break;
    }
    if ((size_t)n > MAX_FIELD * 4) {
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: line longer than %d bytes",
                  path, c.line, MAX_FIELD * 4);
      break;
    }
    if (csv_parse(&parser, p, n, on_field, on_record, &c) != (size_t)n)
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: %s", path, c.line,
                  csv_strerror(csv_error(&parser)));
  }
  if (ok && !c.fatal && ferror(f))
    g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
  if (ok && !c.fatal) {
    c.line++;
    if (csv_fini(&parser, on_field, on_record, &c) != 0) {
      c.record_line = c.record_line ? c.record_line : c.line;
      row_error(&c, "a quoted field is not closed before the end of the file");
    }
  }
  if (ok && !c.fatal && c.header_len < 0)
    g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s: empty file, no header row", path);
  free(line);
  fclose(f);
  csv_free(&parser);
  g_ptr_array_unref(c.fields);
  if (!ok)
    return FALSE;
  for (guint i = 0; !c.fatal && indexes && i < indexes->len; i++)
    kith_store_exec(store, g_ptr_array_index(indexes, i), &c.fatal);
  if (c.fatal) {
    kith_store_rollback(store);
    stats->rows = 0;
    g_propagate_error(error, c.fatal);
    return FALSE;
  }
  return kith_store_commit(store, error);
}

/* ---- export ------------------------------------------------------------ */

static gboolean export_where(kith_store *store, const kith_crm_object *o, const char *where,
                             kith_crm_row_fn row, gpointer user_data, GError **error)
{
  g_autoptr(GString) sql = g_string_new("SELECT ");
  for (guint i = 0; i < o->n_columns; i++)
    g_string_append_printf(sql, "%s%s", i ? ", " : "", o->columns[i].name);
  g_string_append_printf(sql, " FROM \"%s\" %s ORDER BY Id", o->name, where);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kith_store_db(store), sql->str, -1, &st, NULL) != SQLITE_OK)
    return kith_store_fail(store, error, "export");
  const char *vals[32];
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (guint i = 0; i < o->n_columns; i++) {
      if (o->columns[i].type == KITH_COL_BOOL)
        vals[i] = sqlite3_column_int(st, i) ? "true" : "false";
      else
        vals[i] = kith_store_col(st, i);
    }
    if (!row(vals, user_data))
      break;
  }
  gboolean ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
  if (!ok)
    kith_store_fail(store, error, "export");
  sqlite3_finalize(st);
  return ok;
}

gboolean kith_crm_export(kith_store *store, const kith_crm_object *o, kith_crm_row_fn row,
                         gpointer user_data, GError **error)
{
  return export_where(store, o, "", row, user_data, error);
}

gboolean kith_crm_export_created(kith_store *store, kith_crm_row_fn row, gpointer user_data,
                                 GError **error)
{
  return export_where(store, kith_crm_object_lookup("Contact"), "WHERE Created_By_Kith__c = 1", row,
                      user_data, error);
}

gboolean kith_crm_people_with(kith_store *store, const char *address, kith_crm_person_fn fn,
                              gpointer user_data, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      store, "SELECT 'Contact', Id, AccountId, Created_By_Kith__c FROM Contact WHERE email_key = ?1"
             " UNION ALL SELECT 'Lead', Id, '', 0 FROM Lead WHERE email_key = ?1 AND IsConverted = 0"
             " ORDER BY 1, 2",
      error);
  if (!st)
    return FALSE;
  sqlite3_bind_text(st, 1, address, -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW)
    if (!fn(kith_store_col(st, 0), kith_store_col(st, 1), kith_store_col(st, 2),
            sqlite3_column_int(st, 3) != 0, user_data))
      break;
  sqlite3_reset(st);
  return TRUE;
}
