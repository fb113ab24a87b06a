/* pool.h - emails parsed on worker threads, handed on in the order they were read. */
#pragma once

#include "capture/capture.h"

/* Parsing a message (GMime, the sender's text) and a sink's prepare step
 * need nothing from the store, so they run on worker threads while the
 * calling thread stores what is already parsed. Everything pushed -
 * messages, errors, callbacks - reaches SINK on the calling thread, in the
 * order it was pushed, so a run is the same whatever the thread count.
 * At most KITH_POOL_MAX_JOBS messages or KITH_POOL_MAX_BYTES of them are in
 * flight (one bigger message still goes alone): memory stays flat. */
typedef struct kith_pool kith_pool;

#define KITH_POOL_MAX_JOBS 256
#define KITH_POOL_MAX_BYTES (64u * 1024 * 1024)

/* Worker threads: KITH_CAPTURE_THREADS when set (0 parses on the calling
 * thread), else one a processor. SINK's on_activity, on_error and prepare
 * are used; it must outlive the pool. */
kith_pool *kith_pool_new(const kith_capture_sink *sink);

/* Each returns FALSE once the sink has asked to stop; what is pushed after
 * that is dropped. They take ownership of their arguments, except that
 * kith_pool_push_bytes takes a reference to BLOCK (a message's LEN bytes
 * lie at OFFSET; the block must not change while the pool holds it). */
gboolean kith_pool_push_bytes(kith_pool *pool, GByteArray *block, gsize offset, gsize len,
                              char *where);
gboolean kith_pool_push_file(kith_pool *pool, char *path);
gboolean kith_pool_push_error(kith_pool *pool, char *where, const char *why);
/* FN(DATA) called in order, then DATA freed with FREE (may be NULL). */
gboolean kith_pool_push_call(kith_pool *pool, void (*fn)(gpointer data), gpointer data,
                             GDestroyNotify free_data);

/* Messages handed on but not yet freed (each goes back to the worker that
 * parsed it, which frees it before its next batch): at most about
 * KITH_POOL_MAX_JOBS a worker, however many are pushed. For tests. */
guint kith_pool_unfreed(kith_pool *pool);

/* Waits for everything pushed and hands it on; FALSE when stopped. */
gboolean kith_pool_drain(kith_pool *pool);

/* Drains (or, once stopped, waits for the workers and drops) and frees. */
void kith_pool_free(kith_pool *pool);
