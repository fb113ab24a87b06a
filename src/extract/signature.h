/* signature.h - Title, Phone and location from the sender's own text (R5). */
#pragma once

#include <glib.h>

typedef struct {
  char *first_name; /* only when the signature shows the sender's name */
  char *last_name;
  char *title;
  char *phone;   /* E.164-like: "+44 20 7946 0958" */
  char *country; /* MailingCountry */
  char *state;   /* MailingState */
} kith_signature;

/* Reads the signature block of TEXT, the text an email's sender wrote.
 * EMAIL is the sender's normalised address; FIRST and LAST (may be NULL) the
 * name the display name gave, used to anchor the block. Returns a new
 * kith_signature with the fields found (all NULL when none), never NULL. */
kith_signature *kith_signature_extract(const char *text, const char *email, const char *first,
                                       const char *last);
void kith_signature_free(kith_signature *sig);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_signature, kith_signature_free)
