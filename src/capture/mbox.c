/* mbox.c - an mbox file split into its messages, read in blocks. */
#include "capture/mbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define MAX_MBOX_MESSAGE (512u * 1024 * 1024) /* one message inside an mbox */

/* A From_ line: "From " at the start of a line, a sender word, then a date
 * with a time and a year ("From MAILER-DAEMON Mon Jan  5 09:00:00 2026").
 * kith splits mboxes itself on such lines rather than trusting a parser's
 * scan: body text that starts a line with "From " is no separator. */
static gboolean is_from_line(const char *line, gsize len)
{
  if (len < 6 || memcmp(line, "From ", 5) != 0 || line[5] == ' ' || line[5] == '\n')
    return FALSE;
  gboolean colon = FALSE, year = FALSE;
  for (gsize i = 5, run = 0; i < len; i++) {
    char c = line[i];
    colon = colon || c == ':';
    run = g_ascii_isdigit(c) ? run + 1 : 0;
    if (run == 4 && (i + 1 >= len || !g_ascii_isdigit(line[i + 1])))
      year = year || (line[i - 3] == '1' || line[i - 3] == '2');
  }
  return colon && year;
}

typedef struct {
  const char *path;
  kith_mbox_message_fn on_message;
  kith_mbox_error_fn on_error;
  gpointer data;
  GByteArray *block; /* the bytes read; messages are handed on as ranges of it */
  gboolean shared;   /* a range of BLOCK was handed on: it is not changed again */
  gsize msg_start;   /* where the message being gathered starts in BLOCK */
  guint64 lineno, start_line;
  gboolean in_message, too_big, go, not_mbox;
} splitter;

/* The message gathered so far ends at END of the block: hand it on. */
static void split_flush(splitter *sp, gsize end)
{
  char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, sp->path, sp->start_line);
  if (sp->too_big) {
    sp->go = sp->on_error(where, "message larger than 512 MiB, skipped", sp->data);
  } else {
    sp->go = sp->on_message(sp->block, sp->msg_start, end - sp->msg_start, where, sp->data);
    sp->shared = TRUE;
  }
}

/* The LEN bytes at OFFSET of the block (with their line break, if any)
 * start a line when START. */
static void split_line(splitter *sp, gsize offset, gsize len, gboolean start)
{
  const char *line = (const char *)sp->block->data + offset;
  if (start) {
    sp->lineno++;
    if (is_from_line(line, len)) {
      if (sp->in_message)
        split_flush(sp, offset);
      sp->in_message = TRUE;
      sp->too_big = FALSE;
      sp->start_line = sp->lineno;
      sp->msg_start = offset + len;
      return;
    }
    if (!sp->in_message) {
      if (sp->lineno == 1) {
        sp->on_error(g_strdup(sp->path), "not an mbox file (no From_ line)", sp->data);
        sp->not_mbox = TRUE;
      }
      return;
    }
  }
  if (sp->in_message && !sp->too_big && offset + len - sp->msg_start > MAX_MBOX_MESSAGE)
    sp->too_big = TRUE;
}

#define SPLIT_BLOCK (256u * 1024)
#define SPLIT_LINE_MAX (4u * 1024 * 1024) /* a longer line outside a message passes in pieces */

/* Makes room to read more: the bytes from FROM on stay, at the start of a
 * block with at least SPLIT_BLOCK free. A block a message was handed on
 * from is left as it is and a new one made. */
static void split_refill(splitter *sp, gsize from, gsize *pos)
{
  GByteArray *b = sp->block;
  gsize keep = b->len - from;
  gsize cap = MAX(2 * SPLIT_BLOCK, 2 * keep);
  if (sp->shared) {
    GByteArray *n = g_byte_array_sized_new((guint)cap);
    g_byte_array_append(n, b->data + from, (guint)keep);
    g_byte_array_unref(b);
    sp->block = n;
    sp->shared = FALSE;
  } else {
    memmove(b->data, b->data + from, keep);
    g_byte_array_set_size(b, (guint)keep);
  }
  sp->msg_start -= MIN(sp->msg_start, from);
  *pos -= from;
}

gboolean kith_mbox_split(const char *path, kith_mbox_message_fn on_message,
                         kith_mbox_error_fn on_error, gpointer data)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    on_error(g_strdup(path), g_strerror(errno), data);
    return TRUE;
  }
  splitter sp = {.path = path,
                 .on_message = on_message,
                 .on_error = on_error,
                 .data = data,
                 .block = g_byte_array_sized_new(2 * SPLIT_BLOCK),
                 .go = TRUE};
  /* Read in blocks and cut lines with memchr; a message is handed on as a
   * range of the block it lies in, not copied. */
  gsize pos = 0;                         /* the first byte not yet cut into lines */
  gboolean eof = FALSE, at_start = TRUE; /* the next byte starts a line */
  int read_errno = 0;
  while (sp.go && !sp.not_mbox) {
    GByteArray *b = sp.block;
    const guint8 *nl = pos < b->len ? memchr(b->data + pos, '\n', b->len - pos) : NULL;
    if (nl) {
      gsize n = (gsize)(nl - (b->data + pos)) + 1;
      split_line(&sp, pos, n, at_start);
      at_start = TRUE;
      pos += n;
      continue;
    }
    if (eof) {
      if (pos < b->len)
        split_line(&sp, pos, b->len - pos, at_start);
      break;
    }
    /* No whole line left. What must stay: the message being gathered, or
     * else the start of the line (a message too big, or text before the
     * first From_ line, keeps only that, and a line longer than
     * SPLIT_LINE_MAX passes there in pieces). */
    gboolean gathering = sp.in_message && !sp.too_big;
    if (gathering && b->len - sp.msg_start > MAX_MBOX_MESSAGE) {
      sp.too_big = TRUE;
      gathering = FALSE;
    }
    if (!gathering && b->len - pos >= SPLIT_LINE_MAX) {
      split_line(&sp, pos, b->len - pos, at_start);
      at_start = FALSE;
      pos = b->len;
    }
    split_refill(&sp, gathering ? sp.msg_start : pos, &pos);
    b = sp.block;
    gsize old = b->len;
    g_byte_array_set_size(b, (guint)(old + SPLIT_BLOCK));
    ssize_t got = read(fd, b->data + old, SPLIT_BLOCK);
    g_byte_array_set_size(b, (guint)(old + (got > 0 ? (gsize)got : 0)));
    if (got < 0) {
      if (errno == EINTR)
        continue;
      read_errno = errno;
      eof = TRUE;
    } else if (got == 0) {
      eof = TRUE;
    }
  }
  if (sp.go && sp.in_message && !sp.not_mbox)
    split_flush(&sp, sp.block->len);
  if (sp.go && read_errno)
    sp.go = on_error(g_strdup(path), g_strerror(read_errno), data);
  g_byte_array_unref(sp.block);
  close(fd);
  return sp.go;
}
