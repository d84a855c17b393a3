/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The l1sim harness (harness.c): a KVM-HV VM whose "L1" is an hcall
 * trampoline, L1 memory access, the L1 partition table and radix tree
 * builders, L2 launch through H_ENTER_NESTED, group/ok/not-ok reporting and
 * the debugfs and procfs readers.  The test programs (l1sim.c, fuzz.c) are
 * built on it; see l1sim.c for how the fake L1 works.
 *
 * Nothing here may use floating point: the vCPU thread's FP registers do
 * not always survive KVM_RUN (kvm_run_checked()).  Nor may the compiler
 * keep integers in them: l1sim and l1fuzz are built with the non-volatile
 * FP and vector registers fixed (tests/l1sim/cflags), after l1fuzz once
 * handed an L2 a store address of 0 that it had kept in v31 across a
 * KVM_RUN, in Debian's kernel.
 */
#ifndef _L1SIM_HARNESS_H
#define _L1SIM_HARNESS_H

/* __u64 is unsigned long long, as u64 below, on ppc64 too: define it first */
#ifndef __SANE_USERSPACE_TYPES__
#define __SANE_USERSPACE_TYPES__
#endif
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "khn/papr.h"
#include "khn/hv_guest_state.h"
#include "guest.h"

typedef unsigned long long u64;
typedef unsigned int u32;

#define BIT_ULL(n)		(1ULL << (n))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Facts of the architecture and of kvm-hv, checked against the source. */
#define MSR_SF		BIT_ULL(63)
#define MSR_TS_T	BIT_ULL(34)
#define MSR_PR		BIT_ULL(14)
#define MSR_ME		BIT_ULL(12)
#define MSR_LE		BIT_ULL(0)
#define LPCR_ILE	0x0000000002000000ULL
#define SRR1_PROGPRIV	0x00040000ULL
#define DSISR_NOHPTE	0x40000000ULL
#define DSISR_ISSTORE	0x02000000ULL
#define DSISR_SET_RC	0x00040000ULL
#define TRAP_EXTERNAL	0x500
#define TRAP_PROGRAM	0x700
#define TRAP_HDEC	0x980
#define TRAP_SYSCALL	0xc00
#define TRAP_HDSI	0xe00
#define PPR_DEFAULT	(3ULL << 50)

/* H_RPT_INVALIDATE operands (asm/hvcall.h) */
#define H_RPTI_TYPE_NESTED	0x1
#define H_RPTI_TYPE_TLB		0x2
#define H_RPTI_TARGET_CMMU	0x1
#define H_RPTI_PAGE_64K		0x2

/* Radix: tree entries (big-endian in memory, whatever L1's byte order) */
#define PTE_VALID	BIT_ULL(63)
#define PTE_LEAF	BIT_ULL(62)
#define PTE_R		0x100ULL
#define PTE_C		0x080ULL
#define PTE_RD		0x004ULL
#define PTE_WR		0x002ULL
#define PTE_EX		0x001ULL
#define PTE_RWX		(PTE_RD | PTE_WR | PTE_EX | PTE_R | PTE_C)
#define PATB_HR		BIT_ULL(63)
/* RTS of a 52-bit space: 52 - 31 = 21 = 0b10101, split over two fields */
#define RTS_52		((2ULL << 61) | (5ULL << 5))

/* tlbie operand encodings, as L1 passes them to H_TLB_INVALIDATE */
#define TLBIE_RIC(x)	((u64)(x) << 18)
#define TLBIE_PRS(x)	((u64)(x) << 17)
#define TLBIE_R(x)	((u64)(x) << 16)
#define RB_IS(x)	((u64)(x) << 10)
#define RB_AP(x)	((u64)(x) << 5)
#define AP_64K		5
#define AP_2M		1

/*
 * L1 real memory.  64K granules: the test kernel uses 64K pages and L0
 * refuses L1 leaves smaller than its own pages.
 */
#define MEM_SIZE	(64ULL << 20)
#define L1_VEC_FIRST	0x100
#define L1_VEC_LAST	0xfe0
#define L1_TRAMP	0x2000
#define L1_TOUCH	0x2100		/* l1_touch */
#define L1_PTBL		0x10000		/* partition table, 4K: 256 LPIDs */
#define PTBL_ENTRIES	256
#define L1_ROOT		0x20000		/* 2^13 entries, 64K aligned */
#define L1_PUD		0x30000
#define L1_PMD		0x31000
#define L1_PTE		0x32000		/* 2^5 entries of 64K pages */
#define L1_GS		0x40000		/* hv_guest_state */
#define L1_REGS		0x41000		/* pt_regs */
/*
 * L1's own process table and tree (PID 0): EA 0..64K -> RA 0, user
 * read/execute, for the trampoline in problem state (MSR[PR] implies
 * IR/DR: problem state never runs in real mode).
 */
#define L1_PRTB		0x50000
#define L1_P_ROOT	0x60000
#define L1_P_PUD	0x70000
#define L1_P_PMD	0x71000
#define L1_P_PTE	0x72000
#define L1_L2CODE	0x100000	/* backs L2 real 0 */
#define L1_DATA_A	0x110000
#define L1_DATA_B	0x120000
#define L1_DATA_C	0x130000	/* mapped without R/C */
/*
 * The L2's own process table and its PID 1 tree, in L2 real memory: EA
 * 0x10000 (PID 1) -> L2 real L2_DATA, for H_COPY_TOFROM_GUEST.
 */
#define L1_L2PROC	0x140000	/* backs L2_PRTB: the process table */
#define L1_L2PROOT	0x150000	/* backs L2_PROOT: its root, 2^13 entries */
#define L1_L2PDIR	0x160000	/* backs L2_PDIR: PUD, PMD, PTE tables */
#define L2_PRTB		0x40000
#define L2_PROOT	0x50000
#define L2_PDIR		0x60000
#define L2_PID		1
#define L2_EA		0x10000
#define L1_2M_A		0x400000	/* backs L2 real 2M..4M (a 2M leaf) */
#define L1_2M_B		0x600000
#define L2_LPID		1
#define L2_CODE		0x0
#define L2_DATA		0x10000
#define L2_UNMAPPED	0x20000
#define L2_RC		0x30000
#define L2_2M		0x200000
#define PAGE_64K	0x10000ULL

#define L2_OFF(sym)	((u64)((sym) - l2_code) * 4)

/* --------------------------------------------------------------- output --- */

/* The program's name ("l1sim") and mode ("baseline", "module"). */
extern const char *out_tag;
extern const char *mode;
/* -v: print passed checks and per-group times too */
extern int verbose;
/* Groups so far, passed and failed. */
extern int n_groups, n_passed, n_failed;
/* Failed checks of the current group, and its name. */
extern int group_fails;
extern char group_name[64];

/* out(fmt, ...): one line "<tag>-<mode>: ..."; a macro so printf checks it */
#define out(fmt, ...)	printf("%s-%s: " fmt "\n", out_tag, mode, ##__VA_ARGS__)

/* Start a group of checks called name. */
void group_begin(const char *name);
/* One check of the current group: prints msg when it failed (or -v). */
bool check_msg(bool ok, const char *msg);
/* check(ok, fmt, ...): one check of the current group; ok comes first */
#define check(ok, fmt, ...) ({						\
	bool ok_ = (ok);						\
	char msg_[512];							\
	snprintf(msg_, sizeof(msg_), fmt, ##__VA_ARGS__);		\
	check_msg(ok_, msg_);						\
})
/* End the group: "ok N name" or "not ok N name"; true when it passed. */
bool group_end(void);

/* ---------------------------------------------------------------- hcall --- */

/* What an hcall() returned instead of a result (never a PAPR code). */
#define HC_NO_RETURN	(-1000000L)
/* Seconds one KVM_RUN may take: every run here needs milliseconds. */
#define RUN_TIMEOUT	15

/* A PAPR return code or an L2 trap number, by name ("?" when unknown). */
const char *rc_name(long rc);

/* One L1 VM: /dev/kvm, the VM, its vCPU and its 64 MiB of L1 memory. */
struct vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	unsigned char *mem;
	bool l1_be;		/* L1 runs big-endian (MSR_LE clear) */
	bool broken;		/* a run timed out: the vCPU state is unknown */
	/* the last exit that was not a trampoline return */
	u64 exit_nr, exit_args[9];
	u32 exit_reason;
	char why[160];
	char l2why[200];	/* the last L2 exit: trap and fault registers */
	/*
	 * KVM_EXIT_MMIO exits inside a hypercall (an L2's access to an L1
	 * region with no memslot, emulated by L0): hcall_msr() completes
	 * them, a load with mmio_load, and keeps the last one here.
	 */
	int mmio_n;
	bool mmio_write;
	u32 mmio_len;
	u64 mmio_addr, mmio_data, mmio_load;
	/*
	 * When > 0: an open /proc/thread-self/make-it-fail, set to 1 for
	 * each KVM_RUN alone (failslab with its task filter), so that only
	 * what the kernel allocates inside the run fails.
	 */
	int fail_fd;
	/* hypercalls enter through l1_touch: r4 and r5 must be L1 memory */
	bool touch;
};

/* Timebase frequency (from /proc/cpuinfo); KVM_RUN timeouts; re-entries. */
extern long tb_hz;
extern int n_timeouts;
extern int n_reentries;
/* KVM_RUNs, and those that lost the FP/vector canaries (all, H_ENTER_NESTED). */
extern int n_runs, n_fp_lost, n_enter_runs, n_enter_lost;
/* Lost canaries: group/hcall list and the first one's registers. */
extern char fp_lost_first[200], fp_lost_nrs[400];

/* SIGALRM handler for vcpu_run()'s timeout; install it without SA_RESTART. */
void on_alarm(int sig);
/* The timebase register, and CLOCK_MONOTONIC in ms and in us. */
u64 mftb(void);
u64 now_ms(void);
u64 now_us(void);
/* The same canaries as KVM_RUN around n plain syscalls: how many lost them. */
int canary_control(int n);
/* One KVM_RUN, interrupted after timeout_s (vm->broken, vm->why); 0 or -1. */
int vcpu_run(struct vm *vm, int timeout_s);
/*
 * One hypercall made by L1 with MSR msr (0: SF|ME and L1's endianness):
 * nr in r3, args in r4..; r3 of the hcall, or HC_NO_RETURN with vm->why.
 */
long hcall_msr(struct vm *vm, u64 msr, u64 nr, int nargs, const u64 *args);
long hcall(struct vm *vm, u64 nr, int nargs, const u64 *args);
/* HCALL(vm, nr, args...): hcall() with its arguments listed */
#define HCALL(vm, nr, ...) ({						\
	const u64 a_[] = { __VA_ARGS__ };				\
	hcall(vm, nr, ARRAY_SIZE(a_), a_);			\
})
/* check() that got == want, naming both and why there was no return. */
bool expect_rc(struct vm *vm, const char *what, long got, long want);

/* ------------------------------------------------------------------- VM --- */

/* Values in L1's byte order. */
u64 bswap_if(const struct vm *vm, u64 v);
u32 bswap32_if(const struct vm *vm, u32 v);
/* The host's pointer to L1 real address ra. */
void *l1(const struct vm *vm, u64 ra);
/* A 64-bit word of L1 data, in L1's byte order. */
u64 l1_ld(const struct vm *vm, u64 ra);
void l1_st(struct vm *vm, u64 ra, u64 v);
/* A big-endian word (radix tree and partition table entries). */
void be_st(struct vm *vm, u64 ra, u64 v);
/* Copy instructions [start, end) to L1 real ra, byte-reversed when be. */
void put_code(struct vm *vm, u64 ra, const u32 *start, const u32 *end, bool be);
/* Close everything vm_open() opened; vm may be half open. */
void vm_close(struct vm *vm);
/*
 * Create the VM: HV, radix with GTSE, nested HV enabled (unless !nested),
 * 64 MiB at L1 real 0, one vCPU with PAPR, LPCR[ILE] as L1's byte order,
 * the trampoline and an interrupt stub at every vector, L1's own process
 * table.  Returns 0, or -1 with vm->why set.
 */
int vm_open(struct vm *vm, bool nested, bool l1_be);
/* L1's decrementer fires in secs seconds (it only matters with MSR[EE]). */
void l1_dec(struct vm *vm, int secs);

/* ------------------------------------------------------------- L2 setup --- */

/*
 * The L2's state for H_ENTER_NESTED, built natively and stored in L1's
 * byte order at L1_GS / L1_REGS.
 */
struct l2 {
	struct khn_hv_guest_state gs;
	struct khn_pt_regs regs;
	u64 expiry_written;
};

/* Map L2 real l2ra (64K page, below 2 MiB) to L1 real l1ra; 0: unmap. */
void l2_map(struct vm *vm, u64 l2ra, u64 l1ra, u64 flags);
/* Partition table with LPID 1's tree: L2 code, data and its own tables. */
void l2_tree(struct vm *vm);
/* State of an L2 at routine offset entry: LPID 1, 60 s of hdec, LE. */
void l2_default(struct l2 *s, u64 version, u64 entry);
/* hv_guest_state and pt_regs images to and from L1 memory. */
void gs_store(struct vm *vm, u64 ra, const struct khn_hv_guest_state *gs);
void gs_load(const struct vm *vm, u64 ra, struct khn_hv_guest_state *g);
void regs_store(struct vm *vm, u64 ra, const struct khn_pt_regs *regs);
void regs_load(const struct vm *vm, u64 ra, struct khn_pt_regs *regs);
/*
 * H_ENTER_NESTED of the images already in L1 memory, re-entered after a
 * 0x500 or 0; s gets what L0 wrote back.  Returns the trap or the error.
 */
long l2_enter_stored(struct vm *vm, struct l2 *s);
/* Store s, then l2_enter_stored(). */
long l2_enter(struct vm *vm, struct l2 *s);
/* Run routine entry of the L2 with r4/r5/r7 set; returns the trap. */
long l2_call(struct vm *vm, struct l2 *s, u64 entry, u64 r4, u64 r5, u64 r7);
/* L2 data (little-endian) at L1 real ra. */
u64 host_ld(const struct vm *vm, u64 ra);
void host_st(struct vm *vm, u64 ra, u64 v);
/* H_TLB_INVALIDATE's instruction operand. */
u64 tlbie_instr(int ric, int prs, int r);
/* check() that the L2 loads want from L2 real l2ra. */
bool expect_load(struct vm *vm, const char *what, u64 l2ra, u64 want);

/* ------------------------------------------------------- module, procfs --- */

#define MODNAME		"kvm_hv_nested"

/* /sys/module/kvm_hv_nested exists. */
bool module_loaded(void);
/* finit_module(ko), delete_module(kvm_hv_nested): 0 or -errno. */
int insmod(const char *ko);
int rmmod(void);
/* MemAvailable in kB, -1 when unknown. */
long mem_available_kb(void);
/*
 * The module's live-object counters (debugfs "live"): the number of
 * non-zero ones, listed in bad, or -1 when the file is absent.
 */
int live_nonzero(char *bad, size_t len);
/*
 * The shadow auditor of the module (debugfs kvm-hv-nested/vm-<pid>-<id>/
 * audit, Documentation/observability.rst): reading the file runs it.
 */
#define AUDIT_DIR	"/sys/kernel/debug/kvm-hv-nested"
struct audit {
	int files;		/* audit files read (VMs of the process) */
	long leaves;		/* shadow leaves checked, all VMs */
	long violations;	/* rules broken, all VMs */
	long trees;		/* shadow trees, all VMs */
	long rmap_entries;	/* nested-rmap entries, all VMs */
	char first[200];	/* the first "violation ..." line, or "" */
};

/*
 * Run the auditor on every VM of process pid (0: this one) and sum what
 * it prints into *a.  Returns the number of files read (0 when there is
 * none: baseline, or no VM open), or -1 with a->first saying why a file
 * could not be read or parsed.
 */
int audit_read(int pid, struct audit *a);
/*
 * audit_read(0, a) for a process with one VM, keeping its audit file open
 * in *fd (-1 at first) and reading it again from the start: each run
 * saves the directory search and the open.  Falls back to audit_read()
 * when the process has more than one VM.
 */
int audit_again(int *fd, struct audit *a);
/*
 * A counter of the module's per-VM "stats" file (vm-<pid>-<id>/stats,
 * "name value" lines), summed over this process's VMs; -1 when no file
 * has it (baseline, or no VM open).
 */
long vm_stat(const char *name);

/* The number after "key:" in path (or its first line when !key); -1. */
long read_long(const char *path, const char *key);

#endif /* _L1SIM_HARNESS_H */
