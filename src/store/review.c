/* review.c - the review queue: items found in the log and the outbox, listed
 * and closed; see review.h and docs/review.md. */
#include "store/review.h"

#include "core/vocab.h"
#include "store/lookup.h"
#include "util/timeutil.h"

#include <string.h>

static const char *const KIND_NAMES[KITH_REVIEW_KIND_COUNT] = {"alternate", "missing_name",
                                                               "many_participants"};
static const char *const STATE_NAMES[KITH_REVIEW_STATE_COUNT] = {"open", "accepted", "rejected",
                                                                 "settled"};

const char *kith_review_kind_name(kith_review_kind kind)
{
  g_return_val_if_fail(kind < KITH_REVIEW_KIND_COUNT, NULL);
  return KIND_NAMES[kind];
}

const char *kith_review_state_name(kith_review_state state)
{
  g_return_val_if_fail(state < KITH_REVIEW_STATE_COUNT, NULL);
  return STATE_NAMES[state];
}

static gboolean kind_from_name(const char *name, kith_review_kind *out)
{
  for (int k = 0; k < KITH_REVIEW_KIND_COUNT; k++)
    if (g_strcmp0(name, KIND_NAMES[k]) == 0) {
      *out = (kith_review_kind)k;
      return TRUE;
    }
  return FALSE;
}

static gboolean state_from_name(const char *name, kith_review_state *out)
{
  for (int k = 0; k < KITH_REVIEW_STATE_COUNT; k++)
    if (g_strcmp0(name, STATE_NAMES[k]) == 0) {
      *out = (kith_review_state)k;
      return TRUE;
    }
  return FALSE;
}

void kith_review_item_free(gpointer p)
{
  kith_review_item *it = p;
  if (!it)
    return;
  g_free(it->email);
  g_free(it->first_name);
  g_free(it->last_name);
  g_free(it->account_id);
  g_free(it->account_name);
  g_free(it->contact_id);
  g_free(it->contact_name);
  g_free(it->activity_id);
  g_free(it->subject);
  g_free(it->seen);
  g_free(it->created_at);
  g_free(it->decided_at);
  g_free(it->decision);
  g_free(it);
}

static void bind(sqlite3_stmt *st, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* The words of the log, the outbox and the queue that the SQL below names,
 * bound by name from their one table (core/vocab.h, the kinds and states
 * above) wherever a statement has them. */
static void bind_words(sqlite3_stmt *st)
{
  const struct {
    const char *param, *word;
  } words[] = {
      {":op_create", kith_op_name(KITH_OP_CONTACT_CREATE)},
      {":op_update", kith_op_name(KITH_OP_FIELD_UPDATE)},
      {":op_delete", kith_op_name(KITH_OP_CONTACT_DELETE)},
      {":op_remove", kith_op_name(KITH_OP_CONTACT_REMOVE)},
      {":skipped", kith_action_name(KITH_ACTION_SKIPPED)},
      {":same_person", kith_reason_name(KITH_REASON_SAME_PERSON)},
      {":missing_field", kith_reason_name(KITH_REASON_MISSING_FIELD)},
      {":open", kith_review_state_name(KITH_REVIEW_OPEN)},
      {":accepted", kith_review_state_name(KITH_REVIEW_ACCEPTED)},
      {":many", kith_review_kind_name(KITH_REVIEW_MANY)},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(words); i++) {
    int at = sqlite3_bind_parameter_index(st, words[i].param);
    if (at > 0)
      bind(st, at, words[i].word);
  }
}

/* The number V at the named parameter NAME of ST. */
static void bind_int(sqlite3_stmt *st, const char *name, gint64 v)
{
  sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v);
}

/* ---- refresh ------------------------------------------------------------------ */

/* KEY's number in *OUT (0 when unset); FALSE when the store cannot tell. */
static gboolean meta_int(kith_store *s, const char *key, gint64 *out, GError **error)
{
  g_autofree char *v = NULL;
  if (kith_store_meta_get(s, key, &v, error) == KITH_LOOKUP_ERROR)
    return FALSE;
  *out = v ? g_ascii_strtoll(v, NULL, 10) : 0;
  return TRUE;
}

static gboolean meta_set_int(kith_store *s, const char *key, gint64 v, GError **error)
{
  g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, v);
  return kith_store_meta_set(s, key, text, error);
}

/* The greatest seq of TABLE (0 when empty). */
static gboolean max_seq(kith_store *s, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, sql, error);
  if (!st || !kith_store_row(s, st, error))
    return FALSE;
  *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return TRUE;
}

static gboolean add_item(kith_store *s, kith_review_kind kind, const char *email,
                         const char *activity_id, const char *account_id, const char *contact_id,
                         gint64 participants, GError **error)
{
  /* A later decision about an open item brings it up to date; a closed one
   * stays as it was decided. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "INSERT INTO review(kind, email, activity_id, account_id, contact_id, participants,"
      " created_at) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kind, email) DO UPDATE SET"
      " activity_id = excluded.activity_id, account_id = excluded.account_id,"
      " contact_id = excluded.contact_id, participants = excluded.participants"
      " WHERE state = :open",
      error);
  if (!st)
    return FALSE;
  g_autofree char *now = kith_time_now();
  bind_words(st);
  bind(st, 1, kith_review_kind_name(kind));
  bind(st, 2, email);
  bind(st, 3, activity_id);
  bind(st, 4, account_id);
  bind(st, 5, contact_id);
  sqlite3_bind_int64(st, 6, participants);
  bind(st, 7, now);
  return kith_store_step_done(s, st, error);
}

/* Whether both names of EMAIL have been observed. */
static gboolean has_name(kith_store *s, const char *email, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(
      s, "SELECT count(*) FROM observation WHERE email = ? AND field IN ('FirstName', 'LastName')",
      error);
  if (!st)
    return FALSE;
  bind(st, 1, email);
  if (!kith_store_row(s, st, error))
    return FALSE;
  gboolean both = sqlite3_column_int(st, 0) == 2;
  sqlite3_reset(st);
  return both;
}

typedef struct {
  char *activity_id, *email, *reason, *object_id, *account_id;
  gint64 participants;
} found_row;

static void found_row_free(gpointer p)
{
  found_row *f = p;
  g_free(f->activity_id);
  g_free(f->email);
  g_free(f->reason);
  g_free(f->object_id);
  g_free(f->account_id);
  g_free(f);
}

/* The rows of ST (bound, with the columns of found_row in order), read to
 * the end before anything is written. */
static GPtrArray *read_rows(kith_store *s, sqlite3_stmt *st, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(found_row_free);
  GError *local = NULL;
  while (kith_store_row(s, st, &local)) {
    found_row *f = g_new0(found_row, 1);
    f->activity_id = kith_store_col_dup(st, 0);
    f->email = g_strdup(kith_store_col(st, 1));
    f->reason = g_strdup(kith_store_col(st, 2));
    f->object_id = kith_store_col_dup(st, 3);
    f->account_id = kith_store_col_dup(st, 4);
    f->participants = sqlite3_column_int64(st, 5);
    g_ptr_array_add(out, f);
  }
  if (local) {
    g_propagate_error(error, local);
    return NULL;
  }
  return g_steal_pointer(&out);
}

static gboolean refresh_log(kith_store *s, gint64 from, gint64 to,
                            kith_review_account_fn account_of, gpointer data, GError **error)
{
  /* R43: the contact's account is the CRM's, or the queued create's. */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT l.activity_id, l.email, l.reason, l.object_id,"
      " coalesce((SELECT AccountId FROM Contact WHERE Id = l.object_id),"
      "          (SELECT account_id FROM outbox WHERE object_id = l.object_id"
      "           AND op = :op_create ORDER BY seq DESC LIMIT 1), '') AS account,"
      " 0 AS participants"
      " FROM engagement_log l WHERE l.seq > :from AND l.seq <= :to AND l.action = :skipped"
      " AND l.reason IN (:same_person, :missing_field) ORDER BY l.seq",
      error);
  if (!st)
    return FALSE;
  bind_words(st);
  bind_int(st, ":from", from);
  bind_int(st, ":to", to);
  g_autoptr(GPtrArray) rows = read_rows(s, st, error);
  if (!rows)
    return FALSE;
  for (guint i = 0; i < rows->len; i++) {
    const found_row *f = g_ptr_array_index(rows, i);
    if (strcmp(f->reason, kith_reason_name(KITH_REASON_SAME_PERSON)) == 0) {
      if (!add_item(s, KITH_REVIEW_ALTERNATE, f->email, f->activity_id, f->account_id, f->object_id,
                    0, error))
        return FALSE;
      continue;
    }
    /* missing_field: only a missing name, at a domain an Account has. */
    GError *local = NULL;
    if (has_name(s, f->email, &local) || local) {
      if (local) {
        g_propagate_error(error, local);
        return FALSE;
      }
      continue;
    }
    g_autofree char *account = NULL;
    if (!account_of(f->email, f->activity_id, &account, data, error))
      return FALSE;
    if (account &&
        !add_item(s, KITH_REVIEW_MISSING_NAME, f->email, f->activity_id, account, NULL, 0, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean refresh_outbox(kith_store *s, gint64 from, gint64 to, int participants,
                               GError **error)
{
  if (participants <= 0)
    return TRUE;
  /* Contacts the rules queued (R25, R31), not those a person asked for by
   * accepting an item ("create ID", see kith_review_close). */
  sqlite3_stmt *st = kith_store_stmt(
      s,
      "SELECT o.activity_id, o.email, '', o.object_id, o.account_id,"
      " (SELECT count(*) FROM participant p WHERE p.activity = a.seq) AS n"
      " FROM outbox o JOIN activity a ON a.id = o.activity_id"
      " WHERE o.seq > :from AND o.seq <= :to AND o.op = :op_create"
      " AND o.rule IN ('R25', 'R31') AND n > :participants"
      " AND NOT EXISTS(SELECT 1 FROM review r WHERE r.state = :accepted"
      "                AND r.decision = 'create ' || o.object_id)"
      " ORDER BY o.seq",
      error);
  if (!st)
    return FALSE;
  bind_words(st);
  bind_int(st, ":from", from);
  bind_int(st, ":to", to);
  bind_int(st, ":participants", participants);
  g_autoptr(GPtrArray) rows = read_rows(s, st, error);
  if (!rows)
    return FALSE;
  for (guint i = 0; i < rows->len; i++) {
    const found_row *f = g_ptr_array_index(rows, i);
    if (!add_item(s, KITH_REVIEW_MANY, f->email, f->activity_id, f->account_id, f->object_id,
                  f->participants, error))
      return FALSE;
  }
  return TRUE;
}

/* Where the queue stands: the log and outbox rows read so far (*FROM) and
 * the last ones written (*TO). */
typedef struct {
  gint64 log_from, log_to, outbox_from, outbox_to;
} position;

static gboolean position_read(kith_store *s, position *p, GError **error)
{
  *p = (position){0};
  return meta_int(s, "review_log_seq", &p->log_from, error) &&
         meta_int(s, "review_outbox_seq", &p->outbox_from, error) &&
         max_seq(s, "SELECT coalesce(max(seq), 0) FROM engagement_log", &p->log_to, error) &&
         max_seq(s, "SELECT coalesce(max(seq), 0) FROM outbox", &p->outbox_to, error);
}

gboolean kith_review_refresh(kith_store *s, int participants, kith_review_account_fn account_of,
                             gpointer data, GError **error)
{
  position p;
  if (!position_read(s, &p, error))
    return FALSE;
  if (p.log_to > p.log_from && !(refresh_log(s, p.log_from, p.log_to, account_of, data, error) &&
                                 meta_set_int(s, "review_log_seq", p.log_to, error)))
    return FALSE;
  if (p.outbox_to > p.outbox_from &&
      !(refresh_outbox(s, p.outbox_from, p.outbox_to, participants, error) &&
        meta_set_int(s, "review_outbox_seq", p.outbox_to, error)))
    return FALSE;
  return TRUE;
}

kith_lookup_answer kith_review_behind(kith_store *s, GError **error)
{
  position p;
  if (!position_read(s, &p, error))
    return KITH_LOOKUP_ERROR;
  return p.log_to > p.log_from || p.outbox_to > p.outbox_from ? KITH_LOOKUP_FOUND
                                                              : KITH_LOOKUP_NONE;
}

/* ---- reading -------------------------------------------------------------------- */

/* An item with its contact's Id as the CRM knows it now (a queued Id sync
 * replaced, R61), and whether it still applies: nobody suppressed the
 * address; an alternate or a missing name is still no Contact's, Lead's or
 * queued contact's address (nor an R44 address change); a contact made
 * from many participants is still there, kith's, and not being removed. */
#define ITEM_SELECT                                                                                \
  "SELECT r.id, r.kind, r.state, r.email, r.account_id,"                                           \
  " (SELECT Name FROM Account WHERE Id = r.account_id), r.cid,"                                    \
  " coalesce((SELECT trim(coalesce(FirstName, '') || ' ' || coalesce(LastName, ''))"               \
  "           FROM Contact WHERE Id = r.cid),"                                                     \
  "          (SELECT trim(coalesce((SELECT value FROM observation WHERE email = o.email"           \
  "                                 AND field = 'FirstName'), '') || ' ' ||"                       \
  "                       coalesce((SELECT value FROM observation WHERE email = o.email"           \
  "                                 AND field = 'LastName'), ''))"                                 \
  "           FROM outbox o WHERE o.object_id = r.cid AND o.op = :op_create"                       \
  "           ORDER BY o.seq DESC LIMIT 1), ''),"                                                  \
  " r.activity_id, (SELECT subject FROM activity WHERE id = r.activity_id), r.participants,"       \
  " (SELECT max(a.time) FROM participant p JOIN activity a ON a.seq = p.activity"                  \
  "  WHERE p.email = r.email),"                                                                    \
  " (SELECT value FROM observation WHERE email = r.email AND field = 'FirstName'),"                \
  " (SELECT value FROM observation WHERE email = r.email AND field = 'LastName'),"                 \
  " r.created_at, r.decided_at, r.decision,"                                                       \
  " CASE WHEN EXISTS(SELECT 1 FROM suppression WHERE email = r.email) THEN 0"                      \
  "  WHEN r.kind = :many THEN"                                                                     \
  "   (EXISTS(SELECT 1 FROM Contact WHERE Id = r.cid AND Created_By_Kith__c = 1)"                  \
  "    OR EXISTS(SELECT 1 FROM outbox WHERE object_id = r.cid AND op = :op_create"                 \
  "              AND state = 'pending'))"                                                          \
  "   AND NOT EXISTS(SELECT 1 FROM outbox WHERE object_id = r.cid"                                 \
  "                  AND op IN (:op_delete, :op_remove) AND state = 'pending')"                    \
  "  ELSE NOT EXISTS(SELECT 1 FROM Contact WHERE email_key = r.email)"                             \
  "   AND NOT EXISTS(SELECT 1 FROM Lead WHERE email_key = r.email AND IsConverted = 0)"            \
  "   AND NOT EXISTS(SELECT 1 FROM outbox WHERE email = r.email"                                   \
  "                  AND op IN (:op_create, :op_update) AND state = 'pending'"                     \
  "                  AND (op = :op_create OR field = 'Email'))"                                    \
  " END AS applies"                                                                                \
  " FROM (SELECT *, coalesce((SELECT actual_id FROM id_alias WHERE queued_id = contact_id),"       \
  "                          contact_id) AS cid FROM review) r"

static kith_review_item *item_from(sqlite3_stmt *st)
{
  kith_review_item *it = g_new0(kith_review_item, 1);
  it->id = sqlite3_column_int64(st, 0);
  kind_from_name(kith_store_col(st, 1), &it->kind);
  /* An open item that no longer applies reads settled. */
  if (!state_from_name(kith_store_col(st, 2), &it->state) || it->state == KITH_REVIEW_OPEN)
    it->state = sqlite3_column_int(st, 17) ? KITH_REVIEW_OPEN : KITH_REVIEW_SETTLED;
  it->email = g_strdup(kith_store_col(st, 3));
  it->account_id = g_strdup(kith_store_col(st, 4));
  it->account_name = g_strdup(kith_store_col(st, 5));
  it->contact_id = g_strdup(kith_store_col(st, 6));
  it->contact_name = g_strdup(kith_store_col(st, 7));
  it->activity_id = g_strdup(kith_store_col(st, 8));
  it->subject = g_strdup(kith_store_col(st, 9));
  it->participants = sqlite3_column_int64(st, 10);
  it->seen = sqlite3_column_type(st, 11) == SQLITE_NULL
                 ? g_strdup("")
                 : kith_time_format(sqlite3_column_int64(st, 11));
  it->first_name = kith_store_col_dup(st, 12);
  it->last_name = kith_store_col_dup(st, 13);
  it->created_at = g_strdup(kith_store_col(st, 14));
  it->decided_at = g_strdup(kith_store_col(st, 15));
  it->decision = g_strdup(kith_store_col(st, 16));
  return it;
}

/* Every item ST's rows give (ITEM_SELECT), or NULL with ERROR. */
static GPtrArray *items_from(kith_store *s, sqlite3_stmt *st, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(kith_review_item_free);
  GError *local = NULL;
  while (kith_store_row(s, st, &local))
    g_ptr_array_add(out, item_from(st));
  if (local) {
    g_propagate_error(error, local);
    return NULL;
  }
  return g_steal_pointer(&out);
}

GPtrArray *kith_review_list(kith_store *s, gboolean all, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s,
                                     "SELECT * FROM (" ITEM_SELECT
                                     " WHERE :all OR r.state = :open) WHERE :all OR applies"
                                     " ORDER BY id",
                                     error);
  if (!st)
    return NULL;
  bind_words(st);
  bind_int(st, ":all", all ? 1 : 0);
  return items_from(s, st, error);
}

GPtrArray *kith_review_for_email(kith_store *s, const char *email, GError **error)
{
  sqlite3_stmt *st = kith_store_stmt(s, ITEM_SELECT " WHERE r.email = :email ORDER BY r.id", error);
  if (!st)
    return NULL;
  bind_words(st);
  bind(st, sqlite3_bind_parameter_index(st, ":email"), email);
  return items_from(s, st, error);
}

kith_lookup_answer kith_review_get(kith_store *s, gint64 id, kith_review_item **out, GError **error)
{
  *out = NULL;
  sqlite3_stmt *st = kith_store_stmt(s, ITEM_SELECT " WHERE r.id = :id", error);
  if (!st)
    return KITH_LOOKUP_ERROR;
  bind_words(st);
  bind_int(st, ":id", id);
  kith_lookup_answer a = kith_store_step_row(s, st, error);
  if (a == KITH_LOOKUP_FOUND)
    *out = item_from(st);
  sqlite3_reset(st);
  return a;
}

/* ---- writing ---------------------------------------------------------------------- */

gboolean kith_review_close(kith_store *s, gint64 id, kith_review_state state, const char *decision,
                           GError **error)
{
  g_return_val_if_fail(state == KITH_REVIEW_ACCEPTED || state == KITH_REVIEW_REJECTED, FALSE);
  sqlite3_stmt *st = kith_store_stmt(
      s, "UPDATE review SET state = ?, decision = ?, decided_at = ? WHERE id = ? AND state = :open",
      error);
  if (!st)
    return FALSE;
  g_autofree char *now = kith_time_now();
  bind_words(st);
  bind(st, 1, kith_review_state_name(state));
  bind(st, 2, decision);
  bind(st, 3, now);
  sqlite3_bind_int64(st, 4, id);
  return kith_store_step_done(s, st, error);
}
