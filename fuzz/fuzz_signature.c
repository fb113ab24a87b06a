/* fuzz_signature.c - fuzz target: a sender's text through kith_signature_extract (R5). */
#include "extract/reply.h"
#include "extract/signature.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every field the rules read, so that a bad pointer shows here. */
static size_t touch(const kith_signature *sig)
{
  const char *fields[] = {sig->first_name, sig->last_name, sig->title,
                          sig->phone,      sig->country,   sig->state};
  size_t n = 0;
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
    n += fields[i] ? strlen(fields[i]) : 0;
  return n;
}

/* The text comes from kith_mime_sender_text: UTF-8 checked there, but the
 * extractor gets it whole, up to KITH_MIME_TEXT_MAX bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup((const char *)data, size);
  g_autoptr(kith_signature)
      named = kith_signature_extract(text, "jane.doe@example.com", "Jane", "Doe");
  /* Without a name to anchor the block. */
  g_autoptr(kith_signature)
      plain = kith_signature_extract(text, "jane.doe@example.com", NULL, NULL);
  g_autofree char *own = kith_reply_own_text(text);
  size_t n = touch(named) + touch(plain) + strlen(own);
  return n == (size_t)-1;
}
