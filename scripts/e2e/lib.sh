# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared helpers for scripts/e2e/{mkinitramfs,run}. Sourced, not executed.
#
# Everything version-specific comes from env.mk, written by scripts/setup,
# so that a new Debian kernel upload needs no edit here.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
E2E_SCRIPTS="$E2E_ROOT/scripts/e2e"
# shellcheck source=../lib.sh
. "$E2E_ROOT/scripts/lib.sh"

KHN_LOG_FD=2 # stdout is the scripts' report

# env.mk's KHN_* variables, through the project's one reader.
e2e_load_env() {
	local k
	khn_load_env || die "$KHN_CACHE/env.mk missing: run scripts/setup first (or set KHN_CACHE)"
	for k in KHN_KREL KHN_STAGE KHN_VMLINUX; do
		[[ -n ${!k:-} ]] || die "$KHN_CACHE/env.mk does not define $k"
	done
	[[ -d $KHN_STAGE ]] || die "stage directory $KHN_STAGE missing: rerun scripts/setup"
}

# Build-artifact locations; each can be overridden from the environment so
# the Makefile (or a developer) can point at other builds.
e2e_defaults() {
	E2E_OUT=${E2E_OUT:-$E2E_ROOT/build/e2e}
	E2E_KVM_HV=${E2E_KVM_HV:-$E2E_ROOT/build/kvm-hv.ko}
	E2E_MODULE=${E2E_MODULE:-$E2E_ROOT/build/kvm-hv-nested.ko}
	E2E_WORKLOAD=${E2E_WORKLOAD:-$E2E_ROOT/build/l2-workload}
}

# Prefix each console line on stdin with host seconds since $1 (µs since
# epoch); copy progress lines (every line when $2 is 1) to fd 3 as they
# arrive. The caller sets LC_ALL=C (EPOCHREALTIME's decimal point).
e2e_timestamp() {
	local t0=$1 verbose=$2 line now e ts
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line//$'\r'/}
		now=${EPOCHREALTIME/./}
		e=$((now - t0))
		printf -v ts '[%5d.%d]' $((e / 1000000)) $((e / 100000 % 10))
		printf '%s %s\n' "$ts" "$line"
		if ((verbose)) || [[ $line =~ E2E|L2-WORKLOAD|Oops|BUG:|Kernel\ panic ]]; then
			printf '%s %s\n' "$ts" "$line" >&3
		fi
	done
}

# e2e_pnv_dtb OUT QEMU_ARGS...: the device tree QEMU's powernv9 gives the
# machine QEMU_ARGS describe, written to OUT, with the radix page sizes a
# POWER9's own firmware lists and QEMU leaves out (4K, 64K, 2M and 1G, as
# skiboot writes from HDAT).  Without them the kernel knows 4K and 64K
# only: no hugetlbfs, no THP.  QEMU ignores -append beside -dtb, so
# QEMU_ARGS must carry the command line: it is in the dumped tree.
e2e_pnv_dtb() {
	local out=$1 cpu
	shift
	rm -f "$out"
	printf 'dumpdtb %s\nquit\n' "$out" |
		"$QEMU" "$@" -S -nographic -monitor stdio -serial null >/dev/null 2>&1
	[[ -s $out ]] || return 1
	for cpu in $(fdtget -l "$out" /cpus); do
		fdtput -t x "$out" "/cpus/$cpu" ibm,processor-radix-AP-encodings \
			c a0000010 20000015 4000001e || return 1
	done
}
