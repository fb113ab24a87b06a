/* data.c - access to the tables under data/ that the build embeds. */
#include "util/data.h"

#include <gio/gio.h>
#include <string.h>

GBytes *kith_data_lookup(const char *name)
{
  g_autofree char *path = g_strconcat("/kith/data/", name, NULL);
  return g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

char **kith_data_lines(const char *name)
{
  g_autoptr(GBytes) bytes = kith_data_lookup(name);
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  if (bytes) {
    gsize len = 0;
    const char *data = g_bytes_get_data(bytes, &len);
    g_autofree char *text = g_strndup(data, len);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
      char *s = g_strstrip(*l);
      if (*s == '\0' || *s == '#')
        continue;
      g_ptr_array_add(out, g_strdup(s));
    }
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}
