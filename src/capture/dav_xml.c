/* dav_xml.c - WebDAV replies read: a small XML tree from libxml2's reader,
 * with namespaces resolved, and the multistatus of a PROPFIND, REPORT or
 * sync-collection. No I/O: caldav.c sends the requests, and the parser is
 * kept off the network and away from external entities and DTDs. */
#include "capture/caldav.h"

#include "util/error.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NS_DAV "DAV:"
#define NS_CALDAV "urn:ietf:params:xml:ns:caldav"
#define XML_DEPTH_MAX 64
#define XML_NODES_MAX 2000000

/* ---- XML: a small tree from libxml2's reader, with namespaces resolved ---- */

typedef struct xnode {
  char *ns, *name;
  char *comp_name; /* the "name" attribute (C:comp name="VEVENT") */
  GString *text;
  GPtrArray *children;
  struct xnode *parent;
} xnode;

static void xnode_free(gpointer p)
{
  xnode *n = p;
  if (!n)
    return;
  g_free(n->ns);
  g_free(n->name);
  g_free(n->comp_name);
  g_string_free(n->text, TRUE);
  g_ptr_array_unref(n->children);
  g_free(n);
}

/* A reply names no DTD or external entity kith would fetch: every one is
 * refused, whatever the options of the parse that asks. */
static xmlParserInputPtr no_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  return NULL;
}

static void xml_init(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    xmlInitParser();
    xmlSetExternalEntityLoader(no_external);
    g_once_init_leave(&once, 1);
  }
}

/* The first error the parser met, for the message; the parser prints nothing. */
static void on_xml_error(void *user_data, xmlErrorPtr e)
{
  char **first = user_data;
  if (*first || !e || e->level < XML_ERR_FATAL)
    return;
  g_autofree char *msg = g_strstrip(g_strdup(e->message ? e->message : "not XML"));
  *first = g_strdup_printf("line %d: %s", e->line, msg);
}

static xnode *xnode_new(xmlTextReaderPtr rd, xnode *parent)
{
  xnode *n = g_new0(xnode, 1);
  const char *uri = (const char *)xmlTextReaderConstNamespaceUri(rd);
  const char *local = (const char *)xmlTextReaderConstLocalName(rd);
  n->ns = g_strdup(uri ? uri : "");
  n->name = g_strdup(local ? local : "");
  xmlChar *comp = xmlTextReaderGetAttribute(rd, (const xmlChar *)"name");
  n->comp_name = comp ? g_strdup((const char *)comp) : NULL;
  xmlFree(comp);
  n->text = g_string_new(NULL);
  n->children = g_ptr_array_new_with_free_func(xnode_free);
  n->parent = parent;
  if (parent)
    g_ptr_array_add(parent->children, n);
  return n;
}

/* XML's text is kept as it came: entities the document declares itself are
 * never expanded (no billion laughs), only XML's own and character refs. */
static xnode *xml_parse(const char *xml, gsize len, GError **error)
{
  if (len > INT_MAX) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "XML too large");
    return NULL;
  }
  xml_init();
  xmlTextReaderPtr rd = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                                               XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!rd) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "an empty XML document");
    return NULL;
  }
  char *first_error = NULL;
  xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, &first_error);
  xnode *root = NULL, *current = NULL;
  guint nodes = 0, depth = 0;
  const char *why = NULL;
  int r = 0;
  while (!why && (r = xmlTextReaderRead(rd)) == 1) {
    switch (xmlTextReaderNodeType(rd)) {
    case XML_READER_TYPE_ELEMENT:
      if (++nodes > XML_NODES_MAX || depth >= XML_DEPTH_MAX) {
        why = "XML too large or too deep";
        break;
      }
      if (!current && root) {
        why = "a second root element";
        break;
      }
      current = xnode_new(rd, current);
      if (!root)
        root = current;
      if (xmlTextReaderIsEmptyElement(rd))
        current = current->parent;
      else
        depth++;
      break;
    case XML_READER_TYPE_END_ELEMENT:
      if (current) {
        current = current->parent;
        depth--;
      }
      break;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      if (current)
        g_string_append(current->text, (const char *)xmlTextReaderConstValue(rd));
      break;
    default: /* comments, processing instructions, a DTD, entity references */ break;
    }
  }
  xmlFreeTextReader(rd);
  if (!why && r < 0)
    why = first_error ? first_error : "not well-formed XML";
  else if (!why && !root)
    why = "an empty XML document";
  if (why) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "%s", why);
    xnode_free(root);
    root = NULL;
  }
  g_free(first_error);
  return root;
}

static gboolean is(const xnode *n, const char *ns, const char *name)
{
  return n && strcmp(n->ns, ns) == 0 && strcmp(n->name, name) == 0;
}

static xnode *child(const xnode *n, const char *ns, const char *name)
{
  for (guint i = 0; n && i < n->children->len; i++) {
    xnode *c = g_ptr_array_index(n->children, i);
    if (is(c, ns, name))
      return c;
  }
  return NULL;
}

static char *trimmed(const xnode *n)
{
  return n ? g_strstrip(g_strdup(n->text->str)) : NULL;
}

/* "HTTP/1.1 404 Not Found" -> 404 */
static int status_code(const xnode *n)
{
  if (!n)
    return 0;
  const char *sp = strchr(n->text->str, ' ');
  return sp ? atoi(sp + 1) : 0;
}

/* ---- multistatus ---- */

static void response_free(gpointer p)
{
  kith_dav_response *r = p;
  g_free(r->href);
  g_free(r->etag);
  g_free(r->calendar_data);
  g_free(r->displayname);
  g_free(r->sync_token);
  g_free(r->principal);
  g_free(r->home);
  g_free(r);
}

void kith_dav_multistatus_free(kith_dav_multistatus *ms)
{
  if (!ms)
    return;
  g_ptr_array_unref(ms->responses);
  g_free(ms->sync_token);
  g_free(ms);
}

static void read_prop(kith_dav_response *r, const xnode *p)
{
  if (is(p, NS_DAV, "getetag")) {
    g_free(r->etag);
    r->etag = trimmed(p);
  } else if (is(p, NS_CALDAV, "calendar-data")) {
    g_free(r->calendar_data);
    r->calendar_data = g_strdup(p->text->str);
  } else if (is(p, NS_DAV, "displayname")) {
    g_free(r->displayname);
    r->displayname = trimmed(p);
  } else if (is(p, NS_DAV, "sync-token")) {
    g_free(r->sync_token);
    r->sync_token = trimmed(p);
  } else if (is(p, NS_DAV, "current-user-principal")) {
    g_free(r->principal);
    r->principal = trimmed(child(p, NS_DAV, "href"));
  } else if (is(p, NS_CALDAV, "calendar-home-set")) {
    g_free(r->home);
    r->home = trimmed(child(p, NS_DAV, "href"));
  } else if (is(p, NS_DAV, "resourcetype")) {
    r->collection = child(p, NS_DAV, "collection") != NULL;
    r->calendar = child(p, NS_CALDAV, "calendar") != NULL;
  } else if (is(p, NS_CALDAV, "supported-calendar-component-set")) {
    r->events = FALSE;
    for (guint i = 0; i < p->children->len; i++) {
      const xnode *c = g_ptr_array_index(p->children, i);
      if (is(c, NS_CALDAV, "comp") && c->comp_name &&
          g_ascii_strcasecmp(c->comp_name, "VEVENT") == 0)
        r->events = TRUE;
    }
  }
}

static kith_dav_response *read_response(const xnode *n)
{
  kith_dav_response *r = g_new0(kith_dav_response, 1);
  r->events = TRUE;
  r->href = trimmed(child(n, NS_DAV, "href"));
  r->status = status_code(child(n, NS_DAV, "status"));
  for (guint i = 0; i < n->children->len; i++) {
    const xnode *ps = g_ptr_array_index(n->children, i);
    if (!is(ps, NS_DAV, "propstat"))
      continue;
    int st = status_code(child(ps, NS_DAV, "status"));
    if (st < 200 || st > 299)
      continue; /* properties the server does not have */
    if (!r->status)
      r->status = st;
    const xnode *prop = child(ps, NS_DAV, "prop");
    for (guint k = 0; prop && k < prop->children->len; k++)
      read_prop(r, g_ptr_array_index(prop->children, k));
  }
  return r;
}

kith_dav_multistatus *kith_dav_multistatus_parse(const char *xml, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  xnode *root = xml_parse(xml, len, &local);
  if (!root) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "unreadable WebDAV reply: %s", local->message);
    return NULL;
  }
  if (!is(root, NS_DAV, "multistatus")) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "the reply is <%s>, not a WebDAV multistatus",
                root->name);
    xnode_free(root);
    return NULL;
  }
  kith_dav_multistatus *ms = g_new0(kith_dav_multistatus, 1);
  ms->responses = g_ptr_array_new_with_free_func(response_free);
  for (guint i = 0; i < root->children->len; i++) {
    const xnode *c = g_ptr_array_index(root->children, i);
    if (is(c, NS_DAV, "response")) {
      kith_dav_response *r = read_response(c);
      if (r->href && *r->href)
        g_ptr_array_add(ms->responses, r);
      else
        response_free(r);
    } else if (is(c, NS_DAV, "sync-token")) {
      g_free(ms->sync_token);
      ms->sync_token = trimmed(c);
    }
  }
  xnode_free(root);
  return ms;
}

char *kith_dav_xml_escape(const char *text)
{
  GString *s = g_string_new(NULL);
  for (const char *p = text; *p; p++) {
    switch (*p) {
    case '&': g_string_append(s, "&amp;"); break;
    case '<': g_string_append(s, "&lt;"); break;
    case '>': g_string_append(s, "&gt;"); break;
    case '"': g_string_append(s, "&quot;"); break;
    default: g_string_append_c(s, *p);
    }
  }
  return g_string_free(s, FALSE);
}
