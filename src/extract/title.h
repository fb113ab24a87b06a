/* title.h - Department, Seniority__c and Persona__c derived from a Title (R5). */
#pragma once

#include <glib.h>

typedef struct kith_title_rules kith_title_rules;

/* The rules table shipped in data/title_rules.tsv (embedded). Borrowed. */
const kith_title_rules *kith_title_rules_default(void);

/* Loads an edited rules table from PATH (kith.conf may name one). */
kith_title_rules *kith_title_rules_load(const char *path, GError **error);
void kith_title_rules_free(kith_title_rules *rules);

/* Classifies TITLE. Each out value is a newly allocated string from the
 * documented value sets, or NULL when the title does not say. */
void kith_title_classify(const kith_title_rules *rules, const char *title, char **out_department,
                         char **out_seniority, char **out_persona);

/* TRUE when TEXT reads as a job title under RULES (NULL: the default
 * rules): some seniority rule matches it. Signatures use it to tell a title
 * line from a company or address line. */
gboolean kith_title_is_title(const kith_title_rules *rules, const char *text);
