/* vocab.h - kith's words as enums, each with its one name table (CONTRACT.md sections 3, 6). */
#pragma once

#include <glib.h>

/* Each vocabulary has kith_X_name(), the word stored and printed (never
 * NULL for a valid value), and kith_X_from_name(), which sets *OUT and
 * returns TRUE for a word of the table, exact case, else FALSE. The value
 * KITH_X_COUNT stands for a stored word this kith does not know (an outbox
 * entry written by a later version): its name is "unknown". */

/* A queued CRM change in the outbox (R60). */
typedef enum {
  KITH_OP_CONTACT_CREATE,
  KITH_OP_ROLE_CREATE,
  KITH_OP_FIELD_UPDATE,
  KITH_OP_CONTACT_DELETE, /* R41 */
  KITH_OP_CONTACT_REMOVE, /* R50 */
} kith_op;
#define KITH_OP_COUNT (KITH_OP_CONTACT_REMOVE + 1) /* the number of values */

const char *kith_op_name(kith_op op);
gboolean kith_op_from_name(const char *name, kith_op *out);

/* An engagement log Action (CONTRACT.md section 6). NONE (zero) is no
 * action and has no name: kith_action_name() gives NULL. */
typedef enum {
  KITH_ACTION_NONE,
  KITH_ACTION_CONTACT_CREATED,
  KITH_ACTION_CONTACT_LINKED,
  KITH_ACTION_LEAD_LINKED,
  KITH_ACTION_SKIPPED,
  KITH_ACTION_OCR_CREATED,
  KITH_ACTION_FIELD_UPDATED,
  KITH_ACTION_CONTACT_DELETED,
  KITH_ACTION_CONTACT_REMOVED,
  KITH_ACTION_ACTIVITY_SKIPPED,
  KITH_ACTION_ALIAS_LEARNED,
  /* kith's own, beyond the contract: a record the CRM refused for good,
   * with the CRM's code as Reason (docs/salesforce.md) */
  KITH_ACTION_SYNC_FAILED,
} kith_action;
#define KITH_ACTION_COUNT (KITH_ACTION_SYNC_FAILED + 1) /* the number of values */

const char *kith_action_name(kith_action action);
gboolean kith_action_from_name(const char *name, kith_action *out);

/* An engagement log Reason for a skip or a link at sync (CONTRACT.md
 * section 6); field_updated's Reason is a field's API name instead. NONE
 * (zero) is no reason and has no name: kith_reason_name() gives NULL. */
typedef enum {
  KITH_REASON_NONE,
  KITH_REASON_INTERNAL,
  KITH_REASON_FILTERED,
  KITH_REASON_PERSONAL_DOMAIN,
  KITH_REASON_ROLE_ADDRESS,
  KITH_REASON_RESOURCE,
  KITH_REASON_SUPPRESSED,
  KITH_REASON_MISSING_FIELD,
  KITH_REASON_NO_ACCOUNT,
  KITH_REASON_USER_NOT_ON_ACCOUNT,
  KITH_REASON_CONTACT_CREATION_OFF,
  KITH_REASON_NOT_CONVERSATION,
  KITH_REASON_TOO_MANY_PARTICIPANTS,
  KITH_REASON_UNAUTHENTICATED,
  KITH_REASON_SAME_PERSON,
  KITH_REASON_AUTOMATIC,
  KITH_REASON_SUBJECT_FILTERED,
  KITH_REASON_CANCELLED,
  KITH_REASON_NO_USERS,
  KITH_REASON_EXISTS_AT_SYNC,
} kith_reason;
#define KITH_REASON_COUNT (KITH_REASON_EXISTS_AT_SYNC + 1) /* the number of values */

const char *kith_reason_name(kith_reason reason);
gboolean kith_reason_from_name(const char *name, kith_reason *out);

/* What an activity is (CONTRACT.md section 3). */
typedef enum {
  KITH_ACTIVITY_EMAIL,
  KITH_ACTIVITY_MEETING,
} kith_activity_kind;
#define KITH_ACTIVITY_KIND_COUNT (KITH_ACTIVITY_MEETING + 1) /* the number of values */

const char *kith_activity_kind_name(kith_activity_kind kind);
gboolean kith_activity_kind_from_name(const char *name, kith_activity_kind *out);

/* Where a participant stood in the activity (CONTRACT.md section 3). */
typedef enum {
  KITH_PART_FROM,
  KITH_PART_TO,
  KITH_PART_CC,
  KITH_PART_BCC,
  KITH_PART_ORGANIZER,
  KITH_PART_ATTENDEE,
} kith_part_role;
#define KITH_PART_ROLE_COUNT (KITH_PART_ATTENDEE + 1) /* the number of values */

const char *kith_part_role_name(kith_part_role role);
gboolean kith_part_role_from_name(const char *name, kith_part_role *out);

/* iCalendar CUTYPE, by the .jsonl `kind` words; every email participant is
 * a person. */
typedef enum {
  KITH_CUTYPE_PERSON,
  KITH_CUTYPE_ROOM,
  KITH_CUTYPE_RESOURCE,
  KITH_CUTYPE_GROUP,
} kith_cutype;
#define KITH_CUTYPE_COUNT (KITH_CUTYPE_GROUP + 1) /* the number of values */

const char *kith_cutype_name(kith_cutype cutype);
gboolean kith_cutype_from_name(const char *name, kith_cutype *out);
/* A CUTYPE as written in a .jsonl `kind` or an iCalendar parameter: a name
 * of the table in any case, or INDIVIDUAL or UNKNOWN (a person, RFC 5545
 * 3.2.3). FALSE for any other word. */
gboolean kith_cutype_from_word(const char *word, kith_cutype *out);

/* A [source NAME]'s type: where `kith serve` (and `kith ingest --source
 * NAME`) reads. */
typedef enum {
  KITH_SOURCE_FILES,     /* a file or folder: .eml, mbox, Maildir, .ics, .jsonl */
  KITH_SOURCE_IMAP,      /* an IMAP mailbox */
  KITH_SOURCE_CALDAV,    /* CalDAV calendars */
  KITH_SOURCE_GOOGLE,    /* Google Workspace: every User's Gmail and Calendar (service account) */
  KITH_SOURCE_MICROSOFT, /* Microsoft 365: every User's mail and calendar (Graph, as an app) */
} kith_source_type;
#define KITH_SOURCE_TYPE_COUNT (KITH_SOURCE_MICROSOFT + 1) /* the number of values */

const char *kith_source_type_name(kith_source_type type);
gboolean kith_source_type_from_name(const char *name, kith_source_type *out);
