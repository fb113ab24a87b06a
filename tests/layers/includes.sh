#!/usr/bin/env bash
# includes.sh - every #include "LAYER/..." in src/ names the file's own layer or
# one below it, in the order of DESIGN.md's "Layers" (lowest first). The rules
# decide and do not write: of store/ they include only the look-up headers
# (tests/layers/rules_read_only.sh checks the calls themselves).
#   bash tests/layers/includes.sh SOURCE_DIR
set -u
SRC=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
order="util core config extract capture store rules sync pipeline serve cmd"
rules_may_read="store/lookup.h store/person.h store/stateread.h"
rank() { local i=0 l; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0 checked=0
while IFS= read -r f; do
  layer=$(echo "${f#"$SRC"/src/}" | cut -d/ -f1)
  [ "$layer" = "kith.c" ] && layer=cmd
  own=$(rank "$layer")
  if [ "$own" -lt 0 ]; then echo "not ok - ${f#"$SRC"/}: src/$layer is no layer of DESIGN.md"; bad=$((bad + 1)); continue; fi
  while IFS= read -r inc; do
    checked=$((checked + 1))
    r=$(rank "$inc")
    if [ "$r" -lt 0 ] || [ "$r" -gt "$own" ]; then
      echo "not ok - ${f#"$SRC"/} ($layer) includes $inc/, a layer above it"
      bad=$((bad + 1))
    fi
  done < <(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$f" | sort -u)
  if [ "$layer" = rules ]; then
    while IFS= read -r h; do
      checked=$((checked + 1))
      case " $rules_may_read " in
        *" $h "*) ;;
        *) echo "not ok - ${f#"$SRC"/} (rules) includes $h, which is no look-up header ($rules_may_read)"
           bad=$((bad + 1)) ;;
      esac
    done < <(sed -n 's|^#include "\(store/[a-z_]*\.h\)".*|\1|p' "$f" | sort -u)
  fi
done < <(find "$SRC/src" -name '*.[ch]' | sort)
echo "# $checked includes of other folders checked"
echo "$((checked - bad)) passed, $bad failed"
[ "$bad" = 0 ]
