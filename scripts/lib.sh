# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What every script of the project shares, sourced, not executed: the log
# functions, the one reader of env.mk (written by scripts/setup) and the
# cross-compiler default.  scripts/e2e/lib.sh and scripts/kunit/lib.sh
# build on it.

KHN_CACHE=${KHN_CACHE:-/var/cache/kvm-hv-nested}

# log/warn/die, each line prefixed with the caller's $KHN_TAG.  log goes
# to fd $KHN_LOG_FD (1; the e2e scripts use 2, keeping stdout for their
# report).  With $RESULT_NAME set a test run is under way, so an early
# death still ends with the khn-result line the callers look for.
KHN_TAG=${KHN_TAG:-khn}
KHN_LOG_FD=${KHN_LOG_FD:-1}
log()  { printf '%s: %s\n' "$KHN_TAG" "$*" >&"$KHN_LOG_FD"; }
warn() { printf '%s: WARNING: %s\n' "$KHN_TAG" "$*" >&2; }
die() {
	printf '%s: ERROR: %s\n' "$KHN_TAG" "$*" >&2
	[ -n "${RESULT_NAME:-}" ] && echo "khn-result: $RESULT_NAME passed=0 failed=0"
	exit 1
}
# KHN_CROSS_COMPILE or CROSS_COMPILE from the environment, else Debian's
# triplet: the one place the default is written (the Makefile asks here).
export KHN_CROSS=${KHN_CROSS_COMPILE:-${CROSS_COMPILE:-powerpc64le-linux-gnu-}}

# khn_load_env: every "KHN_X := value" line of env.mk becomes the shell
# variable KHN_X (exported); a variable already set in the environment
# wins, so any of them can be overridden.  Only KHN_* keys are read, so a
# corrupt file cannot set arbitrary variables.  Returns 1 without env.mk.
khn_load_env() {
	local envmk=$KHN_CACHE/env.mk line key val
	[[ -r $envmk ]] || return 1
	while IFS= read -r line; do
		[[ $line =~ ^(KHN_[A-Z0-9_]+)[[:space:]]*:?=[[:space:]]*(.*)$ ]] || continue
		key=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]}
		val=${val%"${val##*[![:space:]]}"}
		[[ -n ${!key:-} ]] && continue
		printf -v "$key" '%s' "$val"
		export "${key?}"
	done <"$envmk"
}

# khn_copy_sources DEST: Kbuild and every .c/.h of src, include, uapi and
# tests into DEST, the one copy recipe for every out-of-tree build (Kbuild
# writes objects beside the sources).  Anything else in DEST goes, except
# what a build left there, so rebuilds stay incremental.
khn_copy_sources() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	mkdir -p "$1" &&
		(cd "$top" && rsync -a --delete --exclude='*.o' --exclude='*.ko' \
			--exclude='.*' --exclude='*.mod*' --exclude=modules.order \
			--exclude=Module.symvers --include='*/' --include='Kbuild' \
			--include='*.[ch]' --exclude='*' \
			Kbuild src include uapi tests "$1/")
}
