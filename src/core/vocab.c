/* vocab.c - the one name table of each of kith's vocabularies. */
#include "core/vocab.h"

#include <string.h>

static const char *const op_names[KITH_OP_COUNT] = {
    [KITH_OP_CONTACT_CREATE] = "contact_create", [KITH_OP_ROLE_CREATE] = "role_create",
    [KITH_OP_FIELD_UPDATE] = "field_update",     [KITH_OP_CONTACT_DELETE] = "contact_delete",
    [KITH_OP_CONTACT_REMOVE] = "contact_remove",
};

static const char *const action_names[KITH_ACTION_COUNT] = {
    [KITH_ACTION_NONE] = NULL,
    [KITH_ACTION_CONTACT_CREATED] = "contact_created",
    [KITH_ACTION_CONTACT_LINKED] = "contact_linked",
    [KITH_ACTION_LEAD_LINKED] = "lead_linked",
    [KITH_ACTION_SKIPPED] = "skipped",
    [KITH_ACTION_OCR_CREATED] = "ocr_created",
    [KITH_ACTION_FIELD_UPDATED] = "field_updated",
    [KITH_ACTION_CONTACT_DELETED] = "contact_deleted",
    [KITH_ACTION_CONTACT_REMOVED] = "contact_removed",
    [KITH_ACTION_ACTIVITY_SKIPPED] = "activity_skipped",
    [KITH_ACTION_ALIAS_LEARNED] = "alias_learned",
    [KITH_ACTION_SYNC_FAILED] = "sync_failed",
};

static const char *const reason_names[KITH_REASON_COUNT] = {
    [KITH_REASON_NONE] = NULL,
    [KITH_REASON_INTERNAL] = "internal",
    [KITH_REASON_FILTERED] = "filtered",
    [KITH_REASON_PERSONAL_DOMAIN] = "personal_domain",
    [KITH_REASON_ROLE_ADDRESS] = "role_address",
    [KITH_REASON_RESOURCE] = "resource",
    [KITH_REASON_SUPPRESSED] = "suppressed",
    [KITH_REASON_MISSING_FIELD] = "missing_field",
    [KITH_REASON_NO_ACCOUNT] = "no_account",
    [KITH_REASON_USER_NOT_ON_ACCOUNT] = "user_not_on_account",
    [KITH_REASON_CONTACT_CREATION_OFF] = "contact_creation_off",
    [KITH_REASON_NOT_CONVERSATION] = "not_conversation",
    [KITH_REASON_TOO_MANY_PARTICIPANTS] = "too_many_participants",
    [KITH_REASON_UNAUTHENTICATED] = "unauthenticated",
    [KITH_REASON_SAME_PERSON] = "same_person",
    [KITH_REASON_AUTOMATIC] = "automatic",
    [KITH_REASON_SUBJECT_FILTERED] = "subject_filtered",
    [KITH_REASON_CANCELLED] = "cancelled",
    [KITH_REASON_NO_USERS] = "no_users",
    [KITH_REASON_EXISTS_AT_SYNC] = "exists_at_sync",
};

static const char *const activity_kind_names[KITH_ACTIVITY_KIND_COUNT] = {
    [KITH_ACTIVITY_EMAIL] = "email",
    [KITH_ACTIVITY_MEETING] = "meeting",
};

static const char *const part_role_names[KITH_PART_ROLE_COUNT] = {
    [KITH_PART_FROM] = "from",
    [KITH_PART_TO] = "to",
    [KITH_PART_CC] = "cc",
    [KITH_PART_BCC] = "bcc",
    [KITH_PART_ORGANIZER] = "organizer",
    [KITH_PART_ATTENDEE] = "attendee",
};

static const char *const cutype_names[KITH_CUTYPE_COUNT] = {
    [KITH_CUTYPE_PERSON] = "person",
    [KITH_CUTYPE_ROOM] = "room",
    [KITH_CUTYPE_RESOURCE] = "resource",
    [KITH_CUTYPE_GROUP] = "group",
};

static const char *const source_type_names[KITH_SOURCE_TYPE_COUNT] = {
    [KITH_SOURCE_FILES] = "files",         [KITH_SOURCE_IMAP] = "imap",
    [KITH_SOURCE_CALDAV] = "caldav",       [KITH_SOURCE_GOOGLE] = "google",
    [KITH_SOURCE_MICROSOFT] = "microsoft",
};

/* The index of NAME in TABLE (N entries; NULL entries never match), or -1. */
static int find(const char *const *table, int n, const char *name)
{
  if (!name)
    return -1;
  for (int i = 0; i < n; i++)
    if (table[i] && strcmp(table[i], name) == 0)
      return i;
  return -1;
}

/* Each vocabulary's pair of functions over its table. */
#define KITH_VOCAB(type, prefix, table, count)                                                     \
  const char *prefix##_name(type value)                                                            \
  {                                                                                                \
    if ((int)value == (count)) /* the sentinel for a stored word this kith does not know */        \
      return "unknown";                                                                            \
    g_return_val_if_fail((int)value >= 0 && (int)value < (count), "?");                            \
    return table[value];                                                                           \
  }                                                                                                \
  gboolean prefix##_from_name(const char *name, type *out)                                         \
  {                                                                                                \
    int i = find(table, (count), name);                                                            \
    if (i < 0)                                                                                     \
      return FALSE;                                                                                \
    *out = (type)i;                                                                                \
    return TRUE;                                                                                   \
  }

KITH_VOCAB(kith_op, kith_op, op_names, KITH_OP_COUNT)
KITH_VOCAB(kith_action, kith_action, action_names, KITH_ACTION_COUNT)
KITH_VOCAB(kith_reason, kith_reason, reason_names, KITH_REASON_COUNT)
KITH_VOCAB(kith_activity_kind, kith_activity_kind, activity_kind_names, KITH_ACTIVITY_KIND_COUNT)
KITH_VOCAB(kith_part_role, kith_part_role, part_role_names, KITH_PART_ROLE_COUNT)
KITH_VOCAB(kith_cutype, kith_cutype, cutype_names, KITH_CUTYPE_COUNT)
KITH_VOCAB(kith_source_type, kith_source_type, source_type_names, KITH_SOURCE_TYPE_COUNT)

gboolean kith_cutype_from_word(const char *word, kith_cutype *out)
{
  if (!word)
    return FALSE;
  if (g_ascii_strcasecmp(word, "individual") == 0 || g_ascii_strcasecmp(word, "unknown") == 0) {
    *out = KITH_CUTYPE_PERSON;
    return TRUE;
  }
  for (int i = 0; i < KITH_CUTYPE_COUNT; i++)
    if (g_ascii_strcasecmp(word, cutype_names[i]) == 0) {
      *out = (kith_cutype)i;
      return TRUE;
    }
  return FALSE;
}
