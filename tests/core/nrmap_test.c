// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested reverse map: adding (with dedupe), finding by L1 range
 * (including big entries that begin before the range), removing, dropping
 * an L2, and exact memory accounting back to zero.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "khn/nrmap.h"
#include "khn/radix.h"

#define RA_END		BIT_ULL(52)
#define BIG_LPID	BIT(21)		/* too big for a value entry */

/**
 * struct nrmap_fx - one test's map and what its visitor saw
 * @rm:		the map (destroyed by the exit)
 * @seen:	entries visited
 * @l1_ra:	of the last one
 * @lpid:	of the last one
 * @l2_ra:	of the last one
 * @shift:	of the last one
 * @mask:	bit i set for a visited entry matching row i of the fixed set
 */
struct nrmap_fx {
	struct khn_nrmap rm;
	unsigned long seen;
	u64 l1_ra;
	u32 lpid;
	u64 l2_ra;
	unsigned int shift;
	unsigned long mask;
};

static int nrmap_test_init(struct kunit *test)
{
	struct nrmap_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	khn_nrmap_init(&fx->rm);
	test->priv = fx;
	return 0;
}

static void nrmap_test_exit(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	khn_nrmap_destroy(&fx->rm);
}

static void record(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
		   unsigned int shift)
{
	struct nrmap_fx *fx = arg;

	fx->seen++;
	fx->l1_ra = l1_ra;
	fx->lpid = lpid;
	fx->l2_ra = l2_ra;
	fx->shift = shift;
}

static void expect_empty(struct kunit *test, struct khn_nrmap *rm)
{
	KUNIT_EXPECT_EQ(test, rm->nr_entries, 0UL);
	KUNIT_EXPECT_EQ(test, rm->bytes, (size_t)0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&rm->xa));
}

static void one_entry_is_held_inline_and_found(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x10000, 7, 0x5000, 12,
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0x10000, 0x11000,
						  false, record, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->seen, 1UL);
	KUNIT_EXPECT_EQ(test, fx->lpid, 7U);
	KUNIT_EXPECT_EQ(test, fx->l2_ra, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, fx->shift, 12U);

	/* the largest address and LPID a value entry holds */
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_1G, BIG_LPID - 1,
					    RA_END - SZ_1G, 30, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, SZ_1G, SZ_1G + SZ_4K,
						  false, record, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->lpid, BIG_LPID - 1);
	KUNIT_EXPECT_EQ(test, fx->l2_ra, RA_END - SZ_1G);
	KUNIT_EXPECT_EQ(test, fx->shift, 30U);
}

/*
 * A reserved slot is no entry: nothing is found or counted until the add
 * fills it; release then leaves the entry, and an unused reservation
 * goes without a trace.
 */
static void reserved_slot_is_no_entry_until_added(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_nrmap_reserve(&fx->rm, 0x20000, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0, SZ_1M, false,
						  record, fx), 0L);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 0UL);
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x20000, 1, 0x3000, 12));

	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x20000, 1, 0x3000, 12,
					    GFP_NOWAIT), 0);
	khn_nrmap_release(&fx->rm, 0x20000);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0, SZ_1M, false,
						  record, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->l2_ra, 0x3000ULL);

	KUNIT_ASSERT_EQ(test, khn_nrmap_reserve(&fx->rm, 0x40000, GFP_KERNEL), 0);
	khn_nrmap_release(&fx->rm, 0x40000);
	KUNIT_EXPECT_NULL(test, xa_load(&fx->rm.xa, 0x40000 >> 12));
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, 0x20000, 1, 0x3000, 12));
	KUNIT_EXPECT_TRUE(test, xa_empty(&fx->rm.xa));
	KUNIT_EXPECT_EQ(test, khn_nrmap_reserve(&fx->rm, RA_END, GFP_KERNEL),
			-EINVAL);
}

/*
 * A container set aside outside the lock is what the add takes: the
 * page's second entry goes into that very container, and a spare is only
 * ever replaced by a bigger one.
 */
static void spare_container_is_taken_before_allocating(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;
	struct nrmap_node *spare, *small;

	KUNIT_EXPECT_EQ(test, khn_nrmap_spare_need(&fx->rm, 0x50000, 1), 0U);
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x50000, 1, 0x1000, 12,
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, khn_nrmap_spare_need(&fx->rm, 0x50000, 1), 2U);
	KUNIT_EXPECT_EQ(test, khn_nrmap_spare_need(&fx->rm, 0x60000, BIG_LPID),
			1U);

	spare = khn_nrmap_spare_new(2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, spare);
	KUNIT_EXPECT_NULL(test, khn_nrmap_spare_set(&fx->rm, spare));
	KUNIT_EXPECT_EQ(test, khn_nrmap_spare_need(&fx->rm, 0x50000, 1), 0U);
	small = khn_nrmap_spare_new(1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_EXPECT_PTR_EQ(test, khn_nrmap_spare_set(&fx->rm, small), small);
	khn_nrmap_spare_free(small);
	KUNIT_EXPECT_PTR_EQ(test, fx->rm.spare, spare);

	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x50000, 1, 0x2000, 12,
					    GFP_NOWAIT), 0);
	KUNIT_EXPECT_NULL(test, fx->rm.spare);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&fx->rm.xa, 0x50000 >> 12), (void *)spare);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, khn_nrmap_node_bytes(2));
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0x50000, 0x51000,
						  false, record, fx), 2L);

	/* a spare left over goes with the map */
	KUNIT_EXPECT_NULL(test, khn_nrmap_spare_set(&fx->rm,
						    khn_nrmap_spare_new(4, GFP_KERNEL)));
	khn_nrmap_destroy(&fx->rm);
	KUNIT_EXPECT_NULL(test, fx->rm.spare);
}

/*
 * With no gfp an add allocates nothing: a page that needs a container
 * gets one only from the spare, else -ENOMEM and the map is unchanged.
 */
static void add_without_gfp_takes_only_the_spare(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_nrmap_reserve(&fx->rm, 0x60000, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x60000, 1, 0x1000, 12, 0), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
	/* a second entry needs a container of two: none set aside */
	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, 0x60000, 2, 0x2000, 12, 0),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0x60000, 0x61000,
						  false, record, fx), 1L);
	/* set aside, it goes in */
	KUNIT_EXPECT_EQ(test, khn_nrmap_spare_need(&fx->rm, 0x60000, 2), 2U);
	KUNIT_EXPECT_NULL(test, khn_nrmap_spare_set(&fx->rm,
						    khn_nrmap_spare_new(2, GFP_KERNEL)));
	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, 0x60000, 2, 0x2000, 12, 0), 0);
	KUNIT_EXPECT_NULL(test, fx->rm.spare);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 2UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, khn_nrmap_node_bytes(2));
	/* a third: the container of two is full, nothing set aside */
	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, 0x60000, 3, 0x3000, 12, 0),
			khn_nrmap_node_bytes(2) == khn_nrmap_node_bytes(3) ?
			0 : -ENOMEM);
}

/* An add needs no reservation where the xarray already has the slot. */
static void add_ready_where_the_slot_exists(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	KUNIT_EXPECT_FALSE(test, khn_nrmap_add_ready(&fx->rm, 0x60000, 1));
	KUNIT_ASSERT_EQ(test, khn_nrmap_reserve(&fx->rm, 0x60000, GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, khn_nrmap_add_ready(&fx->rm, 0x60000, 1));
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x60000, 1, 0x1000, 12, 0), 0);
	/* its neighbours share the xarray's node: no memory for them */
	KUNIT_EXPECT_TRUE(test, khn_nrmap_add_ready(&fx->rm, 0x61000, 1));
	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, 0x61000, 1, 0x2000, 12, 0), 0);
	/* a page far away needs a node */
	KUNIT_EXPECT_FALSE(test, khn_nrmap_add_ready(&fx->rm, 0x40000000, 1));
	/* a second entry of a page needs a container */
	KUNIT_EXPECT_FALSE(test, khn_nrmap_add_ready(&fx->rm, 0x60000, 2));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_add_ready(&fx->rm, BIT_ULL(KHN_RTS_BITS_MAX), 1));
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 2UL);
}

static void big_lpid_gets_a_container(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, 0x10000, BIG_LPID, 0x5000,
					    12, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, khn_nrmap_node_bytes(1));
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0, SZ_1M, false,
						  record, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->lpid, BIG_LPID);
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, 0x10000, BIG_LPID,
					      0x5000, 12));
	expect_empty(test, &fx->rm);
}

static void identical_adds_are_one_entry(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;
	size_t bytes;

	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 1, SZ_4M, 21,
					    GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 1, SZ_4M, 21,
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);

	/* in a container as well */
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 2, SZ_4M, 21,
					    GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 3, 0, 12,
					    GFP_KERNEL), 0);
	bytes = fx->rm.bytes;
	KUNIT_EXPECT_EQ(test, bytes, khn_nrmap_node_bytes(3));
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 2, SZ_4M, 21,
					    GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 1, SZ_4M, 21,
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 3UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, bytes);
	/* not identical: same address, other size */
	KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_2M, 1, SZ_4M, 12,
					    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 4UL);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, SZ_2M, SZ_2M + SZ_4K,
						  false, record, fx), 4L);
}

static void container_grows_and_goes_back_inline(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;
	unsigned int i, n = 40;

	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, SZ_1M, i % 3,
						    i * SZ_4K, 12, GFP_KERNEL), 0);
		KUNIT_EXPECT_EQ(test, fx->rm.bytes,
				i ? khn_nrmap_node_bytes(i + 1) : 0);
	}
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, (unsigned long)n);
	for (i = n - 1; i > 0; i--) {
		KUNIT_ASSERT_TRUE(test, khn_nrmap_del(&fx->rm, SZ_1M, i % 3,
						      i * SZ_4K, 12));
		if (i > 1)
			KUNIT_EXPECT_GT(test, fx->rm.bytes, (size_t)0);
		KUNIT_EXPECT_LE(test, fx->rm.bytes, khn_nrmap_node_bytes(n));
	}
	/* one small entry left: back in the slot */
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, SZ_1M, 1, SZ_4K, 12));
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, SZ_1M, 0, 0, 12));
	expect_empty(test, &fx->rm);
}

/*
 * The fixed set the range cases search: row i sets bit i of the mask.
 * L1 ranges: [64K, +4K) [128K, +64K) [2M, +2M) [1G, +1G) [1G + 2M + 4K, +4K)
 */
static const struct {
	u64 l1_ra;
	u32 lpid;
	u64 l2_ra;
	unsigned int shift;
} fixed[] = {
	{ 0x10000, 1, 0xa000, 12 },
	{ 0x20000, 1, 0x100000, 16 },
	{ 0x200000, 2, 0x400000, 21 },
	{ 0x40000000, 3, 0x80000000, 30 },
	{ 0x40201000, BIG_LPID, 0x3000, 12 },
};

static void record_fixed(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
			 unsigned int shift)
{
	struct nrmap_fx *fx = arg;
	unsigned int i;

	record(arg, l1_ra, lpid, l2_ra, shift);
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (fixed[i].lpid == lpid && fixed[i].l2_ra == l2_ra &&
		    fixed[i].shift == shift)
			fx->mask |= BIT(i);
}

static void add_fixed(struct kunit *test, struct khn_nrmap *rm)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		KUNIT_ASSERT_EQ(test, khn_nrmap_add(rm, fixed[i].l1_ra,
						    fixed[i].lpid, fixed[i].l2_ra,
						    fixed[i].shift, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, rm->nr_entries, (unsigned long)ARRAY_SIZE(fixed));
}

struct range_case {
	const char *desc;
	u64 start, end;
	unsigned long mask;
};

static const struct range_case range_cases[] = {
	{ "the 4K page itself", 0x10000, 0x11000, BIT(0) },
	{ "page before the 4K entry", 0xf000, 0x10000, 0 },
	{ "page after the 4K entry", 0x11000, 0x12000, 0 },
	{ "64K entry began before start", 0x2f000, 0x30000, BIT(1) },
	{ "range ends where 64K begins", 0x1f000, 0x20000, 0 },
	{ "page after the 64K entry", 0x30000, 0x31000, 0 },
	{ "last page of the 2M entry", 0x3ff000, 0x400000, BIT(2) },
	{ "1G entry and a 4K one inside it", 0x40201000, 0x40202000,
	  BIT(3) | BIT(4) },
	{ "last page of the 1G entry", 0x7ffff000, 0x80000000, BIT(3) },
	{ "page after the 1G entry", 0x80000000, 0x80001000, 0 },
	{ "from inside 64K to inside 2M", 0x21000, 0x201000, BIT(1) | BIT(2) },
	{ "whole space", 0, RA_END, GENMASK(4, 0) },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_case_desc);

static void for_range_finds_exactly_the_overlapping(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct nrmap_fx *fx = test->priv;
	long n = hweight_long(c->mask);
	size_t bytes;

	add_fixed(test, &fx->rm);
	bytes = fx->rm.bytes;
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, c->start, c->end,
						  false, record_fixed, fx), n);
	KUNIT_EXPECT_EQ(test, fx->seen, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, fx->mask, c->mask);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, (unsigned long)ARRAY_SIZE(fixed));

	/* again, removing: the same ones, then none */
	fx->seen = 0;
	fx->mask = 0;
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, c->start, c->end,
						  true, record_fixed, fx), n);
	KUNIT_EXPECT_EQ(test, fx->mask, c->mask);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, ARRAY_SIZE(fixed) - n);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, c->start, c->end,
						  true, NULL, NULL), 0L);
	/* the big-LPID entry is the only one with a container */
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, c->mask & BIT(4) ? 0 : bytes);
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0, RA_END, true,
						  NULL, NULL),
			(long)ARRAY_SIZE(fixed) - n);
	expect_empty(test, &fx->rm);
}

static const struct range_case bad_ranges[] = {
	{ "empty (start == end)", SZ_1G, SZ_1G },
	{ "backwards", SZ_1G + SZ_4K, SZ_1G },
	{ "misaligned start", SZ_1G + 8, SZ_1G + SZ_4K },
	{ "misaligned end", SZ_1G, SZ_1G + SZ_4K + 1 },
	{ "wraps", (u64)-SZ_4K, SZ_4K },
	{ "ends beyond 2^52", RA_END - SZ_4K, RA_END + SZ_4K },
	{ "all beyond 2^52", RA_END, RA_END + SZ_1G },
};

KUNIT_ARRAY_PARAM(bad_range, bad_ranges, range_case_desc);

static void for_range_rejects_bad_range_touching_nothing(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct nrmap_fx *fx = test->priv;
	size_t bytes;

	add_fixed(test, &fx->rm);
	bytes = fx->rm.bytes;
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, c->start, c->end,
						  true, record, fx), -EINVAL);
	KUNIT_EXPECT_EQ(test, fx->seen, 0UL);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, (unsigned long)ARRAY_SIZE(fixed));
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, bytes);
}

struct bad_add_case {
	const char *desc;
	u64 l1_ra, l2_ra;
	unsigned int shift;
};

static const struct bad_add_case bad_adds[] = {
	{ "shift 13", 0, 0, 13 },
	{ "shift 39", 0, 0, 39 },
	{ "misaligned L1 address", SZ_64K + SZ_4K, 0, 16 },
	{ "misaligned L2 address", 0, SZ_1M, 21 },
	{ "L1 address at 2^52", RA_END, 0, 12 },
	{ "L2 address at 2^52", 0, RA_END, 12 },
};

static void bad_add_desc(const struct bad_add_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_add, bad_adds, bad_add_desc);

static void add_rejects_bad_argument(struct kunit *test)
{
	const struct bad_add_case *c = test->param_value;
	struct nrmap_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, c->l1_ra, 1, c->l2_ra,
					    c->shift, GFP_KERNEL), -EINVAL);
	expect_empty(test, &fx->rm);
}

static void del_removes_one_l2_address(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	add_fixed(test, &fx->rm);
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x10000, 2, 0xa000, 12));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x10000, 1, 0xb000, 12));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x11000, 1, 0xa000, 12));
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, (unsigned long)ARRAY_SIZE(fixed));
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, 0x10000, 1, 0xa000, 12));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x10000, 1, 0xa000, 12));
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, 0x40201000, BIG_LPID,
					      0x3000, 12));
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, ARRAY_SIZE(fixed) - 2);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, (size_t)0);
}

static void del_needs_the_leaf_size(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	add_fixed(test, &fx->rm);
	/* the 64K entry: not removed as a 4K one, nor at a 4K page inside */
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x20000, 1, 0x100000,
					       12));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x21000, 1, 0x100000,
					       16));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, 0x20000, 1, 0x100000,
					       0));
	KUNIT_EXPECT_FALSE(test, khn_nrmap_del(&fx->rm, BIT_ULL(52), 1,
					       0x100000, 16));
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, (unsigned long)ARRAY_SIZE(fixed));
	KUNIT_EXPECT_TRUE(test, khn_nrmap_del(&fx->rm, 0x20000, 1, 0x100000,
					      16));
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, ARRAY_SIZE(fixed) - 1);
}

static void visitor_gets_the_entry_start(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;

	add_fixed(test, &fx->rm);
	/* a page inside the 2M entry: the visitor sees where it begins */
	KUNIT_EXPECT_EQ(test, khn_nrmap_for_range(&fx->rm, 0x3ff000, 0x400000,
						  false, record, fx), 1L);
	KUNIT_EXPECT_EQ(test, fx->l1_ra, 0x200000ULL);
	KUNIT_EXPECT_EQ(test, fx->l2_ra, 0x400000ULL);
	KUNIT_EXPECT_EQ(test, fx->shift, 21U);
}

static void destroy_frees_everything(struct kunit *test)
{
	struct nrmap_fx *fx = test->priv;
	unsigned int i;

	for (i = 0; i < 300; i++)
		KUNIT_ASSERT_EQ(test, khn_nrmap_add(&fx->rm, (i % 50) * SZ_64K,
						    i % 7 ? i : BIG_LPID + i,
						    i * SZ_64K, 16, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 300UL);
	KUNIT_EXPECT_EQ(test, fx->rm.bytes, 50 * khn_nrmap_node_bytes(6));
	khn_nrmap_destroy(&fx->rm);
	expect_empty(test, &fx->rm);
	/* and usable again */
	KUNIT_EXPECT_EQ(test, khn_nrmap_add(&fx->rm, 0, 1, 0, 12, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fx->rm.nr_entries, 1UL);
}

static struct kunit_case nrmap_test_cases[] = {
	KUNIT_CASE(one_entry_is_held_inline_and_found),
	KUNIT_CASE(reserved_slot_is_no_entry_until_added),
	KUNIT_CASE(spare_container_is_taken_before_allocating),
	KUNIT_CASE(add_without_gfp_takes_only_the_spare),
	KUNIT_CASE(add_ready_where_the_slot_exists),
	KUNIT_CASE(big_lpid_gets_a_container),
	KUNIT_CASE(identical_adds_are_one_entry),
	KUNIT_CASE(container_grows_and_goes_back_inline),
	KUNIT_CASE_PARAM(for_range_finds_exactly_the_overlapping,
			 range_gen_params),
	KUNIT_CASE_PARAM(for_range_rejects_bad_range_touching_nothing,
			 bad_range_gen_params),
	KUNIT_CASE_PARAM(add_rejects_bad_argument, bad_add_gen_params),
	KUNIT_CASE(del_removes_one_l2_address),
	KUNIT_CASE(del_needs_the_leaf_size),
	KUNIT_CASE(visitor_gets_the_entry_start),
	KUNIT_CASE(destroy_frees_everything),
	{}
};

static struct kunit_suite nrmap_test_suite = {
	.name = "khn-nrmap",
	.init = nrmap_test_init,
	.exit = nrmap_test_exit,
	.test_cases = nrmap_test_cases,
};

kunit_test_suite(nrmap_test_suite);
