/* regex.c - compile flags for kith's fixed regular expressions. */
#include "util/regex.h"

GRegexCompileFlags kith_regex_optimize(void)
{
  return g_getenv("KITH_REGEX_NO_JIT") ? 0 : G_REGEX_OPTIMIZE;
}
