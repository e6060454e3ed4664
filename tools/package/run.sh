#!/usr/bin/env bash
# Packages every publishable crate of the workspace as `cargo publish` would, and checks the
# result: no warning from cargo, and each package ships its README and both licence texts
# and nothing large. Unpublished siblings are resolved through cargo's local overlay
# registry, in dependency order; each package's library and binaries are built from the
# unpacked .crate (not its tests, examples, benches or doc tests).
#
#   tools/package/run.sh                 # the check (a clean git tree)
#   tools/package/run.sh --allow-dirty   # include uncommitted changes
#
# Run by `cargo xtask package`. Extra arguments go to `cargo package`.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Publication order (each depends only on those before it; dev-dependencies aside).
crates=(frs-types frs-request frs-emulator frs-ureq frs-reqwest frs-conformance frs-cli)
# Largest file a package may hold (the signing vectors are ~0.3 MB).
max_bytes=$((1024 * 1024))

packages=()
for c in "${crates[@]}"; do packages+=(-p "$c"); done

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "package: listing the files of ${#crates[@]} crates"
status=0
for c in "${crates[@]}"; do
    files=$(cargo package --locked --list -p "$c" "$@" 2>"$log") || { cat "$log" >&2; exit 1; }
    if grep -q '^warning' "$log"; then
        echo "package: $c: cargo warned while listing:" >&2
        cat "$log" >&2
        status=1
    fi
    for needed in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs src/main.rs; do
        case "$needed" in
            src/lib.rs | src/main.rs) [ -e "crates/$c/$needed" ] || continue ;;
        esac
        grep -qx "$needed" <<<"$files" || { echo "package: $c does not ship $needed" >&2; status=1; }
    done
    while IFS= read -r f; do
        [ -f "crates/$c/$f" ] || continue
        size=$(stat -L -c %s "crates/$c/$f")
        if [ "$size" -gt "$max_bytes" ]; then
            echo "package: $c ships $f ($size bytes)" >&2
            status=1
        fi
    done <<<"$files"
    echo "  $c: $(wc -l <<<"$files") files"
done

echo "package: cargo package ${packages[*]} (builds each from its .crate)"
if ! cargo package --locked "${packages[@]}" "$@" 2>&1 | tee "$log"; then
    exit 1
fi
if grep -q '^warning' "$log"; then
    echo "package: cargo package warned (see above)" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "package: FAILED" >&2
    exit 1
fi
echo "package: ${#crates[@]} crates packaged and verified, no warnings"
ls -l target/package/*.crate 2>/dev/null || ls -l "${CARGO_TARGET_DIR:-target}"/package/*.crate
