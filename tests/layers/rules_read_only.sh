#!/usr/bin/env bash
# rules_read_only.sh - the rules decide, they do not write (DESIGN.md "Layers"):
# every store function the rules layer calls is a look-up, one declared in the
# store's read-only headers. A write goes through the decider's
# kith_decision_fn, which the pipeline gives it (src/pipeline/record.c).
#   bash tests/layers/rules_read_only.sh SOURCE_DIR RULES_ARCHIVE STORE_ARCHIVE
set -u
SRC=$1 RULES=$2 STORE=$3
# The store headers the rules may include: look-ups only (tests/layers/includes.sh).
READ_HEADERS="lookup.h person.h stateread.h"
reads=$(for h in $READ_HEADERS; do
  grep -o '\bkith_[a-z0-9_]*[ ]*(' "$SRC/src/store/$h" | tr -d ' ('
done | sort -u)
defined=$(nm --defined-only -g "$STORE" | awk '$2 == "T" { print $3 }' | sort -u)
called=$(nm -u "$RULES" | awk '{ print $NF }' | sort -u)
bad=0 checked=0
for sym in $(comm -12 <(echo "$called") <(echo "$defined")); do
  checked=$((checked + 1))
  if ! grep -qx "$sym" <<<"$reads"; then
    echo "not ok - src/rules/ calls $sym, a store function that is no look-up of $READ_HEADERS"
    bad=$((bad + 1))
  fi
done
echo "# $checked store functions the rules call checked"
[ "$checked" -gt 0 ] || { echo "not ok - no store call found: is $RULES the rules layer?"; exit 1; }
echo "$((checked - bad)) passed, $bad failed"
[ "$bad" = 0 ]
