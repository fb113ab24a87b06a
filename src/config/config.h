/* config.h - kith.conf as kith understands it (CONTRACT.md section 4). */
#pragma once

#include "core/field.h"
#include "core/vocab.h"

#include <glib.h>

typedef enum {
  KITH_ENRICH_NEVER,
  KITH_ENRICH_IF_EMPTY,
  KITH_ENRICH_ALWAYS,
} kith_enrich_mode;

typedef struct {
  char *name;        /* the NAME of [profile NAME]; "(defaults)" for the built-in one */
  char **users;      /* normalised addresses; empty for a '*' profile */
  gboolean everyone; /* users = * */
  gboolean contact_creation;
  char **required_fields; /* API names beyond FirstName, LastName, Email */
  gboolean ocr, first_ocr, new_ocr, multi_opportunity;
  char *ocr_role;
  gboolean conversation_only; /* R28 */
  int max_participants;       /* R29; 0 for no limit */
} kith_profile;

/* [salesforce]: the CRM behind `kith sync` when present (docs/salesforce.md). */
typedef struct {
  gboolean enabled;
  char *login_url;    /* token endpoint host, e.g. https://login.salesforce.com */
  char *instance_url; /* used until the token reply names one */
  char *api_version;  /* "60.0" */
  char *client_id;
  char *user;
  char *private_key;        /* PEM file (0600) for the OAuth 2.0 JWT bearer flow, or */
  char *refresh_token_file; /* a file (0600) holding a refresh token */
  char *client_secret_file; /* optional, with the refresh token */
  /* API names of kith's fields in the org */
  char *created_flag_field, *seniority_field, *persona_field, *secondary_domains_field;
  /* R60: the External ID kith writes on the records it creates; "" for none */
  char *kith_id_field;
  int max_retries;   /* per request, for 429/5xx/timeouts */
  int retry_base_ms; /* first backoff; doubles, with jitter */
  int timeout;       /* seconds per request */
  int api_reserve;   /* stop before the org's daily API limit leaves fewer calls */
  int batch_size;    /* records per collections request, at most 200 */
} kith_salesforce_config;

/* [source NAME]: its type is a kith_source_type (core/vocab.h). */
typedef struct {
  char *name;
  kith_source_type type;
  char *path; /* files: the file or folder */
  char *url;  /* imap: imaps://host[:port] or imap://host (STARTTLS); caldav: http(s)://... */
  char *user;
  char *password_file; /* 0600 file holding the password, app password or token */
  char **folders;      /* imap: folders (default INBOX); caldav: calendars (default all found) */
  char *start_date;    /* ISO 8601 date: nothing older is read; "" for everything */
  gboolean tls_verify; /* verify the server's certificate (default on) */
  char *ca_file;       /* a CA bundle for a private server, or "" */
  /* google and microsoft: the team's mailboxes */
  char *key_file;       /* the service account's JSON key (mode 0600) */
  char **domains;       /* normalised: the Users whose Email is in these are read */
  char **users;         /* normalised: only these Users (empty: every one in domains) */
  char **exclude_users; /* normalised: never these */
  /* microsoft: the app registration (folders holds mail_folders) */
  char *tenant;             /* the directory (tenant) id or a tenant domain */
  char *client_id;          /* the application (client) id */
  char *certificate_file;   /* PEM private key and certificate (mode 0600), or "" */
  char *client_secret_file; /* the client secret (mode 0600), or "" */
} kith_source_config;

/* [serve]: the always-on service (docs/serve.md). */
typedef struct {
  char *listen;          /* "127.0.0.1:8765" */
  gboolean allow_remote; /* a non-loopback listen address is refused without it */
  char *token_file;      /* 0600 file with the API token; generated at first start when missing */
  int sync_interval;     /* seconds between syncs */
  int scan_interval;     /* seconds between rescans of every source */
  char *dedup_at;        /* "HH:MM" UTC, daily; "" for never */
  char **allowed_hosts;  /* Host header names accepted besides the listen address */
} kith_serve_config;

typedef struct {
  char *path; /* NULL when no file was read */
  /* [org] */
  char **internal_domains; /* normalised */
  char *integration_user;
  char *lead_source;
  char *title_rules;      /* optional path of an edited title rules table */
  char **authserv_ids;    /* R12: the org's receiving servers, lower case; empty: the topmost */
  int retain_days;        /* observations of addresses with no CRM record are purged after */
  gboolean learn_aliases; /* R2 */
  GHashTable *aliases;    /* R2: [aliases], normalised alias -> normalised User Email */
  /* [profile NAME], in file order, and the built-in defaults */
  GPtrArray *profiles;
  kith_profile defaults;
  /* [enrichment] */
  gboolean enrich_enabled;
  kith_enrich_mode enrich[KITH_FIELD_COUNT];
  kith_enrich_mode persona, department, seniority; /* off = never */
  gboolean enrich_email_on_bounce;                 /* Email = on_bounce (R44) */
  /* [filters] */
  char **exclude_domains;              /* normalised */
  GHashTable *exclude_addresses;       /* normalised address set */
  GPtrArray *exclude_local_parts;      /* GPatternSpec*, on the lower-cased local part */
  GPtrArray *exclude_local_part_texts; /* the same as written, lower case, for kith config */
  char **exclude_subjects;             /* case-folded */
  GHashTable *personal_domains;        /* normalised domain set */
  kith_salesforce_config salesforce;
  GPtrArray *sources; /* kith_source_config*, in file order */
  kith_serve_config serve;
  /* [review] (docs/review.md): contacts queued from an activity naming more
   * addresses than this go to the review queue; 0 for none */
  int review_participants;
} kith_config;

/* The source called NAME, or NULL. */
const kith_source_config *kith_config_source(const kith_config *config, const char *name);

/* The configuration with every default (no file). */
kith_config *kith_config_new_default(void);
/* Reads and validates PATH. Unknown groups, keys or bad values fail with
 * "FILE: [GROUP] KEY: WHY" (KITH_ERROR_USAGE). */
kith_config *kith_config_load(const char *path, GError **error);
void kith_config_free(kith_config *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_config, kith_config_free)

/* The profile of a user's (normalised) address: the first [profile] naming
 * it, else the '*' one, else the defaults. Borrowed. */
const kith_profile *kith_config_profile_for(const kith_config *config, const char *address);

/* R2: TRUE when DOMAIN is (a subdomain of) an internal_domains entry. */
gboolean kith_config_is_internal_domain(const kith_config *config, const char *domain);
/* R11: TRUE when DOMAIN or a parent of it is a personal domain. */
gboolean kith_config_is_personal_domain(const kith_config *config, const char *domain);
/* R11: exclude_domains, exclude_addresses, exclude_local_parts. */
gboolean kith_config_is_filtered(const kith_config *config, const char *address);
/* R11: the builtin role local parts (noreply, postmaster, bounce*, ...). */
gboolean kith_config_is_role_address(const kith_config *config, const char *address);
/* R10: TRUE when SUBJECT contains an exclude_subjects entry (any case). */
gboolean kith_config_subject_excluded(const kith_config *config, const char *subject);

/* A readable dump of the configuration as understood (for `kith config`). */
char *kith_config_describe(const kith_config *config);
