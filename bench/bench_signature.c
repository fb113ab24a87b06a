/* bench_signature.c - what signature extraction adds to capture time: the
 * same mailbox captured twice in one run, once reading each email's
 * signature and once not. Usage: bench_signature MBOX [INTERNAL_DOMAIN]
 *
 * With INTERNAL_DOMAIN (bench/kith.conf's is corp.example) signatures are
 * read as kith ingest reads them: not from automatic mail and not from
 * senders in the org's own domain, whose signatures are never kept.
 * Without it, from every sender: the dearer case.
 *
 * The signature is read where kith ingest reads it: in the capture's
 * prepare step, on the worker threads that parse the mail. Both the wall
 * time and the process's CPU time are compared, since with the parsing
 * spread over threads the wall clock alone can hide a cost. */
#include "capture/capture.h"
#include "extract/signature.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
  gboolean extract;
  const char *internal; /* "@DOMAIN", or NULL */
  guint messages, titles, phones;
  gint64 extract_ns; /* CPU time in kith_signature_extract, over all threads (atomic) */
} counts;

static gint64 thread_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double process_cpu(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* On a worker thread: the sender's signature, as kith ingest reads it. */
static void prepare(kith_activity *a, gpointer data)
{
  counts *c = data;
  if (!c->extract || a->kind != KITH_ACTIVITY_EMAIL || !a->sender_text || !a->participants->len)
    return;
  const kith_participant *from = g_ptr_array_index(a->participants, 0);
  if (c->internal && (a->automatic || g_str_has_suffix(from->email, c->internal)))
    return;
  gint64 t0 = thread_ns();
  a->prepared = kith_signature_extract(a->sender_text, from->email, NULL, NULL);
  a->prepared_free = (GDestroyNotify)kith_signature_free;
  g_atomic_pointer_add(&c->extract_ns, thread_ns() - t0);
}

static gboolean on_activity(kith_activity *a, gpointer data)
{
  counts *c = data;
  c->messages++;
  const kith_signature *sig = a->prepared;
  if (sig) {
    c->titles += sig->title != NULL;
    c->phones += sig->phone != NULL;
  }
  return TRUE;
}

static const char *internal;

static double run(const char *path, gboolean extract, counts *c, double *cpu)
{
  *c = (counts){.extract = extract, .internal = internal};
  const char *paths[] = {path, NULL};
  kith_capture_sink sink = {.on_activity = on_activity, .user_data = c, .prepare = prepare};
  kith_capture_stats st = {0};
  double cpu0 = process_cpu();
  gint64 t0 = g_get_monotonic_time();
  kith_capture_paths(paths, &sink, &st);
  *cpu = process_cpu() - cpu0;
  return (g_get_monotonic_time() - t0) / 1e6;
}

int main(int argc, char **argv)
{
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: bench_signature MBOX [INTERNAL_DOMAIN]\n");
    return 2;
  }
  g_autofree char *at = argc == 3 ? g_strconcat("@", argv[2], NULL) : NULL;
  internal = at;
  printf("signatures read from %s\n",
         internal ? "outside senders of non-automatic mail, as kith ingest reads them"
                  : "every sender");
  counts a, b;
  double cpu = 0;
  run(argv[1], TRUE, &a, &cpu); /* warm the page cache and the tables */
  double wall_without = 1e9, wall_with = 1e9, cpu_without = 1e9, cpu_with = 1e9, per_call = 1e9;
  for (int i = 0; i < 5; i++) {
    wall_without = MIN(wall_without, run(argv[1], FALSE, &a, &cpu));
    cpu_without = MIN(cpu_without, cpu);
    wall_with = MIN(wall_with, run(argv[1], TRUE, &b, &cpu));
    cpu_with = MIN(cpu_with, cpu);
    per_call = MIN(per_call, b.extract_ns / 1e3 / MAX(b.messages, 1));
  }
  printf("capture only:           %.3f s wall, %.3f s CPU  (%u messages, %.0f msg/s)\n",
         wall_without, cpu_without, a.messages, a.messages / wall_without);
  printf("capture + signatures:   %.3f s wall, %.3f s CPU  (%u titles, %u phones found)\n",
         wall_with, cpu_with, b.titles, b.phones);
  double added = (wall_with - wall_without) / wall_without * 100;
  double added_cpu = (cpu_with - cpu_without) / cpu_without * 100;
  printf(
      "signature extraction adds %.1f%% to capture time (%.1f us a message; target < 25%%: %s)\n",
      added, (wall_with - wall_without) / b.messages * 1e6, added < 25 ? "met" : "NOT met");
  printf("                     and %.1f%% to capture CPU time (target < 25%%: %s)\n", added_cpu,
         added_cpu < 25 ? "met" : "NOT met");
  printf("kith_signature_extract itself: %.1f us of CPU a message captured\n", per_call);
  return 0;
}
