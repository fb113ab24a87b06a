/* reply.h - the part of an email body its sender wrote: no quotes, forwards, disclaimers (R5). */
#pragma once

#include <glib.h>

/* The sender's own lines of a body, each without its line end, tabs and CRs
 * as spaces, no-break spaces as spaces, trailing blanks dropped, trailing
 * blank lines dropped. The lines are borrowed from the struct. */
typedef struct {
  GPtrArray *lines; /* const char * */
  char *buf;        /* the text the lines point into */
} kith_reply;

/* Reads TEXT (may be NULL): cuts it at the first quote header ("On ...
 * wrote:" in the common languages, Outlook and Lotus header blocks,
 * "-----Original Message-----" and forward separators), drops "> " lines,
 * ends it at "Sent from my iPhone" and the like, and drops legal notices.
 * Never NULL; free with kith_reply_free. */
kith_reply *kith_reply_parse(const char *text);
void kith_reply_free(kith_reply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kith_reply, kith_reply_free)

/* The same as one newly allocated string, each line ending in "\n". */
char *kith_reply_own_text(const char *text);
