/* mbox.h - an mbox file split into its messages. */
#pragma once

#include <glib.h>

/* Called with each message of an mbox: its LEN bytes at OFFSET of BLOCK.
 * BLOCK is borrowed (take a reference to keep it) and never changed once a
 * message in it has been handed on, so another thread may read it; WHERE
 * ("FILE:LINE") is the callee's. Return FALSE to stop. */
typedef gboolean (*kith_mbox_message_fn)(GByteArray *block, gsize offset, gsize len, char *where,
                                         gpointer data);
/* Called with what cannot be read: WHERE is the callee's, WHY is borrowed. */
typedef gboolean (*kith_mbox_error_fn)(char *where, const char *why, gpointer data);

/* Splits an mbox on its From_ lines, reading it once in blocks: memory is
 * the blocks that messages still being used lie in. FALSE when a callback
 * asked to stop. */
gboolean kith_mbox_split(const char *path, kith_mbox_message_fn on_message,
                         kith_mbox_error_fn on_error, gpointer data);
