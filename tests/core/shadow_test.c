// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shadow-tree builder: every geometry and leaf size, replace, break,
 * collapse, range removal, argument checks, -ENOMEM, flush order and zero
 * leaks, on fake L0 memory and a recording TLB (fake_mm.h).
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "khn/l1walk.h"
#include "khn/radix.h"
#include "khn/shadow.h"
#include "fake_mm.h"

#define TEST_LPID	0x2a
#define RW_ATTRS	(KHN_RPTE_R | KHN_RPTE_C | KHN_RPTE_READ | KHN_RPTE_RW)
#define VA_END		KHN_SHADOW_VA_END

/**
 * struct shadow_fx - one test's tree and TLB
 * @sh:		the tree (destroyed by the exit if the test did not)
 * @tlb:	its recording TLB
 * @seen_rc:	what a flush hook's lookup returned
 * @seen_pte:	the leaf it found
 * @removed:	leaves reported by unmap
 * @rm_addr:	address of the last one
 * @rm_pte:	the leaf
 * @rm_shift:	its shift
 */
struct shadow_fx {
	struct khn_shadow sh;
	struct khn_fake_tlb tlb;
	int seen_rc;
	u64 seen_pte;
	unsigned long removed;
	u64 rm_addr;
	u64 rm_pte;
	unsigned int rm_shift;
};

static int shadow_test_init(struct kunit *test)
{
	struct shadow_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	khn_fake_mm_reset();
	khn_fake_tlb_init(&fx->tlb);
	fx->tlb.priv = fx;
	test->priv = fx;
	return 0;
}

static void shadow_test_exit(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;

	khn_shadow_destroy(&fx->sh);
}

/* A fresh tree with counters and log cleared after its creation. */
static struct khn_shadow *fx_tree(struct kunit *test, enum khn_geom geom)
{
	struct shadow_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_shadow_init(&fx->sh, &khn_fake_mm_ops, fx,
					      &fx->tlb.ops, TEST_LPID, geom), 0);
	khn_fake_tlb_init(&fx->tlb);
	fx->tlb.priv = fx;
	khn_fake_log_clear();
	return &fx->sh;
}

static void fx_clear(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;

	khn_fake_tlb_init(&fx->tlb);
	fx->tlb.priv = fx;
	khn_fake_log_clear();
}

static void record_unmapped(void *arg, u64 addr, u64 pte, unsigned int shift,
			    u64 origin)
{
	struct shadow_fx *fx = arg;

	fx->removed++;
	fx->rm_addr = addr;
	fx->rm_pte = pte;
	fx->rm_shift = shift;
}

/* The counters match an independent walk, every entry is well formed,
 * and the fake memory holds exactly the tree's tables.
 */
static void expect_consistent(struct kunit *test, const struct khn_shadow *sh)
{
	struct khn_fake_tree t;

	khn_fake_tree_count(sh, &t);
	KUNIT_EXPECT_EQ(test, t.bad, 0UL);
	KUNIT_EXPECT_EQ(test, t.tables, sh->nr_tables);
	KUNIT_EXPECT_EQ(test, t.leaves, sh->nr_leaves);
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), sh->nr_tables);
}

static void expect_destroyed_clean(struct kunit *test, struct khn_shadow *sh)
{
	khn_shadow_destroy(sh);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_NULL(test, sh->root);
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 0UL);
}

/* ---- init, pate0, fit ---- */

static const enum khn_geom geoms[] = { KHN_GEOM_4K, KHN_GEOM_64K };

static void geom_desc(const enum khn_geom *g, char *desc)
{
	strscpy(desc, *g == KHN_GEOM_4K ? "4K geometry" : "64K geometry",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(geom, geoms, geom_desc);

static void init_allocates_root_and_pate0_describes_it(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, *(const enum khn_geom *)test->param_value);
	struct khn_fake_mm_stats st;
	u64 pate0 = khn_shadow_pate0(sh);

	khn_fake_mm_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.live, 1UL);
	KUNIT_EXPECT_EQ(test, st.bytes_live, (size_t)SZ_64K);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);

	KUNIT_EXPECT_TRUE(test, pate0 & KHN_PATE0_HR);
	KUNIT_EXPECT_EQ(test, khn_rts_bits(pate0), 52U);
	KUNIT_EXPECT_EQ(test, FIELD_GET(KHN_PATE0_RPDS, pate0), 13ULL);
	KUNIT_EXPECT_EQ(test, pate0 & KHN_PATE0_RPDB,
			khn_fake_mm_ops.virt_to_phys(sh->root) & KHN_PATE0_RPDB);
	KUNIT_EXPECT_EQ(test, pate0 & KHN_PATE0_RSVD, 0ULL);
	KUNIT_EXPECT_EQ(test, pate0 & ~(KHN_PATE0_HR | KHN_PATE0_RTS1 |
					 KHN_PATE0_RPDB | KHN_PATE0_RTS2 |
					 KHN_PATE0_RPDS), 0ULL);

	expect_destroyed_clean(test, sh);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_lpid, (u32)TEST_LPID);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 0UL);
	khn_shadow_destroy(sh);		/* again: a no-op */
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 1UL);
}

/*
 * What a caller sets aside before its lock: one table per level below the
 * root, of khn_shadow_table_bytes(); a first leaf takes exactly those, and
 * every allocation gets the tree's context.
 */
static void table_bytes_match_what_a_first_leaf_takes(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	enum khn_geom geom = *(const enum khn_geom *)test->param_value;
	struct khn_shadow *sh = fx_tree(test, geom);
	unsigned int shift = geom == KHN_GEOM_4K ? 12 : 16;
	size_t below = 0, want3 = geom == KHN_GEOM_4K ? SZ_8K : 512;
	struct khn_fake_mm_stats st;
	unsigned int level;

	KUNIT_EXPECT_EQ(test, khn_shadow_table_bytes(sh, 0), (size_t)SZ_64K);
	KUNIT_EXPECT_EQ(test, khn_shadow_table_bytes(sh, 1), (size_t)SZ_8K);
	KUNIT_EXPECT_EQ(test, khn_shadow_table_bytes(sh, 2), (size_t)SZ_8K);
	KUNIT_EXPECT_EQ(test, khn_shadow_table_bytes(sh, 3), want3);
	KUNIT_EXPECT_EQ(test, khn_shadow_table_bytes(sh, KHN_SHADOW_LEVELS),
			(size_t)0);
	for (level = 1; level < KHN_SHADOW_LEVELS; level++)
		below += khn_shadow_table_bytes(sh, level);

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, SZ_1G + SZ_2M, SZ_4G, shift,
					     RW_ATTRS, 0), 0);
	khn_fake_mm_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.live, (unsigned long)KHN_SHADOW_LEVELS);
	KUNIT_EXPECT_EQ(test, st.bytes_live, SZ_64K + below);
	KUNIT_EXPECT_PTR_EQ(test, st.last_ctx, (void *)fx);
}

static void init_rejects_bad_geometry_and_survives_enomem(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_fake_mm_stats st;

	KUNIT_EXPECT_EQ(test, khn_shadow_init(&fx->sh, &khn_fake_mm_ops, NULL,
					      &fx->tlb.ops, 1, (enum khn_geom)2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_init(&fx->sh, NULL, NULL, &fx->tlb.ops,
					      1, KHN_GEOM_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_init(&fx->sh, &khn_fake_mm_ops, NULL,
					      NULL, 1, KHN_GEOM_4K), -EINVAL);
	khn_fake_mm_fail_nth(1);
	KUNIT_EXPECT_EQ(test, khn_shadow_init(&fx->sh, &khn_fake_mm_ops, NULL,
					      &fx->tlb.ops, 1, KHN_GEOM_4K),
			-ENOMEM);
	KUNIT_EXPECT_NULL(test, fx->sh.root);
	khn_fake_mm_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.allocs, 0UL);
	KUNIT_EXPECT_EQ(test, st.failed, 1UL);
	KUNIT_EXPECT_EQ(test, st.live, 0UL);
}

struct fit_case {
	const char *desc;
	enum khn_geom geom;
	unsigned int shift;
	unsigned int want;
};

static const struct fit_case fit_cases[] = {
	{ "4K geom: 4K fits 4K",	KHN_GEOM_4K, 12, 12 },
	{ "4K geom: 64K gives 4K",	KHN_GEOM_4K, 16, 12 },
	{ "4K geom: 1M gives 4K",	KHN_GEOM_4K, 20, 12 },
	{ "4K geom: 2M fits 2M",	KHN_GEOM_4K, 21, 21 },
	{ "4K geom: 512M gives 2M",	KHN_GEOM_4K, 29, 21 },
	{ "4K geom: 1G fits 1G",	KHN_GEOM_4K, 30, 30 },
	{ "4K geom: 16G gives 1G",	KHN_GEOM_4K, 34, 30 },
	{ "4K geom: below 4K none",	KHN_GEOM_4K, 11, 0 },
	{ "64K geom: 4K none",		KHN_GEOM_64K, 12, 0 },
	{ "64K geom: 32K none",		KHN_GEOM_64K, 15, 0 },
	{ "64K geom: 64K fits 64K",	KHN_GEOM_64K, 16, 16 },
	{ "64K geom: 1M gives 64K",	KHN_GEOM_64K, 20, 16 },
	{ "64K geom: 2M fits 2M",	KHN_GEOM_64K, 21, 21 },
	{ "64K geom: 1G fits 1G",	KHN_GEOM_64K, 30, 30 },
	{ "64K geom: 4P gives 1G",	KHN_GEOM_64K, 52, 30 },
};

static void fit_case_desc(const struct fit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fit, fit_cases, fit_case_desc);

static void fit_shift_gives_largest_leaf_not_above(struct kunit *test)
{
	const struct fit_case *c = test->param_value;
	struct khn_shadow *sh = fx_tree(test, c->geom);

	KUNIT_EXPECT_EQ(test, khn_shadow_fit_shift(sh, c->shift), c->want);
}

/* ---- one leaf of every size ---- */

struct leaf_case {
	const char *desc;
	enum khn_geom geom;
	unsigned int shift;
	unsigned long tables;	/* with the leaf in place, root included */
	size_t last_table;	/* bytes of the table holding the leaf */
};

static const struct leaf_case leaf_cases[] = {
	{ "4K geom, 4K leaf",	KHN_GEOM_4K, 12, 4, SZ_4K },
	{ "4K geom, 2M leaf",	KHN_GEOM_4K, 21, 3, SZ_4K },
	{ "4K geom, 1G leaf",	KHN_GEOM_4K, 30, 2, SZ_4K },
	{ "64K geom, 64K leaf",	KHN_GEOM_64K, 16, 4, 256 },
	{ "64K geom, 2M leaf",	KHN_GEOM_64K, 21, 3, SZ_4K },
	{ "64K geom, 1G leaf",	KHN_GEOM_64K, 30, 2, SZ_4K },
};

static void leaf_case_desc(const struct leaf_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(leaf, leaf_cases, leaf_case_desc);

static void map_lookup_unmap_one_leaf(struct kunit *test)
{
	const struct leaf_case *c = test->param_value;
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, c->geom);
	u64 size = BIT_ULL(c->shift);
	u64 addr = 5ULL * SZ_1G + 3 * size;
	u64 pa = 8ULL * SZ_1G + 7 * size;
	u64 want = KHN_RPTE_V | KHN_RPTE_L | pa | RW_ATTRS;
	struct khn_fake_event e;
	struct khn_fake_tree t;
	unsigned int shift;
	int alloc, sync;
	u64 pte;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, addr, pa, c->shift, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, c->tables);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	expect_consistent(test, sh);
	khn_fake_tree_count(sh, &t);
	KUNIT_EXPECT_EQ(test, t.leaves_by_shift[c->shift == 12 ? 0 :
			c->shift == 16 ? 1 : c->shift == 21 ? 2 : 3], 1UL);
	/* every new table was synced before the next step */
	for (alloc = 0; alloc < (int)c->tables - 1; alloc++) {
		int a = khn_fake_log_find(KHN_FAKE_ALLOC, alloc);

		sync = khn_fake_log_find(KHN_FAKE_SYNC, alloc);
		KUNIT_EXPECT_GE(test, a, 0);
		KUNIT_EXPECT_EQ(test, sync, a + 1);
	}
	alloc = khn_fake_log_find(KHN_FAKE_ALLOC, c->tables - 2);
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(alloc, &e));
	/* the hardware's entries, then as many origins */
	KUNIT_EXPECT_EQ(test, e.size, 2 * c->last_table);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page + fx->tlb.nr_pwc + fx->tlb.nr_lpid,
			0UL);

	/* the entry in memory is big-endian: V is the first byte's top bit */
	KUNIT_EXPECT_EQ(test, ((u8 *)&sh->root[addr >> 39])[0], 0x80);

	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr, &pte, &shift, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, want);
	KUNIT_EXPECT_EQ(test, shift, c->shift);
	pte = 0;
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr + size - 1, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, want);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr - 1, NULL, NULL, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr + size, NULL, NULL, NULL), -ENOENT);

	fx_clear(test);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(sh, addr, addr + size,
					       record_unmapped, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->removed, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm_addr, addr);
	KUNIT_EXPECT_EQ(test, fx->rm_pte, want);
	KUNIT_EXPECT_EQ(test, fx->rm_shift, c->shift);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_lpid, (u32)TEST_LPID);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_addr, addr);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_shift, c->shift);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE),
			(unsigned int)c->tables - 1);
	KUNIT_EXPECT_LT(test, khn_fake_log_find(KHN_FAKE_FLUSH_PWC, 0),
			khn_fake_log_find(KHN_FAKE_FREE, 0));
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr, NULL, NULL, NULL), -ENOENT);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

/* ---- replace, collapse, break ---- */

static void lookup_at_flush(struct khn_fake_tlb *t, u32 lpid, u64 addr,
			    unsigned int shift)
{
	struct shadow_fx *fx = t->priv;

	fx->seen_rc = khn_shadow_lookup(&fx->sh, addr, &fx->seen_pte, NULL, NULL);
}

static void replace_same_size_breaks_before_make(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 addr = 6 * SZ_2M, a = 10 * SZ_2M, b = 20 * SZ_2M;
	u64 pte;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, addr, a, 21, RW_ATTRS, 0), 0);
	fx_clear(test);
	fx->tlb.on_flush_page = lookup_at_flush;
	fx->seen_rc = 1;
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, addr, b, 21, KHN_RPTE_READ, 0), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_addr, addr);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_shift, 21U);
	/* at the flush, neither the old leaf nor the new one was there */
	KUNIT_EXPECT_EQ(test, fx->seen_rc, -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | b | KHN_RPTE_READ);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_ALLOC), 0U);

	/* the same leaf again: nothing to do */
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, addr, b, 21, KHN_RPTE_READ, 0), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void collapse_2m_over_4k_table_then_break_it(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 x = 3ULL * SZ_1G + 4 * SZ_2M, p = 40 * SZ_2M, q = 0x123456000ULL;
	u64 small[] = { x, x + SZ_4K, x + SZ_1M };
	unsigned int i, shift;
	struct khn_fake_event e;
	struct khn_fake_tree t;
	int pwc, free;
	u64 pte;

	for (i = 0; i < ARRAY_SIZE(small); i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, small[i], SZ_1G + i * SZ_4K,
						     12, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 3UL);

	/* collapse: pages flushed, then the PWC, then the table freed */
	fx_clear(test);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x, p, 21, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 3UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 3UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 0UL);
	pwc = khn_fake_log_find(KHN_FAKE_FLUSH_PWC, 0);
	free = khn_fake_log_find(KHN_FAKE_FREE, 0);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE), 1U);
	KUNIT_EXPECT_GT(test, free, pwc);
	KUNIT_EXPECT_GT(test, pwc, khn_fake_log_find(KHN_FAKE_FLUSH_PAGE, 2));
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		KUNIT_ASSERT_TRUE(test, khn_fake_log_get(i, &e));
		KUNIT_EXPECT_EQ(test, e.ev, KHN_FAKE_FLUSH_PAGE);
		KUNIT_EXPECT_EQ(test, e.addr, small[i]);
		KUNIT_EXPECT_EQ(test, e.shift, 12U);
	}
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(free, &e));
	KUNIT_EXPECT_EQ(test, e.size, (size_t)(2 * SZ_4K));
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + SZ_1M, &pte, &shift, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | p | RW_ATTRS);
	KUNIT_EXPECT_EQ(test, shift, 21U);
	expect_consistent(test, sh);

	/*
	 * break: the 2M leaf is cleared and flushed (after the new table is
	 * had), then the 4K leaf goes in alone; no piece of the big page
	 * stays, since pieces would share its one origin
	 */
	fx_clear(test);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x + 2 * SZ_4K, q, 12,
					     KHN_RPTE_READ, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 0UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_find(KHN_FAKE_ALLOC, 0), 0);
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(0, &e));
	KUNIT_EXPECT_EQ(test, e.size, (size_t)(2 * SZ_4K));
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(1, &e));
	KUNIT_EXPECT_EQ(test, e.ev, KHN_FAKE_FLUSH_PAGE);
	KUNIT_EXPECT_EQ(test, e.addr, x);
	KUNIT_EXPECT_EQ(test, e.shift, 21U);
	KUNIT_EXPECT_GT(test, khn_fake_log_find(KHN_FAKE_SYNC, 0), 1);

	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + SZ_4K, NULL, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + SZ_2M - 1, NULL, NULL,
						NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + 2 * SZ_4K, &pte, &shift,
						NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | q | KHN_RPTE_READ);
	KUNIT_EXPECT_EQ(test, shift, 12U);
	khn_fake_tree_count(sh, &t);
	KUNIT_EXPECT_EQ(test, t.leaves_by_shift[0], 1UL);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void break_2m_in_64k_geometry_for_a_64k_leaf(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_64K);
	u64 x = 7 * SZ_2M, p = 9 * SZ_2M;
	struct khn_fake_event e;
	u64 pte;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x, p, 21, RW_ATTRS, 0), 0);
	fx_clear(test);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x + 5 * SZ_64K, 0x777770000ULL,
					     16, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 4UL);
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(0, &e));
	KUNIT_EXPECT_EQ(test, e.ev, KHN_FAKE_ALLOC);
	/* 32 entries, and 32 origins beside them */
	KUNIT_EXPECT_EQ(test, e.size, (size_t)512);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + 31 * SZ_64K, NULL, NULL,
						NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + 5 * SZ_64K, &pte, NULL,
						NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | 0x777770000ULL |
			RW_ATTRS);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void break_1g_for_a_4k_leaf_makes_two_levels(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 g = 2ULL * SZ_1G, a = g + 3 * SZ_2M + 5 * SZ_4K;
	struct khn_fake_event e;
	unsigned int shift;
	u64 pte;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, g, 4ULL * SZ_1G, 30, RW_ATTRS,
					     0), 0);
	fx_clear(test);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, a, SZ_4K, 12, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(khn_fake_log_find(KHN_FAKE_FLUSH_PAGE, 0), &e));
	KUNIT_EXPECT_EQ(test, e.addr, g);
	KUNIT_EXPECT_EQ(test, e.shift, 30U);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, g + 9 * SZ_2M, NULL, NULL,
						NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, a + SZ_4K, NULL, NULL, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, a, &pte, &shift, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | SZ_4K | RW_ATTRS);
	KUNIT_EXPECT_EQ(test, shift, 12U);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void collapse_1g_frees_two_levels_after_pwc(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 g = 3ULL * SZ_1G;
	int i;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, g + SZ_4K, 0, 12, RW_ATTRS, 0), 0);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, g + 100 * SZ_2M, 0, 12, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 5UL);
	fx_clear(test);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, g, SZ_1G, 30, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 2UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 2UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 1UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE), 3U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, khn_fake_log_find(KHN_FAKE_FREE, i),
				khn_fake_log_find(KHN_FAKE_FLUSH_PWC, 0));
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

/* ---- unmap ---- */

/*
 * The layout the unmap cases start from (4K geometry), B = 2G:
 *   4K at B, B + 4K, B + 2M - 4K   (one last-level table)
 *   4K at B + 2M                   (the next one)
 *   2M at B + 4M, 1G at 5G
 * Tables: root, level 1, level 2 (for B's 1G), two of level 3 = 5.
 */
#define UB	(2ULL * SZ_1G)

static void map_layout(struct kunit *test, struct khn_shadow *sh)
{
	static const struct { u64 addr; unsigned int shift; } l[] = {
		{ UB, 12 }, { UB + SZ_4K, 12 }, { UB + SZ_2M - SZ_4K, 12 },
		{ UB + SZ_2M, 12 }, { UB + 2 * SZ_2M, 21 }, { 5ULL * SZ_1G, 30 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(l); i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, l[i].addr, l[i].addr,
						     l[i].shift, RW_ATTRS, 0), 0);
	KUNIT_ASSERT_EQ(test, sh->nr_tables, 5UL);
	KUNIT_ASSERT_EQ(test, sh->nr_leaves, 6UL);
}

struct unmap_case {
	const char *desc;
	u64 start, end;
	long removed;
	unsigned long tables;	/* left */
	unsigned long pages;	/* flush_page calls */
	unsigned long pwc;
	u64 last_addr;		/* of the last removed leaf, if any */
	unsigned int last_shift;
};

static const struct unmap_case unmap_cases[] = {
	{ "empty range", UB + 8 * SZ_1M, UB + 10 * SZ_1M, 0, 5, 0, 0 },
	{ "single page", UB + SZ_4K, UB + 2 * SZ_4K, 1, 5, 1, 0,
	  UB + SZ_4K, 12 },
	{ "crossing directories", UB + SZ_2M - SZ_4K, UB + SZ_2M + SZ_4K,
	  2, 4, 2, 1, UB + SZ_2M, 12 },
	{ "whole last-level table", UB, UB + SZ_2M, 3, 4, 3, 1,
	  UB + SZ_2M - SZ_4K, 12 },
	{ "partial 2M leaf", UB + 5 * SZ_1M, UB + 5 * SZ_1M + SZ_4K, 1, 5, 1,
	  0, UB + 2 * SZ_2M, 21 },
	{ "partial 1G leaf", 5ULL * SZ_1G + SZ_4K, 5ULL * SZ_1G + SZ_1M, 1, 5,
	  1, 0, 5ULL * SZ_1G, 30 },
	{ "the 1G of B", UB, UB + SZ_1G, 5, 2, 5, 1, UB + 2 * SZ_2M, 21 },
	{ "whole space", 0, VA_END, 6, 1, 6, 1, 5ULL * SZ_1G, 30 },
};

static void unmap_case_desc(const struct unmap_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(unmap, unmap_cases, unmap_case_desc);

static void unmap_removes_every_overlapping_leaf(struct kunit *test)
{
	const struct unmap_case *c = test->param_value;
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	int i, last_flush = -1;

	map_layout(test, sh);
	fx_clear(test);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(sh, c->start, c->end,
					       record_unmapped, fx), c->removed);
	KUNIT_EXPECT_EQ(test, fx->removed, (unsigned long)c->removed);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 6UL - c->removed);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, c->tables);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, c->pages);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, c->pwc);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 0UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE),
			(unsigned int)(5 - c->tables));
	if (c->removed) {
		KUNIT_EXPECT_EQ(test, fx->rm_addr, c->last_addr);
		KUNIT_EXPECT_EQ(test, fx->rm_shift, c->last_shift);
		KUNIT_EXPECT_EQ(test, fx->rm_pte, KHN_RPTE_V | KHN_RPTE_L |
				c->last_addr | RW_ATTRS);
		KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, c->last_addr, NULL,
							NULL, NULL), -ENOENT);
	}
	/* every free after the last flush */
	for (i = 0; i < (int)khn_fake_log_len(); i++) {
		struct khn_fake_event e;

		KUNIT_ASSERT_TRUE(test, khn_fake_log_get(i, &e));
		if (e.ev != KHN_FAKE_FREE)
			last_flush = i;
		else
			KUNIT_EXPECT_GE(test, last_flush,
					khn_fake_log_find(KHN_FAKE_FLUSH_PWC, 0));
	}
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

struct many_case {
	const char *desc;
	unsigned int leaves;
	unsigned long pages, lpid;
};

static const struct many_case many_cases[] = {
	{ "at the threshold: one flush per page", KHN_SHADOW_FLUSH_PAGES_MAX,
	  KHN_SHADOW_FLUSH_PAGES_MAX, 0 },
	{ "above it: one LPID flush", KHN_SHADOW_FLUSH_PAGES_MAX + 1, 0, 1 },
	{ "far above it: one LPID flush", 600, 0, 1 },
};

static void many_case_desc(const struct many_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(many, many_cases, many_case_desc);

static void unmap_many_pages_flushes_the_lpid_once(struct kunit *test)
{
	const struct many_case *c = test->param_value;
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	unsigned int i;

	for (i = 0; i < c->leaves; i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, SZ_1G + i * SZ_4K, 0,
						     12, RW_ATTRS, 0), 0);
	fx_clear(test);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(sh, SZ_1G, 2ULL * SZ_1G, NULL,
					       NULL), (long)c->leaves);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, c->pages);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, c->lpid);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, c->lpid ? 0UL : 1UL);
	KUNIT_EXPECT_LT(test, khn_fake_log_find(c->lpid ? KHN_FAKE_FLUSH_LPID :
						KHN_FAKE_FLUSH_PWC, 0),
			khn_fake_log_find(KHN_FAKE_FREE, 0));
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void unmap_many_subtrees_flushes_pwc_before_each_free(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	unsigned int i, n = 10;		/* more than one batch of subtrees */
	int last_flush = -1;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, i * BIT_ULL(39), 0, 30,
						     RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL + n);
	fx_clear(test);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(sh, 0, VA_END, NULL, NULL), (long)n);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 2UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE), n);
	for (i = 0; i < khn_fake_log_len(); i++) {
		struct khn_fake_event e;

		KUNIT_ASSERT_TRUE(test, khn_fake_log_get(i, &e));
		if (e.ev == KHN_FAKE_FLUSH_PWC)
			last_flush = i;
		if (e.ev == KHN_FAKE_FREE)
			KUNIT_EXPECT_GE(test, last_flush, 0);
	}
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

struct range_case {
	const char *desc;
	u64 start, end;
};

static const struct range_case bad_ranges[] = {
	{ "empty (start == end)", SZ_1G, SZ_1G },
	{ "backwards", SZ_1G + SZ_4K, SZ_1G },
	{ "misaligned start", SZ_1G + 1, SZ_1G + SZ_4K },
	{ "misaligned end", SZ_1G, SZ_1G + SZ_4K + 8 },
	{ "wraps", (u64)-SZ_4K, SZ_4K },
	{ "ends beyond 2^52", VA_END - SZ_4K, VA_END + SZ_4K },
	{ "all beyond 2^52", VA_END, VA_END + SZ_4K },
	{ "whole 64 bits", 0, (u64)-SZ_4K },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_range, bad_ranges, range_case_desc);

static void unmap_rejects_bad_range_touching_nothing(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);

	map_layout(test, sh);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, VA_END - SZ_2M, 0, 21, 0, 0), 0);
	fx_clear(test);
	KUNIT_EXPECT_EQ(test, khn_shadow_unmap(sh, c->start, c->end,
					       record_unmapped, fx), -EINVAL);
	KUNIT_EXPECT_EQ(test, fx->removed, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 7UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_total(), 0UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page + fx->tlb.nr_pwc + fx->tlb.nr_lpid,
			0UL);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

/* ---- map argument checks and -ENOMEM ---- */

struct bad_map_case {
	const char *desc;
	enum khn_geom geom;
	u64 addr, pa;
	unsigned int shift;
	u64 attrs;
};

static const struct bad_map_case bad_maps[] = {
	{ "misaligned addr", KHN_GEOM_4K, SZ_2M + SZ_4K, 0, 21, 0 },
	{ "misaligned pa", KHN_GEOM_4K, SZ_2M, SZ_1M, 21, 0 },
	{ "shift 13", KHN_GEOM_4K, 0, 0, 13, 0 },
	{ "64K leaf in 4K geometry", KHN_GEOM_4K, 0, 0, 16, 0 },
	{ "4K leaf in 64K geometry", KHN_GEOM_64K, 0, 0, 12, 0 },
	{ "512G leaf (root level)", KHN_GEOM_4K, 0, 0, 39, 0 },
	{ "huge shift", KHN_GEOM_4K, 0, 0, 200, 0 },
	{ "addr at 2^52", KHN_GEOM_4K, VA_END, 0, 12, 0 },
	{ "addr far beyond", KHN_GEOM_4K, 1ULL << 63, 0, 30, 0 },
	{ "pa beyond RPN", KHN_GEOM_4K, 0, 1ULL << 57, 12, 0 },
	{ "attrs with V", KHN_GEOM_4K, 0, 0, 12, KHN_RPTE_V },
	{ "attrs with L", KHN_GEOM_4K, 0, 0, 12, KHN_RPTE_L },
	{ "attrs with an RPN bit", KHN_GEOM_4K, 0, 0, 12, SZ_4K },
	{ "attrs with software bits", KHN_GEOM_4K, 0, 0, 12, KHN_RPTE_SW },
	{ "attrs with reserved bits", KHN_GEOM_4K, 0, 0, 12, KHN_RPTE_RSVD },
};

static void bad_map_desc(const struct bad_map_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_map, bad_maps, bad_map_desc);

static void map_rejects_bad_argument_touching_nothing(struct kunit *test)
{
	const struct bad_map_case *c = test->param_value;
	struct khn_shadow *sh = fx_tree(test, c->geom);

	KUNIT_EXPECT_EQ(test, khn_shadow_map(sh, c->addr, c->pa, c->shift,
					     c->attrs, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_total(), 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	expect_destroyed_clean(test, sh);
}

static const unsigned int enomem_at[] = { 1, 2, 3 };

static void enomem_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "table %u of 3 fails", *n);
}

KUNIT_ARRAY_PARAM(enomem, enomem_at, enomem_desc);

static void map_enomem_leaves_tree_consistent(struct kunit *test)
{
	unsigned int n = *(const unsigned int *)test->param_value;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 addr = 3ULL * SZ_1G + 5 * SZ_2M + 7 * SZ_4K, pte;

	khn_fake_mm_fail_nth(n);
	KUNIT_EXPECT_EQ(test, khn_shadow_map(sh, addr, SZ_4K, 12, RW_ATTRS, 0),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr, NULL, NULL, NULL), -ENOENT);
	expect_consistent(test, sh);

	/* the next try completes the path */
	KUNIT_EXPECT_EQ(test, khn_shadow_map(sh, addr, SZ_4K, 12, RW_ATTRS, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, addr, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | SZ_4K | RW_ATTRS);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

static void break_enomem_keeps_the_big_leaf(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 x = 11 * SZ_2M, pte;
	unsigned int shift;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x, x, 21, RW_ATTRS, 0), 0);
	fx_clear(test);
	khn_fake_mm_fail_nth(1);
	KUNIT_EXPECT_EQ(test, khn_shadow_map(sh, x + SZ_4K, 0, 12, RW_ATTRS, 0),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 0UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x + SZ_4K, &pte, &shift, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, KHN_RPTE_V | KHN_RPTE_L | x | RW_ATTRS);
	KUNIT_EXPECT_EQ(test, shift, 21U);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	expect_consistent(test, sh);
	expect_destroyed_clean(test, sh);
}

/* ---- leaf iteration ---- */

/**
 * struct walk_count - state of count_until()
 * @left:	leaves to visit before stopping the walk with 7
 * @bad:	leaves whose origin is not their address + 0x5000000000
 */
struct walk_count {
	unsigned long left;
	unsigned long bad;
};

static int count_until(void *arg, u64 addr, u64 pte, unsigned int shift,
		       u64 origin)
{
	struct walk_count *c = arg;

	if (origin != addr + 0x5000000000ULL)
		c->bad++;
	return --c->left ? 0 : 7;
}

static void leaves_walk_in_order_with_origins(struct kunit *test)
{
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	static const u64 at[] = { SZ_4K, 3 * SZ_2M, 5ULL * SZ_1G, BIT_ULL(45) };
	struct walk_count c = {};
	unsigned int i;
	u64 addr;

	KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh, 0, &addr), -ENOENT);
	for (i = 0; i < ARRAY_SIZE(at); i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, at[i], at[i], 12,
						     RW_ATTRS,
						     at[i] + 0x5000000000ULL), 0);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh,
							   i ? at[i - 1] + SZ_4K : 0,
							   &addr), 0);
		KUNIT_EXPECT_EQ(test, addr, at[i]);
	}
	/* a leaf that covers the start address counts */
	KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh, at[3] + 1, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, at[3]);
	KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh, at[3] + SZ_4K, &addr),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh, VA_END, &addr), -ENOENT);

	c.left = ARRAY_SIZE(at) + 1;
	KUNIT_EXPECT_EQ(test, khn_shadow_walk_leaves(sh, count_until, &c), 0);
	KUNIT_EXPECT_EQ(test, c.left, 1UL);
	KUNIT_EXPECT_EQ(test, c.bad, 0UL);
	/* a visitor's nonzero return stops the walk and is returned */
	c.left = 2;
	KUNIT_EXPECT_EQ(test, khn_shadow_walk_leaves(sh, count_until, &c), 7);
	KUNIT_EXPECT_EQ(test, c.left, 0UL);
	expect_destroyed_clean(test, sh);
	KUNIT_EXPECT_EQ(test, khn_shadow_next_leaf(sh, 0, &addr), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_shadow_walk_leaves(sh, count_until, &c), 0);
}

/*
 * 64K geometry, 16M of 64K leaves (many 32-entry tables side by side):
 * the walk sees each leaf once, as many as the tree counts.
 */
static void walk_sees_each_64k_leaf_once(struct kunit *test)
{
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_64K);
	const unsigned long n = SZ_16M / SZ_64K;
	struct walk_count c = {};
	unsigned long i;
	u64 a;

	for (i = 0; i < n; i++) {
		a = SZ_1G + i * SZ_64K;
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, a, a, 16, RW_ATTRS,
						     a + 0x5000000000ULL), 0);
	}
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, n);
	c.left = ~0UL;
	KUNIT_EXPECT_EQ(test, khn_shadow_walk_leaves(sh, count_until, &c), 0);
	KUNIT_EXPECT_EQ(test, ~0UL - c.left, n);
	KUNIT_EXPECT_EQ(test, c.bad, 0UL);
	expect_destroyed_clean(test, sh);
}

/* ---- lookup, update_rc, destroy ---- */

static void lookup_beyond_2p52_is_einval(struct kunit *test)
{
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);

	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, VA_END, NULL, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, VA_END - 1, NULL, NULL, NULL),
			-ENOENT);
	expect_destroyed_clean(test, sh);
}

static void update_rc_flushes_only_when_clearing(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	u64 x = 9 * SZ_2M, base = KHN_RPTE_V | KHN_RPTE_L | x, pte;

	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, x, x, 21, RW_ATTRS, 0), 0);
	fx_clear(test);

	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x + SZ_4K, KHN_RPTE_C, 0), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_addr, x);
	KUNIT_EXPECT_EQ(test, fx->tlb.last_shift, 21U);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, base | (RW_ATTRS & ~KHN_RPTE_C));

	/* clearing what is clear: nothing */
	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x, KHN_RPTE_C, 0), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);

	/* setting: no flush */
	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x, 0, KHN_RPTE_C), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 1UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, base | RW_ATTRS);

	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x, KHN_RPTE_R | KHN_RPTE_C,
						   0), 0);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 2UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, base | KHN_RPTE_READ | KHN_RPTE_RW);

	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x, KHN_RPTE_RW, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x, 0, KHN_RPTE_V), -EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, VA_END, KHN_RPTE_C, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, khn_shadow_update_rc(sh, x + SZ_2M, KHN_RPTE_C, 0),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 2UL);
	KUNIT_EXPECT_EQ(test, khn_shadow_lookup(sh, x, &pte, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pte, base | KHN_RPTE_READ | KHN_RPTE_RW);
	expect_destroyed_clean(test, sh);
}

static void destroy_flushes_lpid_before_any_free(struct kunit *test)
{
	struct shadow_fx *fx = test->priv;
	struct khn_shadow *sh = fx_tree(test, KHN_GEOM_4K);
	struct khn_fake_mm_stats st;
	unsigned int i;

	for (i = 0; i < 40; i++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, i * SZ_2M + SZ_4K, 0,
						     12, RW_ATTRS, 0), 0);
	KUNIT_ASSERT_EQ(test, khn_shadow_map(sh, 7ULL * SZ_1G, 0, 30, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 43UL);
	fx_clear(test);
	khn_shadow_destroy(sh);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_lpid, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_page, 0UL);
	KUNIT_EXPECT_EQ(test, fx->tlb.nr_pwc, 0UL);
	KUNIT_EXPECT_EQ(test, khn_fake_log_find(KHN_FAKE_FLUSH_LPID, 0), 0);
	KUNIT_EXPECT_EQ(test, khn_fake_log_count(KHN_FAKE_FREE), 43U);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 0UL);
	khn_fake_mm_get_stats(&st);
	KUNIT_EXPECT_EQ(test, st.live, 0UL);
	KUNIT_EXPECT_EQ(test, st.bytes_live, (size_t)0);
	KUNIT_EXPECT_EQ(test, st.allocs, st.frees);
}

/* ---- combining L1's and L0's leaves ---- */

#define RD	KHN_RPTE_READ
#define WR	(KHN_RPTE_READ | KHN_RPTE_RW)
#define X	KHN_RPTE_EXEC
#define R	KHN_RPTE_R
#define C	KHN_RPTE_C

struct combine_case {
	const char *desc;
	u64 l1, l0;
	unsigned int access;
	u64 want;
};

static const struct combine_case combine_cases[] = {
	{ "both rw, both dirty: rw with R and C",
	  WR | R | C, WR | R | C, KHN_ACC_READ, WR | R | C },
	{ "both rw, L1 clean, read: read-only",
	  WR | R, WR | R | C, KHN_ACC_READ, RD | R },
	{ "both rw, L0 clean, read: read-only",
	  WR | R | C, WR | R, KHN_ACC_READ, RD | R },
	{ "both rw, clean, write: rw without C",
	  WR | R, WR | R, KHN_ACC_WRITE, WR | R },
	{ "L1 read-only, dirty both, write: read-only, no C",
	  RD | R | C, WR | R | C, KHN_ACC_WRITE, RD | R },
	{ "L0 read-only: read-only",
	  WR | R | C, RD | R | C, KHN_ACC_WRITE, RD | R },
	{ "RW alone allows reading",
	  KHN_RPTE_RW, RD, KHN_ACC_READ, RD },
	{ "RW alone at both, write: rw",
	  KHN_RPTE_RW, KHN_RPTE_RW, KHN_ACC_WRITE, WR },
	{ "no read at one level",
	  X, RD | X, KHN_ACC_EXEC, X },
	{ "exec at one level only",
	  RD | X, RD, KHN_ACC_READ, RD },
	{ "exec at both",
	  RD | X | R, RD | X | R, KHN_ACC_EXEC, RD | X | R },
	{ "R at one level only",
	  RD | R, RD, KHN_ACC_READ, RD },
	{ "privileged at either",
	  RD, RD | KHN_RPTE_PRIV, KHN_ACC_READ, RD | KHN_RPTE_PRIV },
	{ "nothing allowed",
	  0, WR | X | R | C, KHN_ACC_READ, 0 },
	{ "ATT normal + non-idempotent I/O",
	  RD, RD | KHN_RPTE_ATT_NIO, KHN_ACC_READ, RD | KHN_RPTE_ATT_NIO },
	{ "ATT SAO + tolerant I/O",
	  RD | KHN_RPTE_ATT_SAO, RD | KHN_RPTE_ATT_TIO, KHN_ACC_READ,
	  RD | KHN_RPTE_ATT_TIO },
	{ "ATT non-idempotent + tolerant I/O",
	  RD | KHN_RPTE_ATT_NIO, RD | KHN_RPTE_ATT_TIO, KHN_ACC_READ,
	  RD | KHN_RPTE_ATT_NIO },
	{ "ATT SAO + normal",
	  RD | KHN_RPTE_ATT_SAO, RD, KHN_ACC_READ, RD | KHN_RPTE_ATT_SAO },
	{ "V, L, RPN and software bits dropped",
	  KHN_RPTE_V | KHN_RPTE_L | 0x1234000ULL | KHN_RPTE_SW | RD,
	  KHN_RPTE_V | KHN_RPTE_L | 0x9876000ULL | KHN_RPTE_SW | RD,
	  KHN_ACC_READ, RD },
};

#undef RD
#undef WR
#undef X
#undef R
#undef C

static void combine_case_desc(const struct combine_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(combine, combine_cases, combine_case_desc);

static void combine_attrs_takes_what_both_levels_allow(struct kunit *test)
{
	const struct combine_case *c = test->param_value;
	u64 got = khn_combine_attrs(c->l1, c->l0, c->access);

	KUNIT_EXPECT_EQ(test, got, c->want);
	KUNIT_EXPECT_EQ(test, got & ~KHN_SHADOW_ATTRS, 0ULL);
	/* symmetric in the two levels */
	KUNIT_EXPECT_EQ(test, khn_combine_attrs(c->l0, c->l1, c->access), got);
}

static struct kunit_case shadow_test_cases[] = {
	KUNIT_CASE_PARAM(init_allocates_root_and_pate0_describes_it,
			 geom_gen_params),
	KUNIT_CASE_PARAM(table_bytes_match_what_a_first_leaf_takes, geom_gen_params),
	KUNIT_CASE(init_rejects_bad_geometry_and_survives_enomem),
	KUNIT_CASE_PARAM(fit_shift_gives_largest_leaf_not_above,
			 fit_gen_params),
	KUNIT_CASE_PARAM(map_lookup_unmap_one_leaf, leaf_gen_params),
	KUNIT_CASE(replace_same_size_breaks_before_make),
	KUNIT_CASE(collapse_2m_over_4k_table_then_break_it),
	KUNIT_CASE(break_2m_in_64k_geometry_for_a_64k_leaf),
	KUNIT_CASE(break_1g_for_a_4k_leaf_makes_two_levels),
	KUNIT_CASE(collapse_1g_frees_two_levels_after_pwc),
	KUNIT_CASE_PARAM(unmap_removes_every_overlapping_leaf,
			 unmap_gen_params),
	KUNIT_CASE_PARAM(unmap_many_pages_flushes_the_lpid_once,
			 many_gen_params),
	KUNIT_CASE(unmap_many_subtrees_flushes_pwc_before_each_free),
	KUNIT_CASE_PARAM(unmap_rejects_bad_range_touching_nothing,
			 bad_range_gen_params),
	KUNIT_CASE_PARAM(map_rejects_bad_argument_touching_nothing,
			 bad_map_gen_params),
	KUNIT_CASE_PARAM(map_enomem_leaves_tree_consistent, enomem_gen_params),
	KUNIT_CASE(break_enomem_keeps_the_big_leaf),
	KUNIT_CASE(leaves_walk_in_order_with_origins),
	KUNIT_CASE(walk_sees_each_64k_leaf_once),
	KUNIT_CASE(lookup_beyond_2p52_is_einval),
	KUNIT_CASE(update_rc_flushes_only_when_clearing),
	KUNIT_CASE(destroy_flushes_lpid_before_any_free),
	KUNIT_CASE_PARAM(combine_attrs_takes_what_both_levels_allow,
			 combine_gen_params),
	{}
};

static struct kunit_suite shadow_test_suite = {
	.name = "khn-shadow",
	.init = shadow_test_init,
	.exit = shadow_test_exit,
	.test_cases = shadow_test_cases,
};

kunit_test_suite(shadow_test_suite);
