/* fuzz_ical.c - fuzz target: iCalendar text through kith_ical_read_buffer. */
#include "capture/ical.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean on_activity(kith_activity *a, gpointer user_data)
{
  /* Touch what the rules read, so that a bad pointer shows here. */
  guint *n = user_data;
  for (guint i = 0; i < a->participants->len; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    *n += (guint)strlen(p->email) + (p->name ? (guint)strlen(p->name) : 0);
  }
  *n += (guint)strlen(a->id) + (guint)strlen(a->subject);
  return TRUE;
}

static void on_error(const char *where, const char *why, gpointer user_data)
{
  (void)where;
  (void)why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  guint n = 0;
  kith_capture_sink sink = {.on_activity = on_activity, .on_error = on_error, .user_data = &n};
  kith_ical_read_buffer((const char *)data, size, "fuzz.ics", &sink);
  return 0;
}
