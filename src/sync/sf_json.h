/* sf_json.h - reading the pieces of Salesforce REST replies that kith needs. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* A JSON field value as the mirror keeps it: strings as they are, booleans
 * "true"/"false", numbers in decimal, anything else (null, absent) "". */
char *kith_sf_json_value_text(json_t *value);

/* The first error an error reply names, "CODE: message" (REST errors are an
 * array of {errorCode, message}; OAuth errors {error, error_description});
 * NULL when the reply names none. */
char *kith_sf_json_error_text(json_t *reply);
