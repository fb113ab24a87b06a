/* print.c - the one printer behind every command's csv, json and text output. */
#include "cmd/cmd.h"

#include "util/csv.h"
#include "util/text.h"

#include <jansson.h>
#include <string.h>

struct kith_printer {
  kith_format format;
  kith_csv_cells cells;
  FILE *out;
  guint n;
  char **columns;
  gboolean *bools;
  GPtrArray *rows; /* text: buffered rows (GStrv) to align */
  guint count;
};

gboolean kith_format_parse(const char *name, kith_format def, kith_format *out)
{
  if (!name) {
    *out = def;
    return TRUE;
  }
  if (strcmp(name, "csv") == 0)
    *out = KITH_FORMAT_CSV;
  else if (strcmp(name, "json") == 0)
    *out = KITH_FORMAT_JSON;
  else if (strcmp(name, "text") == 0)
    *out = KITH_FORMAT_TEXT;
  else
    return FALSE;
  return TRUE;
}

kith_printer *kith_printer_new(kith_format format, kith_csv_cells cells, FILE *out,
                               const char *const *columns, guint n, const gboolean *bools)
{
  kith_printer *p = g_new0(kith_printer, 1);
  p->format = format;
  p->cells = cells;
  p->out = out;
  p->n = n;
  p->columns = g_new0(char *, n + 1);
  p->bools = g_new0(gboolean, n);
  for (guint i = 0; i < n; i++) {
    p->columns[i] = g_strdup(columns[i]);
    p->bools[i] = bools ? bools[i] : FALSE;
  }
  if (format == KITH_FORMAT_CSV)
    kith_printer_row(p, columns), p->count = 0;
  else if (format == KITH_FORMAT_TEXT)
    p->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  else
    fputs("[", out);
  return p;
}

/* Every value goes out through kith_text_printable: whatever reached the
 * store (a CRM import, an older kith), no control character and so no
 * terminal escape reaches the reader. CSV and JSON keep tab, CR and LF,
 * which they quote or escape; the text table makes them spaces. */
void kith_printer_row(kith_printer *p, const char *const *values)
{
  switch (p->format) {
  case KITH_FORMAT_CSV: {
    g_autoptr(GString) line = g_string_new(NULL);
    for (guint i = 0; i < p->n; i++) {
      g_autofree char *copy = NULL;
      if (i)
        g_string_append_c(line, ',');
      kith_csv_append_field(
          line, kith_text_printable(&copy, values[i] ? values[i] : "", KITH_TEXT_BREAKS_KEPT),
          p->cells);
    }
    g_string_append(line, "\r\n");
    fwrite(line->str, 1, line->len, p->out);
    break;
  }
  case KITH_FORMAT_JSON: {
    json_t *o = json_object();
    for (guint i = 0; i < p->n; i++) {
      g_autofree char *copy = NULL;
      const char *v = kith_text_printable(&copy, values[i] ? values[i] : "", KITH_TEXT_BREAKS_KEPT);
      json_object_set_new(o, p->columns[i],
                          p->bools[i] ? json_boolean(strcmp(v, "true") == 0) : json_string(v));
    }
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    fprintf(p->out, "%s\n%s", p->count ? "," : "", s);
    free(s);
    json_decref(o);
    break;
  }
  case KITH_FORMAT_TEXT: {
    char **copy = g_new0(char *, p->n + 1);
    for (guint i = 0; i < p->n; i++) {
      char *owned = NULL;
      const char *v = kith_text_printable(&owned, values[i] ? values[i] : "",
                                          KITH_TEXT_BREAKS_AS_SPACES);
      copy[i] = owned ? owned : g_strdup(v);
    }
    g_ptr_array_add(p->rows, copy);
    break;
  }
  }
  p->count++;
}

static void text_table(kith_printer *p)
{
  g_autofree glong *width = g_new0(glong, p->n);
  for (guint i = 0; i < p->n; i++)
    width[i] = g_utf8_strlen(p->columns[i], -1);
  for (guint r = 0; r < p->rows->len; r++) {
    char **row = g_ptr_array_index(p->rows, r);
    for (guint i = 0; i < p->n; i++)
      width[i] = MAX(width[i], MIN(g_utf8_strlen(row[i], -1), 60));
  }
  for (guint r = 0; r <= p->rows->len; r++) {
    char **row = r == 0 ? p->columns : g_ptr_array_index(p->rows, r - 1);
    for (guint i = 0; i < p->n; i++) {
      glong len = g_utf8_strlen(row[i], -1);
      if (len > 60) {
        g_autofree char *cut = g_utf8_substring(row[i], 0, 59);
        fprintf(p->out, "%s…", cut);
        len = 60;
      } else {
        fputs(row[i], p->out);
      }
      if (i + 1 < p->n)
        fprintf(p->out, "%*s", (int)(width[i] - len + 2), "");
    }
    fputc('\n', p->out);
  }
  fprintf(p->out, "(%u rows)\n", p->rows->len);
}

void kith_printer_finish(kith_printer *p)
{
  if (!p)
    return;
  if (p->format == KITH_FORMAT_JSON)
    fputs(p->count ? "\n]\n" : "]\n", p->out);
  else if (p->format == KITH_FORMAT_TEXT)
    text_table(p);
  fflush(p->out);
  g_strfreev(p->columns);
  g_free(p->bools);
  if (p->rows)
    g_ptr_array_unref(p->rows);
  g_free(p);
}
