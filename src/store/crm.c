/* crm.c - CSV import (libcsv) and export of the CRM objects, by Id. */
#include "store/crm.h"

#include "core/address.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_FIELD (1024 * 1024) /* one CSV field */
#define MAX_COLUMNS 4096        /* columns of one row */

static const kith_crm_column user_cols[] = {{"Id", KITH_COL_TEXT},
                                            {"FirstName", KITH_COL_TEXT},
                                            {"LastName", KITH_COL_TEXT},
                                            {"Email", KITH_COL_EMAIL},
                                            {"IsActive", KITH_COL_BOOL}};
static const kith_crm_column account_cols[] = {{"Id", KITH_COL_TEXT},
                                               {"Name", KITH_COL_TEXT},
                                               {"Website", KITH_COL_TEXT},
                                               {"Secondary_Domains__c", KITH_COL_TEXT},
                                               {"OwnerId", KITH_COL_TEXT}};
static const kith_crm_column team_cols[] = {{"Id", KITH_COL_TEXT},
                                            {"AccountId", KITH_COL_TEXT},
                                            {"UserId", KITH_COL_TEXT},
                                            {"TeamMemberRole", KITH_COL_TEXT}};
static const kith_crm_column contact_cols[] = {{"Id", KITH_COL_TEXT},
                                               {"AccountId", KITH_COL_TEXT},
                                               {"FirstName", KITH_COL_TEXT},
                                               {"LastName", KITH_COL_TEXT},
                                               {"Email", KITH_COL_EMAIL},
                                               {"Title", KITH_COL_TEXT},
                                               {"Phone", KITH_COL_TEXT},
                                               {"Department", KITH_COL_TEXT},
                                               {"Seniority__c", KITH_COL_TEXT},
                                               {"Persona__c", KITH_COL_TEXT},
                                               {"MailingCountry", KITH_COL_TEXT},
                                               {"MailingState", KITH_COL_TEXT},
                                               {"OwnerId", KITH_COL_TEXT},
                                               {"LeadSource", KITH_COL_TEXT},
                                               {"Created_By_Kith__c", KITH_COL_BOOL},
                                               {"CreatedDate", KITH_COL_TIME}};
static const kith_crm_column lead_cols[] = {
    {"Id", KITH_COL_TEXT},         {"FirstName", KITH_COL_TEXT}, {"LastName", KITH_COL_TEXT},
    {"Email", KITH_COL_EMAIL},     {"Company", KITH_COL_TEXT},   {"OwnerId", KITH_COL_TEXT},
    {"IsConverted", KITH_COL_BOOL}};
static const kith_crm_column opp_cols[] = {
    {"Id", KITH_COL_TEXT},         {"AccountId", KITH_COL_TEXT}, {"Name", KITH_COL_TEXT},
    {"OwnerId", KITH_COL_TEXT},    {"StageName", KITH_COL_TEXT}, {"IsClosed", KITH_COL_BOOL},
    {"CreatedDate", KITH_COL_TIME}};
static const kith_crm_column role_cols[] = {
    {"Id", KITH_COL_TEXT},        {"OpportunityId", KITH_COL_TEXT},
    {"ContactId", KITH_COL_TEXT}, {"Role", KITH_COL_TEXT},
    {"IsPrimary", KITH_COL_BOOL}, {"Created_By_Kith__c", KITH_COL_BOOL}};

#define OBJ(n, p, c)                                                                               \
  {                                                                                                \
    n, p, c, G_N_ELEMENTS(c)                                                                       \
  }
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

#define MAX_RECORD (16 * 1024 * 1024) /* all fields of one CSV record */
#define BATCH_ROWS 32                 /* records per multi-row upsert */
#define BATCH_RECORD_MAX (64 * 1024)  /* a longer record is written alone */

typedef struct {
  kith_store *store;
  const kith_crm_object *object;
  const char *path;
  kith_row_error_fn on_row_error;
  gpointer user_data;
  kith_import_stats *stats;
  GError *fatal;     /* set when the whole import must stop */
  guint line;        /* current physical line */
  guint record_line; /* line where the current record started */
  /* The current record's fields, each NUL-terminated, one after the other
   * in one buffer reused for every record: no allocation per field. */
  char *rec;
  gsize rec_len, rec_cap;
  guint *field_off; /* MAX_COLUMNS offsets into rec */
  guint n_fields;
  gboolean too_wide;
  gboolean too_long;
  int header_len;       /* -1 until the header is read */
  int col_index[32];    /* object column -> CSV field index, -1 when absent */
  sqlite3_stmt *upsert; /* prepared once for the whole file */
  /* Good records are written BATCH_ROWS at a time by one multi-row upsert
   * (NULL when the object is not batched): SQLite's cost per statement
   * (opening cursors, seeking the end of the table, halting) is then paid
   * once a batch. A held record keeps its buffer, which its bound values
   * point into, until the batch is written. */
  sqlite3_stmt *batch;
  int row_params; /* parameters of one record in the upsert */
  guint n_held;
  struct {
    char *buf;
    gsize cap;
    const char *vals[32];
    int lens[32];
  } held[BATCH_ROWS];
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

/* TRUE when the N bytes at P are all ASCII (then also valid UTF-8). */
static gboolean all_ascii(const char *p, gsize n)
{
  guint64 acc = 0;
  gsize i = 0;
  for (; i + 8 <= n; i += 8) {
    guint64 w;
    memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; i++)
    acc |= (guchar)p[i];
  return (acc & G_GUINT64_CONSTANT(0x8080808080808080)) == 0;
}

static void read_header(import_ctx *c)
{
  const kith_crm_object *o = c->object;
  if (c->too_wide || c->too_long) {
    g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_PARSE,
                "%s:%u: the header has more than %d columns", c->path, c->record_line, MAX_COLUMNS);
    return;
  }
  c->header_len = c->n_fields;
  for (guint i = 0; i < o->n_columns; i++) {
    c->col_index[i] = -1;
    for (guint f = 0; f < c->n_fields; f++) {
      char *h = c->rec + c->field_off[f];
      if (g_ascii_strcasecmp(g_strstrip(h), o->columns[i].name) == 0) {
        c->col_index[i] = f;
        break;
      }
    }
  }
  if (c->col_index[0] < 0) {
    g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_PARSE,
                "%s: no Id column in the header (is it a %s CSV file?)", c->path, o->name);
    return;
  }
  /* Section 2: a file that names none of the object's fields besides Id is
   * not a file of that object (a User file with "First Name" and "Email
   * Address" headers once imported as users with no name and no email). */
  g_autoptr(GString) names = g_string_new(NULL);
  guint present = 0;
  for (guint i = 1; i < o->n_columns; i++) {
    g_string_append_printf(names, "%s%s", names->len ? ", " : "", o->columns[i].name);
    present += c->col_index[i] >= 0;
  }
  if (present == 0) {
    g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_PARSE,
                "%s: the header names none of a %s's columns (%s; docs/crm-files.md)", c->path,
                o->name, names->str);
    return;
  }
  /* Each unknown or missing column named once; the import goes on. */
  if (!c->on_row_error)
    return;
  for (guint f = 0; f < c->n_fields; f++) {
    gboolean known = FALSE;
    for (guint i = 0; i < o->n_columns && !known; i++)
      known = c->col_index[i] == (int)f;
    if (known)
      continue;
    g_autofree char *why = g_strdup_printf("warning: unknown column '%s' is ignored",
                                           c->rec + c->field_off[f]);
    c->on_row_error(c->path, why, c->user_data);
  }
  for (guint i = 1; i < o->n_columns; i++) {
    if (c->col_index[i] >= 0)
      continue;
    gboolean active = strcmp(o->name, "User") == 0 && strcmp(o->columns[i].name, "IsActive") == 0;
    g_autofree char *why = g_strdup_printf("warning: no %s column: %s", o->columns[i].name,
                                           active ? "every user is active" : "imported as empty");
    c->on_row_error(c->path, why, c->user_data);
  }
}

static gboolean write_account_domains(kith_store *store, const char *id, const char *website,
                                      const char *secondary, GError **err)
{
  sqlite3_stmt *del = kith_store_stmt(store, "DELETE FROM account_domain WHERE account_id = ?",
                                      err);
  if (!del)
    return FALSE;
  sqlite3_bind_text(del, 1, id, -1, SQLITE_TRANSIENT);
  if (!kith_store_step_done(store, del, err))
    return FALSE;
  sqlite3_stmt *ins = kith_store_stmt(
      store,
      "INSERT INTO account_domain(domain, account_id, is_primary) VALUES(?, ?, ?)"
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

static char *upsert_sql(const kith_crm_object *o, guint rows, gboolean plain, int *row_params);

/* The upsert statement of object O (the store keeps it prepared). */
static sqlite3_stmt *upsert_stmt(kith_store *store, const kith_crm_object *o, GError **error)
{
  static char *sql[G_N_ELEMENTS(objects)];
  guint index = o - objects;
  g_return_val_if_fail(index < G_N_ELEMENTS(objects), NULL);
  if (g_once_init_enter(&sql[index])) {
    char *text = upsert_sql(o, 1, FALSE, NULL);
    g_once_init_leave(&sql[index], text);
  }
  return kith_store_stmt(store, sql[index], error);
}

/* Checks one record of O (VALS, LENS: its columns in order; ASCII when all
 * of them are known to be ASCII) and binds every parameter of ST, the
 * upsert, to it, from parameter BASE + 1 on. The values are bound without a copy: they must outlive the
 * step. A bad value sets *WHY and returns FALSE; *ID, *ID_LEN: the trimmed Id. */
static gboolean bind_record(sqlite3_stmt *st, int base, const kith_crm_object *o,
                            const char *const *vals, const int *lens, gboolean ascii,
                            const char **id, int *id_len, char **why)
{
  if (!ascii)
    for (guint i = 0; i < o->n_columns; i++)
      if (!g_utf8_validate_len(vals[i], lens[i], NULL)) {
        *why = g_strdup_printf("%s is not UTF-8 text", o->columns[i].name);
        return FALSE;
      }
  const char *a = vals[0], *b = vals[0] + lens[0];
  while (a < b && g_ascii_isspace(*a))
    a++;
  while (b > a && g_ascii_isspace(b[-1]))
    b--;
  if (a == b) {
    *why = g_strdup("no Id");
    return FALSE;
  }
  *id = a;
  *id_len = b - a;
  sqlite3_bind_text(st, base + 1, a, b - a, SQLITE_STATIC);
  int extra = base + o->n_columns + 1;
  for (guint i = 1; i < o->n_columns; i++) {
    const char *v = vals[i];
    int flag;
    gint64 t;
    switch (o->columns[i].type) {
    case KITH_COL_BOOL:
      if (!parse_bool(v, &flag)) {
        *why = g_strdup_printf("%s: '%s' is not a boolean (true, false, 1 or 0)",
                               o->columns[i].name, v);
        return FALSE;
      }
      sqlite3_bind_int(st, base + i + 1, flag);
      break;
    case KITH_COL_EMAIL: {
      sqlite3_bind_text(st, base + i + 1, v, lens[i], SQLITE_STATIC);
      char *k = email_key(v);
      if (k)
        sqlite3_bind_text(st, extra, k, -1, g_free);
      else
        sqlite3_bind_null(st, extra);
      extra++;
      break;
    }
    case KITH_COL_TIME:
      sqlite3_bind_text(st, base + i + 1, v, lens[i], SQLITE_STATIC);
      if (*v) {
        if (!kith_time_parse(v, &t)) {
          *why = g_strdup_printf("%s: '%s' is not an ISO 8601 time", o->columns[i].name, v);
          return FALSE;
        }
        sqlite3_bind_int64(st, extra, t);
      } else {
        sqlite3_bind_null(st, extra);
      }
      extra++;
      break;
    default: sqlite3_bind_text(st, base + i + 1, v, lens[i], SQLITE_STATIC);
    }
  }
  return TRUE;
}

/* Binds, checks and writes one record through ST, O's upsert statement. */
static gboolean upsert_record(kith_store *store, sqlite3_stmt *st, const kith_crm_object *o,
                              const char *const *vals, const int *lens, gboolean ascii, char **why,
                              GError **error)
{
  const char *id;
  int id_len;
  if (!bind_record(st, 0, o, vals, lens, ascii, &id, &id_len, why))
    return FALSE;
  if (!kith_store_step_done(store, st, error))
    return FALSE;
  if (strcmp(o->name, "Account") == 0) {
    g_autofree char *id_z = g_strndup(id, id_len);
    return write_account_domains(store, id_z, vals[2], vals[3], error);
  }
  return TRUE;
}

gboolean kith_crm_upsert(kith_store *store, const kith_crm_object *o, const char *const *vals,
                         char **why, GError **error)
{
  sqlite3_stmt *st = upsert_stmt(store, o, error);
  if (!st)
    return FALSE;
  const char *v[32];
  int lens[32];
  for (guint i = 0; i < o->n_columns; i++) {
    v[i] = vals[i] ? vals[i] : "";
    lens[i] = strlen(v[i]);
  }
  gboolean ok = upsert_record(store, st, o, v, lens, FALSE, why, error);
  sqlite3_clear_bindings(st); /* nothing may point into the caller's VALS */
  return ok;
}

gboolean kith_crm_delete(kith_store *store, const kith_crm_object *o, const char *id,
                         GError **error)
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

/* Writes the held records: a full batch in one INSERT OR FAIL, fewer (at
 * the end of the file, or before a record written alone) one by one. The
 * plain insert needs no statement journal (an upsert of many rows would
 * keep one, in a temporary file); an Id already there (repeated in the
 * file) stops it, and that record and those after it go one by one
 * through the upsert: the last of an Id still wins. */
static gboolean flush_held(import_ctx *c)
{
  if (c->n_held == 0 || c->fatal)
    return !c->fatal;
  guint from = 0;
  if (c->n_held == BATCH_ROWS) {
    sqlite3 *db = kith_store_db(c->store);
    int rc = sqlite3_step(c->batch);
    if (rc != SQLITE_DONE && sqlite3_extended_errcode(db) != SQLITE_CONSTRAINT_PRIMARYKEY) {
      kith_store_fail(c->store, &c->fatal, "write");
      sqlite3_reset(c->batch);
      return FALSE;
    }
    from = rc == SQLITE_DONE ? BATCH_ROWS : (guint)sqlite3_changes(db);
    sqlite3_reset(c->batch);
    if (from > BATCH_ROWS) { /* cannot be */
      g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_FAILED, "%s: batch insert miscounted", c->path);
      return FALSE;
    }
  }
  for (guint r = from; r < c->n_held; r++) {
    g_autofree char *why = NULL;
    if (!upsert_record(c->store, c->upsert, c->object, c->held[r].vals, c->held[r].lens, TRUE, &why,
                       &c->fatal)) {
      if (!c->fatal) /* cannot be: the record was checked when it was held */
        g_set_error(&c->fatal, KITH_ERROR, KITH_ERROR_FAILED, "%s: %s", c->path, why);
      return FALSE;
    }
  }
  c->n_held = 0;
  return TRUE;
}

/* Checks the current record and holds it for the batch; VALS, LENS point
 * into c->rec, which the held slot takes over (the slot's old buffer
 * becomes c->rec). */
static void hold_record(import_ctx *c, const char *const *vals, const int *lens, gboolean ascii)
{
  const kith_crm_object *o = c->object;
  guint r = c->n_held;
  g_autofree char *why = NULL;
  const char *id;
  int id_len;
  if (!bind_record(c->batch, r * c->row_params, o, vals, lens, ascii, &id, &id_len, &why)) {
    row_error(c, "%s", why);
    return;
  }
  char *buf = c->held[r].buf;
  gsize cap = c->held[r].cap;
  c->held[r].buf = c->rec;
  c->held[r].cap = c->rec_cap;
  c->rec = buf;
  c->rec_cap = cap;
  memcpy(c->held[r].vals, vals, o->n_columns * sizeof *vals);
  memcpy(c->held[r].lens, lens, o->n_columns * sizeof *lens);
  c->n_held++;
  c->stats->rows++;
  if (c->n_held == BATCH_ROWS)
    flush_held(c);
}

static void import_record(import_ctx *c)
{
  const kith_crm_object *o = c->object;
  if (c->too_wide) {
    row_error(c, "more than %d columns", MAX_COLUMNS);
    return;
  }
  if (c->too_long) {
    row_error(c, "longer than %d bytes", MAX_RECORD);
    return;
  }
  if ((int)c->n_fields != c->header_len) {
    row_error(c, "%u fields, the header has %d", c->n_fields, c->header_len);
    return;
  }
  const char *vals[32];
  int lens[32];
  for (guint i = 0; i < o->n_columns; i++) {
    int f = c->col_index[i];
    if (f < 0) {
      /* Section 2: a User file without IsActive makes its users active. */
      gboolean active = o->columns[i].type == KITH_COL_BOOL && strcmp(o->name, "User") == 0;
      vals[i] = active ? "true" : "";
      lens[i] = active ? 4 : 0;
      continue;
    }
    guint end = (guint)f + 1 < c->n_fields ? c->field_off[f + 1] : c->rec_len;
    vals[i] = c->rec + c->field_off[f];
    lens[i] = end - c->field_off[f] - 1; /* without its NUL */
  }
  g_autofree char *why = NULL;
  gboolean ascii = all_ascii(c->rec, c->rec_len);
  if (c->batch && c->rec_len <= BATCH_RECORD_MAX) {
    hold_record(c, vals, lens, ascii);
    return;
  }
  if (!flush_held(c))
    return; /* the records before this one go first: the last of an Id wins */
  if (!upsert_record(c->store, c->upsert, o, vals, lens, ascii, &why, &c->fatal)) {
    if (why)
      row_error(c, "%s", why);
    return;
  }
  c->stats->rows++;
}

static void on_field(void *data, size_t len, void *user)
{
  import_ctx *c = user;
  if (c->n_fields == 0)
    c->record_line = c->line;
  if (c->n_fields >= MAX_COLUMNS) {
    c->too_wide = TRUE;
    return;
  }
  if (c->too_long || len >= MAX_RECORD - c->rec_len) {
    c->too_long = TRUE;
    return;
  }
  if (c->rec_len + len + 1 > c->rec_cap) {
    c->rec_cap = MAX(MAX(c->rec_cap * 2, c->rec_len + len + 1), 4096);
    c->rec_cap = MIN(c->rec_cap, MAX_RECORD);
    c->rec = g_realloc(c->rec, c->rec_cap);
  }
  c->field_off[c->n_fields++] = c->rec_len;
  if (len)
    memcpy(c->rec + c->rec_len, data, len);
  c->rec[c->rec_len + len] = '\0';
  c->rec_len += len + 1;
}

static void on_record(int term, void *user)
{
  import_ctx *c = user;
  if (c->fatal)
    return;
  if (c->n_fields == 0)
    c->record_line = c->line;
  if (c->header_len < 0)
    read_header(c);
  else
    import_record(c);
  c->n_fields = 0;
  c->rec_len = 0;
  c->too_wide = FALSE;
  c->too_long = FALSE;
}

static gboolean csv_blank(char ch)
{
  return ch == ' ' || ch == '\t';
}

/* Most lines are whole records without quotes: those are split here with
 * memchr, as libcsv would split them (fields trimmed of spaces and tabs, a
 * CR before the LF ending the record), at a fraction of its per-byte cost.
 * Only called between records; FALSE, having done nothing, for any other
 * line (quotes, a lone CR, no LF, nothing but blanks): libcsv then parses it. */
static gboolean parse_plain_line(import_ctx *c, const char *p, size_t n)
{
  if (n == 0 || p[n - 1] != '\n')
    return FALSE;
  size_t end = n - 1;
  if (end > 0 && p[end - 1] == '\r')
    end--;
  if (memchr(p, '"', end) || memchr(p, '\r', end))
    return FALSE;
  size_t i = 0;
  while (i < end && csv_blank(p[i]))
    i++;
  if (i == end)
    return FALSE; /* libcsv reports no record for a blank line */
  const char *s = p, *e = p + end;
  for (;;) {
    const char *comma = memchr(s, ',', e - s);
    const char *a = s, *b = comma ? comma : e;
    while (a < b && csv_blank(*a))
      a++;
    while (b > a && csv_blank(b[-1]))
      b--;
    on_field((void *)a, b - a, c);
    if (!comma)
      break;
    s = comma + 1;
  }
  on_record('\n', c);
  return TRUE;
}

/* INSERT ... ON CONFLICT(Id) DO UPDATE: duplicate Ids, last one wins. PLAIN:
 * INSERT OR FAIL of ROWS records instead, which stops at an Id already
 * there, keeping the records before it. *ROW_PARAMS: the parameters of one
 * record. */
static char *upsert_sql(const kith_crm_object *o, guint rows, gboolean plain, int *row_params)
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
  if (row_params)
    *row_params = (qs->len + 2) / 3; /* "?, " each */
  g_autoptr(GString) values = g_string_new(NULL);
  for (guint r = 0; r < rows; r++)
    g_string_append_printf(values, "%s(%s)", r ? ", " : "", qs->str);
  if (plain)
    return g_strdup_printf("INSERT OR FAIL INTO \"%s\"(%s) VALUES%s", o->name, cols->str,
                           values->str);
  return g_strdup_printf("INSERT INTO \"%s\"(%s) VALUES%s ON CONFLICT(Id) DO UPDATE SET %s",
                         o->name, cols->str, values->str, set->str);
}

/* When OBJECT's table is empty (*EMPTY): drops its secondary indexes
 * (inside the caller's transaction) and returns the SQL that creates them
 * again. */
static GPtrArray *drop_indexes_if_empty(kith_store *store, const kith_crm_object *o,
                                        gboolean *empty, GError **error)
{
  GPtrArray *sqls = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *probe = g_strdup_printf("SELECT 1 FROM \"%s\" LIMIT 1", o->name);
  sqlite3_stmt *st = kith_store_stmt(store, probe, error);
  if (!st)
    return sqls;
  *empty = sqlite3_step(st) != SQLITE_ROW;
  sqlite3_reset(st);
  if (!*empty)
    return sqls;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  st = kith_store_stmt(store,
                       "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
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
    g_autofree char *drop = g_strdup_printf("DROP INDEX \"%s\"",
                                            (char *)g_ptr_array_index(names, i));
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
  /* libcsv grows a field's buffer by this much at a time (128 bytes by
   * default: quadratic copying for a field of megabytes). */
  csv_set_blk_size(&parser, 64 * 1024);
  import_ctx c = {.store = store,
                  .object = object,
                  .path = path,
                  .on_row_error = on_row_error,
                  .user_data = user_data,
                  .stats = stats,
                  .header_len = -1,
                  .field_off = g_new(guint, MAX_COLUMNS)};
  gboolean ok = kith_store_begin(store, error);
  /* Into an empty table, the secondary indexes are built once at the end,
   * which is several times faster than keeping them up to date row by row. */
  gboolean empty = FALSE;
  g_autoptr(GPtrArray) indexes = ok ? drop_indexes_if_empty(store, object, &empty, &c.fatal) : NULL;
  if (ok && !c.fatal)
    c.upsert = upsert_stmt(store, object, &c.fatal);
  /* Batches only into a table empty at the start, where an Id already
   * there can only be a repeat from this file, and never for Accounts,
   * whose domains are written after each row. */
  if (ok && !c.fatal && empty && strcmp(object->name, "Account") != 0) {
    g_autofree char *sql = upsert_sql(object, BATCH_ROWS, TRUE, &c.row_params);
    c.batch = kith_store_stmt(store, sql, &c.fatal);
  }
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
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: a NUL byte: not a CSV text file",
                  path, c.line);
      break;
    }
    if ((size_t)n > MAX_FIELD * 4) {
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: line longer than %d bytes", path,
                  c.line, MAX_FIELD * 4);
      break;
    }
    /* libcsv 3 keeps pstate 0 (ROW_NOT_BEGUN) between records */
    if (parser.pstate == 0 && parse_plain_line(&c, p, n))
      continue;
    if (csv_parse(&parser, p, n, on_field, on_record, &c) != (size_t)n)
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE, "%s:%u: %s", path, c.line,
                  csv_strerror(csv_error(&parser)));
    /* libcsv keeps a quoted field across lines whole: bound it, or an
     * unclosed quote would read the rest of any file into memory. */
    if (!c.fatal && csv_get_buffer_size(&parser) > MAX_RECORD)
      g_set_error(&c.fatal, KITH_ERROR, KITH_ERROR_PARSE,
                  "%s:%u: a field longer than %d bytes (a quote not closed?)", path, c.line,
                  MAX_RECORD);
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
  if (ok)
    flush_held(&c);
  if (c.upsert)
    sqlite3_clear_bindings(c.upsert); /* they point into c.rec */
  if (c.batch)
    sqlite3_clear_bindings(c.batch); /* and into c.held */
  for (guint r = 0; r < BATCH_ROWS; r++)
    g_free(c.held[r].buf);
  free(line);
  fclose(f);
  csv_free(&parser);
  g_free(c.rec);
  g_free(c.field_off);
  if (!ok)
    return FALSE;
  for (guint i = 0; !c.fatal && indexes && i < indexes->len; i++)
    kith_store_exec_sorted(store, g_ptr_array_index(indexes, i), &c.fatal);
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
