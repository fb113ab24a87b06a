/* pool.c - emails parsed on worker threads, handed on in the order they were read. */
#include "capture/pool.h"

#include "capture/mime.h"

typedef enum {
  JOB_BYTES, /* one message of an mbox */
  JOB_FILE,  /* one message file: .eml, Maildir */
  JOB_ERROR, /* something that could not be read, reported in its place */
  JOB_CALL,  /* a callback run in its place (a file marked read) */
} job_kind;

typedef struct {
  job_kind kind;
  GByteArray *bytes; /* JOB_BYTES: the block the message lies in, at offset for len */
  gsize offset, len;
  char *where;
  char *why;
  kith_activity *activity;
  void (*fn)(gpointer data);
  gpointer data;
  GDestroyNotify free_data;
  gsize cost;    /* bytes counted against KITH_POOL_MAX_BYTES */
  gboolean done; /* under the pool's lock */
  int owner;     /* the worker that parsed it, -1 for none */
} job;

struct kith_pool {
  const kith_capture_sink *sink;
  GThreadPool *threads; /* NULL: everything runs on the calling thread */
  GMutex lock;
  GCond cond;
  GQueue queue; /* job*, in push order; only the calling thread touches it */
  gsize in_flight;
  gboolean stopped; /* written by the calling thread under the lock */
  GPtrArray *batch; /* parse jobs gathered but not yet handed to a worker */
  gsize batch_bytes;
  /* Delivered jobs go back to the worker that parsed them to be freed
   * there: freeing on this thread what a worker allocated contends for
   * the allocator's lock of the worker's arena, which put both threads to
   * sleep thousands of times a second. returns[i] is worker i's, under
   * the lock; done_jobs gathers them here between hand-overs. */
  guint n_threads;
  GPtrArray **returns;
  GPtrArray *done_jobs;
  guint generation; /* tells this pool's worker ids from an earlier pool's */
  int next_owner;   /* atomic */
};

/* Which worker of which pool this thread is. */
static _Thread_local guint tls_generation;
static _Thread_local int tls_owner = -1;
static guint pool_generations; /* atomic */

/* Messages go to the workers in batches: handing each one over on its own
 * (a lock, a wake-up, a thread switch) cost a fifth of parsing it. */
#define BATCH_JOBS 16
#define BATCH_BYTES (512u * 1024)

/* A message file's cost before it is read: about a typical message. */
#define FILE_COST (64u * 1024)

static void job_free(job *j)
{
  if (j->bytes)
    g_byte_array_unref(j->bytes);
  g_free(j->where);
  g_free(j->why);
  kith_activity_free(j->activity);
  if (j->free_data)
    j->free_data(j->data);
  g_free(j);
}

/* The part of a job that needs nothing but the job: on a worker thread.
 * The raw message stays until delivery, to be freed by the thread that
 * read it. */
static void run(kith_pool *p, job *j, int owner)
{
  j->owner = owner;
  if (j->kind == JOB_BYTES)
    j->activity = kith_mime_parse_bytes(j->bytes->data + j->offset, j->len, j->where,
                                        p->sink->body_wanted, p->sink->user_data, &j->why);
  else if (j->kind == JOB_FILE)
    j->activity = kith_mime_parse_file(j->where, &j->why);
  if (j->activity && p->sink->prepare)
    p->sink->prepare(j->activity, p->sink->user_data);
}

/* This thread's worker id in P, given on its first batch; -1 past
 * n_threads (which an exclusive pool does not start). */
static int worker_id(kith_pool *p)
{
  if (tls_generation != p->generation) {
    tls_generation = p->generation;
    int id = g_atomic_int_add(&p->next_owner, 1);
    tls_owner = id < (int)p->n_threads ? id : -1;
  }
  return tls_owner;
}

/* Runs a batch (a GPtrArray of job*) and marks all of it done at once,
 * first freeing the jobs delivered since this worker's last batch. */
static void worker(gpointer data, gpointer user_data)
{
  GPtrArray *batch = data;
  kith_pool *p = user_data;
  int owner = worker_id(p);
  g_mutex_lock(&p->lock);
  gboolean stopped = p->stopped;
  GPtrArray *returned = NULL;
  if (owner >= 0 && p->returns[owner]->len) {
    returned = p->returns[owner];
    p->returns[owner] = g_ptr_array_new();
  }
  g_mutex_unlock(&p->lock);
  if (returned) {
    for (guint i = 0; i < returned->len; i++)
      job_free(g_ptr_array_index(returned, i));
    g_ptr_array_unref(returned);
  }
  for (guint i = 0; i < batch->len && !stopped; i++)
    run(p, g_ptr_array_index(batch, i), owner);
  g_mutex_lock(&p->lock);
  for (guint i = 0; i < batch->len; i++)
    ((job *)g_ptr_array_index(batch, i))->done = TRUE;
  g_cond_broadcast(&p->cond);
  g_mutex_unlock(&p->lock);
  g_ptr_array_unref(batch);
}

/* Hands the gathered jobs to a worker. */
static void submit(kith_pool *p)
{
  if (!p->batch || p->batch->len == 0)
    return;
  g_thread_pool_push(p->threads, p->batch, NULL);
  p->batch = g_ptr_array_new();
  p->batch_bytes = 0;
}

static void stop(kith_pool *p)
{
  g_mutex_lock(&p->lock);
  p->stopped = TRUE;
  g_mutex_unlock(&p->lock);
}

/* Frees J here, or gathers it for the worker that parsed it. */
static void retire(kith_pool *p, job *j)
{
  g_clear_pointer(&j->bytes, g_byte_array_unref); /* read on this thread */
  if (j->owner >= 0 && p->threads)
    g_ptr_array_add(p->done_jobs, j);
  else
    job_free(j);
}

/* Hands the gathered delivered jobs to their workers. */
static void return_jobs(kith_pool *p)
{
  if (!p->done_jobs || !p->done_jobs->len)
    return;
  g_mutex_lock(&p->lock);
  for (guint i = 0; i < p->done_jobs->len; i++) {
    job *j = g_ptr_array_index(p->done_jobs, i);
    g_ptr_array_add(p->returns[j->owner], j);
  }
  g_mutex_unlock(&p->lock);
  g_ptr_array_set_size(p->done_jobs, 0);
}

/* Hands a finished job to the sink (unless stopped) and retires it. */
static void deliver(kith_pool *p, job *j)
{
  const kith_capture_sink *s = p->sink;
  if (!p->stopped) {
    switch (j->kind) {
    case JOB_BYTES:
    case JOB_FILE:
      if (j->activity) {
        if (!s->on_activity(j->activity, s->user_data))
          stop(p);
      } else {
        s->on_error(j->where, j->why ? j->why : "cannot be read", s->user_data);
      }
      break;
    case JOB_ERROR: s->on_error(j->where, j->why, s->user_data); break;
    case JOB_CALL: j->fn(j->data); break;
    }
  }
  retire(p, j);
}

/* Hands on the finished jobs at the head of the queue; with WAIT, waits
 * for the head until the queue is empty. */
static void deliver_ready(kith_pool *p, gboolean wait)
{
  job *head;
  if (wait && p->threads)
    submit(p); /* nothing waits on a job no worker has */
  while ((head = g_queue_peek_head(&p->queue))) {
    g_mutex_lock(&p->lock);
    while (!head->done && wait)
      g_cond_wait(&p->cond, &p->lock);
    gboolean done = head->done;
    g_mutex_unlock(&p->lock);
    if (!done)
      break;
    g_queue_pop_head(&p->queue);
    p->in_flight -= head->cost;
    deliver(p, head);
  }
  return_jobs(p);
}

static guint thread_count(void)
{
  const char *env = g_getenv("KITH_CAPTURE_THREADS");
  if (env && *env) {
    char *end = NULL;
    guint64 n = g_ascii_strtoull(env, &end, 10);
    if (end && !*end)
      return (guint)MIN(n, 64);
  }
  return g_get_num_processors();
}

kith_pool *kith_pool_new(const kith_capture_sink *sink)
{
  kith_pool *p = g_new0(kith_pool, 1);
  p->sink = sink;
  g_mutex_init(&p->lock);
  g_cond_init(&p->cond);
  g_queue_init(&p->queue);
  guint n = thread_count();
  if (n > 0) {
    kith_mime_init(); /* once, before any worker parses */
    p->n_threads = n;
    p->returns = g_new(GPtrArray *, n);
    for (guint i = 0; i < n; i++)
      p->returns[i] = g_ptr_array_new();
    p->done_jobs = g_ptr_array_new();
    p->generation = (guint)g_atomic_int_add(&pool_generations, 1) + 1;
    p->threads = g_thread_pool_new(worker, p, (int)n, TRUE, NULL);
    p->batch = g_ptr_array_new();
  }
  return p;
}

static gboolean push(kith_pool *p, job *j)
{
  if (p->stopped) {
    job_free(j);
    return FALSE;
  }
  gboolean parse = j->kind == JOB_BYTES || j->kind == JOB_FILE;
  if (!p->threads) {
    if (parse)
      run(p, j, -1);
    deliver(p, j);
    return !p->stopped;
  }
  j->done = !parse;
  g_queue_push_tail(&p->queue, j);
  p->in_flight += j->cost;
  if (parse) {
    g_ptr_array_add(p->batch, j);
    p->batch_bytes += j->cost;
    if (p->batch->len >= BATCH_JOBS || p->batch_bytes >= BATCH_BYTES)
      submit(p);
  }
  deliver_ready(p, FALSE);
  /* Bounded: wait for the oldest while too much is in flight. */
  while (p->queue.length > KITH_POOL_MAX_JOBS ||
         (p->in_flight > KITH_POOL_MAX_BYTES && p->queue.length > 1)) {
    submit(p);
    job *head = g_queue_peek_head(&p->queue);
    g_mutex_lock(&p->lock);
    while (!head->done)
      g_cond_wait(&p->cond, &p->lock);
    g_mutex_unlock(&p->lock);
    deliver_ready(p, FALSE);
  }
  return !p->stopped;
}

gboolean kith_pool_push_bytes(kith_pool *p, GByteArray *block, gsize offset, gsize len, char *where)
{
  job *j = g_new0(job, 1);
  j->owner = -1;
  j->kind = JOB_BYTES;
  j->bytes = g_byte_array_ref(block);
  j->offset = offset;
  j->len = len;
  j->where = where;
  j->cost = len;
  return push(p, j);
}

gboolean kith_pool_push_file(kith_pool *p, char *path)
{
  job *j = g_new0(job, 1);
  j->owner = -1;
  j->kind = JOB_FILE;
  j->where = path;
  j->cost = FILE_COST;
  return push(p, j);
}

gboolean kith_pool_push_error(kith_pool *p, char *where, const char *why)
{
  job *j = g_new0(job, 1);
  j->owner = -1;
  j->kind = JOB_ERROR;
  j->where = where;
  j->why = g_strdup(why);
  return push(p, j);
}

gboolean kith_pool_push_call(kith_pool *p, void (*fn)(gpointer data), gpointer data,
                             GDestroyNotify free_data)
{
  job *j = g_new0(job, 1);
  j->owner = -1;
  j->kind = JOB_CALL;
  j->fn = fn;
  j->data = data;
  j->free_data = free_data;
  return push(p, j);
}

guint kith_pool_unfreed(kith_pool *p)
{
  guint n = p->done_jobs ? p->done_jobs->len : 0;
  g_mutex_lock(&p->lock);
  for (guint i = 0; i < p->n_threads; i++)
    n += p->returns[i]->len;
  g_mutex_unlock(&p->lock);
  return n;
}

gboolean kith_pool_drain(kith_pool *p)
{
  deliver_ready(p, TRUE);
  return !p->stopped;
}

void kith_pool_free(kith_pool *p)
{
  if (!p)
    return;
  deliver_ready(p, TRUE); /* once stopped, this only waits and frees */
  if (p->threads)
    g_thread_pool_free(p->threads, FALSE, TRUE);
  /* The workers have ended: what they had not yet freed is freed here. */
  return_jobs(p);
  for (guint i = 0; i < p->n_threads; i++) {
    g_ptr_array_set_free_func(p->returns[i], (GDestroyNotify)job_free);
    g_ptr_array_unref(p->returns[i]);
  }
  g_free(p->returns);
  if (p->done_jobs)
    g_ptr_array_unref(p->done_jobs);
  if (p->batch)
    g_ptr_array_unref(p->batch);
  g_mutex_clear(&p->lock);
  g_cond_clear(&p->cond);
  g_free(p);
}
