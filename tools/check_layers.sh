#!/usr/bin/env bash
# The allowed arrows between the layers (docs/architecture.md), checked on
# every #include of the sources. The build already refuses a header of a
# folder whose library a target does not link (each library has its own
# include root); this table is the policy those links must follow, so a new
# target_link_libraries cannot quietly cross a layer.
#
#   tools/check_layers.sh [SOURCE_DIR]     exit 0: clean; 1: prints each offending include
#   tools/check_layers.sh --self-test      plants a forbidden include in a scratch tree
set -euo pipefail

# folder (longest prefix wins) | include prefixes it may use ("SELF": its own folder)
# | may it include SystemC (sc / no)
policy() {
    cat <<'EOF'
nn/tensor          | nn/tensor                                            | no
nn/ref             | nn/tensor nn/ref                                     | no
nn                 | nn/tensor nn/ref SELF                                | no
arch/regs          | arch/regs                                            | no
arch/memory_map    | arch/memory_map                                      | no
arch/hal           | arch/hal arch/memory_map                             | no
arch               | arch nn                                              | no
ip/common          | ip/common arch                                       | sc
ip                 | ip/common SELF arch nn                               | sc
platform           | platform ip arch nn                                  | sc
firmware/drivers   | firmware/drivers arch                                | no
firmware/power     | firmware/power firmware/drivers arch                 | no
firmware/runtime   | firmware/runtime firmware/drivers arch nn            | no
firmware/programs  | firmware arch nn                                     | no
sw                 | sw arch nn                                           | no
app                | app sw firmware platform ip arch nn                  | sc
tools              | tools app sw firmware platform ip arch nn            | sc
bench              | bench app sw firmware platform ip arch nn            | sc
tests              | tests app sw firmware platform ip arch nn tools      | sc
EOF
}

trim() {
    local v=$1
    v=${v#"${v%%[![:space:]]*}"}
    echo -n "${v%"${v##*[![:space:]]}"}"
}

check_tree() {
    local root=$1 bad=0 file folder line allowed sc self inc ok a f
    local -a folders=() alloweds=() scs=()
    cd "$root"
    while IFS='|' read -r f a sc; do
        folders+=("$(trim "$f")")
        alloweds+=("$(trim "$a")")
        scs+=("$(trim "$sc")")
    done < <(policy)
    while IFS= read -r file; do
        # The rule of a file: the longest folder prefix of the table.
        folder="" allowed="" sc=""
        for i in "${!folders[@]}"; do
            f=${folders[$i]}
            if [[ "$file" == "$f"/* && ${#f} -gt ${#folder} ]]; then
                folder=$f allowed=${alloweds[$i]} sc=${scs[$i]}
            fi
        done
        [ -z "$folder" ] && continue
        # SELF: the file's own folder one level below the rule (ip/dma, nn/cost, ...).
        self=${file#*/}
        self=${file%%/*}/${self%%/*}
        while IFS=: read -r line inc; do
            if [[ "$inc" =~ ^\<(systemc|tlm|tlm_utils/|sysc/) ]]; then
                if [ "$sc" != "sc" ]; then
                    echo "$file:$line: #include $inc: $folder/ includes no SystemC"
                    bad=1
                fi
                continue
            fi
            [[ "$inc" =~ ^\" ]] || continue
            inc=${inc//\"/}
            [[ "$inc" == */* ]] || continue  # a sibling header, by name
            ok=0
            for a in $allowed; do
                [ "$a" = SELF ] && a=$self
                if [[ "$inc" == "$a"/* ]]; then ok=1; break; fi
            done
            if [ $ok = 0 ]; then
                echo "$file:$line: #include \"$inc\": $folder/ may include only: ${allowed//SELF/$self}"
                bad=1
            fi
        done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$file" |
                 sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^">]*[">]).*/\1:\2/')
    done < <(find arch nn ip platform firmware sw app tools bench tests \
                  \( -name '*.h' -o -name '*.cpp' \) 2>/dev/null | sort)
    return $bad
}

if [ "${1:-}" = "--self-test" ]; then
    # A scratch tree where an IP model includes another model and firmware
    # includes SystemC: both must be reported, and nothing else.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/ip/nncore" "$scratch/firmware/drivers/dma" "$scratch/arch/regs"
    printf '#include "ip/dma/dma.h"\n#include "arch/regs/dma_regs.h"\n' >"$scratch/ip/nncore/x.cpp"
    printf '#include <systemc>\n#include "arch/regs/dma_regs.h"\n' >"$scratch/firmware/drivers/dma/y.cpp"
    printf '#include "arch/regs/reg_def.h"\n' >"$scratch/arch/regs/z.h"
    out=$(check_tree "$scratch" || true)
    echo "$out"
    if [ "$(echo "$out" | grep -c .)" = 2 ] && echo "$out" | grep -q 'ip/nncore/x.cpp:1' &&
       echo "$out" | grep -q 'firmware/drivers/dma/y.cpp:1'; then
        echo "check_layers: self-test passed"
        exit 0
    fi
    echo "check_layers: self-test FAILED" >&2
    exit 1
fi

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
if check_tree "$root"; then
    echo "check_layers: every include follows the allowed arrows"
else
    echo "check_layers: includes above cross a layer (docs/architecture.md)" >&2
    exit 1
fi
