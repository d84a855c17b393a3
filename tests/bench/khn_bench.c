// SPDX-License-Identifier: GPL-2.0-only
/*
 * khn-bench: figures of the page-table library, printed, never asserted.
 * Built into a UML kernel by scripts/bench only (KHN_KUNIT_UML_EXTRA),
 * never into a test run or the module: timings live here and nowhere
 * else.  Every line it prints starts with "khn-bench: ".
 *
 *  - Fault-in: what L0 does for an L2 page fault, in three passes over
 *    the same faults: walk L1's tree (fake L1 memory, tests/core/fake_l1),
 *    then fit the page size, combine the attributes and map the shadow
 *    leaf, then add the nested rmap entry.  The same number of faults in
 *    a 1 GiB and in a 64 GiB L2: KHN_BENCH_REGIONS random 2M regions of
 *    the L2 (all of them in 1 GiB), KHN_BENCH_PER_REGION random 4K pages
 *    in each, faulted in random order, so that both shadows allocate the
 *    same number of last-level tables and differ only in the size of the
 *    space.
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
 * Each figure is the median of KHN_BENCH_ROUNDS rounds; the 1 GiB and
 * 64 GiB rounds alternate so that drift hits both.
 */

#include <kunit/test.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/xarray.h>

#include "khn/l1walk.h"
#include "khn/nrmap.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/shadow.h"
#include "khn/tlbinv.h"
#include "../core/fake_l1.h"

#define KHN_BENCH_ROUNDS	15
#define KHN_BENCH_REGIONS	512	/* 2M regions faulted in */
#define KHN_BENCH_PER_REGION	8	/* 4K pages faulted per region */
#define KHN_BENCH_FAULTS	(KHN_BENCH_REGIONS * KHN_BENCH_PER_REGION)
#define KHN_BENCH_LPID		5	/* L1's LPID of the L2 */
#define KHN_BENCH_SH_LPID	0x45	/* its shadow LPID */
#define KHN_BENCH_L1_DATA	0x40000000ULL	/* L1 pages backing the L2 */
#define KHN_BENCH_L0_OFFSET	BIT_ULL(44)	/* L1-real -> L0-real */
#define KHN_BENCH_L0_SHIFT	KHN_SHIFT_2M	/* L0 backs L1 with 2M pages */
#define KHN_BENCH_INV_BASE	(4ULL << 30)	/* L2-real of invalidated pages */

/* ---- L0 memory and TLB as the module would have them, minus tlbie ---- */

static void *bench_zalloc_table(size_t size)
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

/**
 * struct bench_l2 - one L2 of the fault-in benchmark
 * @name:	"1 GiB" ...
 * @size:	its size
 * @l1:		the fake L1 holding its partition-scoped tree
 * @pate:	the tree's entry
 * @addr:	the faults (L2-real), in the order they happen
 * @xl:		what the walks found
 * @ns:		per round: walk, map, rmap passes (ns)
 * @rmap_bytes:	rmap memory after the faults
 */
struct bench_l2 {
	const char *name;
	u64 size;
	struct fake_l1 *l1;
	struct khn_pate pate;
	u64 *addr;
	struct khn_xlate *xl;
	u64 ns[3][KHN_BENCH_ROUNDS];
	size_t rmap_bytes;
};

static void bench_l2_build(struct kunit *test, struct bench_l2 *b,
			   struct rnd_state *rnd)
{
	unsigned int nr_regions = b->size >> KHN_SHIFT_2M;
	u64 *region, page[512];
	struct fake_l1_tree *t;
	unsigned int r, p, i = 0;

	region = kunit_kmalloc_array(test, nr_regions, sizeof(*region),
				     GFP_KERNEL);
	b->addr = kunit_kmalloc_array(test, KHN_BENCH_FAULTS, sizeof(u64),
				      GFP_KERNEL);
	b->xl = kunit_kmalloc_array(test, KHN_BENCH_FAULTS, sizeof(*b->xl),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, region);
	KUNIT_ASSERT_NOT_NULL(test, b->addr);
	KUNIT_ASSERT_NOT_NULL(test, b->xl);
	for (r = 0; r < nr_regions; r++)
		region[r] = (u64)r << KHN_SHIFT_2M;
	shuffle(rnd, region, nr_regions);
	for (r = 0; r < KHN_BENCH_REGIONS; r++) {
		for (p = 0; p < ARRAY_SIZE(page); p++)
			page[p] = (u64)p << KHN_SHIFT_4K;
		shuffle(rnd, page, ARRAY_SIZE(page));
		for (p = 0; p < KHN_BENCH_PER_REGION; p++)
			b->addr[i++] = region[r] + page[p];
	}
	shuffle(rnd, b->addr, KHN_BENCH_FAULTS);

	/* L1's tree: L1 memory for its tables, pages elsewhere in L1 */
	b->l1 = fake_l1_create(test, 0, 8 << 20);
	t = fake_l1_tree_create(b->l1, &fake_l1_geom_4k);
	for (i = 0; i < KHN_BENCH_FAULTS; i++)
		fake_l1_map(t, b->addr[i],
			    KHN_BENCH_L1_DATA + ((u64)i << KHN_SHIFT_4K),
			    KHN_SHIFT_4K, KHN_RPTE_R | KHN_RPTE_C |
			    KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC);
	fake_l1_tree_pate(t, &b->pate);
}

/* L0's leaf for an L1-real address: a 2M page, everything allowed */
static u64 bench_l0_pte(u64 l1_ra)
{
	u64 pa = (l1_ra + KHN_BENCH_L0_OFFSET) & ~(BIT_ULL(KHN_BENCH_L0_SHIFT) - 1);

	return KHN_RPTE_V | KHN_RPTE_L | pa | KHN_RPTE_R | KHN_RPTE_C |
	       KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC;
}

static void bench_l2_round(struct kunit *test, struct bench_l2 *b,
			   unsigned int round)
{
	struct khn_shadow sh;
	struct khn_nrmap rm;
	struct khn_fault fault;
	unsigned int i, shift;
	u64 t0, t1, t2, t3, *idx;
	int err = 0;

	KUNIT_ASSERT_EQ(test, khn_shadow_init(&sh, &bench_mm_ops,
					      &bench_tlb_ops, KHN_BENCH_SH_LPID,
					      KHN_GEOM_4K), 0);
	khn_nrmap_init(&rm);

	t0 = ktime_get_ns();
	for (i = 0; i < KHN_BENCH_FAULTS; i++)
		err |= khn_l1_walk(&b->l1->mem, &b->pate, b->addr[i],
				   KHN_ACC_READ, true, &b->xl[i], &fault);
	t1 = ktime_get_ns();
	for (i = 0; i < KHN_BENCH_FAULTS; i++) {
		const struct khn_xlate *xl = &b->xl[i];
		u64 l0_pte = bench_l0_pte(xl->l1_ra);
		u64 size, pa;

		shift = khn_shadow_fit_shift(&sh, min(xl->shift,
						      KHN_BENCH_L0_SHIFT));
		size = BIT_ULL(shift);
		pa = (l0_pte & KHN_RPTE_RPN) +
		     ((xl->l1_ra & (BIT_ULL(KHN_BENCH_L0_SHIFT) - 1)) & ~(size - 1));
		err |= khn_shadow_map(&sh, b->addr[i] & ~(size - 1), pa, shift,
				      khn_combine_attrs(xl->pte, l0_pte,
							KHN_ACC_READ));
	}
	t2 = ktime_get_ns();
	for (i = 0; i < KHN_BENCH_FAULTS; i++) {
		const struct khn_xlate *xl = &b->xl[i];

		err |= khn_nrmap_add(&rm, xl->l1_ra, KHN_BENCH_LPID,
				     b->addr[i], KHN_SHIFT_4K, GFP_ATOMIC);
	}
	t3 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, sh.nr_leaves, (unsigned long)KHN_BENCH_FAULTS);
	KUNIT_EXPECT_EQ(test, rm.nr_entries, (unsigned long)KHN_BENCH_FAULTS);

	b->ns[0][round] = t1 - t0;
	b->ns[1][round] = t2 - t1;
	b->ns[2][round] = t3 - t2;
	if (!round) {
		idx = kunit_kmalloc_array(test, KHN_BENCH_FAULTS, sizeof(*idx),
					  GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, idx);
		for (i = 0; i < KHN_BENCH_FAULTS; i++)
			idx[i] = b->xl[i].l1_ra >> KHN_SHIFT_4K;
		sort(idx, KHN_BENCH_FAULTS, sizeof(*idx), cmp_u64, NULL);
		b->rmap_bytes = rm.bytes + xa_node_bytes(idx, KHN_BENCH_FAULTS);
	}
	khn_nrmap_destroy(&rm);
	khn_shadow_destroy(&sh);
}

static void bench_fault_in(struct kunit *test)
{
	static struct bench_l2 l2[2] = {
		{ .name = "1 GiB", .size = 1ULL << 30 },
		{ .name = "64 GiB", .size = 64ULL << 30 },
	};
	u64 sum[KHN_BENCH_ROUNDS], med[2], best[2], per[3];
	struct rnd_state rnd;
	unsigned int r, k, p;
	char buf[16], buf2[16];

	prandom_seed_state(&rnd, 0x6b686e);
	for (k = 0; k < 2; k++)
		bench_l2_build(test, &l2[k], &rnd);
	/* one untimed round each to warm caches and the slab */
	for (k = 0; k < 2; k++)
		bench_l2_round(test, &l2[k], 0);
	for (r = 0; r < KHN_BENCH_ROUNDS; r++)
		for (k = 0; k < 2; k++)
			bench_l2_round(test, &l2[(k + r) & 1], r);

	pr_info("khn-bench: fault-in: %u faults, %u per 2M region of %u random regions, 4K L1 pages, L0 2M, %u rounds\n",
		KHN_BENCH_FAULTS, KHN_BENCH_PER_REGION, KHN_BENCH_REGIONS,
		KHN_BENCH_ROUNDS);
	pr_info("khn-bench: %-8s %8s %8s %8s %10s %10s %12s\n", "L2 size",
		"walk", "map", "rmap", "ns/fault", "best", "rmap B/page");
	for (k = 0; k < 2; k++) {
		for (r = 0; r < KHN_BENCH_ROUNDS; r++)
			sum[r] = l2[k].ns[0][r] + l2[k].ns[1][r] +
				 l2[k].ns[2][r];
		med[k] = median(sum, KHN_BENCH_ROUNDS) / KHN_BENCH_FAULTS;
		best[k] = sum[0] / KHN_BENCH_FAULTS;
		for (p = 0; p < 3; p++)
			per[p] = median(l2[k].ns[p], KHN_BENCH_ROUNDS) /
				 KHN_BENCH_FAULTS;
		pr_info("khn-bench: %-8s %8llu %8llu %8llu %10llu %10llu %12s\n",
			l2[k].name, per[0], per[1], per[2], med[k], best[k],
			fix2(buf, l2[k].rmap_bytes, KHN_BENCH_FAULTS));
	}
	pr_info("khn-bench: (walk, map, rmap: median ns per fault of each pass; ns/fault: median of the rounds' totals; best: fastest round)\n");
	pr_info("khn-bench: fault-in ratio 64 GiB / 1 GiB: %s median, %s best (target <= 1.10)\n",
		fix2(buf, med[1], med[0]), fix2(buf2, best[1], best[0]));
}

/* ---- range invalidation ---- */

static void bench_unmap_one(void *arg, u32 lpid, u64 l2_ra, unsigned int shift)
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
				      KHN_SHIFT_4K, KHN_RPTE_R | KHN_RPTE_READ);
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
	KUNIT_ASSERT_EQ(test, khn_shadow_init(&sh, &bench_mm_ops,
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
