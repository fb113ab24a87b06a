/* fuzz_name.c - fuzz target: a display name through kith_name_parse (R4). */
#include "extract/name.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Display names come decoded from headers and CNs, cut to
 * KITH_CAPTURE_NAME_MAX bytes, but the parser must survive anything. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* The first byte picks whether an address comes along, so that the
   * "name is just the address" path is reached too. */
  gboolean with_email = size > 0 && (data[0] & 1);
  g_autofree char *display = g_strndup((const char *)data + (size > 0), size - (size > 0));
  g_autofree char *first = NULL, *last = NULL;
  kith_name_parse(display, with_email ? "jane.doe@example.com" : NULL, &first, &last);
  /* The same text as an address-like name: "x@y" display names. */
  if (with_email && strchr(display, '@')) {
    g_autofree char *f2 = NULL, *l2 = NULL;
    kith_name_parse(display, display, &f2, &l2);
  }
  return 0;
}
