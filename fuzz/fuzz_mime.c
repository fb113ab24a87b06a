/* fuzz_mime.c - fuzz target: bytes as an RFC 5322 message through kith's email
 * capture (bounds, then GMime), then the sender's name and signature as the
 * rules read them. */
#include "capture/mime.h"
#include "extract/name.h"
#include "extract/signature.h"
#include "small_stack.h"

#include <stdint.h>
#include <string.h>

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
    g_autoptr(kith_signature)
        sig = kith_signature_extract(a->sender_text, from->email, first, last);
    seen += (sig->title ? strlen(sig->title) : 0) + (sig->phone ? strlen(sig->phone) : 0);
  }
}

/* The mbox reader's and IMAP's question: is the body of this sender's mail
 * wanted? Answered from the domain alone, so that one input always takes
 * the same path and both paths are fuzzed. */
static gboolean body_wanted(const char *domain, gpointer user_data)
{
  return strlen(domain) % 2 == 0;
}

/* The bounds scan fed the message whole and in pieces of PIECE bytes must
 * say the same (mime.h: "fed the message in pieces of any size"). */
static void check_scan_pieces(const uint8_t *data, size_t size, gsize piece)
{
  g_autoptr(kith_mime_scan) whole = kith_mime_scan_new();
  g_autoptr(kith_mime_scan) parts = kith_mime_scan_new();
  kith_mime_scan_feed(whole, data, size);
  for (gsize i = 0; i < size; i += piece)
    kith_mime_scan_feed(parts, data + i, MIN(piece, size - i));
  g_autofree char *why_whole = NULL, *why_parts = NULL;
  gboolean ok_whole = kith_mime_scan_finish(whole, &why_whole);
  gboolean ok_parts = kith_mime_scan_finish(parts, &why_parts);
  if (ok_whole != ok_parts || g_strcmp0(why_whole, why_parts) != 0 ||
      g_strcmp0(kith_mime_scan_warning(whole), kith_mime_scan_warning(parts)) != 0 ||
      kith_mime_scan_headers_only(whole) != kith_mime_scan_headers_only(parts))
    __builtin_trap();
  if (!ok_whole)
    return;
  g_autoptr(GByteArray) cut_whole = kith_mime_scan_apply(whole, data, size);
  g_autoptr(GByteArray) cut_parts = kith_mime_scan_apply(parts, data, size);
  if (!cut_whole != !cut_parts)
    __builtin_trap();
  if (cut_whole && (cut_whole->len != cut_parts->len || cut_whole->len > size ||
                    memcmp(cut_whole->data, cut_parts->data, cut_whole->len) != 0))
    __builtin_trap();
}

/* The bytes as kith reads a message of an mbox or an IMAP folder: the
 * bounds (mimebound.c), then GMime with the headers kith keeps. GMime is
 * never given the bytes directly: what it cannot take safely (groups
 * nested deep) is kith's to keep from it. */
static int one_input(const uint8_t *data, size_t size)
{
  kith_mime_init();
  g_autofree char *why = NULL;
  g_autoptr(kith_activity)
      a = kith_mime_parse_bytes(data, size, "fuzz.eml", body_wanted, NULL, &why);
  if (a) {
    for (guint i = 0; i < a->participants->len; i++) {
      const kith_participant *p = g_ptr_array_index(a->participants, i);
      /* R1: normalised addresses, with the domain inside the address. */
      if (!p->email || !p->domain || p->domain < p->email ||
          p->domain > p->email + strlen(p->email))
        __builtin_trap();
    }
    if (a->sender_text && strlen(a->sender_text) > KITH_MIME_TEXT_MAX)
      __builtin_trap();
    read_sender(a);
  } else if (!why) {
    __builtin_trap(); /* a message not read says why */
  }
  /* The first byte picks the piece size: 1 to 64 bytes, as a stream reads. */
  if (size > 0)
    check_scan_pieces(data, size, 1 + data[0] % 64);
  return 0;
}

/* On a small stack (small_stack.h): deep recursion shows at small sizes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_on_small_stack(one_input, data, size);
}
