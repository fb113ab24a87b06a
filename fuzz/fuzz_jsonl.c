/* fuzz_jsonl.c - fuzz target: one JSON Lines line through kith_jsonl_parse_line. */
#include "capture/jsonl.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_activity)
      a = kith_jsonl_parse_line((const char *)data, size, "fuzz.jsonl:1", &error);
  /* Either an activity or a reason, never both, never neither. */
  if ((a == NULL) == (error == NULL))
    __builtin_trap();
  return 0;
}
