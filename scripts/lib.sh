# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What every script of the project shares, sourced, not executed: the one
# reader of env.mk (written by scripts/setup) and the cross-compiler
# default.  scripts/e2e/lib.sh and scripts/kunit/lib.sh build on it.

KHN_CACHE=${KHN_CACHE:-/var/cache/kvm-hv-nested}
# The Makefile's CROSS_COMPILE, when make runs us, else Debian's triplet.
KHN_CROSS=${KHN_CROSS_COMPILE:-${CROSS_COMPILE:-powerpc64le-linux-gnu-}}

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
