// SPDX-License-Identifier: GPL-2.0-only
/*
 * H_COPY_TOFROM_GUEST, the L2 side: argument checks, loads and stores
 * through the L2's process-scoped tree and L1's partition-scoped tree,
 * every way a translation fails, and proof that a failed store writes
 * nothing and that nothing reads or writes outside L1 memory.
 *
 * The L2's process table and process-scoped trees are built in L2-real
 * addresses (a fake_l1_view() of L1 memory that L1's partition tree maps
 * at SYS_L2, at an L1-real address not congruent to it), so a walk that
 * reads an L2 table without translating its address reads the wrong
 * bytes.  Data pages are shuffled in both trees: EA page j -> L2 page
 * l2_page(j), and L2 page i lives in L1 below L2 page i - 1.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "fake_l1.h"
#include "khn/gcopy.h"
#include "khn/l1walk.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/sprs.h"

#define L1_BASE		SZ_16M		/* L1-real address of L1 memory */
#define L1_SIZE		SZ_8M
#define L1_END		(L1_BASE + L1_SIZE)
/* The L2's system region: process table and process-scoped trees */
#define SYS_L2		SZ_1G
#define SYS_SIZE	SZ_512K
/* L2-real data pages DATA_L2 + i * 4K, i < NR_DATA */
#define DATA_L2		SZ_2G
#define NR_DATA		20
/* PID 0's mapped EA pages: EA_BASE + j * 4K, j < NR_EA */
#define EA_BASE		0x00000abcdef00000ULL
#define NR_EA		17
/* PID_USER's two EA pages (at EA_BASE too) use L2 pages 17 and 18 */
#define PID_USER	5
#define PID_NONE	7	/* no process table entry */
#define NR_PIDS		256	/* process table of 4K (PRTS 0) */

#define RW		(KHN_RPTE_READ | KHN_RPTE_RW)
#define KERN_RW		(KHN_RPTE_PRIV | RW)	/* the L2 kernel's leaves */
#define SZ_4K_		BIT_ULL(KHN_SHIFT_4K)

/*
 * Reads of L1 memory per step of a copy, with both trees 4-level with 4K
 * leaves: L1's walk of an L2-real address reads 4 doublewords; each
 * L2 table entry costs that walk plus the entry itself.
 */
#define PART_WALK	4
#define L2_READ		(PART_WALK + 1)
#define PRTE_READS	L2_READ
#define PROC_WALK	(4 * L2_READ)
/* a copy within one page: PRTE, process walk, data walk, data */
#define ONE_PAGE_READS	(PRTE_READS + PROC_WALK + PART_WALK + 1)

struct gc_env {
	struct fake_l1 *l1;		/* L1 memory */
	struct fake_l1_tree *part;	/* L1's partition-scoped tree for the L2 */
	struct fake_l1 *sys;		/* the system region, at L2-real SYS_L2 */
	u64 prtb;			/* L2-real address of the process table */
	struct fake_l1_tree *proc;	/* PID 0's process-scoped tree */
	struct fake_l1_tree *user;	/* PID_USER's */
	struct khn_pate pate;		/* the L2's partition table entry */
	u64 data_ra[NR_DATA];		/* L1-real address of L2 data page i */
	u8 *buf;			/* the L0 buffer, KHN_GCOPY_MAX bytes */
};

/* The L2 page behind PID 0's EA page @j: a permutation of 0 .. NR_EA - 1 */
static unsigned int l2_page(unsigned int j)
{
	return (j * 7) % NR_EA;
}

static u8 *l1_at(struct gc_env *e, u64 ra)
{
	return e->l1->buf + (ra - L1_BASE);
}

/* Distinct bytes at every offset of every page */
static u8 pattern(u64 ra)
{
	return (u8)((ra & 0xfff) * 7 + (ra >> 12) * 31);
}

static void fill(struct gc_env *e, u64 ra, u64 len)
{
	u64 i;

	for (i = 0; i < len; i++)
		*l1_at(e, ra + i) = pattern(ra + i);
}

/* A process table entry for @t: a PATE doubleword 0 without HR */
static u64 prte0(const struct fake_l1_tree *t)
{
	return fake_l1_tree_pate0(t) & ~KHN_PATE0_HR;
}

static void set_prte(struct gc_env *e, u32 pid, u64 dw0)
{
	fake_l1_write64(e->sys, e->prtb + pid * KHN_PRTE_BYTES, dw0);
}

/* L1's 4K leaf for the L2-real page holding @l2_ra */
static u64 part_leaf_ra(struct gc_env *e, u64 l2_ra)
{
	return fake_l1_entry_ra(e->part, l2_ra, 3);
}

/* PID 0's 4K leaf for EA page @j (an L2-real address: in e->sys) */
static u64 proc_leaf_ra(struct gc_env *e, unsigned int j)
{
	return fake_l1_entry_ra(e->proc, EA_BASE + j * SZ_4K_, 3);
}

static u64 data_l2(unsigned int i)
{
	return DATA_L2 + i * SZ_4K_;
}

static struct gc_env *gc_env_create(struct kunit *test)
{
	struct gc_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	u64 sys_ra, data, off;
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->buf = kunit_kzalloc(test, KHN_GCOPY_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->buf);
	e->l1 = fake_l1_create(test, L1_BASE, L1_SIZE);
	e->part = fake_l1_tree_create(e->l1, &fake_l1_geom_4k);

	/* the system region: L1-real != L2-real modulo any table size */
	fake_l1_alloc(e->l1, SZ_4K, SZ_4K);
	sys_ra = fake_l1_alloc(e->l1, SYS_SIZE, SZ_4K);
	KUNIT_ASSERT_NE(test, sys_ra & (SZ_64K - 1), 0);
	for (off = 0; off < SYS_SIZE; off += SZ_4K)
		fake_l1_map(e->part, SYS_L2 + off, sys_ra + off, KHN_SHIFT_4K,
			    RW);
	e->sys = fake_l1_view(e->l1, sys_ra, SYS_SIZE, SYS_L2);
	e->prtb = fake_l1_alloc(e->sys, SZ_4K, SZ_4K);
	KUNIT_ASSERT_EQ(test, khn_pate_decode(fake_l1_tree_pate0(e->part),
					      fake_l1_pate1(e->prtb, 0),
					      &e->pate), 0);

	/* data: L2 page i + 1 lives below L2 page i in L1 */
	data = fake_l1_alloc(e->l1, NR_DATA * SZ_4K, SZ_4K);
	for (i = 0; i < NR_DATA; i++) {
		e->data_ra[i] = data + (NR_DATA - 1 - i) * SZ_4K;
		fake_l1_map(e->part, data_l2(i), e->data_ra[i], KHN_SHIFT_4K,
			    RW);
	}
	fill(e, data, NR_DATA * SZ_4K);

	e->proc = fake_l1_tree_create(e->sys, &fake_l1_geom_4k);
	set_prte(e, 0, prte0(e->proc));
	for (j = 0; j < NR_EA; j++)
		fake_l1_map(e->proc, EA_BASE + j * SZ_4K_, data_l2(l2_page(j)),
			    KHN_SHIFT_4K, KERN_RW);
	e->user = fake_l1_tree_create(e->sys, &fake_l1_geom_4k);
	set_prte(e, PID_USER, prte0(e->user));
	for (j = 0; j < 2; j++)
		fake_l1_map(e->user, EA_BASE + j * SZ_4K_, data_l2(NR_EA + j),
			    KHN_SHIFT_4K, RW);
	return e;
}

/* L1-real address of PID 0's EA @ea (EA_BASE <= @ea, page < NR_EA) */
static u64 ea_ra(struct gc_env *e, u64 ea)
{
	unsigned int j = (ea - EA_BASE) >> KHN_SHIFT_4K;

	return e->data_ra[l2_page(j)] + (ea & (SZ_4K - 1));
}

static long gc(struct gc_env *e, u32 pid, u64 ea, u64 n, bool store)
{
	return khn_gcopy(&e->l1->mem, &e->pate, pid, ea, e->buf, n, store);
}

/* How many of the @n bytes at PID 0's @ea, in L1, match e->buf */
static u64 matching(struct gc_env *e, u64 ea, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (*l1_at(e, ea_ra(e, ea + i)) != e->buf[i])
			break;
	return i;
}

static void fill_buf(struct gc_env *e, u64 n, u8 seed)
{
	u64 i;

	for (i = 0; i < n; i++)
		e->buf[i] = (u8)(seed + i * 13);
}

/* Counters every case checks: nothing outside L1 memory, no R/C update */
static void expect_counts(struct kunit *test, struct gc_env *e,
			  unsigned long reads, unsigned long writes)
{
	KUNIT_EXPECT_EQ(test, e->l1->reads, reads);
	KUNIT_EXPECT_EQ(test, e->l1->writes, writes);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->oob_writes, 0);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs + e->l1->oob_cmpxchgs, 0);
}

/* ------------------------------------------------------------------ */
/* khn_gcopy_check(): the hypercall's arguments                        */

struct check_case {
	const char *desc;
	u64 eaddr, to, from, n;
	long rc;
};

#define EA_TOP		BIT_ULL(KHN_GCOPY_EA_BITS)
#define BUF		SZ_16M
#define OK		KHN_H_SUCCESS
#define BAD		KHN_H_PARAMETER

static const struct check_case check_cases[] = {
	{ "load: to only",		EA_BASE, BUF, 0, 8, OK },
	{ "store: from only",		EA_BASE, 0, BUF, 8, OK },
	{ "both buffers",		EA_BASE, BUF, BUF + SZ_4K, 8, BAD },
	{ "neither buffer",		EA_BASE, 0, 0, 8, BAD },
	{ "EA bit 52 set",		EA_BASE | BIT_ULL(52), BUF, 0, 8, BAD },
	{ "EA bit 63 set (quadrant 2)",	EA_BASE | BIT_ULL(63), BUF, 0, 8, BAD },
	{ "EA 0xc000... (kernel quadrant)", 0xc000000000000000ULL, 0, BUF,
	  8, BAD },
	{ "zero bytes",			EA_BASE, BUF, 0, 0, OK },
	{ "KHN_GCOPY_MAX bytes",	EA_BASE, BUF, 0, KHN_GCOPY_MAX, OK },
	{ "KHN_GCOPY_MAX + 1 bytes",	EA_BASE, BUF, 0, KHN_GCOPY_MAX + 1, BAD },
	{ "2^64 - 1 bytes",		EA_BASE, BUF, 0, U64_MAX, BAD },
	{ "range ending at 2^52",	EA_TOP - 16, BUF, 0, 16, OK },
	{ "range passing 2^52",		EA_TOP - 8, BUF, 0, 16, BAD },
	{ "to buffer wrapping 2^64",	EA_BASE, U64_MAX - 7, 0, 16, BAD },
	{ "from buffer wrapping 2^64",	EA_BASE, 0, U64_MAX - 7, 16, BAD },
	{ "buffer ending at 2^64 - 1",	EA_BASE, 0, U64_MAX - 15, 15, OK },
};

KUNIT_ARRAY_PARAM_DESC(check, check_cases, desc);

static void check_refuses_bad_arguments_with_h_parameter(struct kunit *test)
{
	const struct check_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khn_gcopy_check(c->eaddr, c->to, c->from, c->n),
			c->rc);
}

struct range_case {
	const char *desc;
	u64 eaddr, n;
};

static const struct range_case range_cases[] = {
	{ "EA bit 52 set",		EA_BASE | BIT_ULL(52), 8 },
	{ "EA bit 63 set, zero bytes",	BIT_ULL(63), 0 },
	{ "EA 2^52, zero bytes",	EA_TOP, 0 },
	{ "KHN_GCOPY_MAX + 1 bytes",	EA_BASE, KHN_GCOPY_MAX + 1 },
	{ "range passing 2^52",		EA_TOP - 8, 16 },
	{ "2^64 - 1 bytes",		EA_BASE, U64_MAX },
};

KUNIT_ARRAY_PARAM_DESC(range, range_cases, desc);

static void gcopy_refuses_bad_range_before_reading(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct gc_env *e = gc_env_create(test);

	KUNIT_EXPECT_EQ(test, gc(e, 0, c->eaddr, c->n, false), KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, gc(e, 0, c->eaddr, c->n, true), KHN_H_PARAMETER);
	expect_counts(test, e, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Copies that succeed                                                  */

static void gcopy_loads_within_one_page(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_ + 0x123;

	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 200, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 200), 200);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(ea_ra(e, ea)));
	KUNIT_EXPECT_EQ(test, e->buf[200], 0);		/* no more */
	KUNIT_EXPECT_EQ(test, e->l1->last_read, ea_ra(e, ea));
	expect_counts(test, e, ONE_PAGE_READS, 0);
}

static void gcopy_stores_within_one_page_setting_no_rc(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_ + 0x123;
	u64 ra = ea_ra(e, ea);
	u64 proc_leaf = fake_l1_read64(e->sys, proc_leaf_ra(e, 3));
	u64 part_leaf = fake_l1_read64(e->l1,
				       part_leaf_ra(e, data_l2(l2_page(3))));

	/* the L2 kernel's leaf is privileged: no reason to refuse L1 */
	KUNIT_ASSERT_TRUE(test, proc_leaf & KHN_RPTE_PRIV);
	fill_buf(e, 200, 0x40);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 200, true), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 200), 200);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ra - 1), pattern(ra - 1));
	KUNIT_EXPECT_EQ(test, *l1_at(e, ra + 200), pattern(ra + 200));
	KUNIT_EXPECT_EQ(test, e->l1->last_write, ra);
	/* the walk's reads, and the first and last byte checked */
	expect_counts(test, e, ONE_PAGE_READS - 1 + 2, 1);
	/* neither tree's leaf got R or C */
	KUNIT_EXPECT_EQ(test, fake_l1_read64(e->sys, proc_leaf_ra(e, 3)),
			proc_leaf);
	KUNIT_EXPECT_EQ(test,
			fake_l1_read64(e->l1, part_leaf_ra(e, data_l2(l2_page(3)))),
			part_leaf);
	KUNIT_EXPECT_EQ(test, proc_leaf & (KHN_RPTE_R | KHN_RPTE_C), 0);
}

static void gcopy_loads_across_page_boundary(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 5 * SZ_4K_ - 50;

	/* the two pages are apart in L2-real and in L1-real memory */
	KUNIT_ASSERT_NE(test, l2_page(5), l2_page(4) + 1);
	KUNIT_ASSERT_NE(test, ea_ra(e, ea + 50), ea_ra(e, ea + 49) + 1);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 100, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 100), 100);
	KUNIT_EXPECT_EQ(test, e->buf[49], pattern(ea_ra(e, ea + 49)));
	KUNIT_EXPECT_EQ(test, e->buf[50], pattern(ea_ra(e, ea + 50)));
	expect_counts(test, e, PRTE_READS + 2 * (PROC_WALK + PART_WALK + 1), 0);
}

static void gcopy_stores_across_page_boundary(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 5 * SZ_4K_ - 50;

	fill_buf(e, 100, 0x90);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 100, true), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 100), 100);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ea_ra(e, ea) - 1),
			pattern(ea_ra(e, ea) - 1));
	KUNIT_EXPECT_EQ(test, *l1_at(e, ea_ra(e, ea + 100)),
			pattern(ea_ra(e, ea + 100)));
	KUNIT_EXPECT_EQ(test, e->l1->last_write, ea_ra(e, ea + 50));
	expect_counts(test, e, PRTE_READS + 2 * (PROC_WALK + PART_WALK + 2), 2);
}

static void gcopy_copies_max_bytes_across_17_pages(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 0x800;

	/* 0x800 + 64K ends in EA page 16: every mapped page, each a chunk */
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, KHN_GCOPY_MAX, false),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, KHN_GCOPY_MAX), KHN_GCOPY_MAX);
	expect_counts(test, e, PRTE_READS + NR_EA * (PROC_WALK + PART_WALK + 1),
		      0);

	e->l1->reads = 0;
	fill_buf(e, KHN_GCOPY_MAX, 0x11);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, KHN_GCOPY_MAX, true), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, KHN_GCOPY_MAX), KHN_GCOPY_MAX);
	KUNIT_EXPECT_EQ(test, e->l1->writes, NR_EA);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ea_ra(e, ea) - 1),
			pattern(ea_ra(e, ea) - 1));
	KUNIT_EXPECT_EQ(test, *l1_at(e, ea_ra(e, ea + KHN_GCOPY_MAX)),
			pattern(ea_ra(e, ea + KHN_GCOPY_MAX)));
}

static void gcopy_translates_by_pid(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + SZ_4K_ + 8;

	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 16, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 16), 16);
	KUNIT_ASSERT_EQ(test, gc(e, PID_USER, ea, 16, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(e->data_ra[NR_EA + 1] + 8));
	KUNIT_EXPECT_EQ(test, e->buf[15], pattern(e->data_ra[NR_EA + 1] + 23));

	/* a store through PID_USER lands in its page, not PID 0's */
	fill_buf(e, 16, 0x77);
	KUNIT_ASSERT_EQ(test, gc(e, PID_USER, ea, 16, true), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, *l1_at(e, e->data_ra[NR_EA + 1] + 8), 0x77);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ea_ra(e, ea)), pattern(ea_ra(e, ea)));
	expect_counts(test, e, 3 * ONE_PAGE_READS + 1, 1);
}

static void gcopy_copies_nothing_for_zero_bytes(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 0, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, gc(e, PID_NONE, EA_BASE, 0, true), KHN_H_SUCCESS);
	expect_counts(test, e, 0, 0);
}

/* A 2M process-scoped leaf over 4K pages of L1's: split at L1's pages */
static void gcopy_splits_large_process_page_at_l1_pages(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea2m = 0x0000012345600000ULL, l2 = SZ_4G;
	/* b is the L1 page below a: the bytes are not contiguous in L1 */
	u64 a = e->data_ra[NR_DATA - 2], b = e->data_ra[NR_DATA - 1];
	u64 ea = ea2m + 8 * SZ_4K_ - 8;

	fake_l1_map(e->proc, ea2m, l2, KHN_SHIFT_2M, KERN_RW);
	fake_l1_map(e->part, l2 + 7 * SZ_4K_, a, KHN_SHIFT_4K, RW);
	fake_l1_map(e->part, l2 + 8 * SZ_4K_, b, KHN_SHIFT_4K, RW);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 16, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(a + 0xff8));
	KUNIT_EXPECT_EQ(test, e->buf[7], pattern(a + 0xfff));
	KUNIT_EXPECT_EQ(test, e->buf[8], pattern(b));
	KUNIT_EXPECT_EQ(test, e->buf[15], pattern(b + 7));
	/* a 3-level process walk per page */
	expect_counts(test, e, PRTE_READS + 2 * (3 * L2_READ + PART_WALK + 1),
		      0);
}

/* 4K process-scoped pages in one 2M page of L1's: split at the L2's */
static void gcopy_splits_at_process_pages_in_large_l1_page(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 blk = fake_l1_alloc(e->l1, SZ_2M, SZ_2M), l2 = 6ULL * SZ_1G;
	u64 ea = EA_BASE + 41 * SZ_4K_ - 8;

	fake_l1_map(e->part, l2, blk, KHN_SHIFT_2M, RW);
	fake_l1_map(e->proc, EA_BASE + 40 * SZ_4K_, l2 + 0x5000, KHN_SHIFT_4K,
		    KERN_RW);
	fake_l1_map(e->proc, EA_BASE + 41 * SZ_4K_, l2 + 0x1000, KHN_SHIFT_4K,
		    KERN_RW);
	fill(e, blk, 8 * SZ_4K);
	KUNIT_ASSERT_EQ(test, gc(e, 0, ea, 16, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(blk + 0x5ff8));
	KUNIT_EXPECT_EQ(test, e->buf[7], pattern(blk + 0x5fff));
	KUNIT_EXPECT_EQ(test, e->buf[8], pattern(blk + 0x1000));
	KUNIT_EXPECT_EQ(test, e->buf[15], pattern(blk + 0x1007));
	/* L1's walk of the data stops at its 2M leaf: 3 reads */
	expect_counts(test, e, PRTE_READS + 2 * (PROC_WALK + 3 + 1), 0);
}

/* The smallest process tree (2^40 here) walks; an EA beyond it does not */
static void gcopy_walks_small_process_tree_not_beyond(struct kunit *test)
{
	static const struct fake_l1_geom geom_40 = {
		.va_bits = 40, .nr_levels = 3, .nls = { 10, 9, 9 },
	};
	struct gc_env *e = gc_env_create(test);
	struct fake_l1_tree *t = fake_l1_tree_create(e->sys, &geom_40);
	u64 ea = BIT_ULL(40) - SZ_4K_;

	set_prte(e, 6, prte0(t));
	fake_l1_map(t, ea, data_l2(0), KHN_SHIFT_4K, RW);
	KUNIT_ASSERT_EQ(test, gc(e, 6, ea + 4, 4, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(e->data_ra[0] + 4));
	KUNIT_EXPECT_EQ(test, e->buf[3], pattern(e->data_ra[0] + 7));
	expect_counts(test, e, PRTE_READS + 3 * L2_READ + PART_WALK + 1, 0);

	/* the first byte past the tree: refused before any table is read */
	e->l1->reads = 0;
	KUNIT_EXPECT_EQ(test, gc(e, 6, BIT_ULL(40), 4, false), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gc(e, 6, EA_BASE, 4, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, 2 * PRTE_READS, 0);
}

/* ------------------------------------------------------------------ */
/* Copies that fail: H_NOT_FOUND                                       */

struct pid_case {
	const char *desc;
	u32 pid;
};

static const struct pid_case pid_cases[] = {
	{ "first PID past a 4K table",	NR_PIDS },
	{ "PID 2^20",			BIT(20) },
	{ "largest PID",		U32_MAX },
};

KUNIT_ARRAY_PARAM_DESC(pid, pid_cases, desc);

static void gcopy_reports_pid_beyond_process_table(struct kunit *test)
{
	const struct pid_case *c = test->param_value;
	struct gc_env *e = gc_env_create(test);

	KUNIT_EXPECT_EQ(test, gc(e, c->pid, EA_BASE, 8, false),
			KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gc(e, c->pid, EA_BASE, 8, true), KHN_H_NOT_FOUND);
	expect_counts(test, e, 0, 0);
}

static void gcopy_reports_pid_without_process_table_entry(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	/* the last PID of the table, and one in the middle: all-zero entries */
	KUNIT_EXPECT_EQ(test, gc(e, NR_PIDS - 1, EA_BASE, 8, false),
			KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gc(e, PID_NONE, EA_BASE, 8, true),
			KHN_H_NOT_FOUND);
	expect_counts(test, e, 2 * PRTE_READS, 0);
}

struct prte_case {
	const char *desc;
	u64 flip;
};

static const struct prte_case prte_cases[] = {
	{ "reserved bit 0 (HR in a PATE)",	BIT_ULL(63) },
	{ "reserved bit 3",			BIT_ULL(60) },
	{ "root of 2^4 entries",		KHN_PATE0_RPDS & 9 },
	{ "tree of 2^53 (RTS 22)",		BIT_ULL(6) | BIT_ULL(5) },
	{ "root not aligned to its size",	SZ_4K },
};

KUNIT_ARRAY_PARAM_DESC(prte, prte_cases, desc);

static void gcopy_rejects_unusable_process_table_entry(struct kunit *test)
{
	const struct prte_case *c = test->param_value;
	struct gc_env *e = gc_env_create(test);

	/* PID 0's entry: RPDS 13 ^ 9 = 4, RTS 21 (0b10101) ^ 0b11 = 22 */
	set_prte(e, 0, prte0(e->proc) ^ c->flip);
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, PRTE_READS, 0);
}

static void gcopy_reports_unusable_pate(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	/* zeroed (as khn_pate_read() leaves it on failure): no process table */
	memset(&e->pate, 0, sizeof(e->pate));
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	/* not from khn_pate_decode(): a process table size no shift holds */
	e->pate.prts = 64;
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, true), KHN_H_NOT_FOUND);
	expect_counts(test, e, 0, 0);
}

static void gcopy_reports_process_table_without_l1_translation(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	fake_l1_write64(e->l1, part_leaf_ra(e, e->prtb), 0);
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, PART_WALK, 0);
}

static void gcopy_needs_read_right_on_l2_tables(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 leaf_ra = part_leaf_ra(e, e->prtb);
	u64 sys_ra = fake_l1_read64(e->l1, leaf_ra) & KHN_RPTE_RPN;

	/* L1 maps the process table execute-only */
	fake_l1_write64(e->l1, leaf_ra, fake_l1_leaf(sys_ra, KHN_RPTE_EXEC));
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, PART_WALK, 0);
}

static void gcopy_reports_process_table_outside_l1_memory(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	/* L1's leaf for the process table names memory L1 does not have */
	fake_l1_write64(e->l1, part_leaf_ra(e, e->prtb),
			fake_l1_leaf(L1_END, RW));
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, e->l1->reads, PART_WALK);
	/* the one read refused: the fake served nothing outside */
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 1);
	KUNIT_EXPECT_EQ(test, e->l1->last_read, L1_END + e->prtb % SZ_4K);
	KUNIT_EXPECT_EQ(test, e->l1->writes + e->l1->oob_writes, 0);
}

struct level_case {
	const char *desc;
	unsigned int level;
};

static const struct level_case level_cases[] = {
	{ "root (level 0)", 0 },
	{ "level 1", 1 },
	{ "level 2", 2 },
	{ "leaf table (level 3)", 3 },
};

KUNIT_ARRAY_PARAM_DESC(level, level_cases, desc);

static void gcopy_reports_process_tree_page_without_l1_translation(struct kunit *test)
{
	const struct level_case *c = test->param_value;
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_;
	u64 table_l2 = fake_l1_entry_ra(e->proc, ea, c->level);

	fake_l1_write64(e->l1, part_leaf_ra(e, table_l2), 0);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, PRTE_READS + c->level * L2_READ + PART_WALK, 0);
}

static void gcopy_reports_data_page_without_l1_translation(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_;

	fake_l1_write64(e->l1, part_leaf_ra(e, data_l2(l2_page(3))), 0);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, false), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, true), KHN_H_NOT_FOUND);
	expect_counts(test, e, 2 * (PRTE_READS + PROC_WALK + PART_WALK), 0);
}

static void gcopy_reports_ea_without_process_translation(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);

	/* page 30: same leaf table as the mapped ones, entry empty */
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE + 30 * SZ_4K_, 8, false),
			KHN_H_NOT_FOUND);
	expect_counts(test, e, PRTE_READS + PROC_WALK, 0);
}

static void gcopy_refuses_store_through_read_only_process_leaf(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_;
	u64 ra = ea_ra(e, ea);

	fake_l1_map(e->proc, ea, data_l2(l2_page(3)), KHN_SHIFT_4K,
		    KHN_RPTE_PRIV | KHN_RPTE_READ);
	fill_buf(e, 8, 0x33);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, true), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ra), pattern(ra));
	expect_counts(test, e, PRTE_READS + PROC_WALK, 0);
	/* a load through it is fine */
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(ra));
}

static void gcopy_refuses_store_through_read_only_l1_leaf(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_;
	u64 ra = ea_ra(e, ea);

	/* L1 write-protects the page (dirty tracking, say) */
	fake_l1_map(e->part, data_l2(l2_page(3)), ra & ~(SZ_4K - 1),
		    KHN_SHIFT_4K, KHN_RPTE_READ);
	fill_buf(e, 8, 0x33);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, true), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, *l1_at(e, ra), pattern(ra));
	expect_counts(test, e, PRTE_READS + PROC_WALK + PART_WALK, 0);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, false), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(ra));
}

static void gcopy_refuses_load_through_leaf_granting_nothing(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 3 * SZ_4K_;

	/* PRIV alone grants no access, to L1 as to anyone */
	fake_l1_map(e->proc, ea, data_l2(l2_page(3)), KHN_SHIFT_4K,
		    KHN_RPTE_PRIV);
	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 8, false), KHN_H_NOT_FOUND);
	expect_counts(test, e, PRTE_READS + PROC_WALK, 0);
}

/* How the second page of a two-page store fails */
enum second_page {
	NO_PROCESS_LEAF,
	PROCESS_LEAF_READ_ONLY,
	NO_L1_LEAF,
	L1_LEAF_READ_ONLY,
	L1_PAGE_OUTSIDE_L1_MEMORY,
};

struct store_case {
	const char *desc;
	enum second_page how;
	unsigned long reads;
	unsigned long oob_reads;
};

/* Reads up to the failure: both pages' walks, as far as they go */
#define FIRST_PAGE	(PRTE_READS + PROC_WALK + PART_WALK)
static const struct store_case store_cases[] = {
	{ "no process-scoped leaf", NO_PROCESS_LEAF,
	  FIRST_PAGE + PROC_WALK, 0 },
	{ "process-scoped leaf read-only", PROCESS_LEAF_READ_ONLY,
	  FIRST_PAGE + PROC_WALK, 0 },
	{ "no leaf in L1's tree", NO_L1_LEAF,
	  FIRST_PAGE + PROC_WALK + PART_WALK, 0 },
	{ "L1's leaf read-only", L1_LEAF_READ_ONLY,
	  FIRST_PAGE + PROC_WALK + PART_WALK, 0 },
	/* both pages translate; the check of the first page's two bytes
	 * passes, the second's first byte is refused
	 */
	{ "L1's leaf outside L1 memory", L1_PAGE_OUTSIDE_L1_MEMORY,
	  FIRST_PAGE + PROC_WALK + PART_WALK + 2, 1 },
};

KUNIT_ARRAY_PARAM_DESC(store, store_cases, desc);

static void gcopy_failed_store_writes_nothing(struct kunit *test)
{
	const struct store_case *c = test->param_value;
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 5 * SZ_4K_ - 50;
	u64 first = e->data_ra[l2_page(4)], second = e->data_ra[l2_page(5)];
	u64 l2 = data_l2(l2_page(5));
	u8 *before = kunit_kzalloc(test, NR_DATA * SZ_4K, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, before);
	switch (c->how) {
	case NO_PROCESS_LEAF:
		fake_l1_write64(e->sys, proc_leaf_ra(e, 5), 0);
		break;
	case PROCESS_LEAF_READ_ONLY:
		fake_l1_map(e->proc, ea + 50, l2, KHN_SHIFT_4K,
			    KHN_RPTE_PRIV | KHN_RPTE_READ);
		break;
	case NO_L1_LEAF:
		fake_l1_write64(e->l1, part_leaf_ra(e, l2), 0);
		break;
	case L1_LEAF_READ_ONLY:
		fake_l1_map(e->part, l2, second, KHN_SHIFT_4K, KHN_RPTE_READ);
		break;
	case L1_PAGE_OUTSIDE_L1_MEMORY:
		fake_l1_map(e->part, l2, L1_END, KHN_SHIFT_4K, RW);
		break;
	}
	memcpy(before, l1_at(e, e->data_ra[NR_DATA - 1]), NR_DATA * SZ_4K);
	fill_buf(e, 100, 0xc0);

	KUNIT_EXPECT_EQ(test, gc(e, 0, ea, 100, true), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, e->l1->writes + e->l1->oob_writes, 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, c->reads);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, c->oob_reads);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs + e->l1->oob_cmpxchgs, 0);
	/* every data page as it was, the first page's bytes included */
	KUNIT_EXPECT_EQ(test, memcmp(before, l1_at(e, e->data_ra[NR_DATA - 1]),
				     NR_DATA * SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, *l1_at(e, first + SZ_4K - 1),
			pattern(first + SZ_4K - 1));
	KUNIT_EXPECT_EQ(test, *l1_at(e, second), pattern(second));
}

static void gcopy_terminates_on_self_referencing_process_tree(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	struct fake_l1_tree *t = fake_l1_tree_create(e->sys, &fake_l1_geom_4k);

	/* root[0] points at the root: EA 0 reads the same entry each level */
	fake_l1_set_entry(e->sys, t->root, 0, fake_l1_pde(t->root, 13));
	set_prte(e, PID_NONE, prte0(t));
	KUNIT_EXPECT_EQ(test, gc(e, PID_NONE, 0, 8, false), KHN_H_NOT_FOUND);
	/* spans 39, 26, 13: no room for a table under the third */
	expect_counts(test, e, PRTE_READS + 3 * L2_READ, 0);
}

static void gcopy_terminates_on_l2_memory_full_of_pointers(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 pde = fake_l1_pde(e->proc->root, KHN_NLS_MIN);
	u64 ra;

	/*
	 * Every doubleword of the L2's system region but the process table
	 * points at PID 0's root: at most KHN_WALK_MAX_LEVELS table reads,
	 * each one walk of L1's tree, whatever the PID and address.
	 */
	for (ra = e->prtb + SZ_4K; ra < SYS_L2 + SYS_SIZE; ra += 8)
		fake_l1_write64(e->sys, ra, pde);
	KUNIT_EXPECT_EQ(test, gc(e, 0, EA_BASE, 8, false), KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gc(e, PID_USER, 0, 8, true), KHN_H_NOT_FOUND);
	expect_counts(test, e, 2 * (PRTE_READS + KHN_WALK_MAX_LEVELS * L2_READ),
		      0);
}

/* ------------------------------------------------------------------ */
/* The fake's write, which the cases above count on                    */

static void fake_l1_serves_writes_inside_memory_only(struct kunit *test)
{
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, SZ_64K);
	static const u8 bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	KUNIT_EXPECT_EQ(test, f->mem.write(f, L1_BASE + SZ_64K - 8, bytes, 8),
			0);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, L1_BASE + SZ_64K - 8),
			0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, f->mem.write(f, L1_BASE + SZ_64K - 4, bytes, 8),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, f->mem.write(f, L1_BASE - 4, bytes, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->mem.write(f, U64_MAX - 3, bytes, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, L1_BASE + SZ_64K - 8),
			0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, L1_BASE), 0);
	KUNIT_EXPECT_EQ(test, f->writes, 1);
	KUNIT_EXPECT_EQ(test, f->oob_writes, 3);
	KUNIT_EXPECT_EQ(test, f->last_write, U64_MAX - 3);
	KUNIT_EXPECT_EQ(test, f->reads + f->oob_reads, 0);
}

/* ------------------------------------------------------------------ */
/* khn_gfetch(): an L2's instruction, for MMIO emulation                */

#define FETCH_MSR	(KHN_MSR_SF | KHN_MSR_IR | KHN_MSR_DR | KHN_MSR_LE)
#define QUADRANT3	0xc000000000000000ULL

static long gf(struct gc_env *e, u32 pidr, u64 msr, u64 nip, unsigned int n)
{
	return khn_gfetch(&e->l1->mem, &e->pate, pidr, msr, nip, e->buf, n);
}

static void gfetch_kernel_quadrant_uses_pid_0(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 5 * SZ_4K_ + 0x40;

	/* PIDR names the user's tree: quadrant 3 must not use it */
	KUNIT_ASSERT_EQ(test, gf(e, PID_USER, FETCH_MSR, QUADRANT3 | ea, 4),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 4), 4);
	KUNIT_EXPECT_EQ(test, e->buf[4], 0);
	expect_counts(test, e, ONE_PAGE_READS, 0);
}

static void gfetch_user_quadrant_uses_pidr(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + SZ_4K_ + 0x80;
	u64 ra = e->data_ra[NR_EA + 1] + 0x80;

	KUNIT_ASSERT_EQ(test, gf(e, PID_USER, FETCH_MSR, ea, 8), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(ra));
	KUNIT_EXPECT_EQ(test, e->buf[7], pattern(ra + 7));
	/* with PIDR 0 the same address is the kernel's page: other bytes */
	KUNIT_ASSERT_EQ(test, gf(e, 0, FETCH_MSR, ea, 8), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, matching(e, ea, 8), 8);
}

static void gfetch_real_mode_is_l2_real(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 nip = data_l2(4) + 0x10;

	/* IR off: the top four bits are ignored, no process table read */
	KUNIT_ASSERT_EQ(test, gf(e, PID_USER, KHN_MSR_SF, QUADRANT3 | nip, 4),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, e->buf[0], pattern(e->data_ra[4] + 0x10));
	KUNIT_EXPECT_EQ(test, e->buf[3], pattern(e->data_ra[4] + 0x13));
	expect_counts(test, e, PART_WALK + 1, 0);
}

static void gfetch_refuses_what_no_l2_could_execute(struct kunit *test)
{
	struct gc_env *e = gc_env_create(test);
	u64 ea = EA_BASE + 2 * SZ_4K_;

	/* hypervisor quadrants 1 and 2 */
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, BIT_ULL(62) | ea, 4),
			KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, BIT_ULL(63) | ea, 4),
			KHN_H_NOT_FOUND);
	/* EA bits 2:11 set: no radix translation */
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, QUADRANT3 | BIT_ULL(52) | ea, 4),
			KHN_H_NOT_FOUND);
	/* a PID without a process table entry, an unmapped page */
	KUNIT_EXPECT_EQ(test, gf(e, PID_NONE, FETCH_MSR, ea, 4),
			KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, EA_BASE + NR_EA * SZ_4K_, 4),
			KHN_H_NOT_FOUND);
	/* real mode beyond 2^52, or where L1's tree has nothing */
	KUNIT_EXPECT_EQ(test, gf(e, 0, KHN_MSR_SF, BIT_ULL(55), 4),
			KHN_H_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, gf(e, 0, KHN_MSR_SF, data_l2(NR_DATA), 4),
			KHN_H_NOT_FOUND);
	/* sizes and alignment */
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, ea, 2), KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, ea, 16), KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, gf(e, 0, FETCH_MSR, ea + 2, 4), KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->writes, 0);
}

static struct kunit_case gcopy_test_cases[] = {
	KUNIT_CASE_PARAM(check_refuses_bad_arguments_with_h_parameter,
			 check_gen_params),
	KUNIT_CASE_PARAM(gcopy_refuses_bad_range_before_reading,
			 range_gen_params),
	KUNIT_CASE(gcopy_loads_within_one_page),
	KUNIT_CASE(gcopy_stores_within_one_page_setting_no_rc),
	KUNIT_CASE(gcopy_loads_across_page_boundary),
	KUNIT_CASE(gcopy_stores_across_page_boundary),
	KUNIT_CASE(gcopy_copies_max_bytes_across_17_pages),
	KUNIT_CASE(gcopy_translates_by_pid),
	KUNIT_CASE(gcopy_copies_nothing_for_zero_bytes),
	KUNIT_CASE(gcopy_splits_large_process_page_at_l1_pages),
	KUNIT_CASE(gcopy_splits_at_process_pages_in_large_l1_page),
	KUNIT_CASE(gcopy_walks_small_process_tree_not_beyond),
	KUNIT_CASE_PARAM(gcopy_reports_pid_beyond_process_table,
			 pid_gen_params),
	KUNIT_CASE(gcopy_reports_pid_without_process_table_entry),
	KUNIT_CASE_PARAM(gcopy_rejects_unusable_process_table_entry,
			 prte_gen_params),
	KUNIT_CASE(gcopy_reports_unusable_pate),
	KUNIT_CASE(gcopy_reports_process_table_without_l1_translation),
	KUNIT_CASE(gcopy_needs_read_right_on_l2_tables),
	KUNIT_CASE(gcopy_reports_process_table_outside_l1_memory),
	KUNIT_CASE_PARAM(gcopy_reports_process_tree_page_without_l1_translation,
			 level_gen_params),
	KUNIT_CASE(gcopy_reports_data_page_without_l1_translation),
	KUNIT_CASE(gcopy_reports_ea_without_process_translation),
	KUNIT_CASE(gcopy_refuses_store_through_read_only_process_leaf),
	KUNIT_CASE(gcopy_refuses_store_through_read_only_l1_leaf),
	KUNIT_CASE(gcopy_refuses_load_through_leaf_granting_nothing),
	KUNIT_CASE_PARAM(gcopy_failed_store_writes_nothing, store_gen_params),
	KUNIT_CASE(gcopy_terminates_on_self_referencing_process_tree),
	KUNIT_CASE(gcopy_terminates_on_l2_memory_full_of_pointers),
	KUNIT_CASE(gfetch_kernel_quadrant_uses_pid_0),
	KUNIT_CASE(gfetch_user_quadrant_uses_pidr),
	KUNIT_CASE(gfetch_real_mode_is_l2_real),
	KUNIT_CASE(gfetch_refuses_what_no_l2_could_execute),
	KUNIT_CASE(fake_l1_serves_writes_inside_memory_only),
	{}
};

static struct kunit_suite gcopy_test_suite = {
	.name = "khn-gcopy",
	.test_cases = gcopy_test_cases,
};

kunit_test_suite(gcopy_test_suite);
