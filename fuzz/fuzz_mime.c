/* fuzz_mime.c - fuzz target: bytes as an RFC 5322 message through GMime and kith's
 * email capture, then the sender's name and signature as the rules read them. */
#include "capture/mime.h"
#include "extract/name.h"
#include "extract/signature.h"
#include "small_stack.h"

#include <stdint.h>
#include <string.h>

/* GMime 3.2 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  kith_mime_init();
  return 0;
}

/* Read from what kith made, so that a bad pointer shows in the target. */
static volatile size_t seen;

/* What the rules do with a captured email's sender (R4, R5). */
static void read_sender(const kith_activity *a)
{
  const kith_participant *from = NULL;
  for (guint i = 0; i < a->participants->len && !from; i++) {
    const kith_participant *p = g_ptr_array_index(a->participants, i);
    if (p->role == KITH_PART_FROM)
      from = p;
  }
  if (!from)
    return;
  g_autofree char *first = NULL, *last = NULL;
  kith_name_parse(from->name, from->email, &first, &last);
  if (a->sender_text) {
    g_autoptr(kith_signature) sig = kith_signature_extract(a->sender_text, from->email, first, last);
    seen += (sig->title ? strlen(sig->title) : 0) + (sig->phone ? strlen(sig->phone) : 0);
  }
}

static int one_input(const uint8_t *data, size_t size)
{
  kith_mime_init();
  /* The mem stream copies the bytes, as a file stream would read them. */
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new_with_buffer((const char *)data, size);
  g_autoptr(GMimeParser) parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  g_autoptr(GMimeMessage) m = g_mime_parser_construct_message(parser, kith_mime_parser_options());
  if (!m)
    return 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_activity) a = kith_mime_activity_from_message(m, "fuzz.eml", &error);
  if (a) {
    for (guint i = 0; i < a->participants->len; i++) {
      const kith_participant *p = g_ptr_array_index(a->participants, i);
      /* R1: normalised addresses, with the domain inside the address. */
      if (!p->email || !p->domain || p->domain < p->email || p->domain > p->email + strlen(p->email))
        __builtin_trap();
    }
    read_sender(a);
  }
  /* Also directly: the sender text of whatever GMime made of it. */
  g_autofree char *text = kith_mime_sender_text(m);
  if (text && strlen(text) > KITH_MIME_TEXT_MAX)
    __builtin_trap();
  return 0;
}

/* On a small stack (small_stack.h): deep recursion shows at small sizes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_on_small_stack(one_input, data, size);
}
