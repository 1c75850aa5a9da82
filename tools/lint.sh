#!/usr/bin/env bash
# Formatting and static analysis.
#   tools/lint.sh            check formatting of every tracked C++ file (fails on any diff)
#   tools/lint.sh --fix      reformat in place
#   tools/lint.sh --tidy     also run clang-tidy (.clang-tidy) over the release build's sources
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
case "${1:-}" in
  --fix) clang-format -i "${files[@]}"; exit 0 ;;
  --tidy)
    clang-format --dry-run --Werror "${files[@]}"
    [ -f build/release/compile_commands.json ] || tools/setup.sh release
    run-clang-tidy -p build/release -quiet 'engine/|models/|tools/|tests/|bench/' ;;
  "") clang-format --dry-run --Werror "${files[@]}" ;;
  *) echo "usage: tools/lint.sh [--fix|--tidy]" >&2; exit 2 ;;
esac
