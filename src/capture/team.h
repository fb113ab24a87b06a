/* team.h - what the team sources (Google Workspace, Microsoft 365) share:
 * whose mailboxes are read, and what counts as the team's own mail. */
#pragma once

#include "capture/cursor.h"
#include "config/config.h"

/* The Users a team source reads: the CRM's active Users (CURSOR->users)
 * whose Email is in SRC's domains, in SRC's users when that is set, not in
 * its exclude_users. NULL with ERROR ("source NAME: the CRM's Users: ...")
 * when the store cannot say. */
GPtrArray *kith_team_users(const kith_source_cursor *cursor, const kith_source_config *src,
                           GError **error);

/* Whether DOMAIN (normalised) is one of SRC's domains or below one: mail
 * from there is the team's own, read by its header only. */
gboolean kith_team_internal(const kith_source_config *src, const char *domain);

/* The header fields an activity is made of, and R12's, NULL-terminated: of
 * a message whose text it does not need, kith reads these and R10's
 * (kith_automatic_header_names, capture/automatic.h), no others. */
extern const char *const kith_team_header_names[];
/* Appends TEXT to S with every CR and LF made a space, so that a value an
 * API hands over can never start a header field of its own. */
void kith_team_append_clean(GString *s, const char *text);
/* Whether NAME is one of kith_team_header_names or
 * kith_automatic_header_names, ignoring case. */
gboolean kith_team_header_kept(const char *name);
