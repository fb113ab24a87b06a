/* api_review.h - the review queue's part of the API (docs/api.md): the
 * items as JSON and the accept / reject calls. Used by api.c only. */
#pragma once

#include "config/config.h"
#include "store/store.h"

#include <jansson.h>

/* GET /api/v1/review: {"items": [...]}, the open items, or with ALL every
 * one; read from S as it is (the caller brings the queue up to date). */
json_t *kith_api_review_items(kith_store *s, gboolean all, unsigned *code);

/* POST /api/v1/review/accept and /reject with BODY {"id", ...}: decides
 * the item on the writing store S (the caller holds its lock). */
json_t *kith_api_review_decide(kith_store *s, const kith_config *config, gboolean accept,
                               json_t *body, unsigned *code);
