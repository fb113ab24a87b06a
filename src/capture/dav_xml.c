/* dav_xml.c - WebDAV replies read: a small XML tree from GMarkup with
 * namespaces resolved, and the multistatus of a PROPFIND, REPORT or
 * sync-collection. No I/O: caldav.c sends the requests. */
#include "capture/caldav.h"

#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define NS_DAV "DAV:"
#define NS_CALDAV "urn:ietf:params:xml:ns:caldav"
#define XML_DEPTH_MAX 64
#define XML_NODES_MAX 2000000

/* ---- XML: a small tree from GMarkup, with namespaces resolved ---- */

typedef struct xnode {
  char *ns, *name;
  char *comp_name; /* the "name" attribute (C:comp name="VEVENT") */
  GString *text;
  GPtrArray *children;
  struct xnode *parent;
  GHashTable *nsmap; /* prefix -> URI declared on this element, or NULL */
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
  if (n->nsmap)
    g_hash_table_unref(n->nsmap);
  g_free(n);
}

typedef struct {
  xnode *root, *current;
  guint nodes, depth;
} xml_reader;

static const char *ns_lookup(xnode *n, const char *prefix)
{
  for (; n; n = n->parent) {
    const char *uri = n->nsmap ? g_hash_table_lookup(n->nsmap, prefix) : NULL;
    if (uri)
      return uri;
  }
  return NULL;
}

static void xml_start(GMarkupParseContext *ctx, const char *element, const char **attr_names,
                      const char **attr_values, gpointer user_data, GError **error)
{
  xml_reader *x = user_data;
  if (++x->nodes > XML_NODES_MAX || x->depth >= XML_DEPTH_MAX) {
    g_set_error(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "XML too large or too deep");
    return;
  }
  if (!x->current && x->root) {
    g_set_error(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "a second root element");
    return;
  }
  xnode *n = g_new0(xnode, 1);
  n->text = g_string_new(NULL);
  n->children = g_ptr_array_new_with_free_func(xnode_free);
  n->parent = x->current;
  for (guint i = 0; attr_names[i]; i++) {
    const char *a = attr_names[i];
    if (strcmp(a, "xmlns") == 0 || g_str_has_prefix(a, "xmlns:")) {
      if (!n->nsmap)
        n->nsmap = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert(n->nsmap, g_strdup(a[5] == ':' ? a + 6 : ""), g_strdup(attr_values[i]));
    } else if (strcmp(a, "name") == 0) {
      g_free(n->comp_name);
      n->comp_name = g_strdup(attr_values[i]);
    }
  }
  const char *colon = strchr(element, ':');
  g_autofree char *prefix = colon ? g_strndup(element, colon - element) : g_strdup("");
  const char *uri = ns_lookup(n, prefix);
  n->ns = g_strdup(uri ? uri : prefix);
  n->name = g_strdup(colon ? colon + 1 : element);
  if (x->current)
    g_ptr_array_add(x->current->children, n);
  else
    x->root = n;
  x->current = n;
  x->depth++;
}

static void xml_end(GMarkupParseContext *ctx, const char *element, gpointer user_data,
                    GError **error)
{
  xml_reader *x = user_data;
  if (x->current) {
    x->current = x->current->parent;
    x->depth--;
  }
}

static void xml_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
                     GError **error)
{
  xml_reader *x = user_data;
  if (x->current)
    g_string_append_len(x->current->text, text, (gssize)len);
}

static xnode *xml_parse(const char *xml, gsize len, GError **error)
{
  static const GMarkupParser funcs = {xml_start, xml_end, xml_text, NULL, NULL};
  xml_reader x = {0};
  GMarkupParseContext *ctx =
      g_markup_parse_context_new(&funcs, G_MARKUP_TREAT_CDATA_AS_TEXT, &x, NULL);
  gboolean ok = g_markup_parse_context_parse(ctx, xml, (gssize)len, error) &&
                g_markup_parse_context_end_parse(ctx, error);
  g_markup_parse_context_free(ctx);
  if (!ok || !x.root) {
    if (ok)
      g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "an empty XML document");
    xnode_free(x.root);
    return NULL;
  }
  return x.root;
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
