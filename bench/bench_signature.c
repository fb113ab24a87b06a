/* bench_signature.c - what signature extraction adds to capture time: the
 * same mailbox captured twice in one run, once handing each email's sender
 * text to kith_signature_extract and once not. Usage: bench_signature MBOX */
#include "capture/capture.h"
#include "extract/signature.h"

#include <stdio.h>
#include <time.h>

typedef struct {
  gboolean extract;
  guint messages, titles, phones;
  gint64 extract_ns; /* CPU time spent in kith_signature_extract */
} counts;

/* The calling thread's CPU time: capture may parse in other threads, so
 * the wall clock alone can hide what extraction costs. */
static gint64 thread_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gboolean on_activity(kith_activity *a, gpointer data)
{
  counts *c = data;
  c->messages++;
  if (c->extract && a->kind == KITH_ACTIVITY_EMAIL && a->sender_text && a->participants->len) {
    const kith_participant *from = g_ptr_array_index(a->participants, 0);
    gint64 t0 = thread_ns();
    g_autoptr(kith_signature) sig = kith_signature_extract(a->sender_text, from->email, NULL, NULL);
    c->extract_ns += thread_ns() - t0;
    c->titles += sig->title != NULL;
    c->phones += sig->phone != NULL;
  }
  return TRUE;
}

static double run(const char *path, gboolean extract, counts *c)
{
  *c = (counts){.extract = extract};
  const char *paths[] = {path, NULL};
  kith_capture_sink sink = {on_activity, NULL, c, NULL, NULL};
  kith_capture_stats st = {0};
  gint64 t0 = g_get_monotonic_time();
  kith_capture_paths(paths, &sink, &st);
  return (g_get_monotonic_time() - t0) / 1e6;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: bench_signature MBOX\n");
    return 2;
  }
  counts a, b;
  run(argv[1], TRUE, &a); /* warm the page cache and the tables */
  double best_without = 1e9, best_with = 1e9, best_cpu = 1e9;
  for (int i = 0; i < 3; i++) {
    best_without = MIN(best_without, run(argv[1], FALSE, &a));
    best_with = MIN(best_with, run(argv[1], TRUE, &b));
    best_cpu = MIN(best_cpu, b.extract_ns / 1e3 / MAX(b.messages, 1));
  }
  printf("capture only:           %.3f s  (%u messages, %.0f msg/s)\n", best_without, a.messages,
         a.messages / best_without);
  printf("capture + signatures:   %.3f s  (%u titles, %u phones found)\n", best_with, b.titles,
         b.phones);
  double added = (best_with - best_without) / best_without * 100;
  printf("signature extraction adds %.1f%% to capture time (%.1f us a message; target < 25%%: %s)\n",
         added, (best_with - best_without) / b.messages * 1e6, added < 25 ? "met" : "NOT met");
  printf("kith_signature_extract itself: %.1f us of CPU a message (%.1f%% of capture-only time)\n",
         best_cpu, best_cpu * a.messages / 1e6 / best_without * 100);
  return 0;
}
