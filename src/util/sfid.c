/* sfid.c - 18-character Ids with the case-safe checksum suffix. */
#include "util/sfid.h"

#include <string.h>

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char suffix_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/* Each 5-character chunk gives one suffix character: bit i is set when the
 * chunk's i-th character is an upper-case letter. */
void kith_sfid_suffix(const char *id15, char out[4])
{
  for (int chunk = 0; chunk < 3; chunk++) {
    int bits = 0;
    for (int i = 0; i < 5; i++) {
      char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z')
        bits |= 1 << i;
    }
    out[chunk] = suffix_chars[bits];
  }
  out[3] = '\0';
}

char *kith_sfid_make(const char *prefix, guint64 serial)
{
  char id[19] = {0};
  memcpy(id, prefix, 3);
  id[3] = 'K';
  id[4] = 'T';
  for (int i = 14; i >= 5; i--) {
    id[i] = b62[serial % 62];
    serial /= 62;
  }
  kith_sfid_suffix(id, id + 15);
  return g_strdup(id);
}

gboolean kith_sfid_valid(const char *id)
{
  gsize n = id ? strlen(id) : 0;
  if (n != 15 && n != 18)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum(id[i]))
      return FALSE;
  if (n == 15)
    return TRUE;
  char s[4];
  kith_sfid_suffix(id, s);
  return memcmp(s, id + 15, 3) == 0;
}
