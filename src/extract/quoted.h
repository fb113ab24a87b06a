/* quoted.h - names an email's text ties to addresses: quoted headers, Notes lines (R4). */
#pragma once

#include "core/activity.h"

#include <glib.h>

/* Where in the text a name stands. */
typedef enum {
  KITH_QUOTED_HEADER,  /* a quoted or forwarded header field: "Jane Doe" <jane@contoso.com> */
  KITH_QUOTED_FORWARD, /* the first Lotus Notes forward line of the sender's own text */
  KITH_QUOTED_NOTES,   /* a Lotus Notes name with no address: Jane Doe/Sales/Contoso@Contoso */
} kith_quoted_source;

typedef struct {
  kith_quoted_source source;
  char *email;      /* normalised (R1); as read, NULL for FORWARD and NOTES */
  char *first_name; /* both names are always set: R4 reads a full name or none */
  char *last_name;
  char **org;       /* NOTES: the path and Notes domain, folded ("sales", "contoso") */
  gint participant; /* kith_quoted_names: its place among the participants, -1 if none */
} kith_quoted_name;

void kith_quoted_name_free(kith_quoted_name *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_quoted_name, kith_quoted_name_free)

/* Every full name (R4) that TEXT (may be NULL) writes in a quoted or
 * forwarded header field (From, To, Cc, Bcc, Sent by, Reply-To; folded
 * lines joined), with its address, or in Lotus Notes form, and the name of
 * the first "Forwarded by" line when no quoted header comes before it.
 * Bounded: at most KITH_QUOTED_MAX names of each source, in text order.
 * Never NULL; a GPtrArray of kith_quoted_name. */
GPtrArray *kith_quoted_read(const char *text);

#define KITH_QUOTED_MAX 64

/* kith's reading of R4 for email A: the names its sender's text ties to
 * exact addresses, at most one per address (two sources that disagree give
 * none), for no participant that shows a full name of its own on A (a
 * display name, LASTS[i] set, or the sender's signature, SENDER_SIGNED).
 * SENDER is the sender's index or -1; FIRSTS and LASTS what R4 read from
 * each participant's display name. Not filtered by R11: the caller does
 * that. Never NULL; a GPtrArray of kith_quoted_name with email set. */
GPtrArray *kith_quoted_names(const kith_activity *a, gint sender, char *const *firsts,
                             char *const *lasts, gboolean sender_signed);

/* The participant's name among NAMES (from kith_quoted_names), or NULL. */
const kith_quoted_name *kith_quoted_for(const GPtrArray *names, guint participant);
