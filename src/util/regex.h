/* regex.h - how kith compiles its fixed regular expressions. */
#pragma once

#include <glib.h>

/* G_REGEX_OPTIMIZE (PCRE's JIT), except when KITH_REGEX_NO_JIT is set: the
 * memory checker cannot follow JIT code and reports false errors in it. */
GRegexCompileFlags kith_regex_optimize(void);
