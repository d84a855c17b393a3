# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for scripts/kunit/{uml,ppc}.  Sourced, not executed.
# shellcheck shell=bash disable=SC2034

KUNIT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=${KHN_PROJECT:-$(cd "$KUNIT_DIR/../.." && pwd)}
JOBS=${KHN_JOBS:-2}
# shellcheck source=../lib.sh
. "$PROJECT/scripts/lib.sh"
CROSS=$KHN_CROSS

now() { date +%s.%N; }
# elapsed START -> "12.3s"
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# env.mk's KHN_* variables (scripts/lib.sh; the environment wins).
load_env() {
	khn_load_env || die "$KHN_CACHE/env.mk missing: run scripts/setup first"
	[ -f "$KHN_SRC/Makefile" ] || die "KHN_SRC=$KHN_SRC is not a kernel source tree"
	SRCVER=$(basename "$KHN_SRC")
}

hash_str() { sha256sum | cut -c1-12; }

# Private working copy of the pristine source: a hard-link farm (cheap, fast).
# Rule for every later edit in the copy: never write a file in place; replace
# it (cp --remove-destination / mv), so the pristine inode is never touched.
make_src_copy() {
	local dst=$1
	[ -f "$dst/Makefile" ] && return 0
	log "creating private source copy $dst (hard links to $KHN_SRC)"
	rm -rf "$dst.tmp"
	mkdir -p "$(dirname "$dst")"
	cp -al "$KHN_SRC" "$dst.tmp"
	mv "$dst.tmp" "$dst"
}

# replace_file SRC DST: install SRC's content at DST as a new inode (breaks a
# hard link instead of writing through it); no-op if the content is equal,
# so the mtime (and make's view of it) only changes when the content does.
replace_file() {
	cmp -s "$1" "$2" 2>/dev/null && return 0
	mkdir -p "$(dirname "$2")"
	cp --remove-destination "$1" "$2.khn-new"
	mv -f "$2.khn-new" "$2"
}

# kunit.py never writes bytecode next to itself (the copy shares inodes
# with the pristine tree; new __pycache__ files would be harmless, but keep
# both trees exactly as they were).
export PYTHONDONTWRITEBYTECODE=1

# summarize NAME JSON: per-suite lines + "khn-result: NAME passed=N failed=M"
summarize() {
	python3 "$KUNIT_DIR/summarize.py" "$1" "$2"
}
