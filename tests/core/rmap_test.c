// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shadow trees and the nested rmap kept in step (khn/rmap.h), and the
 * shadow auditor (khn/audit.h), on fake L0 memory.  The fake L0 maps L1
 * pages to host pages through a small table the test edits, as L0's own
 * partition-scoped tree would change under swap, KSM or THP split.
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "khn/audit.h"
#include "khn/nrmap.h"
#include "khn/radix.h"
#include "khn/rmap.h"
#include "khn/shadow.h"
#include "fake_mm.h"

#define RT_LPID		7
#define RT_L1_END	(4ULL * SZ_1G)	/* L1 memory: [0, 4G) */
#define RT_HOST		0x100000000ULL	/* host page of L1 0: 4G up */
#define RT_ATTRS	(KHN_RPTE_R | KHN_RPTE_C | KHN_RPTE_READ | KHN_RPTE_RW)
#define RT_L0_PTE	(KHN_RPTE_V | KHN_RPTE_L | KHN_RPTE_R | KHN_RPTE_C | \
			 KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC)
#define RT_MOVES	4

/**
 * struct rmap_fx - one test's L1: a tree, its rmap and L0's view
 * @sh:		the L2's shadow tree
 * @tlb:	its recording TLB
 * @rm:		the L1's nested rmap
 * @l0_shift:	L0's page size over all of L1 memory
 * @l0_flags:	attribute bits of L0's PTEs
 * @nr_moves:	entries in @moves
 * @moves:	L1 pages L0 maps elsewhere (or not at all: @moves.host 0)
 * @moves.l1_ra: the L1 page (of L0's page size)
 * @moves.host:	its host page now
 * @trees:	the rmap's view of @sh (rt_trees())
 */
struct rmap_fx {
	struct khn_shadow sh;
	struct khn_fake_tlb tlb;
	struct khn_nrmap rm;
	unsigned int l0_shift;
	u64 l0_flags;
	unsigned int nr_moves;
	struct {
		u64 l1_ra;
		u64 host;
	} moves[RT_MOVES];
	struct khn_rmap_trees trees;
};

static void rt_leaf_gone(void *arg, u64 addr, u64 pte, unsigned int shift,
			 u64 origin)
{
	struct rmap_fx *fx = arg;

	khn_rmap_leaf_gone(&fx->rm, fx->sh.lpid, addr, shift, origin);
}

static struct khn_shadow *rt_tree(void *arg, u32 lpid)
{
	struct rmap_fx *fx = arg;

	return lpid == RT_LPID ? &fx->sh : NULL;
}

/* The rmap's view of the fixture's one tree. */
static const struct khn_rmap_trees *rt_trees(struct rmap_fx *fx)
{
	fx->trees.lookup = rt_tree;
	fx->trees.arg = fx;
	return &fx->trees;
}

static int rt_l0_leaf(void *ctx, u64 l1_ra, u64 *pte, unsigned int *shift)
{
	struct rmap_fx *fx = ctx;
	u64 page = l1_ra & ~(BIT_ULL(fx->l0_shift) - 1);
	u64 host = RT_HOST + page;
	unsigned int i;

	for (i = 0; i < fx->nr_moves; i++) {
		if (fx->moves[i].l1_ra != page)
			continue;
		if (!fx->moves[i].host)
			return -ENOENT;
		host = fx->moves[i].host;
	}
	*pte = (RT_L0_PTE & ~(KHN_RPTE_RW | KHN_RPTE_C | KHN_RPTE_EXEC)) |
	       fx->l0_flags | host;
	*shift = fx->l0_shift;
	return 0;
}

static bool rt_l1_mem(void *ctx, u64 l1_ra, u64 size)
{
	return l1_ra < RT_L1_END && size <= RT_L1_END - l1_ra;
}

/* Where L0 maps an L1 address now, as the fault path would find it. */
static u64 rt_host(struct rmap_fx *fx, u64 l1_ra)
{
	unsigned int shift;
	u64 pte;

	if (rt_l0_leaf(fx, l1_ra, &pte, &shift))
		return 0;
	return (pte & KHN_RPTE_RPN) | (l1_ra & (BIT_ULL(shift) - 1));
}

static int rmap_test_init(struct kunit *test)
{
	struct rmap_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	khn_fake_mm_reset();
	khn_fake_tlb_init(&fx->tlb);
	khn_nrmap_init(&fx->rm);
	fx->l0_shift = KHN_SHIFT_2M;
	fx->l0_flags = KHN_RPTE_RW | KHN_RPTE_C | KHN_RPTE_EXEC;
	if (khn_shadow_init(&fx->sh, &khn_fake_mm_ops, NULL, &fx->tlb.ops,
			    RT_LPID, KHN_GEOM_4K))
		return -ENOMEM;
	khn_shadow_set_notify(&fx->sh, rt_leaf_gone, fx);
	test->priv = fx;
	return 0;
}

static void rmap_test_exit(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;

	khn_shadow_destroy(&fx->sh);
	/* every leaf took its entry: nothing for destroy to free */
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 0UL);
	khn_nrmap_destroy(&fx->rm);
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 0UL);
}

/* Fault in: L2 @l2_ra -> L1 @l1_ra, with L0's host page of the moment. */
static void rt_map(struct kunit *test, u64 l2_ra, u64 l1_ra,
		   unsigned int shift)
{
	struct rmap_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_rmap_map(&fx->rm, &fx->sh, l2_ra,
					   rt_host(fx, l1_ra), shift, RT_ATTRS,
					   l1_ra, GFP_KERNEL), 0);
}

static struct khn_audit rt_audit(struct rmap_fx *fx)
{
	const struct khn_audit_ops ops = {
		.l0_leaf = rt_l0_leaf, .l1_mem = rt_l1_mem, .ctx = fx,
	};
	struct khn_audit a;

	khn_audit_init(&a);
	khn_audit_tree(&a, &fx->sh, &fx->rm, &ops);
	khn_audit_rmap_total(&a, &fx->rm);
	return a;
}

/**
 * struct host_scan - what maps into a range of host memory
 * @start:	first host address
 * @end:	one past the last
 * @leaves:	leaves mapping some of it
 */
struct host_scan {
	u64 start;
	u64 end;
	unsigned long leaves;
};

static int scan_leaf(void *arg, u64 addr, u64 pte, unsigned int shift,
		     u64 origin)
{
	struct host_scan *h = arg;
	u64 pa = pte & KHN_RPTE_RPN;

	if (pa < h->end && pa + BIT_ULL(shift) > h->start)
		h->leaves++;
	return 0;
}

static unsigned long leaves_into(struct rmap_fx *fx, u64 host, u64 size)
{
	struct host_scan h = { .start = host, .end = host + size };

	khn_shadow_walk_leaves(&fx->sh, scan_leaf, &h);
	return h.leaves;
}

/*
 * The hole of e59bd5a: a 2M shadow leaf, then a 4K leaf from another L1
 * page inside it.  The old library split the 2M leaf into 512 pieces under
 * its one rmap entry; when L0 then took the 2M host page away, the rmap
 * looked only at piece 0 (now the other page), skipped, and dropped the
 * entry: 511 pieces kept mapping the freed host page.
 */
static void small_leaf_in_big_one_leaves_no_piece_of_freed_page(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	u64 x = SZ_1G, big = 6 * SZ_2M, other = 9 * SZ_2M + 5 * SZ_4K;
	u64 host_big = rt_host(fx, big);
	struct khn_audit a;

	rt_map(test, x, big, KHN_SHIFT_2M);
	rt_map(test, x, other, KHN_SHIFT_4K);
	a = rt_audit(fx);
	KUNIT_EXPECT_EQ(test, a.violations, 0UL);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, fx->sh.nr_leaves);

	/* L0 unmaps L1's 2M page (THP split, swap, KSM ...) */
	KUNIT_EXPECT_GE(test, khn_rmap_unmap_l1(&fx->rm, big, big + SZ_2M,
						rt_trees(fx)), 0L);
	fx->moves[fx->nr_moves].l1_ra = big;
	fx->moves[fx->nr_moves++].host = 0;

	KUNIT_EXPECT_EQ(test, leaves_into(fx, host_big, SZ_2M), 0UL);
	a = rt_audit(fx);
	KUNIT_EXPECT_EQ(test, a.violations, 0UL);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, fx->sh.nr_leaves);
	/* the 4K leaf of the other page is untouched */
	KUNIT_EXPECT_EQ(test, leaves_into(fx, rt_host(fx, other), SZ_4K), 1UL);
}

static void map_inside_big_leaf_breaks_it_and_drops_its_entry(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	u64 x = SZ_1G, big = 6 * SZ_2M;
	unsigned int shift;
	u64 origin;

	rt_map(test, x, big, KHN_SHIFT_2M);
	khn_fake_tlb_init(&fx->tlb);
	rt_map(test, x + 3 * SZ_4K, big + 3 * SZ_4K, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, fx->sh.nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	/* the big page was flushed when it was broken */
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(&fx->sh, x, NULL, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(&fx->sh, x + 3 * SZ_4K, NULL,
						&shift, &origin), 0);
	KUNIT_EXPECT_EQ(test, shift, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, origin, big + 3 * SZ_4K);
}

static void replacing_a_leaf_moves_its_entry(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	u64 x = 5 * SZ_2M;

	rt_map(test, x, 0x10000, KHN_SHIFT_4K);
	rt_map(test, x, 0x20000, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	/* L0 takes the first page away: the L2 address maps the second */
	KUNIT_EXPECT_EQ(test, khn_rmap_unmap_l1(&fx->rm, 0x10000, 0x11000,
						rt_trees(fx)), 0L);
	KUNIT_EXPECT_EQ(test, fx->sh.nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, khn_rmap_unmap_l1(&fx->rm, 0x20000, 0x21000,
						rt_trees(fx)), 1L);
	KUNIT_EXPECT_EQ(test, fx->sh.nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 0UL);
}

static void same_leaf_twice_keeps_one_entry(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;

	rt_map(test, SZ_2M, 0x30000, KHN_SHIFT_4K);
	rt_map(test, SZ_2M, 0x30000, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->sh.nr_leaves, 1UL);
}

static void collapse_and_range_unmap_take_entries_along(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	unsigned int i;

	for (i = 0; i < 40; i++)
		rt_map(test, SZ_1G + i * SZ_4K, 0x400000 + i * SZ_4K,
		       KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 40UL);
	/* a 2M leaf over the 4K table: collapse */
	rt_map(test, SZ_1G, 8 * SZ_2M, KHN_SHIFT_2M);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(&fx->sh, SZ_1G, SZ_1G + SZ_4K,
					       NULL, NULL), 1L);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 0UL);
}

/* Unbounded growth is what the old rmap allowed: remap one L2 page again
 * and again, each time from another L1 page.
 */
static void rmap_is_bounded_by_what_is_mapped(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	unsigned int i;

	for (i = 0; i < 1000; i++)
		rt_map(test, 3 * SZ_2M, (u64)i * SZ_4K, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
}

static void rc_walk_clears_c_in_the_leaf_of_the_page(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	u64 pte;

	rt_map(test, SZ_2M, 0x50000, KHN_SHIFT_4K);
	rt_map(test, SZ_2M + SZ_4K, 0x51000, KHN_SHIFT_4K);
	KUNIT_EXPECT_EQ(test, khn_rmap_rc_l1(&fx->rm, 0x50000, 0x51000,
					     KHN_RPTE_C, 0, rt_trees(fx)), 1L);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(&fx->sh, SZ_2M, &pte, NULL,
						NULL), 0);
	KUNIT_EXPECT_FALSE(test, pte & KHN_RPTE_C);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(&fx->sh, SZ_2M + SZ_4K, &pte,
						NULL, NULL), 0);
	KUNIT_EXPECT_TRUE(test, pte & KHN_RPTE_C);
	KUNIT_EXPECT_EQ(test, khn_rmap_rc_l1(&fx->rm, 1, 2, KHN_RPTE_C, 0,
					     rt_trees(fx)), -EINVAL);
}

/*
 * A dirty-log harvest of one 64K base page, reported by kvm-hv as 1 byte:
 * every 4K shadow leaf made from the page loses C, not only the first,
 * so the L2's next store to any of them faults and is logged.
 */
static void harvest_of_a_base_page_clears_c_in_all_its_leaves(struct kunit *test)
{
	static const u64 l1[] = { 0x30000, 0x32000, 0x3f000, 0x40000 };
	struct rmap_fx *fx = test->priv;
	u64 start, end, pte;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(l1); i++)
		rt_map(test, SZ_2M + i * SZ_4K, l1[i], KHN_SHIFT_4K);
	KUNIT_ASSERT_TRUE(test, khn_rmap_l1_span(0x30000, 1, SZ_64K, &start,
						 &end));
	KUNIT_EXPECT_EQ(test, start, 0x30000ULL);
	KUNIT_EXPECT_EQ(test, end, 0x40000ULL);
	KUNIT_EXPECT_EQ(test, khn_rmap_rc_l1(&fx->rm, start, end, KHN_RPTE_C,
					     0, rt_trees(fx)), 3L);
	for (i = 0; i < ARRAY_SIZE(l1); i++) {
		KUNIT_ASSERT_EQ(test, khn_shadow_lookup(&fx->sh,
							SZ_2M + i * SZ_4K,
							&pte, NULL, NULL), 0);
		/* the page after the harvested one keeps its C */
		KUNIT_EXPECT_EQ_MSG(test, !!(pte & KHN_RPTE_C), i == 3,
				    "leaf of L1 %llx", l1[i]);
	}
}

/* The span of a mapping kvm-hv reports: rounded out to its size. */
static void l1_span_is_the_whole_mapping(struct kunit *test)
{
	u64 start = 1, end = 1;

	KUNIT_EXPECT_TRUE(test, khn_rmap_l1_span(SZ_2M + 0x1234, SZ_2M,
						 SZ_64K, &start, &end));
	KUNIT_EXPECT_EQ(test, start, (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, end, 2ULL * SZ_2M);
	KUNIT_EXPECT_TRUE(test, khn_rmap_l1_span(0x5000, 1, SZ_4K, &start,
						 &end));
	KUNIT_EXPECT_EQ(test, start, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, end, 0x6000ULL);
	KUNIT_EXPECT_TRUE(test, khn_rmap_l1_span(KHN_SHADOW_VA_END - SZ_4K,
						 SZ_64K, SZ_64K, &start, &end));
	KUNIT_EXPECT_EQ(test, end, KHN_SHADOW_VA_END);
	/* not a power of two, past 2^52, a bad base: nothing */
	KUNIT_EXPECT_FALSE(test, khn_rmap_l1_span(0, 3 * SZ_64K, SZ_64K,
						  &start, &end));
	KUNIT_EXPECT_FALSE(test, khn_rmap_l1_span(KHN_SHADOW_VA_END + SZ_4K,
						  SZ_64K, SZ_64K, &start,
						  &end));
	KUNIT_EXPECT_FALSE(test, khn_rmap_l1_span(~0ULL, SZ_1G, SZ_64K,
						  &start, &end));
	KUNIT_EXPECT_FALSE(test, khn_rmap_l1_span(0, 1, 3 * SZ_4K, &start,
						  &end));
}

/* ---- the auditor: each rule seen when broken, and only then ---- */

/**
 * struct audit_case - one way to break the shadow's promise
 * @name:	what happens
 * @rule:	the rule that must fire
 * @break_it:	does it, after a 2M leaf at L2 1G from L1 6*2M was mapped
 */
struct audit_case {
	const char *name;
	enum khn_audit_rule rule;
	void (*break_it)(struct rmap_fx *fx);
};

#define AT_L2	SZ_1G
#define AT_L1	(6 * SZ_2M)

static void lose_the_entry(struct rmap_fx *fx)
{
	khn_nrmap_del(&fx->rm, AT_L1, RT_LPID, AT_L2, KHN_SHIFT_2M);
}

static void l0_moves_the_page(struct rmap_fx *fx)
{
	fx->moves[0].l1_ra = AT_L1;
	fx->moves[0].host = 0x7700000000ULL;
	fx->nr_moves = 1;
}

static void l0_drops_the_page(struct rmap_fx *fx)
{
	fx->moves[0].l1_ra = AT_L1;
	fx->nr_moves = 1;
}

static void l0_splits_the_page(struct rmap_fx *fx)
{
	fx->l0_shift = KHN_SHIFT_4K;
}

static void l0_write_protects(struct rmap_fx *fx)
{
	fx->l0_flags &= ~KHN_RPTE_RW;
}

static void l0_clears_c(struct rmap_fx *fx)
{
	fx->l0_flags &= ~KHN_RPTE_C;
}

static void stray_entry(struct rmap_fx *fx)
{
	khn_nrmap_add(&fx->rm, 0x90000, RT_LPID, 0x5000, KHN_SHIFT_4K,
		      GFP_KERNEL);
}

static void l1_memory_shrinks(struct rmap_fx *fx)
{
	/* the leaf's origin re-tagged past the end of L1 memory */
	khn_nrmap_del(&fx->rm, AT_L1, RT_LPID, AT_L2, KHN_SHIFT_2M);
	khn_rmap_map(&fx->rm, &fx->sh, AT_L2, RT_HOST + AT_L1, KHN_SHIFT_2M,
		     RT_ATTRS, RT_L1_END, GFP_KERNEL);
}

/* The count of the tree's leaves no longer matches its leaves. */
static void tree_miscounts(struct rmap_fx *fx)
{
	fx->sh.nr_leaves++;
}

static const struct audit_case audit_cases[] = {
	{ "rmap entry lost", KHN_AUDIT_NO_RMAP, lose_the_entry },
	{ "L0 moved the page", KHN_AUDIT_L0_PAGE, l0_moves_the_page },
	{ "L0 dropped the page", KHN_AUDIT_L0_UNMAPPED, l0_drops_the_page },
	{ "L0 split the page", KHN_AUDIT_L0_SIZE, l0_splits_the_page },
	{ "L0 write-protected", KHN_AUDIT_L0_PERM, l0_write_protects },
	{ "L0 C cleared (dirty log)", KHN_AUDIT_L0_DIRTY, l0_clears_c },
	{ "rmap entry with no leaf", KHN_AUDIT_EXTRA_RMAP, stray_entry },
	{ "origin not L1 memory", KHN_AUDIT_NOT_L1_MEM, l1_memory_shrinks },
	{ "tree miscounts its leaves", KHN_AUDIT_LEAF_COUNT, tree_miscounts },
};

static void audit_case_desc(const struct audit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(audit, audit_cases, audit_case_desc);

static void audit_names_the_broken_rule(struct kunit *test)
{
	const struct audit_case *c = test->param_value;
	struct rmap_fx *fx = test->priv;
	struct khn_audit a;

	rt_map(test, AT_L2, AT_L1, KHN_SHIFT_2M);
	a = rt_audit(fx);
	KUNIT_EXPECT_EQ(test, a.leaves, 1UL);
	KUNIT_EXPECT_EQ(test, a.by_size[KHN_AUDIT_2M], 1UL);
	KUNIT_EXPECT_EQ(test, a.violations, 0UL);

	c->break_it(fx);
	a = rt_audit(fx);
	KUNIT_EXPECT_EQ(test, a.violations, 1UL);
	KUNIT_EXPECT_EQ(test, a.by_rule[c->rule], 1UL);
	KUNIT_ASSERT_EQ(test, a.nr_kept, 1U);
	KUNIT_EXPECT_EQ(test, a.kept[0].rule, c->rule);
	KUNIT_EXPECT_STREQ(test, khn_audit_rule_name(c->rule),
			   khn_audit_rule_name(a.kept[0].rule));
	if (c->rule != KHN_AUDIT_EXTRA_RMAP &&
	    c->rule != KHN_AUDIT_LEAF_COUNT) {
		KUNIT_EXPECT_EQ(test, a.kept[0].l2_ra, (u64)AT_L2);
		KUNIT_EXPECT_EQ(test, a.kept[0].lpid, (u32)RT_LPID);
	}
	/* leave the fixture consistent for the exit's checks */
	if (c->rule == KHN_AUDIT_LEAF_COUNT)
		fx->sh.nr_leaves--;
	khn_shadow_unmap(&fx->sh, 0, KHN_SHADOW_VA_END, NULL, NULL);
	khn_nrmap_destroy(&fx->rm);
}

static void audit_keeps_the_first_violations_only(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	struct khn_audit a;
	unsigned int i;

	for (i = 0; i < KHN_AUDIT_KEEP + 4; i++)
		rt_map(test, SZ_1G + i * SZ_4K, i * SZ_4K, KHN_SHIFT_4K);
	fx->l0_flags &= ~KHN_RPTE_RW;
	a = rt_audit(fx);
	KUNIT_EXPECT_EQ(test, a.leaves, KHN_AUDIT_KEEP + 4UL);
	KUNIT_EXPECT_EQ(test, a.violations, KHN_AUDIT_KEEP + 4UL);
	KUNIT_EXPECT_EQ(test, a.nr_kept, (unsigned int)KHN_AUDIT_KEEP);
	KUNIT_EXPECT_STREQ(test, khn_audit_rule_name(KHN_AUDIT_NR), "?");
}

static void audit_refuses_missing_ops(struct kunit *test)
{
	struct rmap_fx *fx = test->priv;
	const struct khn_audit_ops none = {};
	struct khn_audit a;

	khn_audit_init(&a);
	KUNIT_EXPECT_EQ(test, khn_audit_tree(&a, &fx->sh, &fx->rm, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, khn_audit_tree(&a, &fx->sh, &fx->rm, &none),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, a.trees, 0UL);
}

static struct kunit_case rmap_test_cases[] = {
	KUNIT_CASE(small_leaf_in_big_one_leaves_no_piece_of_freed_page),
	KUNIT_CASE(map_inside_big_leaf_breaks_it_and_drops_its_entry),
	KUNIT_CASE(replacing_a_leaf_moves_its_entry),
	KUNIT_CASE(same_leaf_twice_keeps_one_entry),
	KUNIT_CASE(collapse_and_range_unmap_take_entries_along),
	KUNIT_CASE(rmap_is_bounded_by_what_is_mapped),
	KUNIT_CASE(rc_walk_clears_c_in_the_leaf_of_the_page),
	KUNIT_CASE(harvest_of_a_base_page_clears_c_in_all_its_leaves),
	KUNIT_CASE(l1_span_is_the_whole_mapping),
	KUNIT_CASE_PARAM(audit_names_the_broken_rule, audit_gen_params),
	KUNIT_CASE(audit_keeps_the_first_violations_only),
	KUNIT_CASE(audit_refuses_missing_ops),
	{}
};

static struct kunit_suite rmap_test_suite = {
	.name = "khn-rmap",
	.init = rmap_test_init,
	.exit = rmap_test_exit,
	.test_cases = rmap_test_cases,
};

kunit_test_suite(rmap_test_suite);
