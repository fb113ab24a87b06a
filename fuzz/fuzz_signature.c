/* fuzz_signature.c - fuzz target: a sender's text through kith_signature_extract (R5). */
#include "extract/signature.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text comes from kith_mime_sender_text: UTF-8 checked there, but the
 * extractor gets it whole, up to KITH_MIME_TEXT_MAX bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup((const char *)data, size);
  {
    g_autoptr(kith_signature) sig = kith_signature_extract(text, "jane.doe@example.com", "Jane", "Doe");
  }
  {
    /* Without a name to anchor the block. */
    g_autoptr(kith_signature) sig = kith_signature_extract(text, "jane.doe@example.com", NULL, NULL);
  }
  g_autofree char *own = kith_signature_own_text(text);
  return 0;
}
