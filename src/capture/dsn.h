/* dsn.h - R45: delivery-status notifications (RFC 3464) and the addresses they say failed. */
#pragma once

#include <gmime/gmime.h>

/* What one notification is read for at most: its recipients (per-recipient
 * blocks, failed or not) and the bytes of its delivery-status part. */
#define KITH_DSN_RECIPIENTS_MAX 100
#define KITH_DSN_TEXT_MAX (128 * 1024)

/* Whether MESSAGE's top part is a multipart/report, of any report type.
 * A parse of the header block alone can tell this much, and it is the
 * reason to parse the body after all. */
gboolean kith_dsn_is_report(GMimeMessage *message);

/* R45: TRUE when MESSAGE is a delivery-status notification: a top-level
 * multipart/report whose report-type is delivery-status (or RFC 6533's
 * global-delivery-status), or which holds a part of that type. *FAILED then
 * gets the normalised addresses its recipients that failed have (Action:
 * failed; Final-Recipient, else Original-Recipient), each once, in order;
 * NULL when it names none. FALSE and *FAILED NULL for any other message. */
gboolean kith_dsn_read(GMimeMessage *message, GPtrArray **failed);

/* The failed recipients of the body of one delivery-status part, LEN bytes
 * of TEXT (fields as in a header block, per-recipient blocks separated by
 * blank lines), as kith_dsn_read gives them: a new array, or NULL when
 * there are none. */
GPtrArray *kith_dsn_parse_status(const char *text, gsize len);
