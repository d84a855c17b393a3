# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# Operator scenarios of `make e2e-ops`, run by L0's /init (scripts/e2e/init
# sources this file when the command line has e2e.ops=SCENARIO). Each one
# starts L1 (which boots an L2 running l2-workload -t: continuous, every
# pass verifying every byte it wrote), does to L1 what an operator does,
# and checks that the L2 goes on verifying afterwards:
#
#   migrate    migration to a second QEMU (-incoming), then a save to a
#              state file and a restore from it; the L2 must pass after
#              each switch-over. L1 is stopped for each migration: in
#              this emulator, pre-copy (live) migration corrupts any KVM
#              guest, nested or not (see migrate-live)
#   migrate-live  the same with L1 running while its memory is copied
#   reset      system_reset of L1 while its L2 runs; L1 boots again and
#              runs an L2 again (module: the first L2 is gone by then)
#   ksm        KSM merging at full speed in L0 while L2 writes
#   swap       L1's QEMU in a memory cgroup smaller than L1's RAM, zram
#              swap in L0
#   hugepages  L1's RAM on 2M hugetlbfs pages in L0 (SKIP when L0 has no
#              2M page size: QEMU's emulated POWER9 has none)
#   smt        L1 and L2 with 4 threads a core; L2 takes threads offline
#              and back online while the workload runs
#
# One result line per scenario, read by scripts/e2e/ops:
#   "E2E-OPS scenario=S result=PASS|FAIL|SKIP why=... facts..."
# Uses /init's T, C, snapshot_vmstats, audit_vms, live_line, CAPS, EXTRA,
# GARGS, MEM, SMP, MODE, INITRD and DBG.

OD=/tmp/ops
WHY=
FACTS=

fact() { FACTS="$FACTS $1"; }
bad() { [ -n "$WHY" ] || WHY=$1; T "OPS-FAIL $1"; }

# l1_start TAG [qemu args...]: start an L1 QEMU in the background with
# console to L0's console and $OD/TAG.con, monitor on $OD/TAG.mon.{in,out}
# (a readline HMP, read into $OD/TAG.mon) and pid in $OD/TAG.pid.
# $L1_CGROUP, when set, is the cgroup it runs in.
l1_start() {
	local tag=$1 n
	shift
	rm -f "$OD/$tag".*
	mkfifo "$OD/$tag.mon.in" "$OD/$tag.mon.out"
	: >"$OD/$tag.con"
	: >"$OD/$tag.mon"
	cat "$OD/$tag.mon.out" >>"$OD/$tag.mon" &
	(
		# "0" moves the writer, this subshell ($$ would name the parent)
		[ -n "$L1_CGROUP" ] && echo 0 >"$L1_CGROUP/cgroup.procs"
		# shellcheck disable=SC2086 # L1_MEMARGS is a word list
		exec qemu-system-ppc64 -nographic -nodefaults -serial stdio \
			-chardev "pipe,id=mon0,path=$OD/$tag.mon" -mon chardev=mon0,mode=readline \
			-pidfile "$OD/$tag.pid" \
			-M "pseries,accel=kvm,x-vof=on,usb=off,$CAPS$EXTRA" -cpu host -smp "$SMP" \
			-m "$MEM" $L1_MEMARGS -kernel /boot/vmlinux -initrd "$INITRD" -append "$GARGS" \
			"$@" </dev/null 2>&1
	) | tee -a "$OD/$tag.con" &
	# QEMU writes its pid file once set up: until then it is not "gone".
	n=0
	while [ ! -s "$OD/$tag.pid" ] && [ $n -lt 60 ]; do
		sleep 1
		n=$((n + 1))
	done
	T "OPS l1 $tag started (pid $(l1_pid "$tag")) $*"
}

l1_pid() { cat "$OD/$1.pid" 2>/dev/null; }
l1_alive() {
	local p
	p=$(l1_pid "$1")
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

# mon TAG CMD: one monitor command; its output lands in $OD/TAG.mon.
mon() {
	echo "$2" >"$OD/$1.mon.in"
	sleep 1
}

# brief TAG: one line on how TAG is doing, for the log while we wait.
brief() {
	local v
	mon "$1" "info status"
	v=$(grep -a -o -E 'VM status: [a-z-]+' "$OD/$1.mon" | tail -n 1)
	printf '%s; console lines %s' "${v:-no status}" "$(con_lines "$1")"
	[ -s "$VMSTATS" ] && grep -E '\.(set_ptcr|enter|enter_refused|enter_interrupted|exit_hdec|fault_resolved|guests_created|guests_freed)=' \
		"$VMSTATS" | tr '\n' ' ' | sed 's/^/; /'
}

# wait_con TAG ERE SECONDS [FROM]: true once a console line after line FROM
# (default 0) matches ERE; false when L1's QEMU is gone or time is up.
wait_con() {
	local tag=$1 re=$2 left=$3 from=${4:-0} n=0
	while [ "$left" -gt 0 ]; do
		n=$((n + 1))
		[ $((n % 15)) = 0 ] && T "OPS waiting for /$re/ on $tag: $(brief "$tag")"
		tail -n "+$((from + 1))" "$OD/$tag.con" | grep -a -q -E "$re" && return 0
		l1_alive "$tag" || {
			sleep 1
			tail -n "+$((from + 1))" "$OD/$tag.con" | grep -a -q -E "$re"
			return
		}
		sleep 2
		left=$((left - 2))
	done
	return 1
}
con_lines() { grep -a -c '' "$OD/$1.con"; }
# passes TAG FROM: workload passes printed after console line FROM.
passes() { tail -n "+$(($2 + 1))" "$OD/$1.con" | grep -a -c -E 'l2-workload: pass [0-9]+ ok'; }

# wait_gone TAG SECONDS: wait for the QEMU to exit; kill it when it does not.
wait_gone() {
	local left=$2
	while l1_alive "$1" && [ "$left" -gt 0 ]; do
		sleep 2
		left=$((left - 2))
	done
	if l1_alive "$1"; then
		kill -9 "$(l1_pid "$1")" 2>/dev/null
		return 1
	fi
	return 0
}

# finish TAG FROM: the workload on TAG's console ends in PASS with at
# least one pass after line FROM, no mismatch anywhere, and L1 powers off.
finish() {
	local tag=$1 from=$2 n
	if ! wait_con "$tag" 'L2-WORKLOAD: (PASS|FAIL)' "$OPS_WAIT" "$from"; then
		bad "no final workload line on $tag"
	fi
	n=$(passes "$tag" "$from")
	fact "passes_after=$n"
	[ "$n" -gt 0 ] || bad "no workload pass after the operation"
	grep -a -q -E 'L2-WORKLOAD: FAIL|l2-workload: MISMATCH' "$OD"/*.con && bad "workload mismatch"
	wait_gone "$tag" 120 || bad "L1 $tag did not power off"
}

# migrate_out TAG URI: migrate TAG to URI, wait for completion, quit TAG.
# LIVE=1: TAG runs during the migration (pre-copy with dirty logging);
# otherwise it is stopped first and the destination is continued by the
# caller (the same state crosses over, without L0's dirty logging).
migrate_out() {
	local tag=$1 uri=$2 left=$OPS_WAIT st
	[ "$LIVE" = 1 ] || mon "$tag" stop
	mon "$tag" "migrate_set_parameter downtime-limit 2000"
	mon "$tag" "migrate -d $uri"
	while [ "$left" -gt 0 ]; do
		mon "$tag" "info migrate"
		st=$(grep -a -o -E 'Migration status: [a-z-]+' "$OD/$tag.mon" | tail -n 1)
		case $st in
		*completed) break ;;
		*failed | *cancelled) break ;;
		esac
		sleep 3
		left=$((left - 4))
	done
	T "OPS $tag migration to $uri: ${st:-no status}"
	grep -a -E 'total time|downtime|transferred ram' "$OD/$tag.mon" | tail -n 3 |
		sed "s/^/E2E[L0] OPS $tag /"
	case $st in *completed) ;; *) bad "migration to $uri: ${st:-no status}"; return 1 ;; esac
	mon "$tag" quit
	wait_gone "$tag" 60
	return 0
}

# resume TAG: a destination that came from a stopped source waits paused
# once the incoming migration is done ("inmigrate" until then).
resume() {
	local left=$OPS_WAIT st
	[ "$LIVE" = 1 ] && return 0
	while [ "$left" -gt 0 ]; do
		mon "$1" "info status"
		st=$(grep -a -o -E 'VM status: [a-z-]+( \([a-z-]+\))?' "$OD/$1.mon" | tail -n 1)
		case $st in
		*'(inmigrate)') ;;
		*paused*) break ;;
		*running) return 0 ;;
		esac
		sleep 2
		left=$((left - 3))
	done
	T "OPS $1 incoming done ($st): cont"
	mon "$1" cont
}

live_l2s() { sed -n 's/^l2s //p' "$DBG/live" 2>/dev/null; }

sc_migrate() {
	local m
	l1_start a
	wait_con a 'l2-workload: pass 1 ok' "$OPS_WAIT" || { bad "L2 workload did not start"; return; }
	l1_start b -incoming "unix:$OD/mig.sock"
	sleep 5
	migrate_out a "unix:$OD/mig.sock" || return
	m=$(con_lines b)
	resume b
	wait_con b 'l2-workload: pass [0-9]+ ok' "$OPS_WAIT" "$m" || { bad "no pass after live migration"; return; }
	fact "live_passes=$(passes b "$m")"
	migrate_out b "file:$OD/l1.state" || return
	fact "state_mib=$(($(stat -c %s "$OD/l1.state") / 1048576))"
	l1_start c -incoming "file:$OD/l1.state"
	resume c
	finish c 0
	rm -f "$OD/l1.state"
}

sc_reset() {
	local m n
	l1_start a
	wait_con a 'l2-workload: pass 1 ok' "$OPS_WAIT" || { bad "L2 workload did not start"; return; }
	[ "$MODE" = module ] && fact "l2s_before=$(live_l2s)"
	m=$(con_lines a)
	mon a system_reset
	wait_con a 'E2E\[L1\].*init-start' "$OPS_WAIT" "$m" || { bad "L1 did not boot again"; return; }
	if [ "$MODE" = module ]; then
		# L1's userspace is back but its kvm-hv is not loaded yet: the L2
		# of the first boot must be gone.
		n=$(live_l2s)
		fact "l2s_after_reset=$n"
		[ "$n" = 0 ] || bad "L2s still live after L1's reset: $n"
	fi
	wait_con a 'E2E\[L2\].*L2-USERSPACE-REACHED' "$OPS_WAIT" "$m" || { bad "no L2 after the reset"; return; }
	finish a "$m"
}

sc_ksm() {
	local k=/sys/kernel/mm/ksm n scans kw
	[ -w $k/run ] || { bad "no KSM in L0"; return; }
	echo 0 >$k/sleep_millisecs
	echo 4096 >$k/pages_to_scan
	echo 1 >$k/run
	ksm_watch &
	kw=$!
	l1_start a
	finish a 0
	kill "$kw" 2>/dev/null
	n=$(cat $OD/ksm.max 2>/dev/null || echo 0)
	scans=$(cat $k/full_scans)
	fact "ksm_full_scans=$scans ksm_pages_sharing_max=$n"
	# unmerging (run=2) resets the counters: read them first
	echo 2 >$k/run
	[ "$scans" -gt 0 ] || bad "KSM completed no scan"
	[ "$n" -gt 0 ] || bad "KSM merged nothing"
}

# While the ksm scenario runs: the most pages KSM shared at once.
ksm_watch() {
	local v
	while sleep 2; do
		v=$(cat /sys/kernel/mm/ksm/pages_sharing 2>/dev/null || echo 0)
		[ "$v" -gt "$(cat $OD/ksm.max 2>/dev/null || echo 0)" ] && echo "$v" >$OD/ksm.max
	done
}

vmstat() { sed -n "s/^$1 //p" /proc/vmstat; }

sc_swap() {
	local cg=/sys/fs/cgroup out0 in0 z
	for z in lz4_compress lz4hc_compress zram; do
		load "$z" "$MODDIR/$z.ko" || { bad "insmod $z"; return; }
	done
	echo 2G >/sys/block/zram0/disksize
	if ! mkswap /dev/zram0 >/dev/null || ! swapon /dev/zram0; then
		bad "zram swap"
		return
	fi
	mount -t cgroup2 none $cg 2>/dev/null
	echo +memory >$cg/cgroup.subtree_control
	mkdir -p $cg/l1
	echo "$OPS_CGMEM" >$cg/l1/memory.max || { bad "memory.max"; return; }
	fact "cgroup_controllers=$(tr ' ' ',' <$cg/l1/cgroup.controllers)"
	out0=$(vmstat pswpout) in0=$(vmstat pswpin)
	L1_CGROUP=$cg/l1
	l1_start a
	grep -q -x "$(l1_pid a)" $cg/l1/cgroup.procs || bad "L1's QEMU is not in $cg/l1"
	finish a 0
	L1_CGROUP=
	fact "memory.max=$OPS_CGMEM swap_peak_mib=$(($(cat $cg/l1/memory.swap.peak 2>/dev/null || echo 0) / 1048576))"
	fact "pswpout=$(($(vmstat pswpout) - out0)) pswpin=$(($(vmstat pswpin) - in0))"
	[ $(($(vmstat pswpout) - out0)) -gt 0 ] || bad "nothing of L1 was swapped out"
	[ $(($(vmstat pswpin) - in0)) -gt 0 ] || bad "nothing of L1 was swapped back in"
	swapoff /dev/zram0
}

sc_hugepages() {
	local h=/sys/kernel/mm/hugepages/hugepages-2048kB n
	if [ ! -d $h ]; then
		SKIP="L0 has no 2M page size ($(dmesg | grep -o -m1 'hugetlbfs: .*' || echo 'no hugepages-2048kB'))"
		return
	fi
	n=$(($(echo "$MEM" | sed 's/G$/*1024/; s/M$//') / 2 + 16))
	echo "$n" >$h/nr_hugepages
	[ "$(cat $h/nr_hugepages)" -ge "$((n - 16))" ] || { bad "only $(cat $h/nr_hugepages) of $n 2M pages"; return; }
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M none /dev/hugepages || { bad "hugetlbfs mount"; return; }
	L1_MEMARGS="-object memory-backend-file,id=ram0,size=$MEM,mem-path=/dev/hugepages -machine memory-backend=ram0"
	l1_start a
	finish a 0
	L1_MEMARGS=
	fact "audit_sizes=$(sed -n 's/.*(\(.*\))$/\1/p' "$AUDIT" | tr ' ' ',')"
	[ "$MODE" = module ] && ! grep -q -E '2m=[1-9]' "$AUDIT" && bad "no 2M shadow leaf seen"
}

sc_smt() {
	local n
	l1_start a
	finish a 0
	n=$(grep -a -o -E 'HOTPLUG cycles=[0-9]+ fails=[0-9]+' "$OD/a.con" | tail -n 1)
	fact "$(echo "${n:-HOTPLUG none}" | tr ' ' '_')"
	case $n in
	*cycles=0* | '') bad "no CPU hotplug cycle in L2" ;;
	*fails=0) ;;
	*) bad "CPU hotplug: $n" ;;
	esac
}

# vmsum NAME: a debugfs counter summed over every VM of the scenario.
vmsum() {
	local n=0 v
	for v in $(cat "$VMSTATS.d"/vm-* 2>/dev/null | sed -n "s/^vm-[0-9-]*\.$1=//p"); do
		n=$((n + v))
	done
	echo "$n"
}

# ops_main SCENARIO: run it, print the result line and the module's view.
ops_main() {
	local s=$1 t0 res poll='' t
	mkdir -p $OD
	SKIP=
	LIVE=${LIVE:-}
	L1_CGROUP=
	L1_MEMARGS=
	OPS_WAIT=${OPS_WAIT:-1500}
	OPS_CGMEM=${OPS_CGMEM:-256M}
	t0=$(cut -d. -f1 /proc/uptime)
	if [ "$MODE" = module ]; then
		rm -rf "$VMSTATS" "$VMSTATS.d" "$AUDIT" "$AUDIT.bad"
		poll_vmstats &
		poll=$!
	fi
	case $s in
	migrate | reset | ksm | swap | hugepages | smt) "sc_$s" ;;
	migrate-live) LIVE=1 sc_migrate ;;
	*) bad "unknown scenario $s" ;;
	esac
	for t in a b c; do l1_alive $t && kill -9 "$(l1_pid $t)"; done
	if [ -n "$poll" ]; then
		# the poller's file holds its counts: its shell variables are
		# its own, so no audit here
		kill "$poll" 2>/dev/null
		wait "$poll" 2>/dev/null
		cat "$VMSTATS.d"/vm-* 2>/dev/null | sed 's/^/E2E-VMSTAT /'
		# every VM of the scenario, gone or not: L1 is never refused
		fact "vms=$(find "$VMSTATS.d" -name 'vm-*' | grep -c .) enter=$(vmsum enter) enter_refused=$(vmsum enter_refused) set_ptcr_user=$(vmsum set_ptcr_user) guests_created=$(vmsum guests_created) rmap_unmap=$(vmsum rmap_unmap) fault_nomem=$(vmsum fault_nomem)"
		[ "$(vmsum enter_refused)" = 0 ] || bad "H_ENTER_NESTED refused $(vmsum enter_refused) times"
		# no VM, no audit (a skipped scenario); a VM that lived must
		# have been audited, without a violation
		if [ -s "$AUDIT" ]; then
			echo "E2E-AUDIT $(cat "$AUDIT")"
			[ -s "$AUDIT.bad" ] && sed 's/^/E2E-AUDIT-BAD /' "$AUDIT.bad" | head -n 40
			grep -q ' violations=0 ' "$AUDIT" || bad "auditor: $(cat "$AUDIT")"
		elif [ "$(find "$VMSTATS.d" -name 'vm-*' 2>/dev/null | grep -c .)" != 0 ]; then
			bad "the auditor never ran"
		fi
		sleep 3
		fact "live_after=$(live_line | tr ' ' ',')"
		case $(live_line) in *=[1-9]*) bad "module state live after L1: $(live_line)" ;; esac
	fi
	if [ -n "$SKIP" ] && [ -z "$WHY" ]; then
		res=SKIP WHY=$SKIP
	elif [ -n "$WHY" ]; then
		res=FAIL
	else
		res=PASS
	fi
	echo "E2E-OPS scenario=$s result=$res l0_seconds=$(($(cut -d. -f1 /proc/uptime) - t0))$FACTS why=${WHY:-none}"
}
