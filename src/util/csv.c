/* csv.c - CSV cells as RFC 4180 writes them, for machines or for people to open (section 6). */
#include "util/csv.h"

#include <string.h>

/* Section 6: the first characters that make a spreadsheet read a cell as a
 * formula (or, tab and CR, hide one behind them). */
static gboolean formula_start(const char *v)
{
  return *v && strchr("=+-@\t\r", *v);
}

static gboolean blank(char c)
{
  return c == ' ' || c == '\t';
}

void kith_csv_append_field(GString *out, const char *value, kith_csv_cells cells)
{
  g_return_if_fail(out != NULL);
  const char *v = value ? value : "";
  const char *prefix = cells == KITH_CSV_SPREADSHEET_SAFE && formula_start(v) ? "'" : "";
  gsize len = strlen(v);
  /* Readers (our import's libcsv among them) trim unquoted spaces and tabs
   * at a field's ends; quoted, they are kept. The prefix is neither. */
  gboolean quote = strpbrk(v, ",\"\r\n") != NULL ||
                   (len > 0 && ((blank(v[0]) && !*prefix) || blank(v[len - 1])));
  if (!quote) {
    g_string_append(out, prefix);
    g_string_append_len(out, v, len);
    return;
  }
  g_string_append_c(out, '"');
  g_string_append(out, prefix);
  for (const char *q; (q = strchr(v, '"')) != NULL; v = q + 1) {
    g_string_append_len(out, v, q - v + 1);
    g_string_append_c(out, '"'); /* a quote is written twice */
  }
  g_string_append(out, v);
  g_string_append_c(out, '"');
}

void kith_csv_append_row(GString *out, const char *const *values, guint n_values,
                         kith_csv_cells cells)
{
  for (guint i = 0; i < n_values; i++) {
    if (i)
      g_string_append_c(out, ',');
    kith_csv_append_field(out, values[i], cells);
  }
  g_string_append(out, "\r\n");
}
