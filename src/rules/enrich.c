/* enrich.c - keeping contacts current from newer observations (R37-R39). */
#include "rules/decide.h"

#include "store/lookup.h"

#include <string.h>

static kith_enrich_mode stronger(kith_enrich_mode a, kith_enrich_mode b)
{
  return a > b ? a : b;
}

/* The policy for FIELD of a contact: kith's own contacts always follow the
 * newest observation (R37); others as [enrichment] allows (R38), where the
 * separate persona/department/seniority settings also count. */
static kith_enrich_mode policy(const kith_config *c, kith_field f, gboolean by_kith)
{
  if (by_kith)
    return KITH_ENRICH_ALWAYS;
  if (!c->enrich_enabled)
    return KITH_ENRICH_NEVER;
  kith_enrich_mode m = c->enrich[f];
  if (f == KITH_FIELD_PERSONA)
    m = stronger(m, c->persona);
  else if (f == KITH_FIELD_DEPARTMENT)
    m = stronger(m, c->department);
  else if (f == KITH_FIELD_SENIORITY)
    m = stronger(m, c->seniority);
  return m;
}

/* R37-R39 for one FIELD that has an observation: VALUE at TIME, shown by
 * the activity SHOWN_BY. */
static gboolean enrich_field(kith_decider *d, const char *email, const char *contact_id,
                             gboolean by_kith, kith_field f, const char *value, gint64 time,
                             const char *shown_by, GError **error)
{
  kith_enrich_mode mode = policy(d->config, f, by_kith);
  const char *field = kith_field_name(f);
  gint64 written = 0;
  /* R39: an observation older than the one the field was written from is
   * ignored, whatever order the files came in. */
  kith_lookup_answer source = kith_state_field_source(d->store, contact_id, field, &written, error);
  if (source == KITH_LOOKUP_ERROR)
    return FALSE;
  if (source == KITH_LOOKUP_FOUND && time <= written)
    return TRUE;
  g_autofree char *current = NULL;
  if (!kith_lookup_contact_field(d->store, contact_id, field, &current, error))
    return FALSE;
  if (strcmp(current, value) == 0) {
    /* Already so: only the observation it is now written from. */
    kith_decision x = {
        .contact_id = contact_id, .field = field, .obs_time = time, .field_source = TRUE};
    return kith_decider_emit(d, &x, error);
  }
  if (mode == KITH_ENRICH_IF_EMPTY && *current)
    return TRUE;
  const char *rule = by_kith ? "R37" : "R38";
  g_autofree char *why = g_strdup_printf(
      by_kith                        ? "%s: '%s' becomes '%s', newer mail shows it (R37)"
      : mode == KITH_ENRICH_IF_EMPTY ? "%s: the empty field '%s' becomes '%s' (if_empty, R38)"
                                     : "%s: '%s' becomes '%s' (always, R38)",
      field, current, value);
  kith_decision x = {.action = KITH_ACTION_FIELD_UPDATED,
                     .rule = rule,
                     .activity_id = shown_by,
                     .email = email,
                     .object_id = contact_id,
                     .contact_id = contact_id,
                     .field = field,
                     .value = value,
                     .old_value = current,
                     .obs_time = time,
                     .detail = why,
                     .field_source = TRUE};
  return kith_decider_emit(d, &x, error);
}

#define ENRICHED_MAX 65536

gboolean kith_rules_enrich(kith_decider *d, const char *email, const char *contact_id,
                           gboolean by_kith, GError **error)
{
  /* Once a decision phase per contact and address: the newest observations
   * do not change while activities are decided, and every field the first
   * time wrote (or found already so) now has its field source at them. */
  g_autofree char *key = g_strconcat(contact_id, "\x1f", email, NULL);
  if (g_hash_table_contains(d->enriched, key))
    return TRUE;
  /* Every field's newest observation in one look-up: most people show a
   * name and nothing else, so most fields have none. */
  char *values[KITH_FIELD_COUNT], *shown[KITH_FIELD_COUNT];
  gint64 times[KITH_FIELD_COUNT];
  if (!kith_state_observations_full(d->store, email, values, times, shown, error))
    return FALSE;
  gboolean ok = TRUE;
  for (int f = 0; ok && f < KITH_FIELD_COUNT; f++) {
    if (!values[f] || policy(d->config, f, by_kith) == KITH_ENRICH_NEVER)
      continue;
    ok = enrich_field(d, email, contact_id, by_kith, f, values[f], times[f], shown[f], error);
  }
  for (int f = 0; f < KITH_FIELD_COUNT; f++) {
    g_free(values[f]);
    g_free(shown[f]);
  }
  if (ok) {
    if (g_hash_table_size(d->enriched) >= ENRICHED_MAX)
      g_hash_table_remove_all(d->enriched);
    g_hash_table_add(d->enriched, g_steal_pointer(&key));
  }
  return ok;
}
