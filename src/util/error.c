/* error.c - kith's GError domain. */
#include "util/error.h"

G_DEFINE_QUARK(kith - error - quark, kith_error)
