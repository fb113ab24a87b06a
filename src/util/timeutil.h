/* timeutil.h - ISO 8601 UTC times, as the contract writes them, and the
 * RFC 5322 date of a mail header. */
#pragma once

#include <glib.h>

/* Parses an ISO 8601 time to Unix seconds; FALSE when it is not one. A bare
 * date is midnight UTC; a time without a zone is UTC. */
gboolean kith_time_parse(const char *text, gint64 *out);
/* Formats Unix seconds as 2026-01-31T09:00:00Z. */
char *kith_time_format(gint64 t);
/* Formats Unix seconds as an RFC 5322 date in UTC, "31 Jan 2026 09:00:00
 * +0000" (English month names, whatever the locale); "" when T is out of
 * range. */
char *kith_time_format_mail(gint64 t);
/* MONTH (1-12) in English, three letters ("Jan"), whatever the locale: what
 * mail and IMAP dates spell. */
const char *kith_time_month_abbr(int month);
/* The current time, formatted; KITH_NOW (ISO 8601) overrides it for tests. */
char *kith_time_now(void);
gint64 kith_time_now_unix(void);
