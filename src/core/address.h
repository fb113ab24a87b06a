/* address.h - addresses and domains: normalisation (R1) and matching (R3). */
#pragma once

#include <glib.h>

/* Normalises an address: trims white space and angle brackets, lower-cases
 * it, IDNA-encodes the domain (UTS #46, non-transitional) and drops a
 * trailing dot. Returns NULL and sets ERROR when it is not local@domain. */
char *kith_address_normalize(const char *raw, GError **error);

/* The domain of a normalised address (borrowed, inside ADDRESS), or NULL. */
const char *kith_address_domain(const char *address);

/* The local part of a normalised address, newly allocated. */
char *kith_address_local_part(const char *address);

/* Normalises a bare domain the way kith_address_normalize() does. NULL when
 * it is not a valid domain. */
char *kith_domain_normalize(const char *raw);

/* The primary domain of an Account from its Website (CONTRACT.md section 2):
 * the host, lower-cased, without scheme, port, path or a leading "www.".
 * NULL when the Website holds no host. */
char *kith_domain_from_website(const char *website);

/* TRUE when DOMAIN equals PARENT or is a subdomain of it. Both normalised. */
gboolean kith_domain_within(const char *domain, const char *parent);

/* TRUE when DOMAIN is a public suffix (co.uk, com): such a domain never
 * matches an Account (R3). */
gboolean kith_domain_is_public_suffix(const char *domain);
