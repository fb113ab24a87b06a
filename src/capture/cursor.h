/* cursor.h - where a live source got to (IMAP UIDs, CalDAV sync tokens,
 * Gmail history ids), and whose mailboxes it reads, kept by whoever runs the
 * capture: capture never sees the store. */
#pragma once

#include <glib.h>

typedef struct {
  /* The value kept for KEY, newly allocated, or NULL when none is. */
  char *(*get)(const char *key, gpointer user_data);
  /* Keeps VALUE for KEY, in the same transaction as the activities handed
   * over before it, so that a crash never skips a message. */
  gboolean (*set)(const char *key, const char *value, gpointer user_data, GError **error);
  /* Forgets every key that starts with PREFIX (a folder's state when its
   * UIDVALIDITY changed). */
  gboolean (*clear)(const char *prefix, gpointer user_data, GError **error);
  /* Called before each wait on the server: what was handed over so far
   * (activities, kept values) may be stored now, so that whoever runs the
   * capture holds no lock or transaction while the server takes its time.
   * May be NULL. A store that fails says so at the next hand-over. */
  void (*flush)(gpointer user_data);
  /* The Emails of the CRM's active Users, normalised (R1): a team source
   * (Google Workspace, Microsoft 365) reads the mailboxes of those in its
   * domains. NULL with ERROR when the store cannot say. */
  GPtrArray *(*users)(gpointer user_data, GError **error);
  gpointer user_data;
} kith_source_cursor;
