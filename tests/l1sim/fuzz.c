// SPDX-License-Identifier: GPL-2.0-only
/*
 * l1fuzz: a hostile L1, seeded, on the l1sim harness (harness.h).
 *
 *   l1fuzz [-v] [--seed S] [--ops N] [--known LIST] [--hang-s S]
 *          [--audit-every N] [--stop-after STEP] baseline|module
 *
 * One process forks: the child is the L1 (one VM, one or two vCPUs) and
 * runs N operations per entry point, in an order and with arguments drawn
 * from the seed; the parent is the watchdog.  Entry points:
 *
 *   H_SET_PARTITION_TABLE, H_ENTER_NESTED, H_TLB_INVALIDATE,
 *   H_RPT_INVALIDATE-nested, H_RPT_INVALIDATE-process (L1's own),
 *   H_COPY_TOFROM_GUEST     the hypercalls, edge-biased arguments
 *   l1-tree                 L1 partition-tree mutations (reserved bits,
 *                           loops, every leaf size, remaps with and
 *                           without the flush, the L2 writing its tree),
 *                           each followed by an L2 run
 *   l2-programs             L2 programs, privileged and problem state:
 *                           "sc 1" with every hcall, MMIO and unmapped
 *                           addresses, illegal and hypervisor instructions
 *   l0-events               L0 moving L1 memory underneath: DONTNEED,
 *                           THP and hugetlbfs backing and their split,
 *                           KSM, memslot delete and move, dirty-log
 *                           harvest, CPU migration, two vCPUs of one L2
 *
 * Oracles beyond "no hang, no splat, no auditor violation": a refused
 * H_ENTER_NESTED leaves pt_regs alone; a value the host writes into a
 * page L1 maps (and flushed) is what the L2 loads, and what the L2
 * stores is what the host reads ("coherence"), after any L0 event; a
 * H_COPY_TOFROM_GUEST moves the bytes of the page L1's trees name; an L2
 * store after a KVM_GET_DIRTY_LOG harvest is in the next harvest; the
 * good partition table is always accepted again.
 *
 * Each operation runs from its own seed (drawn from --seed), so the
 * sequence does not depend on what L0 answered; a failure prints the
 * step, and "--stop-after STEP -v" replays up to it, printing each op.
 *
 * The watchdog (parent) reads /dev/kmsg for splats (BUG, WARNING, KASAN,
 * UBSAN, lockdep, RCU stall, soft lockup, hung task) and calls the child
 * hung when one step has not finished in --hang-s seconds (a KVM_RUN
 * that a signal cannot end).  The child runs the module's auditor after
 * every --audit-every steps.  Output: "fuzz-<mode>: ..." lines, one table
 * row per entry point, and "khn-result: fuzz-<mode> passed=N failed=M"
 * (an entry point passes with no hang, stall, splat, violation or
 * failed oracle).  --known LIST (comma-separated: dirty-log,
 * l2-rpt-range, l1-rpt-range) reports those known bugs as "known" and
 * keeps going instead of failing (ranges: avoids the inputs that wedge).
 */
#define _GNU_SOURCE
/* __u64 is unsigned long long, as u64 below, on ppc64 too */
#define __SANE_USERSPACE_TYPES__
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/mman.h>

#include "harness.h"
#include "fuzz-guest.h"

#define MSR_IR		BIT_ULL(5)
#define MSR_DR		BIT_ULL(4)
#define MSR_HV		BIT_ULL(60)
#define PTE_PRIV	0x008ULL
#define DSISR_UNSUPP_MMU	0x00080000ULL
#define H_RPTI_TYPE_PWC	0x4
#define H_RPTI_TYPE_PAT	0x8

/* ---------------------------------------------------------------- layout --- */

#define NLPID		4		/* L2s use LPIDs 1..NLPID */
#define FZ_GS1		0x42000		/* vCPU 1's hv_guest_state, pt_regs */
#define FZ_REGS1	0x43000
#define FZ_CODE		L1_L2CODE	/* L2 real 0 of every L2: vectors, programs */
#define FZ_PROGS	0x2000		/* where the programs start in it */
#define FZ_TREES	0x200000	/* per LPID 512K: its trees */
#define FZ_TREE(l)	(FZ_TREES + ((u64)(l) - 1) * 0x80000)
#define T_PUD		0x10000		/* root at +0 (64K), these 4K each */
#define T_PMD		0x11000
#define T_PTE		0x12000
#define T_PRTB		0x20000		/* the L2's process table (L2 real 0x20000) */
#define T_PROOT		0x30000		/* its PID 1 root (L2 real 0x30000) */
#define T_PDIR		0x40000		/* PUD, PMD, PTE (L2 real 0x40000) */
#define SCRATCH		0x700000	/* 1 MiB L0 may write: fuzzed buffers */
#define POOL0		0x800000	/* 8 MiB of L2 data in slot 0 */
#define POOL0_PAGES	128
#define X_SLOT		1		/* slot 1: the memory L0 moves */
#define X_BASE		0x4000000ULL	/* at L1 real 64 MiB */
#define X_SIZE		0x1000000ULL	/* 16 MiB */
#define X_PAGES		(X_SIZE / PAGE_64K)
#define X_BLOCKS	(X_SIZE / SZ_2M)
#define X_MOVED		0x8000000ULL
#define NO_SLOT_RA	0x10000000ULL	/* L1 real with no memslot: MMIO to L0 */
#define NPTE		32		/* L2 real 0..2M in 64K pages */
#define FIRST_DATA	5		/* 0 code, 1 spare, 2..4 the L2's tables */
#define NPMD		8		/* PMD 1..7: 2M leaves at L2 real 2M..16M */
#define L2_1G		0x40000000ULL	/* PUD 1: L2 real 1G */
#define SZ_2M		0x200000ULL
#define HANG_S		60

/* ----------------------------------------------------------- randomness --- */

/* splitmix64: one stream for the sequence, one per operation */
struct rng {
	u64 s;
};

static u64 rnd(struct rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rn(struct rng *r, u64 n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, int pct)
{
	return (int)rn(r, 100) < pct;
}

/* A 64-bit value biased to the edges. */
static u64 edge64(struct rng *r)
{
	static const u64 e[] = {
		0, 1, 7, 8, 0xfff, 0x1000, 0xffff, 0x10000, ~0ULL, ~0ULL - 1, ~0ULL - 0xfff,
		0x7fffffffffffffffULL, BIT_ULL(63), 0xffffffffc0000000ULL,
		0xfffffffffffff000ULL, BIT_ULL(52), BIT_ULL(52) - 1, BIT_ULL(32),
		0xffffffffULL, 0x80000000ULL, MEM_SIZE, MEM_SIZE - 8, MEM_SIZE - 1,
		X_BASE + X_SIZE - 8, X_BASE + X_SIZE, 0x40000000ULL, NO_SLOT_RA,
	};

	switch (rn(r, 5)) {
	case 0:
	case 1:
		return e[rn(r, ARRAY_SIZE(e))];
	case 2:
		return e[rn(r, ARRAY_SIZE(e))] + rn(r, 17) - 8;
	case 3:
		return rnd(r) & (~0ULL >> rn(r, 64));
	default:
		return rnd(r);
	}
}

/* An LPID: mostly ours, else at and over the limits. */
static u64 lpid_arg(struct rng *r)
{
	static const u64 e[] = {
		0, NLPID + 1, 255, 256, 257, 4095, 4096, 0xfff, 0xffff, 0xffffffffULL,
		BIT_ULL(32) | 1, ~0ULL, BIT_ULL(63) | 1,
	};

	if (chance(r, 70))
		return 1 + rn(r, NLPID);
	return chance(r, 70) ? e[rn(r, ARRAY_SIZE(e))] : edge64(r);
}

/* A count: small, page-sized, odd, or huge. */
static u64 count_arg(struct rng *r)
{
	static const u64 e[] = {
		0, 1, 7, 8, 16, 4095, 4096, 0x10000, 0x10001, 0x100000, BIT_ULL(31),
		BIT_ULL(32), ~0ULL, BIT_ULL(63),
	};

	return chance(r, 80) ? e[rn(r, ARRAY_SIZE(e))] : edge64(r);
}

/* An L1 buffer L0 may write: the scratch area, its edges, or nonsense. */
static u64 buf_arg(struct rng *r)
{
	if (chance(r, 60))
		return SCRATCH + (rn(r, 0x100000) & ~7ULL);
	if (chance(r, 50))
		return SCRATCH + 0x100000 - rn(r, 64);
	return chance(r, 50) ? edge64(r) | BIT_ULL(62) : MEM_SIZE - rn(r, 32);
}

/* ---------------------------------------------------------------- stats --- */

enum ep {
	EP_SETPT, EP_ENTER, EP_TLBIE, EP_RPT_NESTED, EP_RPT_PROC, EP_COPY,
	EP_TREE, EP_L2PROG, EP_L0, NEP,
};

static const char * const ep_name[NEP] = {
	"H_SET_PARTITION_TABLE", "H_ENTER_NESTED", "H_TLB_INVALIDATE",
	"H_RPT_INVALIDATE-nested", "H_RPT_INVALIDATE-process", "H_COPY_TOFROM_GUEST",
	"l1-tree", "l2-programs", "l0-events",
};

#define NRC		24
#define RC_KVM_ERR	(-2000000L)	/* KVM_RUN failed (not a timeout) */
#define RC_STALL	(-3000000L)	/* KVM_RUN ended only by the timer */

struct ep_stats {
	long ops, hangs, stalls, splats, violations, fails, known;
	u64 us;			/* time in its steps, the auditor's runs apart */
	int nrc;
	long rc[NRC], rc_n[NRC], rc_other;
};

/* Shared between the child (L1) and the watchdog (parent). */
struct shared {
	int in_step;		/* the child is in a step */
	long seq;		/* bumped at each step's start and end */
	int started;		/* the child is past its setup */
	long step;		/* the current step */
	int ep;			/* its entry point */
	char desc[200];		/* what it does */
	int finished;		/* the child printed its summary lines */
	long audits, audit_leaves_max, audit_trees_max, audit_us;
	long total_ops;
	long l0_n[16];		/* l0-events by kind: count and time */
	u64 l0_us[16];
	long pg_n[8], pg_hdec[8];	/* l2-programs by program: count, HDEC */
	u64 pg_us[8];
	u64 ms_start, ms_end;	/* the watchdog's clock: first step, child's exit */
	struct ep_stats st[NEP];
};

static struct shared *sh;
static u64 seed;
static long ops_per_ep = 100;
static long stop_after = -1;
static int audit_every = 1;
static int hang_s = HANG_S;
static bool known_dirty, known_l2_rpt, known_l1_rpt, known_unsupp;
static bool module_mode;
static u64 repro[8];		/* --l2-hcall: r3..r9, and 1 for problem state */
static int repro_n;
static bool repro_dirty;	/* --dirty-log-once */
static int repro_l0[16];	/* --l0 K,K,..: these l0-events in this order */
static int repro_l0_n;

static void note_rc(int ep, long rc)
{
	struct ep_stats *e = &sh->st[ep];
	int i;

	for (i = 0; i < e->nrc; i++) {
		if (e->rc[i] == rc) {
			e->rc_n[i]++;
			return;
		}
	}
	if (e->nrc < NRC) {
		e->rc[e->nrc] = rc;
		e->rc_n[e->nrc++] = 1;
	} else {
		e->rc_other++;
	}
}

static const char *rc_str(long rc, char *buf, size_t len)
{
	if (rc == RC_KVM_ERR)
		return "KVM_RUN-error";
	if (rc == RC_STALL)
		return "stall";
	if (rc == HC_NO_RETURN)
		return "no-return";
	if (rc == KHN_H_P6)
		return "H_P6";
	if (rc >= 0x100 && rc < 0x1000)
		snprintf(buf, len, "trap-0x%lx", rc);
	else if (strcmp(rc_name(rc), "?"))
		snprintf(buf, len, "%s", rc_name(rc));
	else
		snprintf(buf, len, "%ld", rc);
	return buf;
}

/* A failed oracle of step sh->step in entry point ep. */
static void fail_msg(int ep, const char *kind, const char *msg)
{
	sh->st[ep].fails++;
	out("# FAIL %s step %ld (seed 0x%llx): %s: %s [op: %s]", ep_name[ep], sh->step, seed,
	    kind, msg, sh->desc);
}

/* The same for a known bug: reported, not failed. */
static void known_msg(int ep, const char *kind, const char *msg)
{
	if (!sh->st[ep].known++ || verbose)
		out("# KNOWN %s step %ld (seed 0x%llx): %s: %s [op: %s]", ep_name[ep], sh->step,
		    seed, kind, msg, sh->desc);
	else if (sh->st[ep].known % 100 == 0)
		out("# KNOWN %s: %s seen %ld times", ep_name[ep], kind, sh->st[ep].known);
}

/* fail(ep, kind, fmt, ...), known(...): macros, so printf checks fmt */
#define fail(ep, kind, fmt, ...) do {					\
	char m_[400];							\
	snprintf(m_, sizeof(m_), fmt, ##__VA_ARGS__);			\
	fail_msg(ep, kind, m_);						\
} while (0)
#define known(ep, kind, fmt, ...) do {					\
	char m_[400];							\
	snprintf(m_, sizeof(m_), fmt, ##__VA_ARGS__);			\
	known_msg(ep, kind, m_);					\
} while (0)

/*
 * The child marks each step's start and end; the watchdog times steps on
 * its own clock only.  Each emulated CPU has its own timebase and they
 * can be far apart (over 1000 s in Debian's kernel with two CPUs), so a
 * time taken by the child, which migrates, is never compared with one of
 * the watchdog's.
 */
static void step_mark(int on)
{
	__atomic_store_n(&sh->in_step, on, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->seq, 1, __ATOMIC_SEQ_CST);
}

/* ---------------------------------------------------------------- world --- */

enum backing { B_ANON, B_THP, B_HUGETLB, NBACKING };
static const char * const backing_name[] = { "anon", "thp", "hugetlbfs" };
static int hugetlb_errno;	/* why MAP_HUGETLB failed, 0 when it did not */
static long backing_used[NBACKING];

/* What L1 mapped for one LPID, as far as the oracles rely on it. */
struct lp {
	bool broken;		/* tree state unknown: rebuild before relying on it */
	u64 pte[NPTE];		/* L1 real of data page i, 0: not mapped */
	bool stale[NPTE];	/* changed without a flush since */
};

struct v1 {			/* L1 vCPU 1 */
	int fd;
	struct kvm_run *run;
	long rc;
	int lpid;
	u64 addr, val;
	pthread_barrier_t *bar;
};

static struct {
	struct vm vm;
	unsigned char *x;	/* slot 1's host mapping */
	size_t x_map;		/* its mapping's length, from x_raw */
	unsigned char *x_raw;
	enum backing backing;
	u32 x_flags;
	bool ptcr_ok;
	bool ptcr_was_bad;	/* another table was registered since */
	struct lp lp[NLPID + 1];
	struct v1 v1;
	u64 last_hdsisr;	/* of the last L2 run through l2_run() */
	int ncpus;
	char facts[400];
} w;

static u64 prog_off(const unsigned int *p)
{
	return FZ_PROGS + (u64)(p - fz_hc) * 4;
}

static void pool_page(struct rng *r, u64 *ra)
{
	if (chance(r, 50))
		*ra = POOL0 + rn(r, POOL0_PAGES) * PAGE_64K;
	else
		*ra = X_BASE + rn(r, X_PAGES) * PAGE_64K;
}

/* The host's pointer to pool page ra (slot 0 or slot 1). */
static unsigned char *host_ptr(u64 ra)
{
	if (ra >= X_BASE && ra < X_BASE + X_SIZE)
		return w.x + (ra - X_BASE);
	return l1(&w.vm, ra);
}

static int x_slot_set(u64 gpa, u64 size, u32 flags)
{
	struct kvm_userspace_memory_region slot = {
		.slot = X_SLOT, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (u64)w.x,
	};

	return ioctl(w.vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) ? -errno : 0;
}

/* Map slot 1's host memory with backing b (falling back to anon). */
static int x_map(enum backing b)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	w.backing = b;
	if (b == B_HUGETLB) {
		w.x_raw = mmap(NULL, X_SIZE, PROT_READ | PROT_WRITE,
			       flags | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
		if (w.x_raw != MAP_FAILED) {
			w.x = w.x_raw;
			w.x_map = X_SIZE;
			backing_used[B_HUGETLB]++;
			return 0;
		}
		hugetlb_errno = errno;
		w.backing = B_ANON;
	}
	w.x_map = X_SIZE + SZ_2M;
	w.x_raw = mmap(NULL, w.x_map, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (w.x_raw == MAP_FAILED)
		return -errno;
	w.x = (unsigned char *)(((u64)w.x_raw + SZ_2M - 1) & ~(SZ_2M - 1));
	madvise(w.x, X_SIZE, w.backing == B_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	backing_used[w.backing]++;
	return 0;
}

static void x_unmap(void)
{
	if (w.x_raw && w.x_raw != MAP_FAILED)
		munmap(w.x_raw, w.x_map);
	w.x_raw = NULL;
	w.x = NULL;
}

/* ---------------------------------------------------------------- trees --- */

/* A big-endian word of L1 memory (tree entries). */
static u64 be_ld(u64 ra)
{
	u64 v;

	memcpy(&v, l1(&w.vm, ra), 8);
	return be64toh(v);
}

static u64 tree(int l, u64 off)
{
	return FZ_TREE(l) + off;
}

static void pte_set(int l, int i, u64 ra, u64 flags)
{
	be_st(&w.vm, tree(l, T_PTE) + i * 8, ra ? PTE_VALID | PTE_LEAF | ra | flags : 0);
}

/* H_TLB_INVALIDATE of all of LPID l's translations; true on H_SUCCESS. */
static bool flush_lpid(int ep, int l)
{
	long rc = HCALL(&w.vm, KHN_H_TLB_INVALIDATE, tlbie_instr(2, 0, 1), l, RB_IS(2));
	int i;

	if (rc != KHN_H_SUCCESS) {
		fail(ep, "flush", "H_TLB_INVALIDATE(RIC 2, IS 2, LPID %d): %ld (%s; %s)", l, rc,
		     rc_name(rc), rc == HC_NO_RETURN ? w.vm.why : "");
		return false;
	}
	for (i = 0; i < NPTE; i++)
		w.lp[l].stale[i] = false;
	return true;
}

/*
 * The good table is registered again after another one: an L2 entered in
 * between may have had its partition-table entry read from that other
 * table, and L0 re-reads it only on a RIC=2 flush (as kvm-hv does): every
 * L2's tree is rebuilt, with that flush, before an oracle relies on it.
 */
static void ptcr_back(void)
{
	int l;

	if (w.ptcr_was_bad)
		for (l = 1; l <= NLPID; l++)
			w.lp[l].broken = true;
	w.ptcr_was_bad = false;
}

/* Register the good partition table; true on H_SUCCESS. */
static bool ptcr_restore(int ep)
{
	long rc = HCALL(&w.vm, KHN_H_SET_PARTITION_TABLE, L1_PTBL);

	w.ptcr_ok = rc == KHN_H_SUCCESS;
	if (!w.ptcr_ok)
		fail(ep, "partition-table", "the good table (0x%x) refused: %ld (%s)", L1_PTBL,
		     rc, rc_name(rc));
	else
		ptcr_back();
	return w.ptcr_ok;
}

/* The L2's own process table: PID 1 maps EA 0..2M to L2 real, user. */
static void proc_tree(int l)
{
	u64 b = FZ_TREE(l);
	int i;

	be_st(&w.vm, b + T_PRTB + 16, RTS_52 | T_PROOT | 13);
	be_st(&w.vm, b + T_PROOT, PTE_VALID | T_PDIR | 9);
	be_st(&w.vm, b + T_PDIR, PTE_VALID | (T_PDIR + 0x1000) | 9);
	be_st(&w.vm, b + T_PDIR + 0x1000, PTE_VALID | (T_PDIR + 0x2000) | 5);
	for (i = 0; i < NPTE; i++)
		be_st(&w.vm, b + T_PDIR + 0x2000 + i * 8,
		      PTE_VALID | PTE_LEAF | ((u64)i << 16) | PTE_RWX);
}

/* LPID l's trees from scratch, data pages from r, then a flush. */
static bool tree_reset(int ep, struct rng *r, int l)
{
	u64 b = FZ_TREE(l), ra;
	int i;

	memset(l1(&w.vm, b), 0, 0x80000);
	be_st(&w.vm, b, PTE_VALID | (b + T_PUD) | 9);
	be_st(&w.vm, b + T_PUD, PTE_VALID | (b + T_PMD) | 9);
	be_st(&w.vm, b + T_PMD, PTE_VALID | (b + T_PTE) | 5);
	pte_set(l, 0, FZ_CODE, PTE_RD | PTE_EX | PTE_R | PTE_C);
	pte_set(l, 2, b + T_PRTB, PTE_RWX);
	pte_set(l, 3, b + T_PROOT, PTE_RWX);
	pte_set(l, 4, b + T_PDIR, PTE_RWX);
	memset(&w.lp[l], 0, sizeof(w.lp[l]));
	for (i = FIRST_DATA; i < NPTE; i++) {
		pool_page(r, &ra);
		pte_set(l, i, ra, PTE_RWX);
		w.lp[l].pte[i] = ra;
	}
	for (i = 1; i < NPMD; i++) {
		ra = chance(r, 50) ? POOL0 + rn(r, 4) * SZ_2M : X_BASE + rn(r, X_BLOCKS) * SZ_2M;
		be_st(&w.vm, b + T_PMD + i * 8, PTE_VALID | PTE_LEAF | ra | PTE_RWX);
	}
	/* 1G at L2 real 1G: L1 real 0.., read-only, mostly not L1 memory */
	be_st(&w.vm, b + T_PUD + 8, PTE_VALID | PTE_LEAF | 0 | PTE_RD | PTE_R | PTE_C);
	be_st(&w.vm, L1_PTBL + l * 16, PATB_HR | RTS_52 | b | 13);
	be_st(&w.vm, L1_PTBL + l * 16 + 8, PATB_HR | T_PRTB);
	proc_tree(l);
	return flush_lpid(ep, l);
}

/* Make LPID l reliable for an oracle: table registered, tree known. */
static bool lp_ready(int ep, struct rng *r, int l)
{
	if (!w.ptcr_ok && !ptcr_restore(ep))
		return false;
	if (w.lp[l].broken)
		return tree_reset(ep, r, l);
	return true;
}

/* ------------------------------------------------------------ L2 runs --- */

/*
 * H_ENTER_NESTED of the images at gs/regs, re-entered after 0x500 or 0
 * (L0 stopped the run for its own reasons); a KVM_RUN error or timeout
 * leaves the VM usable for the next step.
 */
static long enter_at(u64 gs, u64 regs)
{
	long rc = HC_NO_RETURN;
	int tries;

	for (tries = 0; tries < 20; tries++) {
		rc = HCALL(&w.vm, KHN_H_ENTER_NESTED, gs, regs);
		if (rc != TRAP_EXTERNAL && rc != 0)
			break;
	}
	if (rc == HC_NO_RETURN && w.vm.broken) {
		rc = strstr(w.vm.why, "did not return") ? RC_STALL : RC_KVM_ERR;
		w.vm.broken = false;
	}
	return rc;
}

/*
 * An L2 of LPID l at program p, PID 1; hdec in 200 ms (entry and the first
 * faults take milliseconds under TCG), 10 ms for the program that spins.
 * The fuzzed runs, whose outcome is not checked, take FUZZ_HDEC_MS.
 */
static void l2_prep(struct l2 *s, int l, const unsigned int *p)
{
	l2_default(s, KHN_HV_GUEST_STATE_V2, prog_off(p));
	s->gs.lpid = l;
	s->gs.pidr = 1;
	s->gs.hdec_expiry = mftb() + (p == fz_spin ? tb_hz / 100 : tb_hz / 5);
}

/*
 * Most fuzzed programs end in a few ms; those that reach an L2 vector
 * their tree leaves garbage in loop there until HDEC, and at 200 ms they
 * were half of the fuzzer's time.  The quick ones end in 1-3 ms.
 */
#define FUZZ_HDEC_MS	10

static void l2_fuzz_hdec(struct l2 *s)
{
	if (s->gs.hdec_expiry > mftb() + tb_hz * FUZZ_HDEC_MS / 1000)
		s->gs.hdec_expiry = mftb() + tb_hz * FUZZ_HDEC_MS / 1000;
}

static long l2_run(struct l2 *s)
{
	long rc;

	gs_store(&w.vm, L1_GS, &s->gs);
	regs_store(&w.vm, L1_REGS, &s->regs);
	rc = enter_at(L1_GS, L1_REGS);
	gs_load(&w.vm, L1_GS, &s->gs);
	regs_load(&w.vm, L1_REGS, &s->regs);
	w.last_hdsisr = s->gs.hdsisr;
	snprintf(w.vm.l2why, sizeof(w.vm.l2why),
		 "L2 nip 0x%llx msr 0x%llx hdar 0x%llx hdsisr 0x%llx asdr 0x%llx heir 0x%llx",
		 s->regs.nip, s->regs.msr, s->gs.hdar, s->gs.hdsisr, s->gs.asdr, s->gs.heir);
	return rc;
}

/*
 * The L2 of LPID l loads from ld (into r6), stores val to st.  An oracle
 * (coherence, dirty log) gets 200 ms of HDEC; the other runs are quick.
 */
static long l2_touch_as(bool oracle, int l, u64 ld, u64 st, u64 val, u64 *got)
{
	struct l2 s;
	long rc;

	l2_prep(&s, l, fz_touch);
	if (!oracle)
		l2_fuzz_hdec(&s);
	s.regs.gpr[7] = ld;
	s.regs.gpr[8] = st;
	s.regs.gpr[9] = ld;
	s.regs.gpr[5] = val;
	rc = l2_run(&s);
	if (got)
		*got = s.regs.gpr[6];
	return rc;
}

static long l2_touch(int l, u64 ld, u64 st, u64 val, u64 *got)
{
	return l2_touch_as(true, l, ld, st, val, got);
}

static long l2_touch_quick(int l, u64 ld, u64 st, u64 val)
{
	return l2_touch_as(false, l, ld, st, val, NULL);
}

/* An L2 address: mostly a data page, else the other regions or nonsense. */
static u64 l2_addr(struct rng *r)
{
	switch (rn(r, 8)) {
	case 0:
	case 1:
	case 2:
	case 3:
		return (FIRST_DATA + rn(r, NPTE - FIRST_DATA)) * PAGE_64K + (rn(r, 0x2000) & ~7ULL);
	case 4:
		return (SZ_2M + rn(r, (NPMD - 1) * SZ_2M)) & ~7ULL;
	case 5:
		return L2_1G + (rn(r, 0x8000000) & ~7ULL);
	case 6:
		return rn(r, 5) * PAGE_64K + (rn(r, 0x1000) & ~7ULL);
	default:
		return edge64(r);
	}
}

/*
 * Coherence of data page i of LPID l: the host writes, the L2 loads the
 * value; the L2 stores, the host reads it.  Flushes first when the page
 * was remapped without one.
 */
static long coherence(int ep, struct rng *r, int l, int i, const char *after)
{
	u64 ra, off = rn(r, PAGE_64K / 8) * 8, v1 = rnd(r) | 1, v2 = rnd(r) | 2, got = 0, h;
	unsigned char *p;
	int tries;
	long rc;

	if (!lp_ready(ep, r, l))
		return HC_NO_RETURN;
	ra = w.lp[l].pte[i];
	if (!ra)
		return 0;
	if (w.lp[l].stale[i] && !flush_lpid(ep, l))
		return HC_NO_RETURN;
	proc_tree(l);
	p = host_ptr(ra) + off;
	/* 200 ms of HDEC can pass before the L2 gets there on a busy host */
	for (tries = 0; tries < 4; tries++) {
		memcpy(p, &v1, 8);
		rc = l2_touch(l, i * PAGE_64K + off, i * PAGE_64K + off, v2, &got);
		if (rc != TRAP_HDEC)
			break;
	}
	if (rc != TRAP_SYSCALL) {
		u64 b = FZ_TREE(l);
		/* L1's tree as tree_reset() and the model left it */
		bool intact = be_ld(L1_PTBL + l * 16) == (PATB_HR | RTS_52 | b | 13) &&
			      be_ld(b) == (PTE_VALID | (b + T_PUD) | 9) &&
			      be_ld(b + T_PUD) == (PTE_VALID | (b + T_PMD) | 9) &&
			      be_ld(b + T_PMD) == (PTE_VALID | (b + T_PTE) | 5) &&
			      be_ld(b + T_PTE + i * 8) == (PTE_VALID | PTE_LEAF | ra | PTE_RWX);

		if (known_unsupp && rc == TRAP_HDSI && intact &&
		    (w.last_hdsisr & DSISR_UNSUPP_MMU))
			known(ep, "unsupp-mmu", "LPID %d page %d (L1 0x%llx) %s: HDSI %s; %s", l, i,
			      ra, after, "UNSUPP_MMU with L1's tree intact", w.vm.l2why);
		else
			fail(ep, "coherence", "LPID %d page %d (L1 0x%llx, %s) %s: %s: %s; %s",
			     l, i, ra, ra >= X_BASE ? backing_name[w.backing] : "slot 0", after,
			     intact ? "tree intact" : "tree changed", rc_name(rc),
			     rc == HC_NO_RETURN ? w.vm.why : w.vm.l2why);
		out("#   L1 tree: PATE %llx root %llx PUD %llx PMD %llx PTE[%d] %llx",
		    be_ld(L1_PTBL + l * 16), be_ld(b), be_ld(b + T_PUD), be_ld(b + T_PMD), i,
		    be_ld(b + T_PTE + i * 8));
		return rc;
	}
	memcpy(&h, p, 8);
	if (got != v1)
		fail(ep, "coherence", "LPID %d page %d (L1 %llx+%llx, %s) %s: %s %llx, %s %llx",
		     l, i, ra, off, ra >= X_BASE ? backing_name[w.backing] : "slot 0", after,
		     "L2 loaded", got, "host wrote", v1);
	else if (h != v2)
		fail(ep, "coherence", "LPID %d page %d (L1 %llx+%llx, %s) %s: %s %llx, %s %llx",
		     l, i, ra, off, ra >= X_BASE ? backing_name[w.backing] : "slot 0", after,
		     "host read", h, "L2 stored", v2);
	return rc;
}

static void coherence_some(int ep, struct rng *r, const char *after, int n)
{
	while (n--)
		coherence(ep, r, 1 + rn(r, NLPID), FIRST_DATA + rn(r, NPTE - FIRST_DATA), after);
}

/* ------------------------------------------------------------ hypercalls --- */

static void op_setpt(struct rng *r)
{
	u64 ptcr;
	long rc;

	switch (rn(r, 6)) {
	case 0:
		ptcr = L1_PTBL;
		break;
	case 1:
		ptcr = L1_PTBL | rn(r, 32);		/* PATS up to 2^43 bytes */
		break;
	case 2:
		ptcr = (SCRATCH + rn(r, 0x100000)) | rn(r, 4);	/* unaligned too */
		break;
	case 3:
		ptcr = X_BASE + rn(r, X_SIZE);
		break;
	default:
		ptcr = edge64(r);
		break;
	}
	snprintf(sh->desc, sizeof(sh->desc), "H_SET_PARTITION_TABLE(0x%llx)", ptcr);
	rc = HCALL(&w.vm, KHN_H_SET_PARTITION_TABLE, ptcr);
	note_rc(EP_SETPT, rc);
	w.ptcr_ok = rc == KHN_H_SUCCESS && ptcr == L1_PTBL;
	if (rc == KHN_H_SUCCESS && ptcr != L1_PTBL)
		w.ptcr_was_bad = true;
	else if (w.ptcr_ok)
		ptcr_back();
	if (ptcr == L1_PTBL && rc != KHN_H_SUCCESS)
		fail(EP_SETPT, "partition-table", "the good table refused: %ld (%s)", rc,
		     rc_name(rc));
	if (!w.ptcr_ok && chance(r, 60))
		ptcr_restore(EP_SETPT);
}

static const unsigned int *const progs[] = {
	fz_hc, fz_touch, fz_illegal, fz_hvspr, fz_tlbie_prs, fz_tlbie_lpid, fz_mtmsrd,
	fz_spin,
};

/* A fuzzed hv_guest_state and pt_regs, and an L2 entry with them. */
static void op_enter(struct rng *r)
{
	const unsigned int *p = progs[rn(r, ARRAY_SIZE(progs))];
	struct khn_pt_regs before;
	u64 gs = L1_GS, regs = L1_REGS;
	bool std_bufs = true;
	struct l2 s;
	long rc;
	int i;

	if (chance(r, 25)) {	/* the oracle: coherence of a page */
		int l = 1 + rn(r, NLPID), pg = FIRST_DATA + rn(r, NPTE - FIRST_DATA);

		snprintf(sh->desc, sizeof(sh->desc), "coherence LPID %d page %d", l, pg);
		note_rc(EP_ENTER, coherence(EP_ENTER, r, l, pg, "after H_ENTER_NESTED ops"));
		return;
	}
	l2_prep(&s, 1 + rn(r, NLPID), p);
	l2_fuzz_hdec(&s);
	if (chance(r, 30))
		s.gs.version = chance(r, 50) ? KHN_HV_GUEST_STATE_V1 : edge64(r);
	if (chance(r, 30))
		s.gs.lpid = lpid_arg(r);
	if (chance(r, 20))
		s.gs.vcpu_token = chance(r, 50) ? rn(r, 4096) : edge64(r);
	if (chance(r, 20))	/* never far: an L2 that spins would run for ever */
		s.gs.hdec_expiry = chance(r, 50) ? 0 : mftb() - rn(r, tb_hz);
	if (chance(r, 30))
		s.gs.lpcr = edge64(r);
	if (chance(r, 20))
		s.gs.pcr = edge64(r);
	if (chance(r, 20))
		s.gs.hfscr = edge64(r);
	if (chance(r, 10))
		s.gs.amor = edge64(r);
	if (chance(r, 10))
		s.gs.dpdes = edge64(r);
	if (chance(r, 10))
		s.gs.tb_offset = rn(r, 2) ? -(long long)rn(r, 1000000) : (long long)rn(r, 1000000);
	if (chance(r, 15)) {
		s.gs.dawr0 = edge64(r);
		s.gs.dawrx0 = edge64(r);
		s.gs.ciabr = edge64(r);
	}
	if (chance(r, 20))
		s.gs.ppr = chance(r, 50) ? 7ULL << 50 : edge64(r);
	if (chance(r, 10))
		s.gs.heir = edge64(r);
	if (chance(r, 10))
		s.gs.pidr = edge64(r);
	for (i = 3; i < 13; i++)
		s.regs.gpr[i] = chance(r, 50) ? l2_addr(r) : edge64(r);
	if (chance(r, 30)) {
		static const u64 msrs[] = {
			MSR_SF | MSR_ME | MSR_LE | MSR_PR | MSR_IR | MSR_DR,
			MSR_SF | MSR_ME | MSR_LE | MSR_IR | MSR_DR,
			MSR_SF | MSR_ME, MSR_SF | MSR_ME | MSR_LE | MSR_TS_T,
			MSR_SF | MSR_ME | MSR_LE | MSR_HV, 0, ~0ULL,
		};

		s.regs.msr = chance(r, 70) ? msrs[rn(r, ARRAY_SIZE(msrs))] : edge64(r);
	}
	if (chance(r, 10))
		s.regs.nip = chance(r, 50) ? l2_addr(r) : edge64(r);
	if (chance(r, 10)) {
		std_bufs = false;
		gs = chance(r, 50) ? buf_arg(r) : L1_GS + rn(r, 8);
		regs = chance(r, 50) ? buf_arg(r) : L1_REGS + rn(r, 8);
	}
	snprintf(sh->desc, sizeof(sh->desc),
		 "H_ENTER_NESTED(0x%llx, 0x%llx) v%llu lpid %u token %u nip 0x%llx msr 0x%llx lpcr 0x%llx hfscr 0x%llx",
		 gs, regs, s.gs.version, s.gs.lpid, s.gs.vcpu_token, s.regs.nip, s.regs.msr,
		 s.gs.lpcr, s.gs.hfscr);
	gs_store(&w.vm, L1_GS, &s.gs);
	regs_store(&w.vm, L1_REGS, &s.regs);
	before = s.regs;
	rc = enter_at(gs, regs);
	note_rc(EP_ENTER, rc);
	if (rc == RC_STALL)
		sh->st[EP_ENTER].stalls++;
	if (std_bufs && rc < 0 && rc > -1000) {
		regs_load(&w.vm, L1_REGS, &s.regs);
		if (memcmp(&before, &s.regs, sizeof(before)))
			fail(EP_ENTER, "refused-entry", "returned %ld (%s), changed pt_regs",
			     rc, rc_name(rc));
	}
}

static void op_tlbie(struct rng *r)
{
	u64 instr, lpid = lpid_arg(r), rb;
	long rc;

	instr = tlbie_instr(rn(r, 4), chance(r, 20), chance(r, 85));
	if (chance(r, 10))
		instr |= edge64(r);
	if (chance(r, 70)) {
		rb = RB_IS(rn(r, 4)) | RB_AP(chance(r, 60) ? AP_64K : rn(r, 8));
		rb |= chance(r, 70) ? l2_addr(r) & ~0xfffULL : edge64(r) & ~0xfffULL;
	} else {
		rb = edge64(r);
	}
	snprintf(sh->desc, sizeof(sh->desc), "H_TLB_INVALIDATE(0x%llx, %llu, 0x%llx)", instr,
		 lpid, rb);
	rc = HCALL(&w.vm, KHN_H_TLB_INVALIDATE, instr, lpid, rb);
	note_rc(EP_TLBIE, rc);
}

/* A range for H_RPT_INVALIDATE; avoid_wrap: none that wraps 2^64 */
static void rpt_range(struct rng *r, u64 *start, u64 *end, bool avoid_wrap)
{
	static const u64 e[] = {
		0, PAGE_64K, SZ_2M, 0x40000000ULL, BIT_ULL(52), 0xffffffffc0000000ULL,
		0xfffffffffffff000ULL, ~0ULL,
	};

	switch (rn(r, 4)) {
	case 0:
		*start = l2_addr(r) & ~0xffffULL;
		*end = *start + PAGE_64K * (1 + rn(r, 4));
		break;
	case 1:
		*start = e[rn(r, ARRAY_SIZE(e))];
		*end = e[rn(r, ARRAY_SIZE(e))];
		break;
	case 2:
		*start = edge64(r);
		*end = *start + rn(r, 0x20000);
		break;
	default:
		*start = edge64(r);
		*end = edge64(r);
		break;
	}
	if (avoid_wrap) {
		*start &= BIT_ULL(52) - 1;
		*end &= BIT_ULL(52) - 1;
	}
}

static void op_rpt(struct rng *r, bool nested)
{
	int ep = nested ? EP_RPT_NESTED : EP_RPT_PROC;
	u64 id = nested ? lpid_arg(r) : chance(r, 50) ? rn(r, 4) : edge64(r);
	u64 target = chance(r, 80) ? 1 : edge64(r);
	u64 type = chance(r, 80) ? 1 + rn(r, 15) : edge64(r);
	u64 psizes = chance(r, 80) ? rn(r, 16) : edge64(r);
	u64 start, end;
	long rc;

	type = nested ? type | H_RPTI_TYPE_NESTED : type & ~(u64)H_RPTI_TYPE_NESTED;
	rpt_range(r, &start, &end, !nested && known_l1_rpt);
	snprintf(sh->desc, sizeof(sh->desc), "%s(%llu, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx)",
		 "H_RPT_INVALIDATE", id, target, type, psizes, start, end);
	rc = HCALL(&w.vm, KHN_H_RPT_INVALIDATE, id, target, type, psizes, start, end);
	if (rc == HC_NO_RETURN && w.vm.broken) {
		rc = RC_STALL;
		sh->st[ep].stalls++;
		w.vm.broken = false;
	}
	note_rc(ep, rc);
}

static void op_copy(struct rng *r)
{
	u64 lpid, pid, ea, to, from, n;
	int l = 1 + rn(r, NLPID), pg = FIRST_DATA + rn(r, NPTE - FIRST_DATA);
	unsigned char want[64];
	bool oracle = module_mode && chance(r, 30);
	long rc;

	if (oracle) {
		/* the L2 must exist: L0 knows an LPID once it was entered */
		if (coherence(EP_COPY, r, l, pg, "before a copy") != TRAP_SYSCALL)
			return;
		lpid = l;
		pid = 1;
		ea = pg * PAGE_64K + (rn(r, PAGE_64K - 64) & ~7ULL);
		n = 8 + (rn(r, 7) * 8);
		to = SCRATCH + (rn(r, 0x10000) & ~7ULL);
		from = 0;
		for (size_t i = 0; i < sizeof(want); i++)
			want[i] = rnd(r);
		memcpy(host_ptr(w.lp[l].pte[pg]) + (ea - pg * PAGE_64K), want, n);
		memset(l1(&w.vm, to), 0, n);
	} else {
		lpid = lpid_arg(r);
		pid = chance(r, 70) ? 1 : edge64(r);
		ea = chance(r, 70) ? l2_addr(r) : edge64(r);
		n = count_arg(r);
		to = chance(r, 50) ? buf_arg(r) : 0;
		from = to && chance(r, 80) ? 0 : buf_arg(r);
	}
	snprintf(sh->desc, sizeof(sh->desc), "%s(%llu, %llu, 0x%llx, 0x%llx, 0x%llx, %llu)%s",
		 "H_COPY_TOFROM_GUEST", lpid, pid, ea, to, from, n, oracle ? " (oracle)" : "");
	rc = HCALL(&w.vm, KHN_H_COPY_TOFROM_GUEST, lpid, pid, ea, to, from, n);
	note_rc(EP_COPY, rc);
	if (oracle && rc != KHN_H_SUCCESS)
		fail(EP_COPY, "copy", "from a mapped page: %ld (%s)", rc, rc_name(rc));
	else if (oracle && memcmp(l1(&w.vm, to), want, n))
		fail(EP_COPY, "copy", "the bytes at L1 0x%llx are not L2 EA 0x%llx's", to, ea);
}

/* --------------------------------------------------------------- l1-tree --- */

static void flush_some(struct rng *r, int l, int i)
{
	u64 l2ra = (u64)i * PAGE_64K;
	long rc;

	switch (rn(r, 3)) {
	case 0:
		rc = HCALL(&w.vm, KHN_H_TLB_INVALIDATE, tlbie_instr(0, 0, 1), l,
			   l2ra | RB_IS(0) | RB_AP(AP_64K));
		break;
	case 1:
		rc = HCALL(&w.vm, KHN_H_RPT_INVALIDATE, l, 1, H_RPTI_TYPE_NESTED | H_RPTI_TYPE_TLB,
			   H_RPTI_PAGE_64K, l2ra, l2ra + PAGE_64K);
		break;
	default:
		flush_lpid(EP_TREE, l);
		return;
	}
	if (rc != KHN_H_SUCCESS)
		fail(EP_TREE, "flush", "page flush of LPID %d L2 0x%llx: %ld (%s)", l, l2ra, rc,
		     rc_name(rc));
	else
		w.lp[l].stale[i] = false;
}

static void op_tree(struct rng *r)
{
	int l = 1 + rn(r, NLPID), i = FIRST_DATA + rn(r, NPTE - FIRST_DATA), k;
	u64 b = FZ_TREE(l), ra, v, got;
	const char *what;
	long rc;

	if (w.lp[l].broken && chance(r, 40)) {
		snprintf(sh->desc, sizeof(sh->desc), "LPID %d: rebuild the tree", l);
		tree_reset(EP_TREE, r, l);
		note_rc(EP_TREE, 0);
		return;
	}
	switch (rn(r, 12)) {
	case 0:
	case 1:
	case 2:
		what = "remap a page";
		pool_page(r, &ra);
		v = chance(r, 80) ? PTE_RWX : rn(r, 0x200);
		pte_set(l, i, ra, v);
		w.lp[l].pte[i] = ra;
		w.lp[l].stale[i] = true;
		/* other permissions, attributes, no R or C: not for the oracle */
		if (v != PTE_RWX)
			w.lp[l].broken = true;
		if (chance(r, 70))
			flush_some(r, l, i);
		break;
	case 3:
		what = "unmap a page";
		pte_set(l, i, 0, 0);
		w.lp[l].pte[i] = 0;
		if (chance(r, 70))
			flush_some(r, l, i);
		break;
	case 4:
		what = "reserved bits in a leaf";
		ra = w.lp[l].pte[i] ? w.lp[l].pte[i] : POOL0;
		be_st(&w.vm, b + T_PTE + i * 8, PTE_VALID | PTE_LEAF | ra | PTE_RWX |
		      (rnd(r) & 0x3f00000000000e70ULL));
		w.lp[l].broken = true;
		break;
	case 5:
		what = "a directory entry: NLS, base, loops";
		k = rn(r, 3);
		v = PTE_VALID | rn(r, 32);
		switch (rn(r, 5)) {
		case 0:
			v |= b + T_PMD;		/* PMD -> itself */
			break;
		case 1:
			v |= b;			/* back to the root */
			break;
		case 2:
			v |= (b + T_PTE) | rn(r, 0x100) << 8;	/* misaligned */
			break;
		case 3:
			v |= edge64(r) & 0x0ffffffffffff000ULL;
			break;
		default:
			v |= (X_BASE + rn(r, X_SIZE)) & ~0xfffULL;
			break;
		}
		be_st(&w.vm, k == 0 ? b : k == 1 ? b + T_PUD : b + T_PMD, v);
		w.lp[l].broken = true;
		break;
	case 6:
		what = "a 2M leaf, aligned or not";
		k = 1 + rn(r, NPMD - 1);
		ra = chance(r, 60) ? POOL0 + rn(r, 4) * SZ_2M : X_BASE + rn(r, X_SIZE);
		be_st(&w.vm, b + T_PMD + k * 8, PTE_VALID | PTE_LEAF | (ra & ~0xffffULL) | PTE_RWX);
		if (chance(r, 50))
			flush_lpid(EP_TREE, l);
		break;
	case 7:
		what = "a leaf at PMD 0, PUD or root level";
		k = rn(r, 3);
		v = PTE_VALID | PTE_LEAF | PTE_RD | PTE_R | PTE_C | (rnd(r) & 0xffffc0000000ULL);
		be_st(&w.vm, k == 0 ? b + T_PMD : k == 1 ? b + T_PUD : b, v);
		w.lp[l].broken = true;
		break;
	case 8:
		what = "the L2 writes its own tree";
		pte_set(l, i, b + T_PUD, PTE_RWX);	/* the page of PUD, PMD, PTE */
		flush_some(r, l, i);
		v = chance(r, 50) ? rnd(r) : PTE_VALID | PTE_LEAF | X_BASE | PTE_RWX;
		rc = l2_touch_as(false, l, i * PAGE_64K,
				 i * PAGE_64K + (T_PTE - T_PUD) + rn(r, NPTE) * 8, v, &got);
		note_rc(EP_TREE, rc);
		w.lp[l].broken = true;
		break;
	case 9:
		what = "the partition-table entry";
		be_st(&w.vm, L1_PTBL + l * 16, chance(r, 50) ? edge64(r) :
		      PATB_HR | (rnd(r) & (BIT_ULL(62) | 0xe0ULL | 0x1f)) | b);
		if (chance(r, 30))
			be_st(&w.vm, L1_PTBL + l * 16 + 8, edge64(r));
		w.lp[l].broken = true;
		break;
	case 10:
		what = "a leaf without R or C";
		ra = w.lp[l].pte[i] ? w.lp[l].pte[i] : POOL0;
		pte_set(l, i, ra, PTE_RD | PTE_WR | PTE_EX | (chance(r, 50) ? PTE_R : 0));
		w.lp[l].pte[i] = ra;
		flush_some(r, l, i);
		w.lp[l].broken = true;	/* the oracle wants R and C */
		break;
	default:
		what = "the L2's process table";
		be_st(&w.vm, b + T_PDIR + 0x2000 + rn(r, NPTE) * 8, chance(r, 50) ? edge64(r) :
		      PTE_VALID | PTE_LEAF | (rn(r, NPTE) << 16) | PTE_PRIV | PTE_RWX);
		w.lp[l].broken = true;
		break;
	}
	snprintf(sh->desc, sizeof(sh->desc), "LPID %d page %d: %s", l, i, what);
	rc = l2_touch_quick(l, l2_addr(r), l2_addr(r), rnd(r));
	note_rc(EP_TREE, rc);
}

/* ----------------------------------------------------------- l2-programs --- */

static void op_l2prog(struct rng *r)
{
	static const u64 hcalls[] = {
		KHN_H_SET_PARTITION_TABLE, KHN_H_ENTER_NESTED, KHN_H_TLB_INVALIDATE,
		KHN_H_COPY_TOFROM_GUEST, KHN_H_RPT_INVALIDATE, KHN_H_RPT_INVALIDATE,
		0x04 /* H_REMOVE */, 0x08 /* H_ENTER */, 0x2c /* H_PAGE_INIT */,
		0x58 /* H_PUT_TERM_CHAR */, 0xdc /* H_REGISTER_VPA */, 0xe0 /* H_CEDE */,
		0x300 /* H_RANDOM */, 0x31c /* H_SET_MODE */, MARK_RET, 0, ~0ULL,
	};
	const unsigned int *p = progs[rn(r, ARRAY_SIZE(progs))];
	bool pr = chance(r, 30);
	int l = 1 + rn(r, NLPID), i;
	struct l2 s;
	long rc;
	u64 t0;

	l2_prep(&s, l, p);
	l2_fuzz_hdec(&s);
	if (pr)
		s.regs.msr |= MSR_PR | MSR_IR | MSR_DR;
	for (i = 4; i < 13; i++)
		s.regs.gpr[i] = chance(r, 60) ? l2_addr(r) : edge64(r);
	s.regs.gpr[3] = chance(r, 85) ? hcalls[rn(r, ARRAY_SIZE(hcalls))] : edge64(r);
	if (s.regs.gpr[3] == KHN_H_RPT_INVALIDATE && chance(r, 60)) {
		s.regs.gpr[4] = rn(r, 4);			/* pid */
		s.regs.gpr[5] = 1;				/* CMMU */
		s.regs.gpr[6] = chance(r, 80) ? H_RPTI_TYPE_TLB : edge64(r);
		s.regs.gpr[7] = 1ULL << rn(r, 4);		/* page size */
		rpt_range(r, &s.regs.gpr[8], &s.regs.gpr[9], known_l2_rpt);
	}
	if (p == fz_touch && chance(r, 50)) {	/* MMIO: a page L1 maps to no memslot */
		i = FIRST_DATA + rn(r, NPTE - FIRST_DATA);
		pte_set(l, i, NO_SLOT_RA + rn(r, 16) * PAGE_64K, PTE_RWX);
		w.lp[l].pte[i] = 0;
		flush_some(r, l, i);
		/* a load, or a store after a good load: L0 emulates both */
		s.regs.gpr[chance(r, 50) ? 7 : 8] = i * PAGE_64K + (rn(r, PAGE_64K) & ~7ULL);
	}
	if (p == fz_mtmsrd)
		s.regs.gpr[5] = chance(r, 50) ? s.regs.msr | MSR_PR | MSR_IR | MSR_DR : edge64(r);
	snprintf(sh->desc, sizeof(sh->desc),
		 "LPID %d %s program +0x%llx: r3 0x%llx r4 0x%llx r5 0x%llx r6 0x%llx r7 0x%llx r8 0x%llx r9 0x%llx",
		 l, pr ? "problem-state" : "privileged", s.regs.nip, s.regs.gpr[3], s.regs.gpr[4],
		 s.regs.gpr[5], s.regs.gpr[6], s.regs.gpr[7], s.regs.gpr[8], s.regs.gpr[9]);
	t0 = now_us();
	rc = l2_run(&s);
	t0 = now_us() - t0;
	i = p == fz_hc ? 0 : p == fz_touch ? 1 : p == fz_illegal ? 2 : p == fz_hvspr ? 3 :
	    p == fz_tlbie_prs ? 4 : p == fz_tlbie_lpid ? 5 : p == fz_mtmsrd ? 6 : 7;
	if (t0 < 10000000) {
		sh->pg_n[i]++;
		sh->pg_us[i] += t0;
		sh->pg_hdec[i] += rc == TRAP_HDEC;
	}
	note_rc(EP_L2PROG, rc);
	if (rc == RC_STALL)
		sh->st[EP_L2PROG].stalls++;
}

/* ------------------------------------------------------------- l0-events --- */

/* vCPU 1 of L1: one H_ENTER_NESTED of LPID c->lpid, token 1, storing. */
static void *v1_thread(void *arg)
{
	struct v1 *c = arg;
	struct kvm_regs regs;
	sigset_t set;
	int tries;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* the main thread's timer */
	pthread_barrier_wait(c->bar);
	c->rc = HC_NO_RETURN;
	for (tries = 0; tries < 20; tries++) {
		if (ioctl(c->fd, KVM_GET_REGS, &regs))
			return NULL;
		regs.pc = L1_TRAMP;
		regs.msr = MSR_SF | MSR_ME | MSR_LE;
		memset(&regs.gpr[3], 0, sizeof(u64) * 10);
		regs.gpr[3] = KHN_H_ENTER_NESTED;
		regs.gpr[4] = FZ_GS1;
		regs.gpr[5] = FZ_REGS1;
		if (ioctl(c->fd, KVM_SET_REGS, &regs))
			return NULL;
		c->run->papr_hcall.ret = KHN_H_ENTER_NESTED;
		memset(c->run->papr_hcall.args, 0, sizeof(c->run->papr_hcall.args));
		c->run->papr_hcall.args[0] = FZ_GS1;
		c->run->papr_hcall.args[1] = FZ_REGS1;
		if (ioctl(c->fd, KVM_RUN, 0)) {
			c->rc = RC_KVM_ERR;
			return NULL;
		}
		if (c->run->exit_reason != KVM_EXIT_PAPR_HCALL ||
		    c->run->papr_hcall.nr != MARK_RET)
			return NULL;
		c->rc = c->run->papr_hcall.args[0];
		if (c->rc != TRAP_EXTERNAL && c->rc != 0)
			break;
	}
	return NULL;
}

static int v1_open(void)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_PAPR };
	u64 lpcr;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (u64)&lpcr };

	w.v1.fd = ioctl(w.vm.vm_fd, KVM_CREATE_VCPU, 1);
	if (w.v1.fd < 0)
		return -errno;
	w.v1.run = mmap(NULL, w.vm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, w.v1.fd, 0);
	if (w.v1.run == MAP_FAILED)
		return -errno;
	if (ioctl(w.v1.fd, KVM_ENABLE_CAP, &cap) || ioctl(w.v1.fd, KVM_GET_ONE_REG, &reg))
		return -errno;
	lpcr |= LPCR_ILE;
	return ioctl(w.v1.fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

/* Two vCPUs of one L2 at once, storing into the same page. */
static void two_vcpus(struct rng *r)
{
	int l = 1 + rn(r, NLPID), i = FIRST_DATA + rn(r, NPTE - FIRST_DATA);
	u64 off = rn(r, PAGE_64K / 16) * 16, v0 = rnd(r), v1 = rnd(r);
	pthread_barrier_t bar;
	pthread_t t;
	struct l2 s;
	long rc;

	snprintf(sh->desc, sizeof(sh->desc), "two vCPUs of one L2: LPID %d page %d", l, i);
	if (!lp_ready(EP_L0, r, l) || !w.lp[l].pte[i])
		return;
	if (w.lp[l].stale[i] && !flush_lpid(EP_L0, l))
		return;
	l2_prep(&s, l, fz_touch);
	s.gs.hdec_expiry = mftb() + tb_hz;	/* both must get to run */
	s.gs.vcpu_token = 1;
	s.regs.gpr[7] = i * PAGE_64K + off;
	s.regs.gpr[9] = s.regs.gpr[7];
	s.regs.gpr[8] = i * PAGE_64K + off + 8;
	s.regs.gpr[5] = v1;
	gs_store(&w.vm, FZ_GS1, &s.gs);
	regs_store(&w.vm, FZ_REGS1, &s.regs);
	l2_prep(&s, l, fz_touch);
	s.gs.hdec_expiry = mftb() + tb_hz;
	s.regs.gpr[7] = i * PAGE_64K + off + 8;
	s.regs.gpr[9] = s.regs.gpr[7];
	s.regs.gpr[8] = i * PAGE_64K + off;
	s.regs.gpr[5] = v0;
	pthread_barrier_init(&bar, NULL, 2);
	w.v1.bar = &bar;
	if (pthread_create(&t, NULL, v1_thread, &w.v1)) {
		pthread_barrier_destroy(&bar);
		return;
	}
	pthread_barrier_wait(&bar);
	rc = l2_run(&s);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&bar);
	note_rc(EP_L0, rc);
	note_rc(EP_L0, w.v1.rc);
	if (rc == TRAP_SYSCALL && w.v1.rc == TRAP_SYSCALL) {
		u64 h0, h1;

		memcpy(&h0, host_ptr(w.lp[l].pte[i]) + off, 8);
		memcpy(&h1, host_ptr(w.lp[l].pte[i]) + off + 8, 8);
		if (h0 != v0 || h1 != v1)
			fail(EP_L0, "two-vcpus", "LPID %d pg %d: host %llx/%llx, stored %llx/%llx",
			     l, i, h0, h1, v0, v1);
	} else if (rc != RC_KVM_ERR && w.v1.rc != RC_KVM_ERR) {
		fail(EP_L0, "two-vcpus", "LPID %d: vCPU 0 %s, vCPU 1 %s", l, rc_name(rc),
		     rc_name(w.v1.rc));
	}
}

/*
 * KVM_GET_DIRTY_LOG of slot 1; the bit of L1 page ra, or -1.  One bit per
 * host page: 64K in the test kernel, 4K in Debian's.
 */
static int dirty_bit(u64 ra)
{
	static unsigned long bm[X_SIZE / 4096 / (8 * sizeof(long))];
	struct kvm_dirty_log log = { .slot = X_SLOT };
	u64 pg = (ra - X_BASE) / (u64)sysconf(_SC_PAGESIZE);

	memset(bm, 0, sizeof(bm));
	log.dirty_bitmap = bm;
	if (ioctl(w.vm.vm_fd, KVM_GET_DIRTY_LOG, &log))
		return -1;
	return !!(bm[pg / (8 * sizeof(long))] & (1UL << (pg % (8 * sizeof(long)))));
}

/*
 * A harvest, then an L2 store through the shadow leaf the earlier store
 * made: the next harvest must have the page.  The L2 loads from its code
 * page, never from the page it stores to: under TCG a load from a page
 * whose C is clear leaves a writable TLB entry, and a store after it is
 * neither faulted nor logged, with kvm-hv's in-tree code too (QEMU's
 * radix model; on POWER9 the store takes the R/C interrupt).
 */
static void dirty_log(struct rng *r)
{
	int l = 1 + rn(r, NLPID), i = FIRST_DATA + rn(r, NPTE - FIRST_DATA), b1, b2;
	u64 off = rn(r, PAGE_64K / 8) * 8, ra = X_BASE + rn(r, X_PAGES) * PAGE_64K;
	long rc;

	if (!lp_ready(EP_L0, r, l))
		return;
	if (!(w.x_flags & KVM_MEM_LOG_DIRTY_PAGES)) {
		if (x_slot_set(X_BASE, X_SIZE, KVM_MEM_LOG_DIRTY_PAGES)) {
			fail(EP_L0, "dirty-log", "enabling dirty logging on slot 1: %s",
			     strerror(errno));
			return;
		}
		w.x_flags = KVM_MEM_LOG_DIRTY_PAGES;
	}
	pte_set(l, i, ra, PTE_RWX);
	w.lp[l].pte[i] = ra;
	if (!flush_lpid(EP_L0, l))
		return;
	rc = l2_touch(l, 0, i * PAGE_64K + off, rnd(r), NULL);
	b1 = dirty_bit(ra + off);
	if (rc != TRAP_SYSCALL || b1 != 1) {
		fail(EP_L0, "dirty-log", "first L2 store to L1 0x%llx: %s, dirty bit %d; %s", ra,
		     rc_name(rc), b1, w.vm.l2why);
		return;
	}
	rc = l2_touch(l, 0, i * PAGE_64K + off, rnd(r), NULL);
	b2 = dirty_bit(ra + off);
	if (rc != TRAP_SYSCALL) {
		/* seen with 4K host pages: the store is reflected to L1 */
		if (known_dirty)
			known(EP_L0, "dirty-log", "L2 store to L1 0x%llx after a harvest: %s; %s",
			      ra, rc_name(rc), w.vm.l2why);
		else
			fail(EP_L0, "dirty-log", "L2 store to L1 0x%llx after a harvest: %s; %s",
			     ra, rc_name(rc), w.vm.l2why);
	} else if (b2 != 1) {
		if (known_dirty)
			known(EP_L0, "dirty-log", "L2 store to L1 0x%llx after a harvest: bit %d",
			      ra, b2);
		else
			fail(EP_L0, "dirty-log", "L2 store to L1 0x%llx after a harvest: bit %d",
			     ra, b2);
	}
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			out("# %s: %m", path);
		close(fd);
	}
}

/* Delete slot 1 and re-create it with backing b (its bytes kept). */
/*
 * Slot 1 on new memory of backing b, with the same contents.  Only the
 * resident pages are copied (mincore): the others read as zero in the
 * old mapping and in the new one alike, and copying all 32 MiB made this
 * one event 2.5 s of the fuzzer's time under TCG.
 */
static bool x_recreate(enum backing b)
{
	static unsigned char *copy, vec[X_SIZE / 4096];
	long page = sysconf(_SC_PAGESIZE), n = X_SIZE / page, i;
	int e;

	if (!copy)
		copy = malloc(X_SIZE);
	if (!copy || page > 4096 || mincore(w.x, X_SIZE, vec)) {
		fail(EP_L0, "memslot", "saving slot 1: %m");
		return false;
	}
	for (i = 0; i < n; i++)
		if (vec[i] & 1)
			memcpy(copy + i * page, w.x + i * page, page);
	x_slot_set(X_BASE, 0, 0);
	x_unmap();
	e = x_map(b);
	if (!e) {
		for (i = 0; i < n; i++)
			if (vec[i] & 1)
				memcpy(w.x + i * page, copy + i * page, page);
		e = x_slot_set(X_BASE, X_SIZE, w.x_flags);
	}
	if (e) {
		fail(EP_L0, "memslot", "re-creating slot 1 (%s): %s", backing_name[b],
		     strerror(-e));
		return false;
	}
	return true;
}

static const char * const l0_what[] = {
	"MADV_DONTNEED", "THP: MADV_HUGEPAGE, touch a 2M block",
	"THP split: MADV_NOHUGEPAGE of part of a 2M block",
	"partial munmap of slot 1's memory, mapped again", "KSM: identical pages, MADV_MERGEABLE",
	"memslot delete, an L2 access, re-create", "memslot move away and back",
	"dirty-log harvest, then an L2 store", "vCPU thread to another CPU",
	"two vCPUs of one L2", "compact memory", "slot 1 backing changed",
};

static void op_l0_kind(struct rng *r, int kind)
{
	const char *what = l0_what[kind];
	int e, n;
	u64 off = 0, len = 0, where = 0;	/* L1 real address and length, for -v */

	snprintf(sh->desc, sizeof(sh->desc), "%s (slot 1: %s)", what, backing_name[w.backing]);
	switch (kind) {
	case 0:
		len = (1 + rn(r, 32)) * PAGE_64K;
		off = rn(r, X_PAGES) * PAGE_64K;
		if (chance(r, 50)) {
			len = off + len > X_SIZE ? X_SIZE - off : len;
			madvise(w.x + off, len, MADV_DONTNEED);
			where = X_BASE + off;
		} else {
			where = POOL0 + rn(r, POOL0_PAGES / 2) * PAGE_64K;
			madvise(l1(&w.vm, where), len, MADV_DONTNEED);
		}
		break;
	case 1:
		off = rn(r, X_BLOCKS) * SZ_2M;
		madvise(w.x + off, SZ_2M, MADV_HUGEPAGE);
		for (len = 0; len < SZ_2M; len += PAGE_64K)
			w.x[off + len] ^= 1;
		where = X_BASE + off;
		break;
	case 2:
		off = rn(r, X_BLOCKS) * SZ_2M + rn(r, 32) * PAGE_64K;
		madvise(w.x + off, PAGE_64K, MADV_NOHUGEPAGE);
		where = X_BASE + off;
		len = PAGE_64K;
		break;
	case 3:
		off = rn(r, X_PAGES) * PAGE_64K;
		if (w.backing != B_HUGETLB) {
			munmap(w.x + off, PAGE_64K);
			if (mmap(w.x + off, PAGE_64K, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				fail(EP_L0, "munmap", "mapping slot 1+0x%llx again: %m", off);
		}
		where = X_BASE + off;
		len = PAGE_64K;
		break;
	case 4:
		n = 1 + rn(r, 16);
		off = rn(r, X_PAGES - 16) * PAGE_64K;
		for (e = 0; e < n; e++)
			memset(w.x + off + e * PAGE_64K, 0x5a, PAGE_64K);
		madvise(w.x, X_SIZE, chance(r, 80) ? MADV_MERGEABLE : MADV_UNMERGEABLE);
		where = X_BASE + off;
		len = n * PAGE_64K;
		break;
	case 5:
		x_slot_set(X_BASE, 0, 0);
		note_rc(EP_L0, l2_touch_quick(1 + rn(r, NLPID), l2_addr(r), l2_addr(r), rnd(r)));
		e = x_slot_set(X_BASE, X_SIZE, w.x_flags);
		if (e)
			fail(EP_L0, "memslot", "re-creating slot 1: %s", strerror(-e));
		break;
	case 6:
		x_slot_set(X_BASE, 0, 0);
		e = x_slot_set(X_MOVED, X_SIZE, w.x_flags);
		note_rc(EP_L0, l2_touch_quick(1 + rn(r, NLPID), l2_addr(r), l2_addr(r), rnd(r)));
		x_slot_set(X_MOVED, 0, 0);
		e = e ? e : x_slot_set(X_BASE, X_SIZE, w.x_flags);
		if (e)
			fail(EP_L0, "memslot", "moving slot 1: %s", strerror(-e));
		break;
	case 7:
		dirty_log(r);
		break;
	case 8: {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(rn(r, w.ncpus), &set);
		sched_setaffinity(0, sizeof(set), &set);
		break;
	}
	case 9:
		two_vcpus(r);
		break;
	case 10:
		write_file("/proc/sys/vm/compact_memory", "1");
		break;
	default:
		x_recreate(rn(r, NBACKING));
		break;
	}
	if (len)
		snprintf(sh->desc, sizeof(sh->desc), "%s at L1 0x%llx+0x%llx (slot 1: %s)", what,
			 where, len, backing_name[w.backing]);
	coherence_some(EP_L0, r, what, 2);
	note_rc(EP_L0, 0);
}

/*
 * The kinds, the last two (compaction, a new backing: 0.4-1 s each under
 * TCG, thirty times the others) an eighth as often as the others.
 */
static void op_l0(struct rng *r)
{
	const int n = ARRAY_SIZE(l0_what), slow = 2;
	int kind = rn(r, (n - slow) * 8 + slow);
	u64 t0 = now_us();

	kind = kind < (n - slow) * 8 ? kind / 8 : kind - (n - slow) * 7;

	op_l0_kind(r, kind);
	t0 = now_us() - t0;
	if (t0 < 10000000) {	/* as the auditor's time */
		sh->l0_n[kind]++;
		sh->l0_us[kind] += t0;
	}
}

/* ------------------------------------------------------------------ run --- */

static void audit_step(int ep)
{
	static int fd = -1;
	static bool said;
	struct audit a;
	u64 t0;
	int n;

	if (!module_mode || audit_every <= 0 || sh->step % audit_every)
		return;
	t0 = now_us();
	n = audit_again(&fd, &a);
	t0 = now_us() - t0;
	if (t0 < 10000000)	/* not across a migration to another timebase */
		sh->audit_us += t0;
	sh->audits++;
	if (n < 0) {
		fail(ep, "auditor", "%s", a.first);
		return;
	}
	if (n == 0) {
		if (!said)
			out("# no " AUDIT_DIR "/vm-%d-*/audit: auditor not run", getpid());
		said = true;
		return;
	}
	if (a.leaves > sh->audit_leaves_max)
		sh->audit_leaves_max = a.leaves;
	if (a.trees > sh->audit_trees_max)
		sh->audit_trees_max = a.trees;
	if (a.violations) {
		sh->st[ep].violations += a.violations;
		fail(ep, "auditor", "violations=%ld leaves=%ld (first: %s)", a.violations, a.leaves,
		     a.first);
	}
}

static void world_facts(void)
{
	char thp[128] = "?", hp[64] = "?";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f) {
		if (fgets(thp, sizeof(thp), f))
			thp[strcspn(thp, "\n")] = 0;
		fclose(f);
	}
	snprintf(hp, sizeof(hp), "%ld", read_long("/proc/meminfo", "Hugepagesize"));
	snprintf(w.facts, sizeof(w.facts), "THP %s; Hugepagesize %s kB; HugePages_Total %ld",
		 thp, hp, read_long("/proc/meminfo", "HugePages_Total"));
}

/* The VM: l1sim's, slot 1 with the seed's backing, every L2's tree. */
static int world_open(struct rng *r)
{
	int l, e;

	if (vm_open(&w.vm, true, false)) {
		out("# VM: %s", w.vm.why);
		return -1;
	}
	for (l = L1_VEC_FIRST; l <= L1_VEC_LAST; l += 0x20) {
		u32 *li6;

		put_code(&w.vm, FZ_CODE + l, l1_vec, l1_vec_end, false);
		li6 = l1(&w.vm, FZ_CODE + l + 4 * L1_VEC_PATCH);
		*li6 |= (u32)l;
	}
	put_code(&w.vm, FZ_CODE + FZ_PROGS, fz_hc, fz_progs_end, false);
	write_file("/proc/sys/vm/nr_hugepages", "32");
	write_file("/sys/kernel/mm/ksm/run", "1");
	write_file("/sys/kernel/mm/ksm/sleep_millisecs", "20");
	world_facts();
	e = x_map(rn(r, NBACKING));
	w.x_flags = chance(r, 50) ? KVM_MEM_LOG_DIRTY_PAGES : 0;
	e = e ? e : x_slot_set(X_BASE, X_SIZE, w.x_flags);
	if (e) {
		out("# slot 1: %s", strerror(-e));
		return -1;
	}
	e = v1_open();
	if (e) {
		out("# vCPU 1: %s", strerror(-e));
		return -1;
	}
	w.ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	for (l = 1; l <= NLPID; l++)
		if (!tree_reset(EP_SETPT, r, l))
			return -1;
	return ptcr_restore(EP_SETPT) ? 0 : -1;
}

/*
 * --l2-hcall R3,..,R9[,1]: one L2 of LPID 1 (entered once first) makes
 * "sc 1" with those registers (problem state with the 8th value 1): a
 * minimal reproducer for what the fuzzer finds in that entry point.
 */
static void repro_l2_hcall(struct rng *r)
{
	struct l2 s;
	long rc;
	int i;

	rc = coherence(EP_L2PROG, r, 1, FIRST_DATA, "before the reproducer");
	out("# LPID 1 entered: %s", rc_name(rc));
	l2_prep(&s, 1, fz_hc);
	for (i = 0; i < 7; i++)
		s.regs.gpr[3 + i] = repro[i];
	if (repro[7])
		s.regs.msr |= MSR_PR | MSR_IR | MSR_DR;
	snprintf(sh->desc, sizeof(sh->desc),
		 "%s L2 sc 1: r3 0x%llx r4 0x%llx r5 0x%llx r6 0x%llx r7 0x%llx r8 0x%llx r9 0x%llx",
		 repro[7] ? "problem-state" : "privileged", repro[0], repro[1], repro[2],
		 repro[3], repro[4], repro[5], repro[6]);
	out("# %s", sh->desc);
	sh->ep = EP_L2PROG;
	step_mark(1);
	rc = l2_run(&s);
	step_mark(0);
	note_rc(EP_L2PROG, rc);
	sh->st[EP_L2PROG].ops = ops_per_ep;
	out("# returned %s: L2 r3 0x%llx r4 0x%llx nip 0x%llx", rc_name(rc), s.regs.gpr[3],
	    s.regs.gpr[4], s.regs.nip);
}

static void child(void)
{
	struct rng seq = { seed }, op, init = { seed ^ 0x1u };
	long left[NEP], total = 0, k, step;
	u64 t0;
	int ep;

	for (ep = 0; ep < NEP; ep++) {
		left[ep] = ops_per_ep;
		total += ops_per_ep;
	}
	if (world_open(&init)) {
		sh->st[EP_SETPT].fails++;
		out("# FAIL: the VM could not be set up");
		return;
	}
	out("# slot 1 backing: %s (%s); dirty logging %s; %d CPUs", backing_name[w.backing],
	    w.facts, w.x_flags ? "on" : "off", w.ncpus);
	sh->started = 1;
	if (repro_dirty) {
		snprintf(sh->desc, sizeof(sh->desc), "dirty-log harvest, then an L2 store");
		sh->ep = EP_L0;
		step_mark(1);
		dirty_log(&init);
		step_mark(0);
		out("# dirty-log once: %ld failed, %ld known", sh->st[EP_L0].fails,
		    sh->st[EP_L0].known);
	}
	for (ep = 0; ep < repro_l0_n; ep++) {
		sh->step = ep;
		sh->ep = EP_L0;
		step_mark(1);
		op_l0_kind(&init, repro_l0[ep]);
		step_mark(0);
		out("# --l0 step %d: %s", ep, sh->desc);
	}
	if (repro_n || repro_dirty || repro_l0_n) {
		if (repro_n)
			repro_l2_hcall(&init);
		for (ep = 0; ep < NEP; ep++)
			sh->st[ep].ops = ops_per_ep;
		return;
	}
	for (step = 0; step < total; step++) {
		k = rn(&seq, total - step);
		for (ep = 0; k >= left[ep]; ep++)
			k -= left[ep];
		left[ep]--;
		op.s = rnd(&seq);
		if (stop_after >= 0 && step > stop_after)
			break;
		sh->step = step;
		sh->ep = ep;
		sh->desc[0] = 0;
		step_mark(1);
		t0 = now_us();
		switch (ep) {
		case EP_SETPT:
			op_setpt(&op);
			break;
		case EP_ENTER:
			op_enter(&op);
			break;
		case EP_TLBIE:
			op_tlbie(&op);
			break;
		case EP_RPT_NESTED:
			op_rpt(&op, true);
			break;
		case EP_RPT_PROC:
			op_rpt(&op, false);
			break;
		case EP_COPY:
			op_copy(&op);
			break;
		case EP_TREE:
			op_tree(&op);
			break;
		case EP_L2PROG:
			op_l2prog(&op);
			break;
		default:
			op_l0(&op);
			break;
		}
		t0 = now_us() - t0;
		if (t0 < 10000000)	/* as the auditor's time */
			sh->st[ep].us += t0;
		if (verbose)
			out("# step %ld %s: %s", step, ep_name[ep], sh->desc);
		audit_step(ep);
		sh->st[ep].ops++;
		sh->total_ops++;
		step_mark(0);
	}
	if (module_mode)
		out("# module: enter %ld, exits hdsi %ld hisi %ld hdec %ld; "
		    "faults resolved %ld, reflected %ld, retried %ld, mmio %ld (%d MMIO exits); "
		    "l0_rc_set %ld; guests created %ld",
		    vm_stat("enter"), vm_stat("exit_hdsi"), vm_stat("exit_hisi"),
		    vm_stat("exit_hdec"), vm_stat("fault_resolved"), vm_stat("fault_reflected"),
		    vm_stat("fault_retry"), vm_stat("fault_mmio"), w.vm.mmio_n,
		    vm_stat("l0_rc_set"), vm_stat("guests_created"));
	out("# KSM pages_sharing %ld; AnonHugePages %ld kB; slot 1 as %s %ld, %s %ld, %s %ld%s%s",
	    read_long("/sys/kernel/mm/ksm/pages_sharing", NULL),
	    read_long("/proc/meminfo", "AnonHugePages"), "anon", backing_used[B_ANON], "thp",
	    backing_used[B_THP], "hugetlbfs", backing_used[B_HUGETLB],
	    hugetlb_errno ? "; MAP_HUGETLB: " : "",
	    hugetlb_errno ? strerror(hugetlb_errno) : "");
}

/* ------------------------------------------------------------- watchdog --- */

static const char * const splat_words[] = {
	"BUG:", "WARNING:", "Oops", "Kernel panic", "KASAN", "UBSAN", "possible circular locking",
	"possible recursive locking", "inconsistent lock state", "suspicious RCU usage",
	"soft lockup", "hard LOCKUP", "blocked for more than", "rcu_sched self-detected",
	"rcu: INFO", "self-detected stall", "Unable to handle kernel", "general protection",
	"list_add corruption", "list_del corruption",
};

/* Read what /dev/kmsg has; count a record that reports a splat. */
static void kmsg_drain(int fd)
{
	char rec[2048], *msg;
	ssize_t n;
	size_t i;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;	/* EPIPE: records were overwritten */
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = 0;
		if (strstr(msg, "nvram corruption"))
			continue;
		for (i = 0; i < ARRAY_SIZE(splat_words); i++) {
			if (strstr(msg, splat_words[i])) {
				int ep = sh->ep;

				sh->st[ep].splats++;
				out("# SPLAT %s step %ld (seed 0x%llx) [op: %s]: %s", ep_name[ep],
				    sh->step, seed, sh->desc, msg);
				break;
			}
		}
	}
}

static void table(void)
{
	char buf[64], rcs[1200];
	int ep, i, passed = 0, failed = 0;
	u64 ms = sh->ms_start ? (sh->ms_end ? sh->ms_end : now_ms()) - sh->ms_start : 0;
	size_t used;

	out("# seed 0x%llx, %ld ops per entry point, %ld ops in %llu ms (%llu ops/s)", seed,
	    ops_per_ep, sh->total_ops, ms, sh->total_ops * 1000 / (ms + 1));
	if (module_mode)
		out("# auditor: %ld runs, %llu us each, most leaves %ld, most trees %ld",
		    sh->audits, sh->audits ? (u64)sh->audit_us / sh->audits : 0,
		    sh->audit_leaves_max, sh->audit_trees_max);
	for (i = 0; i < (int)ARRAY_SIZE(l0_what); i++)
		if (sh->l0_n[i])
			out("# l0-events %2d: %6ld x %7.1f ms  %s", i, sh->l0_n[i],
			    sh->l0_us[i] / 1000.0 / sh->l0_n[i], l0_what[i]);
	for (i = 0; i < 8; i++)
		if (sh->pg_n[i])
			out("# l2-programs %d: %6ld x %7.1f ms, %ld ended by HDEC", i, sh->pg_n[i],
			    sh->pg_us[i] / 1000.0 / sh->pg_n[i], sh->pg_hdec[i]);
	out("# %-24s %7s %5s %6s %6s %6s %5s %5s %5s  %s", "entry point", "ops", "hangs",
	    "stalls", "splats", "violat", "fails", "known", "ms/op", "return codes seen (count)");
	for (ep = 0; ep < NEP; ep++) {
		struct ep_stats *e = &sh->st[ep];
		bool ok = !e->hangs && !e->stalls && !e->splats && !e->violations && !e->fails &&
			  e->ops == ops_per_ep;

		used = 0;
		rcs[0] = 0;
		for (i = 0; i < e->nrc && used < sizeof(rcs) - 64; i++)
			used += snprintf(rcs + used, sizeof(rcs) - used, " %s:%ld",
					 rc_str(e->rc[i], buf, sizeof(buf)), e->rc_n[i]);
		if (e->rc_other)
			snprintf(rcs + used, sizeof(rcs) - used, " other:%ld", e->rc_other);
		out("# %-24s %7ld %5ld %6ld %6ld %6ld %5ld %5ld %5.1f %s", ep_name[ep], e->ops,
		    e->hangs, e->stalls, e->splats, e->violations, e->fails, e->known,
		    e->ops ? e->us / 1000.0 / e->ops : 0.0, rcs);
		out("%s %d %s", ok ? "ok" : "not ok", ep + 1, ep_name[ep]);
		if (ok)
			passed++;
		else
			failed++;
	}
	printf("khn-result: fuzz-%s passed=%d failed=%d\n", mode, passed, failed);
	fflush(stdout);
}

static int watchdog(pid_t pid)
{
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), status = 0;
	long seq = -1, total = ops_per_ep * NEP;
	u64 seen = now_ms(), progress = now_ms(), polls = 0;
	bool hung = false;
	cpu_set_t one;
	pid_t r;

	/* one CPU, one timebase: every time below is the watchdog's own */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);
	else
		out("# /dev/kmsg: %m: no splat detection");
	for (;;) {
		poll(NULL, 0, 200);
		if (kfd >= 0)
			kmsg_drain(kfd);
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (!sh->ms_start && __atomic_load_n(&sh->started, __ATOMIC_SEQ_CST))
			sh->ms_start = now_ms();
		/*
		 * A step hangs after hang_s seconds counted in 200 ms polls,
		 * not by the clock: the emulated host's timebase has been
		 * seen to jump by 1099 s, and a clock difference then calls
		 * a 1 s step a hang.
		 */
		if (__atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST) != seq) {
			seq = __atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST);
			seen = now_ms();
			polls = 0;
		} else if (__atomic_load_n(&sh->in_step, __ATOMIC_SEQ_CST) &&
			   ++polls > (u64)hang_s * 5) {
			sh->st[sh->ep].hangs++;
			out("# HANG %s step %ld (seed 0x%llx): %llu polls, %llu ms [op: %s]",
			    ep_name[sh->ep], sh->step, seed, polls, now_ms() - seen, sh->desc);
			kill(pid, SIGKILL);
			hung = true;
			break;
		}
		if (sh->ms_start && now_ms() - progress > 60000) {
			progress = now_ms();
			out("# progress: step %ld of %ld, %llu ops/s", sh->total_ops, total,
			    sh->total_ops * 1000 / (progress - sh->ms_start + 1));
		}
	}
	sh->ms_end = now_ms();
	poll(NULL, 0, 1000);
	if (kfd >= 0)
		kmsg_drain(kfd);
	if (!hung && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		sh->st[sh->ep].fails++;
		out("# FAIL: the L1 process died (status 0x%x) at step %ld [op: %s]", status,
		    sh->step, sh->desc);
	}
	table();
	for (int ep = 0; ep < NEP; ep++) {
		struct ep_stats *e = &sh->st[ep];

		if (e->hangs || e->stalls || e->splats || e->violations || e->fails ||
		    e->ops != ops_per_ep)
			return 1;
	}
	return 0;
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: l1fuzz [-v] [--seed S] [--ops N] [--known LIST] [--hang-s S]\n"
		"  [--audit-every N] [--stop-after STEP] [--l2-hcall R3,..,R9[,1]]\n"
		"  [--dirty-log-once] [--l0 K,K,..] baseline|module\n"
		"  LIST: none, or of dirty-log,l2-rpt-range,l1-rpt-range,unsupp-mmu\n");
	exit(2);
}

static void parse_repro(char *list)
{
	char *save = NULL, *v;

	for (v = strtok_r(list, ",", &save); v && repro_n < 8; v = strtok_r(NULL, ",", &save))
		repro[repro_n++] = strtoull(v, NULL, 0);
	if (repro_n < 7)
		bad_usage();
}

static void parse_l0(char *list)
{
	char *save = NULL, *v;
	long k;

	for (v = strtok_r(list, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		k = strtol(v, NULL, 0);
		if (k < 0 || k >= (long)ARRAY_SIZE(l0_what) || repro_l0_n >= 16)
			bad_usage();
		repro_l0[repro_l0_n++] = k;
	}
}

static void parse_known(char *list)
{
	char *save = NULL, *k;

	for (k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (!strcmp(k, "dirty-log"))
			known_dirty = true;
		else if (!strcmp(k, "l2-rpt-range"))
			known_l2_rpt = true;
		else if (!strcmp(k, "l1-rpt-range"))
			known_l1_rpt = true;
		else if (!strcmp(k, "unsupp-mmu"))
			known_unsupp = true;
		else if (strcmp(k, "none"))
			bad_usage();
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	pid_t pid;
	long v;
	int i;

	out_tag = "fuzz";
	seed = 0x5eed;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops_per_ep = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--known") && i + 1 < argc)
			parse_known(argv[++i]);
		else if (!strcmp(argv[i], "--hang-s") && i + 1 < argc)
			hang_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--audit-every") && i + 1 < argc)
			audit_every = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--stop-after") && i + 1 < argc)
			stop_after = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--l0") && i + 1 < argc)
			parse_l0(argv[++i]);
		else if (!strcmp(argv[i], "--dirty-log-once"))
			repro_dirty = true;
		else if (!strcmp(argv[i], "--l2-hcall") && i + 1 < argc)
			parse_repro(argv[++i]);
		else if (!mode && (!strcmp(argv[i], "baseline") || !strcmp(argv[i], "module")))
			mode = argv[i];
		else
			bad_usage();
	}
	if (!mode || ops_per_ep <= 0 || hang_s <= 0)
		bad_usage();
	module_mode = !strcmp(mode, "module");
	setvbuf(stdout, NULL, _IOLBF, 0);
	v = read_long("/proc/cpuinfo", "timebase");
	if (v > 0)
		tb_hz = v;
	out("# seed 0x%llx, %ld ops per entry point, known bugs skipped:%s%s%s%s%s", seed,
	    ops_per_ep, known_dirty ? " dirty-log" : "", known_l2_rpt ? " l2-rpt-range" : "",
	    known_l1_rpt ? " l1-rpt-range" : "", known_unsupp ? " unsupp-mmu" : "",
	    known_dirty || known_l2_rpt || known_l1_rpt || known_unsupp ? "" : " none");
	if (module_mode != module_loaded())
		out("# warning: %s is %sloaded in %s mode", MODNAME, module_loaded() ? "" : "not ",
		    mode);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN returns EINTR */
		child();
		fflush(stdout);
		_exit(0);
	}
	return watchdog(pid);
}
