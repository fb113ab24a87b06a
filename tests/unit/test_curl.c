/* test_curl.c - util/curl.c, the one libcurl setup, against an HTTP server on
 * loopback run here: the body cap, the user agent, the error line. */
#include "util/curl.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
  GSocketListener *listener;
  guint16 port;
  gsize reply_len; /* bytes of body the server sends */
  char *request;   /* what it received, for the test to read */
  GThread *thread;
} server;

/* Answers one request with REPLY_LEN bytes of 'x', keeping the request. */
static gpointer serve_one(gpointer data)
{
  server *s = data;
  g_autoptr(GSocketConnection) conn = g_socket_listener_accept(s->listener, NULL, NULL, NULL);
  if (!conn)
    return NULL;
  GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
  GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  GString *req = g_string_new(NULL);
  char buf[4096];
  while (!strstr(req->str, "\r\n\r\n")) {
    gssize n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL);
    if (n <= 0)
      break;
    g_string_append_len(req, buf, n);
  }
  s->request = g_string_free(req, FALSE);
  g_autofree char *head = g_strdup_printf(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %" G_GSIZE_FORMAT
      "\r\nConnection: close\r\n\r\n",
      s->reply_len);
  g_output_stream_write_all(out, head, strlen(head), NULL, NULL, NULL);
  g_autofree char *body = g_malloc(s->reply_len);
  memset(body, 'x', s->reply_len);
  g_output_stream_write_all(out, body, s->reply_len, NULL, NULL, NULL);
  g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
  return NULL;
}

static server *server_start(gsize reply_len)
{
  server *s = g_new0(server, 1);
  s->listener = g_socket_listener_new();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_assert_true(g_socket_listener_add_address(s->listener, addr, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  s->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  s->reply_len = reply_len;
  s->thread = g_thread_new("server", serve_one, s);
  return s;
}

static void server_stop(server *s)
{
  g_socket_listener_close(s->listener);
  g_thread_join(s->thread);
  g_object_unref(s->listener);
  g_free(s->request);
  g_free(s);
}

static const kith_curl_setup SETUP = {
    .protocols = "http,https", .tls_verify = TRUE, .connect_timeout_s = 5, .timeout_s = 10};

static CURLcode get(guint16 port, GByteArray *body, gsize max, char **why)
{
  CURL *h = kith_curl_new(&SETUP);
  g_autofree char *url = g_strdup_printf("http://127.0.0.1:%u/x", port);
  curl_easy_setopt(h, CURLOPT_URL, url);
  CURLcode rc = kith_curl_perform(why, h, body, max);
  curl_easy_cleanup(h);
  return rc;
}

static void test_curl_body_within_cap(void)
{
  server *s = server_start(1000);
  g_autoptr(GByteArray) body = g_byte_array_new();
  g_autofree char *why = NULL;
  g_assert_cmpint(get(s->port, body, 1000, &why), ==, CURLE_OK);
  g_assert_null(why);
  g_assert_cmpuint(body->len, ==, 1000);
  g_assert_cmpint(body->data[body->len], ==, '\0'); /* NUL-terminated beyond its length */
  g_assert_nonnull(strstr(s->request, "User-Agent: kith/" KITH_VERSION_STRING "\r\n"));
  server_stop(s);
}

static void test_curl_body_over_cap_fails(void)
{
  server *s = server_start(100000);
  g_autoptr(GByteArray) body = g_byte_array_new();
  g_autofree char *why = NULL;
  g_assert_cmpint(get(s->port, body, 4096, &why), ==, CURLE_WRITE_ERROR);
  g_assert_cmpstr(why, ==, "a reply over 4096 bytes");
  g_assert_cmpuint(body->len, <=, 4096);
  server_stop(s);
}

static void test_curl_refused_connection_one_line(void)
{
  /* A port nothing listens on: bound for a moment, then let go. */
  g_autoptr(GSocket)
      sock = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, 0);
  g_assert_true(g_socket_bind(sock, addr, FALSE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address(sock, NULL);
  guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_socket_close(sock, NULL);
  g_autofree char *why = NULL;
  g_assert_cmpint(get(port, NULL, 0, &why), ==, CURLE_COULDNT_CONNECT);
  g_assert_nonnull(why);
  g_assert_cmpuint(strlen(why), >, 0);
  g_assert_null(strchr(why, '\n'));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/curl/body_within_cap", test_curl_body_within_cap);
  g_test_add_func("/curl/body_over_cap_fails", test_curl_body_over_cap_fails);
  g_test_add_func("/curl/refused_connection_one_line", test_curl_refused_connection_one_line);
  return g_test_run();
}
