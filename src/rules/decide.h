/* decide.h - the rules: what to do about an activity's people (R2-R39).
 * The rules only read the store: each decision goes to the kith_decision_fn
 * the decider was given (the pipeline's storing step, pipeline/record.h). */
#pragma once

#include "config/config.h"
#include "store/lookup.h"
#include "store/person.h"
#include "store/stateread.h"

/* One decision about a person or a role, with its "why". The engagement log
 * and kith explain are built from these. */
typedef struct {
  kith_action action; /* CONTRACT.md section 6; contact_created, ocr_created,
                           field_updated, contact_deleted and contact_removed are
                           queued and logged when sync applies them, but for a
                           contact_removed with cancel_queued, logged at once.
                           NONE: only what the flags below say */
  kith_reason reason; /* for skips and links; field_updated's Reason is its field */
  const char *rule;   /* "R24" */
  const char *activity_id;
  const char *email;
  const char *object_type; /* "Contact" or "Lead" for links */
  const char *object_id;
  const char *account_id;
  const char *opportunity_id;
  const char *contact_id;
  const char *owner_id;
  const char *field;
  const char *value;
  const char *old_value;
  gint64 obs_time;
  const char *detail;     /* one plain sentence */
  gboolean field_source;  /* R39: OBS_TIME is now the observation FIELD of CONTACT_ID
                             was last written from */
  gboolean cancel_queued; /* contact_removed (R50): the contact is only queued, so its
                             creation and all that hangs on it are cancelled instead */
  gboolean suppress;      /* R50: EMAIL is suppressed (contact OBJECT_ID) */
} kith_decision;

/* Stores decision X: in the outbox, the log and the links, at once, so that
 * the decisions after it see it (a contact queued a moment ago). A record X
 * creates (contact_created, ocr_created) without an OBJECT_ID gets a fresh
 * Id, returned in *ID_OUT (newly allocated; ID_OUT may be NULL). FALSE with
 * ERROR when the store fails. */
typedef gboolean (*kith_decision_fn)(const kith_decision *x, char **id_out, gpointer user_data,
                                     GError **error);

/* What the rules read and where their decisions go. */
typedef struct {
  kith_store *store; /* read only: look-ups */
  const kith_config *config;
  kith_decision_fn record; /* where decisions go, with record_data */
  gpointer record_data;
  GHashTable *counts;        /* "action" or "action/reason" -> count (GUINT_TO_POINTER) */
  GHashTable *users;         /* address -> its User look-up, for this decider's life: every
                         participant of every activity is asked about, and Users do
                         not change while activities are decided */
  GHashTable *people;        /* address -> what R11 says of it (before CUTYPE); the same
                         addresses are asked about again and again */
  GHashTable *user_names;    /* R2: folded "first last" -> '1' or '0' (active) and the
                             User's Id, "" when two Users share it; made on first use */
  GHashTable *account_names; /* R43: account Id -> (name key -> kith_account_person*),
                                read once an ingest, kept up to date as contacts are queued */
  guint account_names_size;  /* entries in all of them, bounded */
  GHashTable *domains;       /* R3: domain -> its matching accounts (GPtrArray of
                          kith_account_match*), for this decider's life: Accounts
                          do not change while activities are decided */
  GHashTable *relations;     /* R24: "account\x1fuser" -> the relation + 1 (GINT_TO_POINTER),
                                for this decider's life: the CRM's records do not change
                                while activities are decided */
  kith_mirror_cache *mirror; /* R20, R21: the mirror's contacts and leads by address, likewise */
  GHashTable *observed;      /* R22: address -> the fields it has observations of, as
                                kith_state_observed_fields gives them, with bit 31 set
                                (GUINT_TO_POINTER); made afresh for each decision phase */
  GHashTable *enriched;      /* R37-R39: "contact\x1faddress" brought up to its newest
                                observations in this decision phase: as they do not change
                                while activities are decided, a second time changes nothing */
  GHashTable *opportunities; /* R30: account Id -> its open opportunities (GPtrArray of
                                kith_opportunity*), likewise */
  /* R28: the sender of the activity last asked about (its Id in conv_id):
   * internal, or the accounts its domain matches. */
  char *conv_id;
  gboolean conv_internal;
  GPtrArray *conv_accounts; /* kith_account_match* */
} kith_decider;

/* A decider reading STORE, handing its decisions to RECORD with RECORD_DATA. */
void kith_decider_init(kith_decider *d, kith_store *store, const kith_config *config,
                       kith_decision_fn record, gpointer record_data);
void kith_decider_clear(kith_decider *d);

/* Counts one decision and hands it to the decider's kith_decision_fn. */
gboolean kith_decider_emit(kith_decider *d, const kith_decision *decision, GError **error);
/* The same for a decision creating a record without an Id yet: the Id it
 * was given (newly allocated), or NULL with ERROR. */
char *kith_decider_emit_new(kith_decider *d, const kith_decision *decision, GError **error);

/* A user of an activity (R2). */
typedef struct {
  char *email;
  char *user_id;
  gboolean active;
  const kith_profile *profile;
} kith_activity_user;

/* R2: the activity's users, in participant order. kith_activity_user*, or
 * NULL with ERROR when the store fails. */
GPtrArray *kith_rules_activity_users(kith_decider *d, GPtrArray *participants, GError **error);

/* R2: with learn_aliases on, each internal participant of A that is no
 * User's address and whose display name (FIRSTS[i], LASTS[i]; may be NULL)
 * is the full name of exactly one User, an active one, becomes that User's
 * address: logged alias_learned the first time. Called before R10. */
gboolean kith_rules_learn_aliases(kith_decider *d, const kith_activity *a, char **firsts,
                                  char **lasts, GError **error);

/* R10 for a captured activity (before it is stored): *REASON is why it is
 * skipped (automatic, subject_filtered, cancelled, no_users), or NONE.
 * FALSE with ERROR when the store fails. */
gboolean kith_rules_activity_skip(kith_decider *d, const kith_activity *a, kith_reason *reason,
                                  GError **error);

/* R12: TRUE when the Authentication-Results HEADERS (values, topmost first;
 * may be NULL) of the org's own receiving servers ([org] authserv_ids, or
 * the topmost header when none is named) say the email failed: dmarc=fail,
 * or no DMARC result and neither spf=pass nor dkim=pass. *WHY (may be NULL)
 * then says so in a few words (newly allocated). */
gboolean kith_rules_unauthenticated(const kith_config *config, GPtrArray *headers, char **why);

/* Drops what the decider remembers of the CRM's records and of the
 * observations: they may have changed (the store was let go a while, and
 * sync or an import may have run; a capture wrote observations). */
void kith_decider_forget_crm(kith_decider *d);

/* Drops what the decider remembers of an address (its suppression changed). */
void kith_decider_forget(kith_decider *d, const char *email);

/* R11: *REASON is why a participant is skipped, or NONE; *IS_USER (may be
 * NULL) whether it is a User. FALSE with ERROR when the store fails. */
gboolean kith_rules_participant_skip(kith_decider *d, const char *email, kith_cutype cutype,
                                     kith_reason *reason, gboolean *is_user, GError **error);

/* Decides every participant of a stored activity: R11, R20-R27, R37-R39,
 * then R30-R35. */
gboolean kith_rules_decide(kith_decider *d, const kith_stored_activity *a, GError **error);

/* R37-R39: brings contact CONTACT_ID (address EMAIL) up to the newest
 * observations its policy allows, queueing field updates. */
gboolean kith_rules_enrich(kith_decider *d, const char *email, const char *contact_id,
                           gboolean created_by_kith, GError **error);

/* --- shared between decide.c and ocr.c ------------------------------------ */

/* A participant as the rules see it during one activity. */
typedef struct {
  const kith_participant *p;
  kith_reason skip; /* R11 reason, or NONE */
  char *contact_id; /* its contact (queued ones too), or NULL */
  char *contact_account;
  char *lead_id;      /* an unconverted Lead has the address */
  GPtrArray *matches; /* R3 matching accounts (kith_account_match*) */
  char *account_id;   /* the account R24's tie-breaks choose (for R30 grouping) */
  kith_reason logged; /* the skip reason already logged for it, or NONE */
} kith_person_state;

/* R24: among MATCHES, *ACCOUNT_OUT is the account a user of USERS
 * qualifies for, by the contract's preferences (NULL when none); *USER_OUT
 * is that user. With REQUIRE_USER FALSE and no such user, a primary-domain
 * match first, then the lowest Id. FALSE with ERROR when the store fails. */
/* R30: the open opportunities of ACCOUNT_ID, looked up once a decider. A new
 * reference (read only), or NULL with ERROR. */
GPtrArray *kith_rules_open_opportunities(kith_decider *d, const char *account_id, GError **error);

gboolean kith_rules_choose_account(kith_decider *d, GPtrArray *matches, GPtrArray *users,
                                   gboolean require_user, const char **account_out,
                                   kith_activity_user **user_out, int *relation_out,
                                   GError **error);

/* R22: *KNOWN says whether FirstName, LastName and the REQUIRED fields are
 * known for EMAIL; *MISSING names what is not (newly allocated). SHOWN (may
 * be NULL) is a participant whose display-name parts count as known too:
 * R12's forged mail is no observation, yet R22 judges it as though it
 * were. FALSE with ERROR when the store fails. */
gboolean kith_rules_fields_known(kith_decider *d, const char *email, char **required,
                                 const kith_participant *shown, gboolean *known, char **missing,
                                 GError **error);

/* R25: queues a contact for EMAIL on ACCOUNT_ID owned by OWNER_ID; returns
 * its Id (newly allocated). */
char *kith_rules_queue_contact(kith_decider *d, const kith_stored_activity *a, const char *email,
                               const char *account_id, const char *owner_id, const char *rule,
                               const char *why, GError **error);

/* R3 and R24's tie-breaks: the Accounts DOMAIN matches (*MATCHES, a new
 * reference) and the one a participant there is grouped under, for the
 * activity's USERS (*ACCOUNT, borrowed from *MATCHES; NULL when none
 * matches). FALSE with ERROR when the store fails. */
gboolean kith_rules_participant_account(kith_decider *d, const char *domain, GPtrArray *users,
                                        GPtrArray **matches, const char **account, GError **error);

/* What R22-R29 say of a contact for PS in A (R20 and R21 found no
 * record): why none is made, or where and whose it is. R43 is asked apart,
 * just before it is queued (kith_rules_same_person, kith_rules_same_name). */
typedef struct {
  kith_reason reason;             /* NONE: it may be made */
  const char *rule;               /* the skip's rule, "R24" */
  char *why;                      /* the skip's sentence */
  const char *account_id;         /* R23, R24: borrowed from PS->matches */
  char *account_name;             /* its Name */
  const kith_activity_user *user; /* R24's user, borrowed from USERS */
  int relation;                   /* R24: 0 its owner, 1 an opportunity's owner, 2 on the team */
  const char *owner_id;           /* R26: the user when active, else integration_user */
} kith_creation;

void kith_creation_clear(kith_creation *c);

/* R22-R29, in rule order, for a contact for PS (PS->matches is looked up
 * when NULL), read the way kith_rules_decide reads them: *OUT (clear it
 * with kith_creation_clear). FALSE with ERROR when the store fails. */
gboolean kith_rules_creation(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                             kith_person_state *ps, kith_creation *out, GError **error);

/* R24's words for RELATION ("owns it", ...), for sentences. */
const char *kith_rules_relation_words(int relation);

/* R28: *YES says whether A is a conversation with ACCOUNT_ID: its sender
 * (From, ORGANIZER, else the first participant) is internal or at that
 * account. FALSE with ERROR when the store fails. */
gboolean kith_rules_conversation(kith_decider *d, const kith_stored_activity *a,
                                 const char *account_id, gboolean *yes, GError **error);
/* R29: whether A names more addresses than PROFILE's max_participants. */
gboolean kith_rules_too_many(const kith_profile *profile, const kith_stored_activity *a);

/* R43 (and R44), just before a contact for PS would be queued on
 * ACCOUNT_ID: when a contact on that account (or queued for it) has the same
 * name, none is made. Then *HANDLED is TRUE and PS takes that contact: the
 * participant is skipped same_person and the activity linked to it, or,
 * when the contact's own address bounced since it was last seen (R44), the
 * contact's Email is queued to become PS's. FALSE only on a store error. */
gboolean kith_rules_same_person(kith_decider *d, const kith_stored_activity *a,
                                kith_person_state *ps, const char *account_id, gboolean *handled,
                                GError **error);

/* R43's look-up: a contact on ACCOUNT_ID (or queued for it) with EMAIL's
 * newest observed name at another address, in *SAME (borrowed from the
 * decider, valid until its next call; NULL when none). *FIRST and *LAST
 * are that name (newly allocated; NULL when not known). FALSE with ERROR
 * when the store fails. */
gboolean kith_rules_same_name(kith_decider *d, const char *email, const char *account_id,
                              const kith_account_person **same, char **first, char **last,
                              GError **error);

/* R30-R35 for one activity. */
gboolean kith_rules_ocr(kith_decider *d, const kith_stored_activity *a, GPtrArray *users,
                        GPtrArray *people, GError **error);
