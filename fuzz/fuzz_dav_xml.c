/* fuzz_dav_xml.c - fuzz target: bytes as the body of a WebDAV 207 reply, read as a
 * multistatus and used as caldav.c uses it (hrefs resolved, tokens and hrefs escaped).
 *
 * caldav.c's URL helpers are static; this target takes the same GLib steps
 * (g_uri_resolve_relative, g_uri_parse) on what the reader returns. The
 * calendar data inside is fuzz_ical's part. */
#include "capture/caldav.h"
#include "small_stack.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string made is read once, so that a bad one shows here. */
static volatile size_t seen;

static void use(const char *s)
{
  if (s)
    seen += strlen(s);
}

/* The URL of the calendar a reply is about, as a source would configure it. */
static const char BASE[] = "https://cal.example.com/dav/calendars/ann/work/";

/* caldav.c resolve() and url_path(): the state key of an href. */
static void use_href(const char *href)
{
  g_autofree char *abs = g_uri_resolve_relative(BASE, href, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) u = g_uri_parse(abs ? abs : href, G_URI_FLAGS_ENCODED, NULL);
  use(u ? g_uri_get_path(u) : NULL);
  /* multiget puts the href back into a request body. */
  g_autofree char *esc = kith_dav_xml_escape(href);
  if (strchr(esc, '<') || strchr(esc, '>') || strchr(esc, '"'))
    __builtin_trap();
}

static int one_input(const uint8_t *data, size_t size)
{
  /* kith_dav_reply bodies are passed with their length; libFuzzer's buffer
   * ends right there, so a read past it shows. */
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_dav_multistatus) ms = kith_dav_multistatus_parse((const char *)data, size, &error);
  if (!ms) {
    if (!error || !error->message)
      __builtin_trap();
    return 0;
  }
  if (ms->sync_token) {
    g_autofree char *esc = kith_dav_xml_escape(ms->sync_token);
    use(esc);
  }
  for (guint i = 0; i < ms->responses->len; i++) {
    const kith_dav_response *r = g_ptr_array_index(ms->responses, i);
    /* Responses without an href are dropped by the reader. */
    if (!r->href || !r->href[0])
      __builtin_trap();
    use_href(r->href);
    if (r->principal)
      use_href(r->principal);
    if (r->home)
      use_href(r->home);
    use(r->etag);
    use(r->calendar_data);
    use(r->displayname);
    use(r->sync_token);
    seen += (size_t)r->status + r->collection + r->calendar + r->events;
  }
  return 0;
}

/* On a small stack (small_stack.h): deep recursion shows at small sizes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_on_small_stack(one_input, data, size);
}
