/* gmime_floor.c - the library floor for kith's capture benchmark: GMime parses an mbox and reads From/To/Cc. */
/*
 * Build (bench_capture.sh does it): cc -O2 -o gmime_floor gmime_floor.c $(pkg-config --cflags --libs gmime-3.0)
 * Run:   gmime_floor FILE.mbox   -> prints "messages addresses" to stdout
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

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.mbox\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  g_mime_init();
  GMimeStream *stream = g_mime_stream_fs_new(fd);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
  g_mime_parser_set_respect_content_length(parser, FALSE);
  guint64 messages = 0, addresses = 0;
  while (!g_mime_parser_eos(parser)) {
    GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
    if (!m)
      break;
    messages++;
    addresses += count_addresses(g_mime_message_get_from(m));
    addresses += count_addresses(g_mime_message_get_to(m));
    addresses += count_addresses(g_mime_message_get_cc(m));
    g_object_unref(m);
  }
  g_object_unref(parser);
  g_object_unref(stream);
  g_mime_shutdown();
  printf("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", messages, addresses);
  return 0;
}
