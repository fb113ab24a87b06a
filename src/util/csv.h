/* csv.h - CSV cells as RFC 4180 writes them, for machines or for people to open (section 6). */
#pragma once

#include <glib.h>

typedef enum {
  KITH_CSV_VERBATIM,         /* every value as stored: kith crm export, read back by import */
  KITH_CSV_SPREADSHEET_SAFE, /* for people: kith log, kith report, the console's downloads */
} kith_csv_cells;

/* Appends VALUE (NULL reads as "") to OUT as one CSV field: quoted when it
 * holds a comma, a quote, CR or LF or begins or ends with a space or a tab
 * (which readers would trim), quotes doubled. KITH_CSV_SPREADSHEET_SAFE first puts ' before a value beginning
 * with =, +, -, @, a tab or CR, so a spreadsheet shows it as text. */
void kith_csv_append_field(GString *out, const char *value, kith_csv_cells cells);

/* Appends the N_VALUES fields of VALUES (an entry may be NULL), joined by
 * commas and ended by CRLF. */
void kith_csv_append_row(GString *out, const char *const *values, guint n_values,
                         kith_csv_cells cells);
