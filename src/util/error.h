/* error.h - kith's GError domain and codes. */
#pragma once

#include <glib.h>

#define KITH_ERROR (kith_error_quark())
GQuark kith_error_quark(void);

typedef enum {
  KITH_ERROR_FAILED, /* a runtime failure: exit status 1 */
  KITH_ERROR_USAGE,  /* a usage or configuration error: exit status 2 */
  KITH_ERROR_PARSE,  /* input that cannot be parsed */
  KITH_ERROR_NOT_FOUND,
  KITH_ERROR_REFUSED, /* a request the rules refuse (R50) */
} kith_error_code;
