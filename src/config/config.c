/* config.c - reading and validating kith.conf with GKeyFile (CONTRACT.md section 4). */
#include "config/config.h"

#include "core/address.h"
#include "util/data.h"
#include "util/error.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

static void profile_clear(kith_profile *p)
{
  g_free(p->name);
  g_strfreev(p->users);
  g_strfreev(p->required_fields);
  g_free(p->ocr_role);
}

static void profile_free(gpointer p)
{
  profile_clear(p);
  g_free(p);
}

static void profile_defaults(kith_profile *p, const char *name)
{
  p->name = g_strdup(name);
  p->users = g_new0(char *, 1);
  p->contact_creation = TRUE;
  p->required_fields = g_new0(char *, 1);
  p->ocr_role = g_strdup("");
  p->conversation_only = TRUE;
  p->max_participants = 50;
}

static GHashTable *domain_set(char **list)
{
  GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (char **d = list; d && *d; d++) {
    char *n = kith_domain_normalize(*d);
    if (n)
      g_hash_table_add(set, n);
  }
  return set;
}

static void source_free(gpointer p)
{
  kith_source_config *src = p;
  g_free(src->name);
  g_free(src->path);
  g_free(src->url);
  g_free(src->user);
  g_free(src->password_file);
  g_strfreev(src->folders);
  g_free(src->start_date);
  g_free(src->ca_file);
  g_free(src->key_file);
  g_strfreev(src->domains);
  g_strfreev(src->users);
  g_strfreev(src->exclude_users);
  g_free(src->tenant);
  g_free(src->client_id);
  g_free(src->certificate_file);
  g_free(src->client_secret_file);
  g_free(src);
}

kith_config *kith_config_new_default(void)
{
  kith_config *c = g_new0(kith_config, 1);
  c->internal_domains = g_new0(char *, 1);
  c->lead_source = g_strdup("kith");
  c->integration_user = g_strdup("");
  c->authserv_ids = g_new0(char *, 1);
  c->retain_days = 365;
  c->learn_aliases = TRUE;
  c->aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  c->profiles = g_ptr_array_new_with_free_func(profile_free);
  profile_defaults(&c->defaults, "(defaults)");
  c->exclude_domains = g_new0(char *, 1);
  c->exclude_addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  c->exclude_local_parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_pattern_spec_free);
  c->exclude_local_part_texts = g_ptr_array_new_with_free_func(g_free);
  c->exclude_subjects = g_new0(char *, 1);
  g_auto(GStrv) builtin = kith_data_lines("personal_domains.txt");
  c->personal_domains = domain_set(builtin);
  kith_salesforce_config *sf = &c->salesforce;
  sf->login_url = g_strdup("https://login.salesforce.com");
  sf->instance_url = g_strdup("");
  sf->api_version = g_strdup("60.0");
  sf->client_id = g_strdup("");
  sf->user = g_strdup("");
  sf->private_key = g_strdup("");
  sf->refresh_token_file = g_strdup("");
  sf->client_secret_file = g_strdup("");
  sf->created_flag_field = g_strdup("Created_By_Kith__c");
  sf->seniority_field = g_strdup("Seniority__c");
  sf->persona_field = g_strdup("Persona__c");
  sf->secondary_domains_field = g_strdup("Secondary_Domains__c");
  sf->kith_id_field = g_strdup("Kith_Id__c");
  sf->max_retries = 5;
  sf->retry_base_ms = 500;
  sf->timeout = 60;
  sf->api_reserve = 1000;
  sf->batch_size = 200;
  c->sources = g_ptr_array_new_with_free_func(source_free);
  c->serve.listen = g_strdup("127.0.0.1:8765");
  c->serve.token_file = g_strdup("");
  c->serve.sync_interval = 60;
  c->serve.scan_interval = 300;
  c->serve.dedup_at = g_strdup("03:00");
  c->serve.allowed_hosts = g_new0(char *, 1);
  c->review_participants = 10;
  return c;
}

void kith_config_free(kith_config *c)
{
  if (!c)
    return;
  g_free(c->path);
  g_strfreev(c->internal_domains);
  g_free(c->integration_user);
  g_free(c->lead_source);
  g_free(c->title_rules);
  g_strfreev(c->authserv_ids);
  g_hash_table_unref(c->aliases);
  g_ptr_array_unref(c->profiles);
  profile_clear(&c->defaults);
  g_strfreev(c->exclude_domains);
  g_hash_table_unref(c->exclude_addresses);
  g_ptr_array_unref(c->exclude_local_parts);
  g_ptr_array_unref(c->exclude_local_part_texts);
  g_strfreev(c->exclude_subjects);
  g_hash_table_unref(c->personal_domains);
  kith_salesforce_config *sf = &c->salesforce;
  g_free(sf->login_url);
  g_free(sf->instance_url);
  g_free(sf->api_version);
  g_free(sf->client_id);
  g_free(sf->user);
  g_free(sf->private_key);
  g_free(sf->refresh_token_file);
  g_free(sf->client_secret_file);
  g_free(sf->created_flag_field);
  g_free(sf->seniority_field);
  g_free(sf->persona_field);
  g_free(sf->secondary_domains_field);
  g_free(sf->kith_id_field);
  g_ptr_array_unref(c->sources);
  g_free(c->serve.listen);
  g_free(c->serve.token_file);
  g_free(c->serve.dedup_at);
  g_strfreev(c->serve.allowed_hosts);
  g_free(c);
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct {
  const char *path;
  GKeyFile *kf;
  GError **error;
} reader;

static gboolean bad(reader *r, const char *group, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean bad(reader *r, const char *group, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *why = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (key)
    g_set_error(r->error, KITH_ERROR, KITH_ERROR_USAGE, "%s: [%s] %s: %s", r->path, group, key,
                why);
  else
    g_set_error(r->error, KITH_ERROR, KITH_ERROR_USAGE, "%s: [%s]: %s", r->path, group, why);
  return FALSE;
}

/* KEY's value, trimmed, without a trailing comment: ` # ...` or ` ; ...`
 * after white space, as people write them (and copy them from docs). */
static char *value(reader *r, const char *group, const char *key)
{
  g_autofree char *raw = g_key_file_get_value(r->kf, group, key, NULL);
  char *v = g_strdup(raw ? raw : "");
  for (char *p = v; *p; p++)
    if ((*p == '#' || *p == ';') && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
      *p = '\0';
      break;
    }
  return g_strstrip(v);
}

/* The first line of TEXT that GKeyFile would refuse, as "[GROUP] line N:
 * WHY" (newly allocated), or NULL: GLib's own message names neither. */
static char *bad_line(const char *text)
{
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autofree char *group = g_strdup("");
  for (guint i = 0; lines[i]; i++) {
    g_autofree char *l = g_strstrip(g_strdup(lines[i]));
    if (!*l || *l == '#')
      continue;
    if (*l == '[') {
      char *end = strchr(l, ']');
      if (!end || end[1] != '\0')
        return g_strdup_printf("[%s] line %u: '%.60s' is no [GROUP] line", group, i + 1, l);
      g_free(group);
      group = g_strndup(l + 1, (gsize)(end - l - 1));
      continue;
    }
    if (!strchr(l, '='))
      return g_strdup_printf("[%s] line %u: '%.60s' is not KEY = VALUE", group, i + 1, l);
    if (!*group)
      return g_strdup_printf("[] line %u: '%.60s' comes before any [GROUP]", i + 1, l);
  }
  return NULL;
}

/* A comma-separated list: items trimmed, empty ones dropped. */
static char **list(reader *r, const char *group, const char *key)
{
  g_autofree char *v = value(r, group, key);
  g_auto(GStrv) parts = g_strsplit(v, ",", -1);
  GPtrArray *out = g_ptr_array_new();
  for (char **p = parts; *p; p++) {
    char *s = g_strstrip(*p);
    if (*s)
      g_ptr_array_add(out, g_strdup(s));
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

/* A list of addresses, each normalised (R1). */
static gboolean address_list(reader *r, const char *group, const char *key, char ***out)
{
  g_auto(GStrv) items = list(r, group, key);
  GPtrArray *a = g_ptr_array_new();
  for (char **i = items; *i; i++) {
    if (strcmp(*i, "*") == 0)
      continue; /* everyone: the same as no list */
    char *n = kith_address_normalize(*i, NULL);
    if (!n) {
      g_ptr_array_add(a, NULL);
      g_strfreev((char **)g_ptr_array_free(a, FALSE));
      return bad(r, group, key, "'%s' is not an address", *i);
    }
    g_ptr_array_add(a, n);
  }
  g_ptr_array_add(a, NULL);
  g_strfreev(*out);
  *out = (char **)g_ptr_array_free(a, FALSE);
  return TRUE;
}

static gboolean on_off(reader *r, const char *group, const char *key, gboolean *out)
{
  g_autofree char *v = value(r, group, key);
  if (g_ascii_strcasecmp(v, "on") == 0 || g_ascii_strcasecmp(v, "true") == 0 ||
      g_ascii_strcasecmp(v, "yes") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp(v, "off") == 0 || g_ascii_strcasecmp(v, "false") == 0 ||
           g_ascii_strcasecmp(v, "no") == 0)
    *out = FALSE;
  else
    return bad(r, group, key, "'%s' is not on or off", v);
  return TRUE;
}

static gboolean domain_list(reader *r, const char *group, const char *key, char ***out)
{
  g_auto(GStrv) items = list(r, group, key);
  GPtrArray *d = g_ptr_array_new();
  for (char **i = items; *i; i++) {
    char *n = kith_domain_normalize(*i);
    if (!n) {
      g_ptr_array_add(d, NULL);
      g_strfreev((char **)g_ptr_array_free(d, FALSE));
      return bad(r, group, key, "'%s' is not a domain", *i);
    }
    g_ptr_array_add(d, n);
  }
  g_ptr_array_add(d, NULL);
  g_strfreev(*out);
  *out = (char **)g_ptr_array_free(d, FALSE);
  return TRUE;
}

static gboolean int_value(reader *r, const char *g, const char *k, int lo, int hi, int *out);

static gboolean read_org(reader *r, kith_config *c)
{
  const char *g = "org";
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp(*k, "internal_domains") == 0) {
      if (!domain_list(r, g, *k, &c->internal_domains))
        return FALSE;
    } else if (strcmp(*k, "integration_user") == 0) {
      g_free(c->integration_user);
      c->integration_user = value(r, g, *k);
    } else if (strcmp(*k, "lead_source") == 0) {
      g_free(c->lead_source);
      c->lead_source = value(r, g, *k);
    } else if (strcmp(*k, "title_rules") == 0) {
      g_free(c->title_rules);
      c->title_rules = value(r, g, *k);
    } else if (strcmp(*k, "authserv_ids") == 0) {
      g_strfreev(c->authserv_ids);
      c->authserv_ids = list(r, g, *k);
      for (char **id = c->authserv_ids; *id; id++) {
        char *lower = g_ascii_strdown(*id, -1);
        g_free(*id);
        *id = lower;
      }
    } else if (strcmp(*k, "retain_days") == 0) {
      if (!int_value(r, g, *k, 1, 36500, &c->retain_days))
        return FALSE;
    } else if (strcmp(*k, "learn_aliases") == 0) {
      if (!on_off(r, g, *k, &c->learn_aliases))
        return FALSE;
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  return TRUE;
}

static gboolean read_profile(reader *r, kith_config *c, const char *group)
{
  const char *name = group + strlen("profile");
  while (*name == ' ' || *name == '\t')
    name++;
  if (*name == '\0')
    return bad(r, group, NULL, "a profile needs a name: [profile NAME]");
  kith_profile *p = g_new0(kith_profile, 1);
  profile_defaults(p, name);
  g_ptr_array_add(c->profiles, p);
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, group, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp(*k, "users") == 0) {
      g_auto(GStrv) users = list(r, group, *k);
      GPtrArray *out = g_ptr_array_new();
      for (char **u = users; *u; u++) {
        if (strcmp(*u, "*") == 0) {
          p->everyone = TRUE;
          continue;
        }
        g_autoptr(GError) e = NULL;
        char *n = kith_address_normalize(*u, &e);
        if (!n) {
          g_ptr_array_add(out, NULL);
          g_strfreev((char **)g_ptr_array_free(out, FALSE));
          return bad(r, group, *k, "'%s' is not an address (or *)", *u);
        }
        g_ptr_array_add(out, n);
      }
      g_ptr_array_add(out, NULL);
      g_strfreev(p->users);
      p->users = (char **)g_ptr_array_free(out, FALSE);
    } else if (strcmp(*k, "contact_creation") == 0) {
      if (!on_off(r, group, *k, &p->contact_creation))
        return FALSE;
    } else if (strcmp(*k, "ocr") == 0) {
      if (!on_off(r, group, *k, &p->ocr))
        return FALSE;
    } else if (strcmp(*k, "first_ocr") == 0) {
      if (!on_off(r, group, *k, &p->first_ocr))
        return FALSE;
    } else if (strcmp(*k, "new_ocr") == 0) {
      if (!on_off(r, group, *k, &p->new_ocr))
        return FALSE;
    } else if (strcmp(*k, "multi_opportunity") == 0) {
      if (!on_off(r, group, *k, &p->multi_opportunity))
        return FALSE;
    } else if (strcmp(*k, "ocr_role") == 0) {
      g_free(p->ocr_role);
      p->ocr_role = value(r, group, *k);
    } else if (strcmp(*k, "conversation_only") == 0) {
      if (!on_off(r, group, *k, &p->conversation_only))
        return FALSE;
    } else if (strcmp(*k, "max_participants") == 0) {
      if (!int_value(r, group, *k, 0, 1000000, &p->max_participants))
        return FALSE;
    } else if (strcmp(*k, "required_fields") == 0) {
      g_auto(GStrv) fields = list(r, group, *k);
      for (char **f = fields; *f; f++)
        if (kith_field_lookup(*f) < 0 && strcmp(*f, "Email") != 0)
          return bad(r, group, *k,
                     "'%s' is not a Contact field kith fills (FirstName, LastName, Email, Title, "
                     "Phone, Department, Seniority__c, Persona__c, MailingCountry, MailingState)",
                     *f);
      g_strfreev(p->required_fields);
      p->required_fields = g_steal_pointer(&fields);
    } else {
      return bad(r, group, *k, "unknown key");
    }
  }
  return TRUE;
}

static gboolean enrich_mode(reader *r, const char *g, const char *k, gboolean separate,
                            kith_enrich_mode *out)
{
  g_autofree char *v = value(r, g, k);
  if (strcmp(v, "always") == 0)
    *out = KITH_ENRICH_ALWAYS;
  else if (strcmp(v, "if_empty") == 0)
    *out = KITH_ENRICH_IF_EMPTY;
  else if (!separate && strcmp(v, "never") == 0)
    *out = KITH_ENRICH_NEVER;
  else if (separate && strcmp(v, "off") == 0)
    *out = KITH_ENRICH_NEVER;
  else
    return bad(r, g, k,
               separate ? "'%s' is not off, always or if_empty"
                        : "'%s' is not always, if_empty or never",
               v);
  return TRUE;
}

static gboolean read_enrichment(reader *r, kith_config *c)
{
  const char *g = "enrichment";
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    int f = kith_field_lookup(*k);
    if (strcmp(*k, "enabled") == 0) {
      if (!on_off(r, g, *k, &c->enrich_enabled))
        return FALSE;
    } else if (f >= 0) {
      if (!enrich_mode(r, g, *k, FALSE, &c->enrich[f]))
        return FALSE;
    } else if (strcmp(*k, "persona") == 0) {
      if (!enrich_mode(r, g, *k, TRUE, &c->persona))
        return FALSE;
    } else if (strcmp(*k, "department") == 0) {
      if (!enrich_mode(r, g, *k, TRUE, &c->department))
        return FALSE;
    } else if (strcmp(*k, "seniority") == 0) {
      if (!enrich_mode(r, g, *k, TRUE, &c->seniority))
        return FALSE;
    } else if (strcmp(*k, "Email") == 0) {
      /* R44: the only change enrichment makes to an Email. */
      g_autofree char *v = value(r, g, *k);
      if (strcmp(v, "on_bounce") == 0)
        c->enrich_email_on_bounce = TRUE;
      else if (strcmp(v, "never") == 0)
        c->enrich_email_on_bounce = FALSE;
      else
        return bad(r, g, *k, "'%s' is not never or on_bounce", v);
    } else if (strcmp(*k, "OwnerId") == 0 || strcmp(*k, "AccountId") == 0) {
      return bad(r, g, *k, "never changed by enrichment (R39)");
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  return TRUE;
}

static gboolean read_filters(reader *r, kith_config *c)
{
  const char *g = "filters";
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp(*k, "exclude_domains") == 0) {
      if (!domain_list(r, g, *k, &c->exclude_domains))
        return FALSE;
    } else if (strcmp(*k, "exclude_addresses") == 0) {
      g_auto(GStrv) items = list(r, g, *k);
      for (char **i = items; *i; i++) {
        char *n = kith_address_normalize(*i, NULL);
        if (!n)
          return bad(r, g, *k, "'%s' is not an address", *i);
        g_hash_table_add(c->exclude_addresses, n);
      }
    } else if (strcmp(*k, "exclude_local_parts") == 0) {
      g_auto(GStrv) items = list(r, g, *k);
      for (char **i = items; *i; i++) {
        g_autofree char *lower = g_utf8_strdown(*i, -1);
        g_ptr_array_add(c->exclude_local_parts, g_pattern_spec_new(lower));
        g_ptr_array_add(c->exclude_local_part_texts, g_strdup(lower));
      }
    } else if (strcmp(*k, "exclude_subjects") == 0) {
      g_auto(GStrv) items = list(r, g, *k);
      g_strfreev(c->exclude_subjects);
      GPtrArray *out = g_ptr_array_new();
      for (char **i = items; *i; i++)
        g_ptr_array_add(out, g_utf8_casefold(*i, -1));
      g_ptr_array_add(out, NULL);
      c->exclude_subjects = (char **)g_ptr_array_free(out, FALSE);
    } else if (strcmp(*k, "personal_domains") == 0) {
      g_auto(GStrv) items = list(r, g, *k);
      g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func(g_free);
      gboolean builtin = FALSE, none = FALSE;
      for (char **i = items; *i; i++) {
        if (strcmp(*i, "builtin") == 0)
          builtin = TRUE;
        else if (strcmp(*i, "none") == 0)
          none = TRUE;
        else
          g_ptr_array_add(domains, g_strdup(*i));
      }
      if (none && (builtin || domains->len))
        return bad(r, g, *k, "'none' cannot be combined with other entries");
      GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      if (builtin) {
        g_auto(GStrv) lines = kith_data_lines("personal_domains.txt");
        char *n;
        for (char **l = lines; *l; l++)
          if ((n = kith_domain_normalize(*l)))
            g_hash_table_add(set, n);
      }
      for (guint i = 0; i < domains->len; i++) {
        char *n = kith_domain_normalize(g_ptr_array_index(domains, i));
        if (!n) {
          g_hash_table_unref(set);
          return bad(r, g, *k, "'%s' is not a domain", (char *)g_ptr_array_index(domains, i));
        }
        g_hash_table_add(set, n);
      }
      g_hash_table_unref(c->personal_domains);
      c->personal_domains = set;
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  return TRUE;
}

static gboolean int_value(reader *r, const char *g, const char *k, int lo, int hi, int *out)
{
  g_autofree char *v = value(r, g, k);
  char *end = NULL;
  gint64 n = g_ascii_strtoll(v, &end, 10);
  if (!*v || *end || n < lo || n > hi)
    return bad(r, g, k, "'%s' is not a whole number from %d to %d", v, lo, hi);
  *out = (int)n;
  return TRUE;
}

/* An API name: letters, digits and underscores, as Salesforce allows. */
static gboolean api_name(reader *r, const char *g, const char *k, char **out)
{
  g_autofree char *v = value(r, g, k);
  gboolean ok = *v && g_ascii_isalpha(*v);
  for (const char *p = v; ok && *p; p++)
    ok = g_ascii_isalnum(*p) || *p == '_';
  if (!ok)
    return bad(r, g, k, "'%s' is not a field API name", v);
  g_free(*out);
  *out = g_steal_pointer(&v);
  return TRUE;
}

static gboolean url_value(reader *r, const char *g, const char *k, char **out)
{
  g_autofree char *v = value(r, g, k);
  /* Never print a URL that holds a password, not even to say it is wrong. */
  const char *scheme_end = strstr(v, "://");
  const char *host = scheme_end ? scheme_end + 3 : v;
  if (memchr(host, '@', strcspn(host, "/?#")))
    return bad(r, g, k, "holds a user name or password before '@'");
  if (!g_str_has_prefix(v, "https://") && !g_str_has_prefix(v, "http://"))
    return bad(r, g, k, "'%s' is not an http(s) URL", v);
  while (*v && v[strlen(v) - 1] == '/')
    v[strlen(v) - 1] = '\0';
  g_free(*out);
  *out = g_steal_pointer(&v);
  return TRUE;
}

static gboolean read_salesforce(reader *r, kith_config *c)
{
  const char *g = "salesforce";
  kith_salesforce_config *sf = &c->salesforce;
  sf->enabled = TRUE;
  struct {
    const char *key;
    char **field;
  } text[] = {{"api_version", &sf->api_version},
              {"client_id", &sf->client_id},
              {"user", &sf->user},
              {"private_key", &sf->private_key},
              {"refresh_token_file", &sf->refresh_token_file},
              {"client_secret_file", &sf->client_secret_file}};
  struct {
    const char *key;
    char **field;
  } names[] = {{"created_flag_field", &sf->created_flag_field},
               {"seniority_field", &sf->seniority_field},
               {"persona_field", &sf->persona_field},
               {"secondary_domains_field", &sf->secondary_domains_field}};
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    gboolean done = FALSE, ok = TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(text) && !done; i++)
      if (strcmp(*k, text[i].key) == 0) {
        g_free(*text[i].field);
        *text[i].field = value(r, g, *k);
        done = TRUE;
      }
    for (guint i = 0; i < G_N_ELEMENTS(names) && !done; i++)
      if (strcmp(*k, names[i].key) == 0) {
        ok = api_name(r, g, *k, names[i].field);
        done = TRUE;
      }
    if (!done && strcmp(*k, "kith_id_field") == 0) {
      /* Empty: the org has no such field, and kith finds its own records
       * by what identifies them (docs/salesforce.md). */
      g_autofree char *v = value(r, g, *k);
      if (*v) {
        ok = api_name(r, g, *k, &sf->kith_id_field);
      } else {
        g_free(sf->kith_id_field);
        sf->kith_id_field = g_steal_pointer(&v);
      }
      done = TRUE;
    }
    if (done) {
      if (!ok)
        return FALSE;
    } else if (strcmp(*k, "login_url") == 0) {
      if (!url_value(r, g, *k, &sf->login_url))
        return FALSE;
    } else if (strcmp(*k, "instance_url") == 0) {
      if (!url_value(r, g, *k, &sf->instance_url))
        return FALSE;
    } else if (strcmp(*k, "max_retries") == 0) {
      if (!int_value(r, g, *k, 0, 20, &sf->max_retries))
        return FALSE;
    } else if (strcmp(*k, "retry_base_ms") == 0) {
      if (!int_value(r, g, *k, 1, 60000, &sf->retry_base_ms))
        return FALSE;
    } else if (strcmp(*k, "timeout") == 0) {
      if (!int_value(r, g, *k, 1, 3600, &sf->timeout))
        return FALSE;
    } else if (strcmp(*k, "api_reserve") == 0) {
      if (!int_value(r, g, *k, 0, 1000000, &sf->api_reserve))
        return FALSE;
    } else if (strcmp(*k, "batch_size") == 0) {
      if (!int_value(r, g, *k, 1, 200, &sf->batch_size))
        return FALSE;
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  if (!*sf->client_id)
    return bad(r, g, "client_id", "needed");
  if (!*sf->private_key && !*sf->refresh_token_file)
    return bad(r, g, "private_key", "needed (or refresh_token_file)");
  if (*sf->private_key && !*sf->user)
    return bad(r, g, "user", "needed with private_key (the JWT bearer flow)");
  gboolean version_ok = *sf->api_version != '\0';
  for (const char *p = sf->api_version; *p; p++)
    version_ok = version_ok && (g_ascii_isdigit(*p) || *p == '.');
  if (!version_ok)
    return bad(r, g, "api_version", "'%s' is not a version like 60.0", sf->api_version);
  return TRUE;
}

#define T_FILES (1u << KITH_SOURCE_FILES)
#define T_IMAP (1u << KITH_SOURCE_IMAP)
#define T_CALDAV (1u << KITH_SOURCE_CALDAV)
#define T_GOOGLE (1u << KITH_SOURCE_GOOGLE)
#define T_MICROSOFT (1u << KITH_SOURCE_MICROSOFT)
#define T_NET (T_IMAP | T_CALDAV | T_GOOGLE | T_MICROSOFT)
#define T_TEAM (T_GOOGLE | T_MICROSOFT)

/* Which source types read each key of [source NAME]: a key of another type
 * is refused, since it would be ignored in silence (docs/sources.md). */
static const struct {
  const char *key;
  unsigned types;
} source_keys[] = {
    {"type", T_FILES | T_NET},
    {"path", T_FILES},
    {"url", T_IMAP | T_CALDAV},
    {"user", T_IMAP | T_CALDAV},
    {"password_file", T_IMAP | T_CALDAV},
    {"folders", T_IMAP | T_CALDAV},
    {"calendars", T_IMAP | T_CALDAV},
    {"start_date", T_NET},
    {"tls_verify", T_NET},
    {"ca_file", T_NET},
    {"key_file", T_GOOGLE},
    {"domains", T_TEAM},
    {"users", T_TEAM},
    {"exclude_users", T_TEAM},
    {"tenant", T_MICROSOFT},
    {"client_id", T_MICROSOFT},
    {"certificate_file", T_MICROSOFT},
    {"client_secret_file", T_MICROSOFT},
    {"mail_folders", T_MICROSOFT},
};

/* FALSE with ERROR when KEY is no key of a source of TYPE (TYPE_NAME). */
static gboolean source_key_ok(reader *r, const char *group, const char *key, kith_source_type type,
                              const char *type_name)
{
  for (guint i = 0; i < G_N_ELEMENTS(source_keys); i++) {
    if (strcmp(source_keys[i].key, key) != 0)
      continue;
    if (source_keys[i].types & (1u << type))
      return TRUE;
    g_autoptr(GString) of = g_string_new(NULL);
    for (int t = 0; t < KITH_SOURCE_TYPE_COUNT; t++)
      if (source_keys[i].types & (1u << t))
        g_string_append_printf(of, "%s%s", of->len ? ", " : "", kith_source_type_name(t));
    return bad(r, group, key, "unknown key for %s %s source (a key of %s sources)",
               strchr("aeiou", type_name[0]) ? "an" : "a", type_name, of->str);
  }
  return bad(r, group, key, "unknown key");
}

static gboolean read_source(reader *r, kith_config *c, const char *group)
{
  const char *name = group + strlen("source");
  while (*name == ' ' || *name == '\t')
    name++;
  if (*name == '\0')
    return bad(r, group, NULL, "a source needs a name: [source NAME]");
  if (kith_config_source(c, name))
    return bad(r, group, NULL, "a second source called '%s'", name);
  kith_source_config *src = g_new0(kith_source_config, 1);
  src->name = g_strdup(name);
  src->path = g_strdup("");
  src->url = g_strdup("");
  src->user = g_strdup("");
  src->password_file = g_strdup("");
  src->folders = g_new0(char *, 1);
  src->start_date = g_strdup("");
  src->ca_file = g_strdup("");
  src->key_file = g_strdup("");
  src->domains = g_new0(char *, 1);
  src->users = g_new0(char *, 1);
  src->exclude_users = g_new0(char *, 1);
  src->tenant = g_strdup("");
  src->client_id = g_strdup("");
  src->certificate_file = g_strdup("");
  src->client_secret_file = g_strdup("");
  src->tls_verify = TRUE;
  g_ptr_array_add(c->sources, src);
  g_autofree char *type = value(r, group, "type");
  if (!*type)
    src->type = KITH_SOURCE_FILES;
  else if (!kith_source_type_from_name(type, &src->type))
    return bad(r, group, "type", "'%s' is not files, imap, caldav, google or microsoft", type);
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, group, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (!source_key_ok(r, group, *k, src->type, kith_source_type_name(src->type)))
      return FALSE;
    if (strcmp(*k, "type") == 0)
      continue;
    if (strcmp(*k, "path") == 0) {
      g_free(src->path);
      src->path = value(r, group, *k);
    } else if (strcmp(*k, "url") == 0) {
      g_free(src->url);
      src->url = value(r, group, *k);
    } else if (strcmp(*k, "user") == 0) {
      g_free(src->user);
      src->user = value(r, group, *k);
    } else if (strcmp(*k, "password_file") == 0) {
      g_free(src->password_file);
      src->password_file = value(r, group, *k);
    } else if (strcmp(*k, "folders") == 0 || strcmp(*k, "calendars") == 0 ||
               strcmp(*k, "mail_folders") == 0) {
      g_strfreev(src->folders);
      src->folders = list(r, group, *k);
    } else if (strcmp(*k, "start_date") == 0) {
      g_free(src->start_date);
      src->start_date = value(r, group, *k);
      gint64 t;
      if (*src->start_date && !kith_time_parse(src->start_date, &t))
        return bad(r, group, *k, "'%s' is not a date like 2026-01-31", src->start_date);
    } else if (strcmp(*k, "tls_verify") == 0) {
      if (!on_off(r, group, *k, &src->tls_verify))
        return FALSE;
    } else if (strcmp(*k, "ca_file") == 0) {
      g_free(src->ca_file);
      src->ca_file = value(r, group, *k);
    } else if (strcmp(*k, "key_file") == 0) {
      g_free(src->key_file);
      src->key_file = value(r, group, *k);
    } else if (strcmp(*k, "domains") == 0) {
      if (!domain_list(r, group, *k, &src->domains))
        return FALSE;
    } else if (strcmp(*k, "users") == 0) {
      if (!address_list(r, group, *k, &src->users))
        return FALSE;
    } else if (strcmp(*k, "exclude_users") == 0) {
      if (!address_list(r, group, *k, &src->exclude_users))
        return FALSE;
    } else if (strcmp(*k, "tenant") == 0) {
      g_free(src->tenant);
      src->tenant = value(r, group, *k);
    } else if (strcmp(*k, "client_id") == 0) {
      g_free(src->client_id);
      src->client_id = value(r, group, *k);
    } else if (strcmp(*k, "certificate_file") == 0) {
      g_free(src->certificate_file);
      src->certificate_file = value(r, group, *k);
    } else if (strcmp(*k, "client_secret_file") == 0) {
      g_free(src->client_secret_file);
      src->client_secret_file = value(r, group, *k);
    } else {
      return bad(r, group, *k, "unknown key");
    }
  }
  /* A password belongs in password_file (0600), never in the URL, where
   * `kith config`, the console and error lines would show it. */
  const char *scheme_end = strstr(src->url, "://");
  if (scheme_end) {
    const char *host = scheme_end + 3;
    gsize host_len = strcspn(host, "/?#");
    if (memchr(host, '@', host_len)) {
      g_free(src->url);
      src->url = g_strdup("");
      return bad(r, group, "url",
                 "holds a user name or password before '@'; use user and "
                 "password_file");
    }
  }
  if (src->type == KITH_SOURCE_FILES && !*src->path)
    return bad(r, group, "path", "needed for a files source");
  if (src->type == KITH_SOURCE_IMAP && !g_str_has_prefix(src->url, "imaps://") &&
      !g_str_has_prefix(src->url, "imap://"))
    return bad(r, group, "url", "'%s' is not an imaps:// or imap:// URL", src->url);
  if (src->type == KITH_SOURCE_CALDAV && !g_str_has_prefix(src->url, "https://") &&
      !g_str_has_prefix(src->url, "http://"))
    return bad(r, group, "url", "'%s' is not an http(s):// URL", src->url);
  if (src->type == KITH_SOURCE_MICROSOFT) {
    if (!*src->tenant || !*src->client_id)
      return bad(r, group, !*src->tenant ? "tenant" : "client_id",
                 "needed for a microsoft source (from the app registration)");
    if (!*src->certificate_file == !*src->client_secret_file)
      return bad(r, group, "certificate_file",
                 "a microsoft source needs certificate_file or client_secret_file (one of them)");
    if (!src->domains[0])
      return bad(r, group, "domains",
                 "needed for a microsoft source (whose Users' mailboxes are read)");
    for (const char *p = src->tenant; *p; p++)
      if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
        return bad(r, group, "tenant", "'%s' is not a tenant id or domain", src->tenant);
    return TRUE;
  }
  if (src->type == KITH_SOURCE_GOOGLE) {
    if (!*src->key_file)
      return bad(r, group, "key_file",
                 "needed for a google source (the service account's JSON key)");
    if (!src->domains[0])
      return bad(r, group, "domains",
                 "needed for a google source (whose Users' mailboxes are read)");
    return TRUE;
  }
  if (src->type != KITH_SOURCE_FILES && (!*src->user || !*src->password_file))
    return bad(r, group, !*src->user ? "user" : "password_file", "needed for an %s source", type);
  return TRUE;
}

/* R2: [aliases] ALIAS = the User's Email. Whether the target is a User is
 * the store's to say (kith config warns; the rules ignore such an alias). */
static gboolean read_aliases(reader *r, kith_config *c)
{
  const char *g = "aliases";
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    char *alias = kith_address_normalize(*k, NULL);
    if (!alias)
      return bad(r, g, *k, "'%s' is not an address", *k);
    g_autofree char *v = value(r, g, *k);
    char *target = kith_address_normalize(v, NULL);
    if (!target) {
      g_free(alias);
      return bad(r, g, *k, "'%s' is not an address", v);
    }
    g_hash_table_replace(c->aliases, alias, target);
  }
  return TRUE;
}

static gboolean read_serve(reader *r, kith_config *c)
{
  const char *g = "serve";
  kith_serve_config *sv = &c->serve;
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp(*k, "listen") == 0) {
      g_free(sv->listen);
      sv->listen = value(r, g, *k);
      const char *colon = strrchr(sv->listen, ':');
      int port = colon ? atoi(colon + 1) : 0;
      if (!colon || port < 0 || port > 65535)
        return bad(r, g, *k, "'%s' is not HOST:PORT", sv->listen);
    } else if (strcmp(*k, "allow_remote") == 0) {
      if (!on_off(r, g, *k, &sv->allow_remote))
        return FALSE;
    } else if (strcmp(*k, "token_file") == 0) {
      g_free(sv->token_file);
      sv->token_file = value(r, g, *k);
    } else if (strcmp(*k, "sync_interval") == 0) {
      if (!int_value(r, g, *k, 1, 86400, &sv->sync_interval))
        return FALSE;
    } else if (strcmp(*k, "scan_interval") == 0) {
      if (!int_value(r, g, *k, 1, 86400, &sv->scan_interval))
        return FALSE;
    } else if (strcmp(*k, "dedup_at") == 0) {
      g_free(sv->dedup_at);
      sv->dedup_at = value(r, g, *k);
      int h, m;
      char extra;
      if (*sv->dedup_at && (sscanf(sv->dedup_at, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 ||
                            h > 23 || m < 0 || m > 59))
        return bad(r, g, *k, "'%s' is not HH:MM (UTC) or empty", sv->dedup_at);
    } else if (strcmp(*k, "allowed_hosts") == 0) {
      g_strfreev(sv->allowed_hosts);
      sv->allowed_hosts = list(r, g, *k);
      for (char **h = sv->allowed_hosts; *h; h++) {
        char *lower = g_ascii_strdown(*h, -1);
        g_free(*h);
        *h = lower;
      }
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  return TRUE;
}

/* [review]: what goes to the review queue (docs/review.md). */
static gboolean read_review(reader *r, kith_config *c)
{
  const char *g = "review";
  g_auto(GStrv) keys = g_key_file_get_keys(r->kf, g, NULL, NULL);
  for (char **k = keys; k && *k; k++) {
    if (strcmp(*k, "participants") == 0) {
      if (!int_value(r, g, *k, 0, 1000000, &c->review_participants))
        return FALSE;
    } else {
      return bad(r, g, *k, "unknown key");
    }
  }
  return TRUE;
}

const kith_source_config *kith_config_source(const kith_config *c, const char *name)
{
  for (guint i = 0; i < c->sources->len; i++) {
    const kith_source_config *src = g_ptr_array_index(c->sources, i);
    if (strcmp(src->name, name) == 0)
      return src;
  }
  return NULL;
}

kith_config *kith_config_load(const char *path, GError **error)
{
  g_autoptr(kith_config) c = kith_config_new_default();
  c->path = g_strdup(path);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(GError) e = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, &e)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE, "%s: %s", path,
                g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? "no such file" : e->message);
    return NULL;
  }
  if (len > 1024 * 1024 || !g_utf8_validate(text, len, NULL)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE, "%s: not a UTF-8 text file under 1 MiB", path);
    return NULL;
  }
  if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &e)) {
    g_autofree char *where = bad_line(text);
    g_set_error(error, KITH_ERROR, KITH_ERROR_USAGE, "%s: %s", path, where ? where : e->message);
    return NULL;
  }
  reader r = {path, kf, error};
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (char **g = groups; *g; g++) {
    gboolean ok;
    if (strcmp(*g, "org") == 0)
      ok = read_org(&r, c);
    else if (g_str_has_prefix(*g, "profile") && ((*g)[7] == ' ' || (*g)[7] == '\0'))
      ok = read_profile(&r, c, *g);
    else if (strcmp(*g, "enrichment") == 0)
      ok = read_enrichment(&r, c);
    else if (strcmp(*g, "filters") == 0)
      ok = read_filters(&r, c);
    else if (strcmp(*g, "salesforce") == 0)
      ok = read_salesforce(&r, c);
    else if (strcmp(*g, "serve") == 0)
      ok = read_serve(&r, c);
    else if (strcmp(*g, "aliases") == 0)
      ok = read_aliases(&r, c);
    else if (strcmp(*g, "review") == 0)
      ok = read_review(&r, c);
    else if (g_str_has_prefix(*g, "source") && ((*g)[6] == ' ' || (*g)[6] == '\0'))
      ok = read_source(&r, c, *g);
    else
      ok = bad(&r, *g, NULL, "unknown group");
    if (!ok)
      return NULL;
  }
  return g_steal_pointer(&c);
}

/* ---- questions ------------------------------------------------------------ */

const kith_profile *kith_config_profile_for(const kith_config *c, const char *address)
{
  const kith_profile *star = NULL;
  for (guint i = 0; i < c->profiles->len; i++) {
    const kith_profile *p = g_ptr_array_index(c->profiles, i);
    for (char **u = p->users; *u; u++)
      if (g_strcmp0(*u, address) == 0)
        return p;
    if (p->everyone && !star)
      star = p;
  }
  return star ? star : &c->defaults;
}

static gboolean within_any(char **list, const char *domain)
{
  for (char **d = list; d && *d; d++)
    if (kith_domain_within(domain, *d))
      return TRUE;
  return FALSE;
}

gboolean kith_config_is_internal_domain(const kith_config *c, const char *domain)
{
  return within_any(c->internal_domains, domain);
}

gboolean kith_config_is_personal_domain(const kith_config *c, const char *domain)
{
  for (const char *d = domain; d; d = strchr(d, '.') ? strchr(d, '.') + 1 : NULL)
    if (g_hash_table_contains(c->personal_domains, d))
      return TRUE;
  return FALSE;
}

gboolean kith_config_is_filtered(const kith_config *c, const char *address)
{
  const char *domain = kith_address_domain(address);
  if (within_any(c->exclude_domains, domain))
    return TRUE;
  if (g_hash_table_contains(c->exclude_addresses, address))
    return TRUE;
  g_autofree char *local = kith_address_local_part(address);
  for (guint i = 0; i < c->exclude_local_parts->len; i++)
    if (g_pattern_spec_match_string(g_ptr_array_index(c->exclude_local_parts, i), local))
      return TRUE;
  return FALSE;
}

gboolean kith_config_is_role_address(const kith_config *c, const char *address)
{
  static GPtrArray *patterns = NULL;
  if (g_once_init_enter(&patterns)) {
    GPtrArray *p = g_ptr_array_new();
    g_auto(GStrv) lines = kith_data_lines("role_local_parts.txt");
    for (char **l = lines; *l; l++)
      g_ptr_array_add(p, g_pattern_spec_new(*l));
    g_once_init_leave(&patterns, p);
  }
  g_autofree char *local = kith_address_local_part(address);
  for (guint i = 0; i < patterns->len; i++)
    if (g_pattern_spec_match_string(g_ptr_array_index(patterns, i), local))
      return TRUE;
  return FALSE;
}

gboolean kith_config_subject_excluded(const kith_config *c, const char *subject)
{
  if (!subject || !c->exclude_subjects[0])
    return FALSE;
  g_autofree char *folded = g_utf8_casefold(subject, -1);
  for (char **s = c->exclude_subjects; *s; s++)
    if (strstr(folded, *s))
      return TRUE;
  return FALSE;
}

static const char *mode_name(kith_enrich_mode m, gboolean separate)
{
  return m == KITH_ENRICH_ALWAYS     ? "always"
         : m == KITH_ENRICH_IF_EMPTY ? "if_empty"
         : separate                  ? "off"
                                     : "never";
}

static void describe_profile(GString *s, const kith_profile *p)
{
  g_autofree char *users = g_strjoinv(", ", p->users);
  g_autofree char *req = g_strjoinv(", ", p->required_fields);
  g_string_append_printf(
      s,
      "[profile %s]\nusers = %s%s%s\ncontact_creation = %s\nrequired_fields = %s\n"
      "conversation_only = %s\nmax_participants = %d\n"
      "ocr = %s\nfirst_ocr = %s\nnew_ocr = %s\nmulti_opportunity = %s\n"
      "ocr_role = %s\n\n",
      p->name, users, (*users && p->everyone) ? ", " : "", p->everyone ? "*" : "",
      p->contact_creation ? "on" : "off", req, p->conversation_only ? "on" : "off",
      p->max_participants, p->ocr ? "on" : "off", p->first_ocr ? "on" : "off",
      p->new_ocr ? "on" : "off", p->multi_opportunity ? "on" : "off", p->ocr_role);
}

char *kith_config_describe(const kith_config *c)
{
  GString *s = g_string_new(NULL);
  g_autofree char *internal = g_strjoinv(", ", c->internal_domains);
  g_autofree char *authserv = g_strjoinv(", ", c->authserv_ids);
  g_string_append_printf(s,
                         "# %s\n[org]\ninternal_domains = %s\nintegration_user = %s\n"
                         "lead_source = %s\nauthserv_ids = %s\nretain_days = %d\n"
                         "learn_aliases = %s\n\n",
                         c->path ? c->path : "built-in defaults", internal, c->integration_user,
                         c->lead_source, authserv, c->retain_days, c->learn_aliases ? "on" : "off");
  if (g_hash_table_size(c->aliases) > 0) {
    g_string_append(s, "[aliases]\n");
    g_autoptr(GList) aliases = g_list_sort(g_hash_table_get_keys(c->aliases), (GCompareFunc)strcmp);
    for (GList *a = aliases; a; a = a->next)
      g_string_append_printf(s, "%s = %s\n", (char *)a->data,
                             (char *)g_hash_table_lookup(c->aliases, a->data));
    g_string_append(s, "\n");
  }
  for (guint i = 0; i < c->profiles->len; i++)
    describe_profile(s, g_ptr_array_index(c->profiles, i));
  /* The built-in defaults govern nobody when a 'users = *' profile exists. */
  gboolean star = FALSE;
  for (guint i = 0; i < c->profiles->len && !star; i++)
    star = ((const kith_profile *)g_ptr_array_index(c->profiles, i))->everyone;
  if (!star) {
    g_string_append(s, "# used for users no profile names\n");
    describe_profile(s, &c->defaults);
  }
  g_string_append_printf(s, "[enrichment]\nenabled = %s\n", c->enrich_enabled ? "on" : "off");
  for (int f = 0; f < KITH_FIELD_COUNT; f++)
    g_string_append_printf(s, "%s = %s\n", kith_field_name(f), mode_name(c->enrich[f], FALSE));
  g_string_append_printf(s, "Email = %s\n", c->enrich_email_on_bounce ? "on_bounce" : "never");
  g_string_append_printf(s, "persona = %s\ndepartment = %s\nseniority = %s\n\n",
                         mode_name(c->persona, TRUE), mode_name(c->department, TRUE),
                         mode_name(c->seniority, TRUE));
  g_autofree char *ex = g_strjoinv(", ", c->exclude_domains);
  g_autofree char *subjects = g_strjoinv(", ", c->exclude_subjects);
  g_autoptr(GString) addresses = g_string_new(NULL);
  g_autoptr(GList)
      keys = g_list_sort(g_hash_table_get_keys(c->exclude_addresses), (GCompareFunc)strcmp);
  for (GList *k = keys; k; k = k->next)
    g_string_append_printf(addresses, "%s%s", addresses->len ? ", " : "", (char *)k->data);
  g_autoptr(GString) local_parts = g_string_new(NULL);
  for (guint i = 0; i < c->exclude_local_part_texts->len; i++)
    g_string_append_printf(local_parts, "%s%s", i ? ", " : "",
                           (char *)g_ptr_array_index(c->exclude_local_part_texts, i));
  g_autoptr(GString) personal = g_string_new(NULL);
  g_autoptr(GList)
      pkeys = g_list_sort(g_hash_table_get_keys(c->personal_domains), (GCompareFunc)strcmp);
  for (GList *k = pkeys; k; k = k->next)
    g_string_append_printf(personal, "%s%s", personal->len ? ", " : "", (char *)k->data);
  g_string_append_printf(s,
                         "[filters]\nexclude_domains = %s\nexclude_addresses = %s\n"
                         "exclude_local_parts = %s\nexclude_subjects = %s\n"
                         "personal_domains = %s\n",
                         ex, addresses->str, local_parts->str, subjects, personal->str);
  const kith_serve_config *sv = &c->serve;
  g_autofree char *hosts = g_strjoinv(", ", sv->allowed_hosts);
  g_string_append_printf(s,
                         "\n[serve]\nlisten = %s\nallow_remote = %s\ntoken_file = %s\n"
                         "sync_interval = %d\nscan_interval = %d\ndedup_at = %s\n"
                         "allowed_hosts = %s\n",
                         sv->listen, sv->allow_remote ? "on" : "off", sv->token_file,
                         sv->sync_interval, sv->scan_interval, sv->dedup_at, hosts);
  g_string_append_printf(s, "\n[review]\nparticipants = %d\n", c->review_participants);
  for (guint i = 0; i < c->sources->len; i++) {
    const kith_source_config *src = g_ptr_array_index(c->sources, i);
    g_autofree char *folders = g_strjoinv(", ", src->folders);
    g_string_append_printf(s, "\n[source %s]\ntype = %s\n", src->name,
                           kith_source_type_name(src->type));
    if (src->type == KITH_SOURCE_FILES) {
      g_string_append_printf(s, "path = %s\n", src->path);
    } else if (src->type == KITH_SOURCE_GOOGLE) {
      g_autofree char *domains = g_strjoinv(", ", src->domains);
      g_autofree char *users = g_strjoinv(", ", src->users);
      g_autofree char *exclude = g_strjoinv(", ", src->exclude_users);
      g_string_append_printf(s,
                             "key_file = %s\ndomains = %s\nusers = %s\nexclude_users = %s\n"
                             "start_date = %s\n",
                             src->key_file, domains, users, exclude, src->start_date);
    } else if (src->type == KITH_SOURCE_MICROSOFT) {
      g_autofree char *domains = g_strjoinv(", ", src->domains);
      g_autofree char *users = g_strjoinv(", ", src->users);
      g_autofree char *exclude = g_strjoinv(", ", src->exclude_users);
      g_string_append_printf(s,
                             "tenant = %s\nclient_id = %s\ncertificate_file = %s\n"
                             "client_secret_file = %s\ndomains = %s\nusers = %s\n"
                             "exclude_users = %s\nmail_folders = %s\nstart_date = %s\n",
                             src->tenant, src->client_id, src->certificate_file,
                             src->client_secret_file, domains, users, exclude, folders,
                             src->start_date);
    } else
      g_string_append_printf(s,
                             "url = %s\nuser = %s\npassword_file = %s\nfolders = %s\n"
                             "start_date = %s\ntls_verify = %s\n",
                             src->url, src->user, src->password_file, folders, src->start_date,
                             src->tls_verify ? "on" : "off");
  }
  if (c->salesforce.enabled) {
    const kith_salesforce_config *sf = &c->salesforce;
    /* Names of secret files only, never their contents. */
    g_string_append_printf(s,
                           "\n[salesforce]\nlogin_url = %s\napi_version = %s\nclient_id = %s\n"
                           "user = %s\nprivate_key = %s\nrefresh_token_file = %s\n"
                           "created_flag_field = %s\nseniority_field = %s\npersona_field = %s\n"
                           "secondary_domains_field = %s\nkith_id_field = %s\nmax_retries = %d\n"
                           "api_reserve = %d\n",
                           sf->login_url, sf->api_version, sf->client_id, sf->user, sf->private_key,
                           sf->refresh_token_file, sf->created_flag_field, sf->seniority_field,
                           sf->persona_field, sf->secondary_domains_field, sf->kith_id_field,
                           sf->max_retries, sf->api_reserve);
  }
  return g_string_free(s, FALSE);
}
