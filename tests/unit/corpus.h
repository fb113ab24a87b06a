/* corpus.h - the outside corpora in ../shared: a test that needs one fails in
 * CI when it is missing (CI=true), and is skipped elsewhere. */
#pragma once

#include <glib.h>

static inline void kith_test_no_corpus(const char *why)
{
  if (g_strcmp0(g_getenv("CI"), "true") == 0) {
    g_test_message("%s: CI needs the shared corpora (KITH_SHARED)", why);
    g_test_fail();
  } else {
    g_test_skip(why);
  }
}
