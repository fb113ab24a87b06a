/* test_caldav_parse.c - WebDAV multistatus replies as CalDAV servers write them, read. */
#include "capture/caldav.h"
#include "util/error.h"

#include <glib/gstdio.h>
#include <string.h>

static kith_dav_multistatus *parse(const char *xml)
{
  g_autoptr(GError) error = NULL;
  kith_dav_multistatus *ms = kith_dav_multistatus_parse(xml, strlen(xml), &error);
  g_assert_no_error(error);
  g_assert_nonnull(ms);
  return ms;
}

static const kith_dav_response *nth(const kith_dav_multistatus *ms, guint i)
{
  g_assert_cmpuint(i, <, ms->responses->len);
  return g_ptr_array_index(ms->responses, i);
}

/* RFC 6578: changed members with their ETag, a removed one as 404, the new token. */
static void test_caldav_sync_collection_reply(void)
{
  g_autoptr(kith_dav_multistatus) ms = parse(
      "<?xml version='1.0' encoding='utf-8'?>\n"
      "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
      "<sync-token>http://example.org/ns/sync/42</sync-token>"
      "<response><href>/ann/work/a.ics</href><propstat><prop><getetag>\"e1\"</getetag></prop>"
      "<status>HTTP/1.1 200 OK</status></propstat></response>"
      "<response><href>/ann/work/gone.ics</href><status>HTTP/1.1 404 Not Found</status></response>"
      "</multistatus>");
  g_assert_cmpstr(ms->sync_token, ==, "http://example.org/ns/sync/42");
  g_assert_cmpuint(ms->responses->len, ==, 2);
  g_assert_cmpstr(nth(ms, 0)->href, ==, "/ann/work/a.ics");
  g_assert_cmpint(nth(ms, 0)->status, ==, 200);
  g_assert_cmpstr(nth(ms, 0)->etag, ==, "\"e1\"");
  g_assert_cmpint(nth(ms, 1)->status, ==, 404);
  g_assert_null(nth(ms, 1)->etag);
}

/* Other prefixes, entities and CDATA in calendar-data, properties in a 404 propstat ignored. */
static void test_caldav_multiget_reply_prefixes_and_entities(void)
{
  g_autoptr(kith_dav_multistatus) ms = parse(
      "<d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">"
      "<d:response><d:href>/c/1.ics</d:href>"
      "<d:propstat><d:prop><d:getetag> \"x\" </d:getetag>"
      "<cal:calendar-data>BEGIN:VCALENDAR\r\nSUMMARY:Q&amp;A &lt;1&gt;\r\nEND:VCALENDAR\r\n"
      "</cal:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
      "<d:propstat><d:prop><d:displayname>ignored</d:displayname></d:prop>"
      "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>"
      "<d:response><d:href>/c/2.ics</d:href><d:propstat><d:prop>"
      "<cal:calendar-data><![CDATA[BEGIN:VCALENDAR\r\nX:<b>\r\nEND:VCALENDAR\r\n]]></"
      "cal:calendar-data>"
      "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
      "</d:multistatus>");
  g_assert_cmpuint(ms->responses->len, ==, 2);
  g_assert_cmpstr(nth(ms, 0)->etag, ==, "\"x\"");
  /* XML makes every CRLF a LF (XML 1.0 section 2.11); libical reads either */
  g_assert_cmpstr(nth(ms, 0)->calendar_data, ==,
                  "BEGIN:VCALENDAR\nSUMMARY:Q&A <1>\nEND:VCALENDAR\n");
  g_assert_null(nth(ms, 0)->displayname);
  g_assert_nonnull(strstr(nth(ms, 1)->calendar_data, "X:<b>"));
  g_assert_null(ms->sync_token);
}

/* Discovery: the principal, the calendar home, which collections hold events. */
static void test_caldav_discovery_properties(void)
{
  g_autoptr(kith_dav_multistatus) ms = parse(
      "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
      "<response><href>/ann/</href><propstat><prop>"
      "<current-user-principal><href>/principals/ann/</href></current-user-principal>"
      "<C:calendar-home-set><href>/cal/ann/</href></C:calendar-home-set>"
      "<resourcetype><collection/><principal/></resourcetype></prop>"
      "<status>HTTP/1.1 200 OK</status></propstat></response>"
      "<response><href>/cal/ann/work/</href><propstat><prop>"
      "<resourcetype><collection/><C:calendar/></resourcetype><displayname>Work</displayname>"
      "<C:supported-calendar-component-set><C:comp name=\"VEVENT\"/><C:comp name=\"VTODO\"/>"
      "</C:supported-calendar-component-set><sync-token>tok-1</sync-token></prop>"
      "<status>HTTP/1.1 200 OK</status></propstat></response>"
      "<response><href>/cal/ann/tasks/</href><propstat><prop>"
      "<resourcetype><collection/><C:calendar/></resourcetype>"
      "<C:supported-calendar-component-set><C:comp "
      "name=\"VTODO\"/></C:supported-calendar-component-set>"
      "</prop><status>HTTP/1.1 200 OK</status></propstat></response>"
      "</multistatus>");
  g_assert_cmpuint(ms->responses->len, ==, 3);
  const kith_dav_response *p = nth(ms, 0);
  g_assert_cmpstr(p->principal, ==, "/principals/ann/");
  g_assert_cmpstr(p->home, ==, "/cal/ann/");
  g_assert_true(p->collection);
  g_assert_false(p->calendar);
  const kith_dav_response *work = nth(ms, 1);
  g_assert_true(work->calendar);
  g_assert_true(work->events);
  g_assert_cmpstr(work->displayname, ==, "Work");
  g_assert_cmpstr(work->sync_token, ==, "tok-1");
  g_assert_true(nth(ms, 2)->calendar);
  g_assert_false(nth(ms, 2)->events);
}

static void test_caldav_not_multistatus_refused(void)
{
  const char *bad[] = {"<error xmlns=\"DAV:\"><valid-sync-token/></error>", "<multistatus",
                       "not xml at all", ""};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(kith_dav_multistatus) ms = kith_dav_multistatus_parse(bad[i], strlen(bad[i]), &error);
    g_assert_null(ms);
    g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
  }
}

static void test_caldav_depth_bounded(void)
{
  GString *s = g_string_new("<multistatus xmlns=\"DAV:\">");
  for (int i = 0; i < 200; i++)
    g_string_append(s, "<x>");
  for (int i = 0; i < 200; i++)
    g_string_append(s, "</x>");
  g_string_append(s, "</multistatus>");
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_dav_multistatus) ms = kith_dav_multistatus_parse(s->str, s->len, &error);
  g_assert_null(ms);
  g_assert_nonnull(error);
  g_string_free(s, TRUE);
}

/* Every string the reply gave, joined: to look for what must not be there. */
static char *all_text(const kith_dav_multistatus *ms)
{
  GString *s = g_string_new(ms->sync_token);
  for (guint i = 0; i < ms->responses->len; i++) {
    const kith_dav_response *r = nth(ms, i);
    const char *parts[] = {r->href,       r->etag,      r->calendar_data, r->displayname,
                           r->sync_token, r->principal, r->home};
    for (guint k = 0; k < G_N_ELEMENTS(parts); k++)
      if (parts[k])
        g_string_append(s, parts[k]);
  }
  return g_string_free(s, FALSE);
}

/* A reply naming an external entity or DTD: nothing is read from a file or
 * the network, and no entity of the reply's own is expanded. */
static void test_caldav_no_external_entities(void)
{
  g_autofree char *dir = g_dir_make_tmp("kith-dav-XXXXXX", NULL);
  g_autofree char *secret = g_build_filename(dir, "secret.txt", NULL);
  g_assert_true(g_file_set_contents(secret, "TOP-SECRET-CONTENT", -1, NULL));
  g_autofree char *xml = g_strdup_printf(
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE multistatus SYSTEM \"http://127.0.0.1:9/dav.dtd\" ["
      "<!ENTITY file SYSTEM \"file://%s\"><!ENTITY net SYSTEM \"http://127.0.0.1:9/x\">"
      "<!ENTITY mine \"MINE\">]>"
      "<multistatus xmlns=\"DAV:\"><response><href>/a&file;&net;.ics</href><propstat><prop>"
      "<displayname>&file;&mine;</displayname></prop><status>HTTP/1.1 200 OK</status>"
      "</propstat></response></multistatus>",
      secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_dav_multistatus) ms = kith_dav_multistatus_parse(xml, strlen(xml), &error);
  if (ms) {
    g_autofree char *text = all_text(ms);
    g_assert_null(strstr(text, "TOP-SECRET"));
    g_assert_null(strstr(text, "MINE"));
    g_assert_cmpstr(nth(ms, 0)->href, ==, "/a.ics");
  } else {
    g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
  }
  g_unlink(secret);
  g_rmdir(dir);
}

/* Entities that expand a billion-fold are never expanded. */
static void test_caldav_entity_expansion_bounded(void)
{
  GString *x = g_string_new("<?xml version=\"1.0\"?>\n<!DOCTYPE multistatus [<!ENTITY a0 \"lol\">");
  for (int i = 1; i < 10; i++)
    g_string_append_printf(x,
                           "<!ENTITY a%d \"&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;\">",
                           i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  g_string_append(x, "]><multistatus xmlns=\"DAV:\"><response><href>/a.ics</href><propstat><prop>"
                     "<displayname>&a9;</displayname></prop><status>HTTP/1.1 200 OK</status>"
                     "</propstat></response></multistatus>");
  g_autoptr(GError) error = NULL;
  g_autoptr(kith_dav_multistatus) ms = kith_dav_multistatus_parse(x->str, x->len, &error);
  if (ms) {
    g_autofree char *text = all_text(ms);
    g_assert_cmpuint(strlen(text), <, 1000);
  } else {
    g_assert_error(error, KITH_ERROR, KITH_ERROR_PARSE);
  }
  g_string_free(x, TRUE);
}

static void test_caldav_xml_escape_href(void)
{
  g_autofree char *e = kith_dav_xml_escape("/c/a&b<\"c\">.ics");
  g_assert_cmpstr(e, ==, "/c/a&amp;b&lt;&quot;c&quot;&gt;.ics");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/caldav/sync_collection_reply", test_caldav_sync_collection_reply);
  g_test_add_func("/caldav/multiget_reply_prefixes_and_entities",
                  test_caldav_multiget_reply_prefixes_and_entities);
  g_test_add_func("/caldav/discovery_properties", test_caldav_discovery_properties);
  g_test_add_func("/caldav/not_multistatus_refused", test_caldav_not_multistatus_refused);
  g_test_add_func("/caldav/depth_bounded", test_caldav_depth_bounded);
  g_test_add_func("/caldav/no_external_entities", test_caldav_no_external_entities);
  g_test_add_func("/caldav/entity_expansion_bounded", test_caldav_entity_expansion_bounded);
  g_test_add_func("/caldav/xml_escape_href", test_caldav_xml_escape_href);
  return g_test_run();
}
