/* automatic.h - R10: is an email automatic (auto-submitted, bulk, list, out of office)? */
#pragma once

#include <glib.h>
#include <gmime/gmime.h>

/* The R10 test on the headers of a message: Auto-Submitted other than "no",
 * Precedence bulk|list|junk, a List-Id, X-Autoreply or X-Autorespond header.
 * Returns a short static reason ("Auto-Submitted: auto-replied" style, the
 * header name) or NULL when none applies. */
const char *kith_automatic_headers(GMimeHeaderList *headers);
/* The names of the headers kith_automatic_headers reads, NULL-terminated. */
extern const char *const kith_automatic_header_names[];

/* The R10 out-of-office test on a decoded subject: TRUE when it begins,
 * case-insensitively after trimming, with a prefix of data/auto_subjects.txt. */
gboolean kith_automatic_subject(const char *subject);
