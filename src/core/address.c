/* address.c - address and domain normalisation (R1) and domain tests (R3). */
#include "core/address.h"

#include "util/error.h"

#include <idn2.h>
#include <libpsl.h>
#include <string.h>

#define MAX_ADDRESS 320 /* RFC 5321: 64 + 1 + 255 */

char *kith_domain_normalize(const char *raw)
{
  if (!raw)
    return NULL;
  g_autofree char *d = g_strstrip(g_strdup(raw));
  gsize n = strlen(d);
  while (n > 0 && d[n - 1] == '.')
    d[--n] = '\0';
  if (n == 0 || n > 253 || d[0] == '.' || strstr(d, ".."))
    return NULL;
  if (!g_utf8_validate(d, -1, NULL))
    return NULL;
  for (const char *p = d; *p; p++)
    if (g_ascii_isspace(*p) || *p == '@' || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
        *p == '"' || *p == '/' || *p == '\\')
      return NULL;
  gboolean plain = TRUE;
  for (const char *p = d; *p && plain; p++)
    plain = g_ascii_isalnum(*p) || *p == '-' || *p == '.';
  if (plain && !strstr(d, "xn--"))
    return g_ascii_strdown(d, -1); /* UTS #46 maps plain ASCII to its lower case */
  /* Without STD3 rules UTS #46 lets ASCII punctuation through, so a domain
   * literal, a comment or a control character would pass as a "domain". */
  gboolean ascii_only = TRUE;
  for (const char *p = d; *p; p++) {
    if ((unsigned char)*p >= 0x80)
      ascii_only = FALSE;
    else if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
      return NULL;
  }
  char *ascii = NULL;
  /* UTS #46 non-transitional mapping lower-cases and NFC-folds too. */
  int rc = idn2_to_ascii_8z(d, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) {
    /* Some ASCII labels (underscores, leading hyphens) fail strict IDNA but
     * are real in mail; keep plain ASCII host names as they are, lower-cased. */
    return ascii_only ? g_ascii_strdown(d, -1) : NULL;
  }
  char *out = g_ascii_strdown(ascii, -1);
  idn2_free(ascii);
  return out;
}

/* The common case, a plain ASCII address with nothing to trim or unwrap and
 * a domain of letters, digits, hyphens and dots: the general path below
 * would give exactly its ASCII lower case, after half a dozen copies. NULL
 * when RAW is not of that shape (the general path then decides). */
static char *normalize_plain(const char *raw)
{
  const char *at = NULL;
  gsize n = 0;
  for (; raw[n]; n++) {
    if (n >= MAX_ADDRESS)
      return NULL;
    unsigned char ch = raw[n];
    if (ch <= 0x20 || ch >= 0x7f)
      return NULL;
    if (ch == '@')
      at = raw + n;
  }
  if (!at || at == raw || raw[0] == '<' || g_ascii_strncasecmp(raw, "mailto:", 7) == 0)
    return NULL;
  for (const char *p = raw; p < at; p++)
    if (*p == '<' || *p == '>' || *p == ',')
      return NULL;
  const char *d = at + 1;
  gsize dn = raw + n - d;
  if (dn == 0 || dn > 253 || d[0] == '.' || d[dn - 1] == '.' || !memchr(d, '.', dn) ||
      strstr(d, "..") || strstr(d, "xn--"))
    return NULL;
  for (const char *p = d; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
      return NULL;
  char *out = g_malloc(n + 1);
  for (gsize i = 0; i <= n; i++)
    out[i] = raw[i] >= 'A' && raw[i] <= 'Z' ? raw[i] + ('a' - 'A') : raw[i];
  return out;
}

/* Lower case the same under every locale: g_utf8_strdown follows the
 * locale's special cases (a Turkish locale turns 'I' into a dotless 'ı'),
 * and an address must have one key wherever kith runs. */
static char *lower_local(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    if ((guchar)*p < 0x80)
      g_string_append_c(out, g_ascii_tolower(*p));
    else
      g_string_append_unichar(out, g_unichar_tolower(g_utf8_get_char(p)));
  }
  return g_string_free(out, FALSE);
}

char *kith_address_normalize(const char *raw, GError **error)
{
  char *plain = raw ? normalize_plain(raw) : NULL;
  if (plain)
    return plain;
  if (!raw) {
    g_set_error_literal(error, KITH_ERROR, KITH_ERROR_PARSE, "no address");
    return NULL;
  }
  g_autofree char *s = g_strstrip(g_strdup(raw));
  gsize n = strlen(s);
  if (n > 0 && s[0] == '<' && s[n - 1] == '>') {
    s[n - 1] = '\0';
    memmove(s, s + 1, n - 1);
    g_strstrip(s);
  }
  if (g_ascii_strncasecmp(s, "mailto:", 7) == 0)
    memmove(s, s + 7, strlen(s + 7) + 1);
  if (strlen(s) > MAX_ADDRESS || !g_utf8_validate(s, -1, NULL)) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "address is too long or not UTF-8");
    return NULL;
  }
  const char *at = strrchr(s, '@');
  if (!at || at == s || at[1] == '\0') {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "'%s' is not an address", s);
    return NULL;
  }
  g_autofree char *local = g_strndup(s, at - s);
  for (const char *p = local; *p; p++)
    if (g_ascii_isspace(*p) || g_ascii_iscntrl(*p) || *p == '<' || *p == '>' || *p == ',') {
      g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "'%s' is not an address", s);
      return NULL;
    }
  g_autofree char *domain = kith_domain_normalize(at + 1);
  if (!domain || !strchr(domain, '.')) {
    g_set_error(error, KITH_ERROR, KITH_ERROR_PARSE, "'%s' has no valid domain", s);
    return NULL;
  }
  g_autofree char *lower = lower_local(local);
  return g_strconcat(lower, "@", domain, NULL);
}

const char *kith_address_domain(const char *address)
{
  const char *at = address ? strrchr(address, '@') : NULL;
  return at ? at + 1 : NULL;
}

char *kith_address_local_part(const char *address)
{
  const char *at = address ? strrchr(address, '@') : NULL;
  return at ? g_strndup(address, at - address) : g_strdup(address ? address : "");
}

char *kith_domain_from_website(const char *website)
{
  if (!website)
    return NULL;
  g_autofree char *w = g_strstrip(g_strdup(website));
  const char *p = w;
  const char *scheme = strstr(p, "://");
  if (scheme)
    p = scheme + 3;
  else if (g_ascii_strncasecmp(p, "//", 2) == 0)
    p += 2;
  /* userinfo@host */
  gsize hostlen = strcspn(p, "/?#");
  g_autofree char *hostport = g_strndup(p, hostlen);
  char *at = strrchr(hostport, '@');
  char *host = at ? at + 1 : hostport;
  if (host[0] == '[')
    return NULL; /* an IP literal is no domain */
  char *colon = strchr(host, ':');
  if (colon)
    *colon = '\0';
  g_autofree char *d = kith_domain_normalize(host);
  if (!d || !strchr(d, '.'))
    return NULL;
  if (g_str_has_prefix(d, "www.") && strchr(d + 4, '.'))
    return g_strdup(d + 4);
  return g_steal_pointer(&d);
}

gboolean kith_domain_within(const char *domain, const char *parent)
{
  if (!domain || !parent || !*parent)
    return FALSE;
  gsize dl = strlen(domain), pl = strlen(parent);
  if (dl == pl)
    return strcmp(domain, parent) == 0;
  return dl > pl && domain[dl - pl - 1] == '.' && strcmp(domain + dl - pl, parent) == 0;
}

static const psl_ctx_t *psl_ctx(void)
{
  static gsize once = 0;
  static const psl_ctx_t *ctx = NULL;
  if (g_once_init_enter(&once)) {
    psl_ctx_t *latest = psl_latest(NULL);
    ctx = latest ? latest : psl_builtin();
    g_once_init_leave(&once, 1);
  }
  return ctx;
}

gboolean kith_domain_is_public_suffix(const char *domain)
{
  const psl_ctx_t *ctx = psl_ctx();
  if (!domain)
    return TRUE;
  if (!ctx)
    return strchr(domain, '.') == NULL;
  return psl_is_public_suffix2(ctx, domain, PSL_TYPE_ANY) != 0;
}
