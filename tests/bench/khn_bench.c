// SPDX-License-Identifier: GPL-2.0-only
/*
 * khn-bench: figures of the page-table library, printed, never asserted.
 * Built into a UML kernel by scripts/bench only (KHN_KUNIT_UML_EXTRA),
 * never into a test run or the module: timings live here and nowhere
 * else.  Every line it prints starts with "khn-bench: ".
 *
 *  - Fault-in: what L0 does for an L2 page fault: walk L1's tree (fake
 *    L1 memory, tests/core/fake_l1), fit the page size, combine the
 *    attributes and map the shadow leaf, add the nested rmap entry.  The
 *    same faults in number and kind in a 1 GiB and in a 64 GiB L2:
 *    KHN_BENCH_REGIONS random 2M regions of the L2 (all of them in 1 GiB),
 *    KHN_BENCH_PER_REGION random 4K pages in each, faulted in random order
 *    (seed KHN_BENCH_SEED), backed by the same L1 pages, so that both
 *    shadows allocate the same last-level tables and both rmaps are the
 *    same; the 64 GiB L2 has one directory per GiB it touches where the
 *    1 GiB L2 has one.  Timed three ways:
 *      hot:  each fault alone, just after an untimed read of its own path
 *            (L1's entries, the shadow's, the rmap slot): the library's
 *            work for the fault, table allocations included, without
 *            what the memory hierarchy does with a sparser tree.  The
 *            criterion's ratio (Documentation/pgtable.rst says why);
 *      warm: all faults back to back, timed as a whole: the work, plus
 *            caches and TLB reused from one fault to the next;
 *      cold: each fault alone after reading KHN_BENCH_EVICT_LINES by
 *            lines and KHN_BENCH_EVICT_PAGES by pages (caches, TLB), as
 *            after an L2 exit; a rotating sample of the faults.
 *    The UML clock moves in 256 ns steps: a fault timed alone is started
 *    at a random point of a step (bench_dither()), so that the mean of
 *    many is right, and the clock's own cost is taken off; a sample
 *    longer than KHN_BENCH_OUTLIER_NS (the host ran something else) is
 *    left out and counted.  The two L2s take turns (fault by fault when
 *    timed alone), in the opposite order in the next round; a figure is
 *    the median over pairs of rounds, a ratio the median of the pairs'
 *    ratios.  Work is counted too: L1 reads per fault, tables.
 *  - Range invalidation: N contiguous 4K pages mapped, then dropped by an
 *    H_RPT_INVALIDATE range (khn_rpt_decide() + khn_tlb_apply()), and
 *    again by L1 giving the pages up (khn_nrmap_for_range() removing the
 *    entries, khn_shadow_unmap() of each leaf).
 *  - Rmap memory per mapped page: the entries' containers (rm->bytes) and
 *    the xarray nodes, counted from the indices (the xarray allocates one
 *    node per 64-slot group in use at each level).
 *
 * Shadow tables come from kzalloc (what the module's L0 would use), the
 * TLB ops only count: neither the fake_mm log nor a real tlbie is timed.
 * Range invalidation figures are the median of KHN_BENCH_ROUNDS rounds.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "khn/l1walk.h"
#include "khn/nrmap.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/shadow.h"
#include "khn/tlbinv.h"
#include "../core/fake_l1.h"

#define KHN_BENCH_ROUNDS	15	/* range invalidation */
#define KHN_BENCH_SEED		0x6b686e	/* the faults */
/* fault-in rounds: even (they go in pairs), at most KHN_BENCH_ROUNDS_MAX */
#define KHN_BENCH_HOT_ROUNDS	30
#define KHN_BENCH_WARM_ROUNDS	40
#define KHN_BENCH_COLD_ROUNDS	16	/* 2 x KHN_BENCH_COLD_EVERY: all faults */
#define KHN_BENCH_ROUNDS_MAX	40
#define KHN_BENCH_COLD_EVERY	8	/* cold: 1 fault in 8 timed a round */
#define KHN_BENCH_EVICT_LINES	(4 << 20)	/* cold: > any core's L2 */
#define KHN_BENCH_EVICT_PAGES	(32 << 20)	/* cold: 8192 pages > TLB */
#define KHN_BENCH_DITHER	1024	/* spins: > one clock step */
#define KHN_BENCH_CLOCK_READS	2000	/* a batch of the clock's cost */
#define KHN_BENCH_CLOCK_BATCHES	31
#define KHN_BENCH_OUTLIER_NS	20000	/* a fault timed longer: interrupted */
#define KHN_BENCH_CHECKS	15	/* rounds of the clock check */
#define KHN_BENCH_CHECK_SPINS	400	/* its work: about a hot fault */
#define KHN_BENCH_CHECK_BLOCK	32	/* runs timed as a whole */
#define KHN_BENCH_REGIONS	512	/* 2M regions faulted in */
#define KHN_BENCH_PER_REGION	8	/* 4K pages faulted per region */
#define KHN_BENCH_FAULTS	(KHN_BENCH_REGIONS * KHN_BENCH_PER_REGION)
#define KHN_BENCH_PAGES_2M	512	/* 4K pages in a 2M region */
#define KHN_BENCH_LPID		5	/* L1's LPID of the L2 */
#define KHN_BENCH_SH_LPID	0x45	/* its shadow LPID */
#define KHN_BENCH_L1_DATA	0x40000000ULL	/* L1 pages backing the L2 */
#define KHN_BENCH_L0_OFFSET	BIT_ULL(44)	/* L1-real -> L0-real */
#define KHN_BENCH_L0_SHIFT	KHN_SHIFT_2M	/* L0 backs L1 with 2M pages */
#define KHN_BENCH_INV_BASE	(4ULL << 30)	/* L2-real of invalidated pages */

/* ---- L0 memory and TLB as the module would have them, minus tlbie ---- */

static void *bench_zalloc_table(void *ctx, size_t size, bool may_sleep)
{
	/* kmalloc aligns a power-of-two size to itself */
	return kzalloc(size, GFP_ATOMIC);
}

static void bench_free_table(void *table, size_t size)
{
	kfree(table);
}

static u64 bench_virt_to_phys(void *va)
{
	return virt_to_phys(va);
}

static void *bench_phys_to_virt(u64 pa)
{
	return phys_to_virt(pa);
}

static void bench_sync(void)
{
	barrier();
}

static const struct khn_mm_ops bench_mm_ops = {
	.zalloc_table = bench_zalloc_table,
	.free_table = bench_free_table,
	.virt_to_phys = bench_virt_to_phys,
	.phys_to_virt = bench_phys_to_virt,
	.sync = bench_sync,
};

static unsigned long bench_flushes;

static void bench_flush_page(void *ctx, u32 lpid, u64 addr, unsigned int shift)
{
	bench_flushes++;
}

static void bench_flush_lpid(void *ctx, u32 lpid)
{
	bench_flushes++;
}

static const struct khn_tlb_ops bench_tlb_ops = {
	.flush_page = bench_flush_page,
	.flush_pwc = bench_flush_lpid,
	.flush_lpid = bench_flush_lpid,
};

/* ---- helpers ---- */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/* Shuffle @v (Fisher-Yates), reproducibly */
static void shuffle(struct rnd_state *rnd, u64 *v, unsigned int n)
{
	unsigned int i, j;

	for (i = n - 1; i > 0; i--) {
		j = prandom_u32_state(rnd) % (i + 1);
		swap(v[i], v[j]);
	}
}

/* "12.34" for @num / @den, in @buf (16 bytes) */
static const char *fix2(char *buf, u64 num, u64 den)
{
	u64 x = num * 100 / max(den, 1ULL);

	snprintf(buf, 16, "%llu.%02llu", x / 100, x % 100);
	return buf;
}

/* Bytes of the xarray nodes holding @n sorted indices (one entry each) */
static size_t xa_node_bytes(const u64 *idx, unsigned int n)
{
	unsigned int shift, i;
	size_t nodes = 0;
	u64 groups;

	for (shift = XA_CHUNK_SHIFT; ; shift += XA_CHUNK_SHIFT) {
		groups = 1;
		for (i = 1; i < n; i++)
			if ((idx[i] >> shift) != (idx[i - 1] >> shift))
				groups++;
		nodes += groups;
		if (!(idx[n - 1] >> shift))
			break;
	}
	return nodes * sizeof(struct xa_node);
}

/* ---- fault-in ---- */

/* The ways a fault-in is timed (see the comment at the top) */
enum bench_mode {
	BENCH_HOT,
	BENCH_COLD,
	BENCH_TIMED_MODES,
	BENCH_WARM = BENCH_TIMED_MODES,
	BENCH_MODES,
};

static const unsigned int bench_rounds[BENCH_TIMED_MODES] = {
	[BENCH_HOT] = KHN_BENCH_HOT_ROUNDS,
	[BENCH_COLD] = KHN_BENCH_COLD_ROUNDS,
};

/* What a timed round keeps: sums of ns, and how many faults they cover */
#define BENCH_WALK	0
#define BENCH_MAP	1
#define BENCH_RMAP	2
#define BENCH_TOTAL	3
#define BENCH_TAB0	4	/* faults that allocated no shadow table */
#define BENCH_TAB1	5	/* ... one */
#define BENCH_TAB2	6	/* ... two or more */
#define BENCH_SUMS	7

/**
 * struct bench_l2 - one L2 of the fault-in benchmark
 * @name:	"1 GiB" ...
 * @size:	its size
 * @l1:		the fake L1 holding its partition-scoped tree
 * @l1_tables:	tables of that tree, root included
 * @pate:	the tree's entry
 * @addr:	the faults (L2-real), in the order they happen
 * @new_tables:	per fault: shadow tables it allocated (the same every round)
 * @ns:		per timed mode and round: ns summed over the faults timed
 * @nr:		per timed mode and round: how many faults each sum covers
 * @dropped:	per timed mode: samples over KHN_BENCH_OUTLIER_NS, left out
 * @warm:	per warm round: ns of all the faults
 * @l1_reads:	L1 reads of one round of faults
 * @sh_tables:	shadow tables after the faults, root included
 * @rmap_bytes:	rmap memory after the faults
 */
struct bench_l2 {
	const char *name;
	u64 size;
	struct fake_l1 *l1;
	unsigned long l1_tables;
	struct khn_pate pate;
	u64 *addr;
	u8 *new_tables;
	u64 ns[BENCH_TIMED_MODES][KHN_BENCH_ROUNDS_MAX][BENCH_SUMS];
	u32 nr[BENCH_TIMED_MODES][KHN_BENCH_ROUNDS_MAX][BENCH_SUMS];
	unsigned long dropped[BENCH_TIMED_MODES];
	u64 warm[KHN_BENCH_WARM_ROUNDS];
	unsigned long l1_reads;
	unsigned long sh_tables;
	size_t rmap_bytes;
};

/**
 * struct bench_run - the state of one round of faults in one L2
 * @sh:		its shadow tree
 * @rm:		its rmap
 * @err:	OR of every call's return
 */
struct bench_run {
	struct khn_shadow sh;
	struct khn_nrmap rm;
	int err;
};

static void bench_l2_build(struct kunit *test, struct bench_l2 *b,
			   struct rnd_state *rnd)
{
	unsigned int nr_regions = b->size >> KHN_SHIFT_2M;
	u64 *region, *page;
	struct fake_l1_tree *t;
	unsigned int r, p, i = 0;

	region = kunit_kmalloc_array(test, nr_regions, sizeof(*region),
				     GFP_KERNEL);
	b->addr = kunit_kmalloc_array(test, KHN_BENCH_FAULTS, sizeof(u64),
				      GFP_KERNEL);
	b->new_tables = kunit_kzalloc(test, KHN_BENCH_FAULTS, GFP_KERNEL);
	page = kunit_kmalloc_array(test, KHN_BENCH_PAGES_2M, sizeof(*page),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, region);
	KUNIT_ASSERT_NOT_NULL(test, b->addr);
	KUNIT_ASSERT_NOT_NULL(test, b->new_tables);
	for (r = 0; r < nr_regions; r++)
		region[r] = (u64)r << KHN_SHIFT_2M;
	shuffle(rnd, region, nr_regions);
	for (r = 0; r < KHN_BENCH_REGIONS; r++) {
		for (p = 0; p < KHN_BENCH_PAGES_2M; p++)
			page[p] = (u64)p << KHN_SHIFT_4K;
		shuffle(rnd, page, KHN_BENCH_PAGES_2M);
		for (p = 0; p < KHN_BENCH_PER_REGION; p++)
			b->addr[i++] = region[r] + page[p];
	}
	shuffle(rnd, b->addr, KHN_BENCH_FAULTS);
	kunit_kfree(test, page);
	kunit_kfree(test, region);

	/* L1's tree: L1 memory for its tables, pages elsewhere in L1 */
	b->l1 = fake_l1_create(test, 0, 8 << 20);
	t = fake_l1_tree_create(b->l1, &fake_l1_geom_4k);
	for (i = 0; i < KHN_BENCH_FAULTS; i++)
		fake_l1_map(t, b->addr[i],
			    KHN_BENCH_L1_DATA + ((u64)i << KHN_SHIFT_4K),
			    KHN_SHIFT_4K, KHN_RPTE_R | KHN_RPTE_C |
			    KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC);
	fake_l1_tree_pate(t, &b->pate);
	b->l1_tables = t->nr_tables;
}

/* L0's leaf for an L1-real address: a 2M page, everything allowed */
static u64 bench_l0_pte(u64 l1_ra)
{
	u64 pa = (l1_ra + KHN_BENCH_L0_OFFSET) & ~(BIT_ULL(KHN_BENCH_L0_SHIFT) - 1);

	return KHN_RPTE_V | KHN_RPTE_L | pa | KHN_RPTE_R | KHN_RPTE_C |
	       KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC;
}

/* Step 1: walk L1's tree (R and C already set: no update) */
static int bench_walk(struct bench_l2 *b, unsigned int i,
		      struct khn_xlate *xl)
{
	struct khn_fault fault;

	return khn_l1_walk(&b->l1->mem, &b->pate, b->addr[i], KHN_ACC_READ,
			   true, xl, &fault);
}

/* Step 2: fit the page size, combine the attributes, map the shadow leaf */
static int bench_map(struct bench_run *run, struct bench_l2 *b,
		     unsigned int i, const struct khn_xlate *xl)
{
	u64 l0_pte = bench_l0_pte(xl->l1_ra);
	unsigned int shift;
	u64 size, pa;

	shift = khn_shadow_fit_shift(&run->sh, min(xl->shift,
						   KHN_BENCH_L0_SHIFT));
	size = BIT_ULL(shift);
	pa = (l0_pte & KHN_RPTE_RPN) +
	     ((xl->l1_ra & (BIT_ULL(KHN_BENCH_L0_SHIFT) - 1)) & ~(size - 1));
	return khn_shadow_map(&run->sh, b->addr[i] & ~(size - 1), pa, shift,
			      khn_combine_attrs(xl->pte, l0_pte, KHN_ACC_READ), 0);
}

/* Step 3: the rmap entry (every leaf here is a 4K page: L1's pages are) */
static int bench_rmap(struct bench_run *run, struct bench_l2 *b,
		      unsigned int i, const struct khn_xlate *xl)
{
	return khn_nrmap_add(&run->rm, xl->l1_ra, KHN_BENCH_LPID, b->addr[i],
			     KHN_SHIFT_4K, GFP_ATOMIC);
}

static void bench_run_begin(struct kunit *test, struct bench_run *run)
{
	KUNIT_ASSERT_EQ(test, khn_shadow_init(&run->sh, &bench_mm_ops, NULL,
					      &bench_tlb_ops, KHN_BENCH_SH_LPID,
					      KHN_GEOM_4K), 0);
	khn_nrmap_init(&run->rm);
	run->err = 0;
}

static void bench_run_end(struct kunit *test, struct bench_l2 *b,
			  struct bench_run *run)
{
	KUNIT_EXPECT_EQ(test, run->err, 0);
	KUNIT_EXPECT_EQ(test, run->sh.nr_leaves,
			(unsigned long)KHN_BENCH_FAULTS);
	KUNIT_EXPECT_EQ(test, run->rm.nr_entries,
			(unsigned long)KHN_BENCH_FAULTS);
	b->sh_tables = run->sh.nr_tables;
	khn_nrmap_destroy(&run->rm);
	khn_shadow_destroy(&run->sh);
}

/* Warm: all the faults back to back, timed as a whole */
static void bench_warm_round(struct kunit *test, struct bench_l2 *b,
			     unsigned int round)
{
	unsigned long reads = b->l1->reads;
	struct bench_run run;
	struct khn_xlate xl;
	unsigned int i;
	u64 t0;

	bench_run_begin(test, &run);
	t0 = ktime_get_ns();
	for (i = 0; i < KHN_BENCH_FAULTS; i++) {
		run.err |= bench_walk(b, i, &xl);
		run.err |= bench_map(&run, b, i, &xl);
		run.err |= bench_rmap(&run, b, i, &xl);
	}
	b->warm[round] = ktime_get_ns() - t0;
	b->l1_reads = b->l1->reads - reads;
	bench_run_end(test, b, &run);
}

/* Cold: read a word of every cache line of a buffer, one of every page */
static u8 *bench_evict_buf;
static unsigned long bench_sink;

static void bench_evict(void)
{
	const u64 *p = (const u64 *)bench_evict_buf;
	unsigned long i;
	u64 sum = 0;

	for (i = 0; i < KHN_BENCH_EVICT_LINES / 8; i += 64 / 8)
		sum += READ_ONCE(p[i]);
	for (i = 0; i < KHN_BENCH_EVICT_PAGES / 8; i += 4096 / 8)
		sum += READ_ONCE(p[i]);
	WRITE_ONCE(bench_sink, bench_sink + sum);
}

/* Hot: read the fault's own path (L1's tree, the shadow, the rmap) */
static void bench_pretouch(struct bench_run *run, struct bench_l2 *b,
			   unsigned int i)
{
	struct khn_xlate xl;
	struct khn_fault fault;

	if (!khn_l1_walk(&b->l1->mem, &b->pate, b->addr[i], 0, false, &xl,
			 &fault))
		xa_load(&run->rm.xa, xl.l1_ra >> KHN_SHIFT_4K);
	khn_shadow_lookup(&run->sh, b->addr[i], NULL, NULL, NULL);
}

/*
 * ktime_get_ns() moves in steps (256 ns under UML): a short interval is
 * read as a multiple of the step, but its mean over many intervals that
 * start at random points of a step is right.  Start each at a random
 * point: spin a random while.
 */
static void bench_dither(struct rnd_state *rnd)
{
	unsigned int n = prandom_u32_state(rnd) % KHN_BENCH_DITHER;

	while (n--)
		barrier();
}

/* One fault timed alone, step by step, after @mode's preparation */
static void bench_timed_fault(struct bench_run *run, struct bench_l2 *b,
			      unsigned int i, enum bench_mode mode,
			      unsigned int round, struct rnd_state *rnd)
{
	unsigned long tables = run->sh.nr_tables;
	u64 *ns = b->ns[mode][round];
	u32 *nr = b->nr[mode][round];
	struct khn_xlate xl;
	u64 t0, t1, t2, t3;
	unsigned int cls;

	if (mode == BENCH_COLD)
		bench_evict();
	else
		bench_pretouch(run, b, i);
	bench_dither(rnd);
	t0 = ktime_get_ns();
	run->err |= bench_walk(b, i, &xl);
	t1 = ktime_get_ns();
	run->err |= bench_map(run, b, i, &xl);
	t2 = ktime_get_ns();
	run->err |= bench_rmap(run, b, i, &xl);
	t3 = ktime_get_ns();

	b->new_tables[i] = run->sh.nr_tables - tables;
	if (t3 - t0 > KHN_BENCH_OUTLIER_NS) {
		b->dropped[mode]++;
		return;
	}
	ns[BENCH_WALK] += t1 - t0;
	ns[BENCH_MAP] += t2 - t1;
	ns[BENCH_RMAP] += t3 - t2;
	ns[BENCH_TOTAL] += t3 - t0;
	cls = BENCH_TAB0 + min_t(unsigned int, b->new_tables[i], 2);
	ns[cls] += t3 - t0;
	nr[cls]++;
	nr[BENCH_WALK]++;
	nr[BENCH_MAP]++;
	nr[BENCH_RMAP]++;
	nr[BENCH_TOTAL]++;
}

/*
 * Is fault @i timed in @round of @mode?  Cold: a sample, the same in both
 * rounds of a pair, another in the next pair.
 */
static bool bench_timed(enum bench_mode mode, unsigned int round,
			unsigned int i)
{
	return mode != BENCH_COLD ||
	       i % KHN_BENCH_COLD_EVERY == round / 2 % KHN_BENCH_COLD_EVERY;
}

/*
 * One round of hot or cold: both L2s fault by turns, fault by fault (which
 * goes first alternates), so that whatever else the machine does hits
 * both alike.  Faults that are not timed run as in warm.
 */
static void bench_timed_round(struct kunit *test, struct bench_l2 *l2,
			      enum bench_mode mode, unsigned int round,
			      struct rnd_state *rnd)
{
	struct bench_run run[2];
	struct khn_xlate xl;
	unsigned int i, j, k;

	for (k = 0; k < 2; k++)
		bench_run_begin(test, &run[k]);
	for (i = 0; i < KHN_BENCH_FAULTS; i++) {
		for (j = 0; j < 2; j++) {
			k = (i + j + round) & 1;
			if (bench_timed(mode, round, i)) {
				bench_timed_fault(&run[k], &l2[k], i, mode,
						  round, rnd);
				continue;
			}
			run[k].err |= bench_walk(&l2[k], i, &xl);
			run[k].err |= bench_map(&run[k], &l2[k], i, &xl);
			run[k].err |= bench_rmap(&run[k], &l2[k], i, &xl);
		}
	}
	for (k = 0; k < 2; k++)
		bench_run_end(test, &l2[k], &run[k]);
}

/* rmap bytes of @b's faults: entries, containers and xarray nodes */
static void bench_rmap_bytes(struct kunit *test, struct bench_l2 *b)
{
	struct bench_run run;
	struct khn_xlate xl;
	unsigned int i;
	u64 *idx;

	idx = kunit_kmalloc_array(test, KHN_BENCH_FAULTS, sizeof(*idx),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idx);
	bench_run_begin(test, &run);
	for (i = 0; i < KHN_BENCH_FAULTS; i++) {
		run.err |= bench_walk(b, i, &xl);
		run.err |= bench_map(&run, b, i, &xl);
		run.err |= bench_rmap(&run, b, i, &xl);
		idx[i] = xl.l1_ra >> KHN_SHIFT_4K;
	}
	sort(idx, KHN_BENCH_FAULTS, sizeof(*idx), cmp_u64, NULL);
	b->rmap_bytes = run.rm.bytes + xa_node_bytes(idx, KHN_BENCH_FAULTS);
	bench_run_end(test, b, &run);
	kunit_kfree(test, idx);
}

/*
 * ns of one ktime_get_ns(), x1000: each timed step holds about one.  The
 * median of batches: a batch the host interrupts says nothing.
 */
static u64 bench_clock_ns(void)
{
	u64 t0, t1 = 0, d[KHN_BENCH_CLOCK_BATCHES];
	unsigned int b, i;

	for (b = 0; b < ARRAY_SIZE(d); b++) {
		t0 = ktime_get_ns();
		for (i = 0; i < KHN_BENCH_CLOCK_READS; i++)
			t1 = ktime_get_ns();
		d[b] = (t1 - t0) * 1000 / KHN_BENCH_CLOCK_READS;
	}
	return median(d, ARRAY_SIZE(d));
}

/* The step of ktime_get_ns(): the smallest change seen */
static u64 bench_clock_step(void)
{
	u64 t0, t1, step = U64_MAX;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		t0 = ktime_get_ns();
		do {
			t1 = ktime_get_ns();
		} while (t1 == t0);
		step = min(step, t1 - t0);
	}
	return step;
}

/* A fixed piece of work of about a fault's length */
static noinline void bench_check_work(void)
{
	unsigned int n = KHN_BENCH_CHECK_SPINS;

	while (n--)
		barrier();
}

/*
 * Check the clock method: the same work timed run by run as hot and cold
 * time a fault (dithered, less one read, long samples left out) and in
 * blocks of KHN_BENCH_CHECK_BLOCK runs timed as a whole, the two by turns
 * so that both see the same machine.  Sets ns per run, x1000, both ways.
 */
static void bench_clock_check(struct rnd_state *rnd, u64 clk, u64 *alone,
			      u64 *whole)
{
	u64 t0, t1, sum[2] = {}, nr[2] = {};
	unsigned int b, i;

	for (b = 0; b < KHN_BENCH_FAULTS / KHN_BENCH_CHECK_BLOCK; b++) {
		for (i = 0; i < KHN_BENCH_CHECK_BLOCK; i++) {
			bench_dither(rnd);
			t0 = ktime_get_ns();
			bench_check_work();
			t1 = ktime_get_ns();
			if (t1 - t0 <= KHN_BENCH_OUTLIER_NS) {
				sum[0] += t1 - t0;
				nr[0]++;
			}
		}
		bench_dither(rnd);
		t0 = ktime_get_ns();
		for (i = 0; i < KHN_BENCH_CHECK_BLOCK; i++)
			bench_check_work();
		t1 = ktime_get_ns();
		if (t1 - t0 <= KHN_BENCH_OUTLIER_NS) {
			sum[1] += t1 - t0;
			nr[1] += KHN_BENCH_CHECK_BLOCK;
		}
	}
	*alone = sum[0] * 1000 / max(nr[0], 1ULL) - clk;
	*whole = sum[1] * 1000 / max(nr[1], 1ULL);
}

/*
 * Mean ns per fault of sum @s in rounds 2 * @pair and 2 * @pair + 1 (less
 * the clock), x1000.  The two rounds of a pair let the L2s fault in
 * opposite orders: the second of two faults in a row finds another state
 * (of the slab, say) than the first, which a pair cancels.
 */
static u64 bench_mean(const struct bench_l2 *b, enum bench_mode mode,
		      unsigned int pair, unsigned int s, u64 clk)
{
	u64 reads = s == BENCH_TOTAL || s >= BENCH_TAB0 ? 3 : 1;
	u64 nr = b->nr[mode][2 * pair][s] + b->nr[mode][2 * pair + 1][s];
	u64 x;

	if (!nr)
		return 0;
	x = (b->ns[mode][2 * pair][s] + b->ns[mode][2 * pair + 1][s]) * 1000 /
	    nr;
	return x > reads * clk ? x - reads * clk : 0;
}

static void bench_fault_in(struct kunit *test)
{
	static struct bench_l2 l2[2] = {
		{ .name = "1 GiB", .size = 1ULL << 30 },
		{ .name = "64 GiB", .size = 64ULL << 30 },
	};
	/* figures, and one value per round or pair: off the stack */
	static u64 fig[BENCH_MODES][2][BENCH_SUMS], ratio[BENCH_MODES];
	static u64 v[2][KHN_BENCH_ROUNDS_MAX], q[KHN_BENCH_ROUNDS_MAX];
	u64 clk, step, t0, ms[BENCH_MODES], chk[2];
	enum bench_mode mode;
	struct rnd_state rnd;
	unsigned int r, k, s, n, i, cls[2][3];
	char b0[16], b1[16], b2[16];

	/* setup, untimed: the faults, L1's trees, the eviction buffer */
	prandom_seed_state(&rnd, KHN_BENCH_SEED);
	for (k = 0; k < 2; k++)
		bench_l2_build(test, &l2[k], &rnd);
	bench_evict_buf = kvmalloc(KHN_BENCH_EVICT_PAGES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bench_evict_buf);
	memset(bench_evict_buf, 1, KHN_BENCH_EVICT_PAGES);
	clk = bench_clock_ns();
	step = bench_clock_step();
	for (r = 0; r < KHN_BENCH_CHECKS; r++)
		bench_clock_check(&rnd, clk, &v[0][r], &v[1][r]);
	chk[0] = median(v[0], KHN_BENCH_CHECKS);
	chk[1] = median(v[1], KHN_BENCH_CHECKS);
	for (k = 0; k < 2; k++)
		bench_rmap_bytes(test, &l2[k]);

	/* warm: one untimed round each for the caches and the slab */
	t0 = ktime_get_ns();
	for (k = 0; k < 2; k++)
		bench_warm_round(test, &l2[k], 0);
	for (r = 0; r < KHN_BENCH_WARM_ROUNDS; r++)
		for (k = 0; k < 2; k++)
			bench_warm_round(test, &l2[(k + r) & 1], r);
	ms[BENCH_WARM] = ktime_get_ns() - t0;
	n = KHN_BENCH_WARM_ROUNDS / 2;
	for (k = 0; k < 2; k++)
		for (r = 0; r < n; r++)
			v[k][r] = (l2[k].warm[2 * r] + l2[k].warm[2 * r + 1]) *
				  500 / KHN_BENCH_FAULTS;
	for (r = 0; r < n; r++)
		q[r] = v[1][r] * 1000 / v[0][r];
	ratio[BENCH_WARM] = median(q, n);
	for (k = 0; k < 2; k++)
		fig[BENCH_WARM][k][BENCH_TOTAL] = median(v[k], n) / 1000;

	for (mode = 0; mode < BENCH_TIMED_MODES; mode++) {
		t0 = ktime_get_ns();
		for (r = 0; r < bench_rounds[mode]; r++)
			bench_timed_round(test, l2, mode, r, &rnd);
		ms[mode] = ktime_get_ns() - t0;
		n = bench_rounds[mode] / 2;
		for (s = 0; s < BENCH_SUMS; s++)
			for (k = 0; k < 2; k++) {
				for (r = 0; r < n; r++)
					v[k][r] = bench_mean(&l2[k], mode, r,
							     s, clk);
				fig[mode][k][s] = median(v[k], n) / 1000;
			}
		/* the ratio: median of the pairs' own ratios */
		for (r = 0; r < n; r++)
			q[r] = bench_mean(&l2[1], mode, r, BENCH_TOTAL, clk) *
			       1000 / max(bench_mean(&l2[0], mode, r,
						     BENCH_TOTAL, clk), 1ULL);
		ratio[mode] = median(q, n);
	}
	kvfree(bench_evict_buf);

	pr_info("khn-bench: fault-in: %u faults per L2 (%u random 4K pages in each of %u random 2M regions, random order, seed %#x); L1 4K pages, L0 2M; a fault = L1 walk + fit, combine, shadow map + rmap add\n",
		KHN_BENCH_FAULTS, KHN_BENCH_PER_REGION, KHN_BENCH_REGIONS,
		KHN_BENCH_SEED);
	pr_info("khn-bench:   hot:  each fault timed alone, just after an untimed read of its own path (L1 tree, shadow, rmap): the library's work, %u rounds\n",
		KHN_BENCH_HOT_ROUNDS);
	pr_info("khn-bench:   warm: the faults back to back, timed as a whole: work + reuse of caches/TLB between faults, %u rounds\n",
		KHN_BENCH_WARM_ROUNDS);
	pr_info("khn-bench:   cold: each fault timed alone after reading %u MiB by lines and %u MiB by pages (caches, TLB), 1 fault in %u per round, %u rounds\n",
		KHN_BENCH_EVICT_LINES >> 20, KHN_BENCH_EVICT_PAGES >> 20,
		KHN_BENCH_COLD_EVERY, KHN_BENCH_COLD_ROUNDS);
	pr_info("khn-bench:   hot, cold: ktime_get_ns() moves in %llu ns steps and a read takes %s ns: a fault's time is the mean of dithered samples less one read per step (check: a fixed loop %s ns a run timed so, %s timed whole)\n",
		step, fix2(b2, clk, 1000), fix2(b0, chk[0], 1000),
		fix2(b1, chk[1], 1000));
	pr_info("khn-bench:   hot, cold: a sample over %u us (an interrupt, the host running something else) is left out: %lu, %lu of %u hot, %lu, %lu of %u cold\n",
		KHN_BENCH_OUTLIER_NS / 1000, l2[0].dropped[BENCH_HOT],
		l2[1].dropped[BENCH_HOT], KHN_BENCH_FAULTS * KHN_BENCH_HOT_ROUNDS,
		l2[0].dropped[BENCH_COLD], l2[1].dropped[BENCH_COLD],
		KHN_BENCH_FAULTS / KHN_BENCH_COLD_EVERY * KHN_BENCH_COLD_ROUNDS);
	pr_info("khn-bench:   all: the L2s take turns (hot, cold: fault by fault), in the opposite order in the next round; per L2, the median over pairs of rounds of their mean; the ratio, the median of the pairs' own ratios\n");
	pr_info("khn-bench:   (%llu ms hot, %llu ms cold, %llu ms warm)\n",
		ms[BENCH_HOT] / 1000000, ms[BENCH_COLD] / 1000000,
		ms[BENCH_WARM] / 1000000);
	pr_info("khn-bench: %-8s %-25s %-25s %6s\n", "", "hot: walk map rmap all",
		"cold: walk map rmap all", "warm");
	for (k = 0; k < 2; k++)
		pr_info("khn-bench: %-8s %6llu %6llu %6llu %6llu %6llu %6llu %6llu %6llu %6llu\n",
			l2[k].name, fig[BENCH_HOT][k][BENCH_WALK],
			fig[BENCH_HOT][k][BENCH_MAP],
			fig[BENCH_HOT][k][BENCH_RMAP],
			fig[BENCH_HOT][k][BENCH_TOTAL],
			fig[BENCH_COLD][k][BENCH_WALK],
			fig[BENCH_COLD][k][BENCH_MAP],
			fig[BENCH_COLD][k][BENCH_RMAP],
			fig[BENCH_COLD][k][BENCH_TOTAL],
			fig[BENCH_WARM][k][BENCH_TOTAL]);
	memset(cls, 0, sizeof(cls));
	for (k = 0; k < 2; k++)
		for (i = 0; i < KHN_BENCH_FAULTS; i++)
			cls[k][min_t(unsigned int, l2[k].new_tables[i], 2)]++;
	pr_info("khn-bench: %-8s %s\n", "",
		"hot by shadow tables the fault allocated: 0, 1, 2 or more (ns x faults)");
	for (k = 0; k < 2; k++)
		pr_info("khn-bench: %-8s %6llu x %-4u %6llu x %-4u %6llu x %u\n",
			l2[k].name, fig[BENCH_HOT][k][BENCH_TAB0], cls[k][0],
			fig[BENCH_HOT][k][BENCH_TAB1], cls[k][1],
			fig[BENCH_HOT][k][BENCH_TAB2], cls[k][2]);
	pr_info("khn-bench: %-8s %12s %13s %14s %12s\n", "L2 size",
		"L1 reads/f", "L1 tables", "shadow tables", "rmap B/page");
	for (k = 0; k < 2; k++)
		pr_info("khn-bench: %-8s %12s %13lu %14lu %12s\n", l2[k].name,
			fix2(b0, l2[k].l1_reads, KHN_BENCH_FAULTS),
			l2[k].l1_tables, l2[k].sh_tables,
			fix2(b1, l2[k].rmap_bytes, KHN_BENCH_FAULTS));
	pr_info("khn-bench: (ns per fault; L1 reads/f: per fault, counted; rmap B/page: entries, containers and xarray nodes)\n");
	pr_info("khn-bench: fault-in ratio 64 GiB / 1 GiB: %s hot (target <= 1.10)\n",
		fix2(b0, ratio[BENCH_HOT], 1000));
	pr_info("khn-bench: with locality, not the target: %s warm, %s cold\n",
		fix2(b1, ratio[BENCH_WARM], 1000),
		fix2(b2, ratio[BENCH_COLD], 1000));
}

/* ---- range invalidation ---- */

static void bench_unmap_one(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra, unsigned int shift)
{
	khn_shadow_unmap(arg, l2_ra, l2_ra + BIT_ULL(shift), NULL, NULL);
}

/* Map @n contiguous 4K pages, with their rmap entries */
static void bench_inv_fill(struct kunit *test, struct khn_shadow *sh,
			   struct khn_nrmap *rm, unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		u64 l2 = KHN_BENCH_INV_BASE + ((u64)i << KHN_SHIFT_4K);
		u64 l1 = KHN_BENCH_L1_DATA + ((u64)i << KHN_SHIFT_4K);

		err |= khn_shadow_map(sh, l2, l1 + KHN_BENCH_L0_OFFSET,
				      KHN_SHIFT_4K, KHN_RPTE_R | KHN_RPTE_READ, 0);
		err |= khn_nrmap_add(rm, l1, KHN_BENCH_LPID, l2, KHN_SHIFT_4K,
				     GFP_ATOMIC);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, sh->nr_leaves, (unsigned long)n);
}

static void bench_invalidate(struct kunit *test)
{
	static const unsigned int sizes[] = { 1024, 8192, 65536 };
	u64 ns_tlb[KHN_BENCH_ROUNDS], ns_rmap[KHN_BENCH_ROUNDS];
	struct khn_tlb_decision d;
	struct khn_shadow sh;
	struct khn_nrmap rm;
	unsigned int s, r, n;
	size_t bytes = 0;
	u64 t0, *idx;
	unsigned int i;
	char buf[16];
	long done;

	pr_info("khn-bench: range invalidation of N mapped 4K pages, median of %u rounds\n",
		KHN_BENCH_ROUNDS);
	pr_info("khn-bench: %8s %14s %17s %12s\n", "pages",
		"rpt-range ns/p", "rmap-driven ns/p", "rmap B/page");
	KUNIT_ASSERT_EQ(test, khn_shadow_init(&sh, &bench_mm_ops, NULL,
					      &bench_tlb_ops, KHN_BENCH_SH_LPID,
					      KHN_GEOM_4K), 0);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		n = sizes[s];
		for (r = 0; r < KHN_BENCH_ROUNDS; r++) {
			/* H_RPT_INVALIDATE of the range */
			khn_nrmap_init(&rm);
			bench_inv_fill(test, &sh, &rm, n);
			if (!r) {
				idx = kunit_kmalloc_array(test, n, sizeof(*idx),
							  GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, idx);
				for (i = 0; i < n; i++)
					idx[i] = (KHN_BENCH_L1_DATA >>
						  KHN_SHIFT_4K) + i;
				bytes = rm.bytes + xa_node_bytes(idx, n);
				kunit_kfree(test, idx);
			}
			t0 = ktime_get_ns();
			KUNIT_ASSERT_EQ(test,
					khn_rpt_decide(KHN_BENCH_LPID,
						       KHN_RPTI_TYPE_NESTED |
						       KHN_RPTI_TYPE_TLB,
						       KHN_RPTI_PAGE_4K,
						       KHN_BENCH_INV_BASE,
						       KHN_BENCH_INV_BASE +
						       ((u64)n << KHN_SHIFT_4K),
						       &d), KHN_H_SUCCESS);
			done = khn_tlb_apply(&d, &sh);
			ns_tlb[r] = ktime_get_ns() - t0;
			KUNIT_EXPECT_EQ(test, done, (long)n);
			khn_nrmap_destroy(&rm);

			/* L1 gives the pages up: rmap-driven unmap */
			khn_nrmap_init(&rm);
			bench_inv_fill(test, &sh, &rm, n);
			t0 = ktime_get_ns();
			done = khn_nrmap_for_range(&rm, KHN_BENCH_L1_DATA,
						   KHN_BENCH_L1_DATA +
						   ((u64)n << KHN_SHIFT_4K),
						   true, bench_unmap_one, &sh);
			ns_rmap[r] = ktime_get_ns() - t0;
			KUNIT_EXPECT_EQ(test, done, (long)n);
			KUNIT_EXPECT_EQ(test, sh.nr_leaves, 0UL);
			khn_nrmap_destroy(&rm);
		}
		pr_info("khn-bench: %8u %14llu %17llu %12s\n", n,
			median(ns_tlb, KHN_BENCH_ROUNDS) / n,
			median(ns_rmap, KHN_BENCH_ROUNDS) / n,
			fix2(buf, bytes, n));
	}
	khn_shadow_destroy(&sh);
}

static struct kunit_case khn_bench_cases[] = {
	KUNIT_CASE(bench_fault_in),
	KUNIT_CASE(bench_invalidate),
	{}
};

static struct kunit_suite khn_bench_suite = {
	.name = "khn-bench",
	.test_cases = khn_bench_cases,
};

kunit_test_suite(khn_bench_suite);
