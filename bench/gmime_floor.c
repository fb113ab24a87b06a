/* gmime_floor.c - the library floor for kith's capture benchmark: GMime parses an mbox and reads From/To/Cc. */
/*
 * Build (bench_capture.sh does it): cc -O2 -o gmime_floor gmime_floor.c $(pkg-config --cflags --libs gmime-3.0)
 * Run:   gmime_floor [--bodies] FILE.mbox   -> prints "messages addresses" to stdout
 *
 * With --bodies it also decodes each message's text body to UTF-8 (its
 * first text/plain part, else its first text/html part), as a reader that
 * looks at what people wrote must: kith reads the sender's text for
 * signatures and quoted headers, so this is the floor its whole ingest is
 * compared with.
 *
 * It does the least work any GMime-based reader must do: parse each message
 * of the mbox (headers and MIME structure, as g_mime_parser_construct_message
 * always does) and walk the From, To and Cc address lists. It stores nothing,
 * so its time and memory are what kith's capture cannot go below while it
 * uses GMime.
 */
#include <gmime/gmime.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static guint64 count_addresses(InternetAddressList *list)
{
  guint64 n = 0;
  if (!list)
    return 0;
  int len = internet_address_list_length(list);
  for (int i = 0; i < len; i++) {
    InternetAddress *a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      (void)internet_address_get_name(a); /* decoded like kith decodes it */
      n += addr && *addr;
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      n += count_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
    }
  }
  return n;
}

typedef struct {
  GMimeTextPart *plain, *html;
} text_parts;

static void find_text(GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
  (void)parent;
  text_parts *t = user_data;
  if (!GMIME_IS_TEXT_PART(part))
    return;
  if (!t->plain &&
      g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "plain"))
    t->plain = GMIME_TEXT_PART(part);
  else if (!t->html &&
           g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "html"))
    t->html = GMIME_TEXT_PART(part);
}

/* The message's text body decoded to UTF-8: its length, so that nothing
 * is optimised away. */
static guint64 body_length(GMimeMessage *m)
{
  text_parts t = {NULL, NULL};
  g_mime_message_foreach(m, find_text, &t);
  GMimeTextPart *part = t.plain ? t.plain : t.html;
  if (!part)
    return 0;
  char *text = g_mime_text_part_get_text(part);
  guint64 n = text ? strlen(text) : 0;
  g_free(text);
  return n;
}

int main(int argc, char **argv)
{
  gboolean bodies = argc == 3 && strcmp(argv[1], "--bodies") == 0;
  if (argc != 2 && !bodies) {
    fprintf(stderr, "usage: %s [--bodies] FILE.mbox\n", argv[0]);
    return 2;
  }
  const char *path = argv[argc - 1];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  g_mime_init();
  GMimeStream *stream = g_mime_stream_fs_new(fd);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
  g_mime_parser_set_respect_content_length(parser, FALSE);
  guint64 messages = 0, addresses = 0, text = 0;
  while (!g_mime_parser_eos(parser)) {
    GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
    if (!m)
      break;
    messages++;
    addresses += count_addresses(g_mime_message_get_from(m));
    addresses += count_addresses(g_mime_message_get_to(m));
    addresses += count_addresses(g_mime_message_get_cc(m));
    if (bodies)
      text += body_length(m);
    g_object_unref(m);
  }
  g_object_unref(parser);
  g_object_unref(stream);
  g_mime_shutdown();
  printf("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", messages, addresses,
         text);
  return 0;
}
