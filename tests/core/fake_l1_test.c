// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake L1 other suites trust: it never serves a byte outside L1
 * memory, stores big-endian, and builds the trees and tables it claims.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "fake_l1.h"

#define L1_BASE		SZ_16M
#define L1_SIZE		SZ_1M
#define L1_END		(L1_BASE + L1_SIZE)
#define L2_ADDR		0x000123456789abcdULL
#define PAGE_RA		0x0000004000000000ULL
#define RWX		(KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC)

struct fake_read_case {
	const char *desc;
	u64 ra;
	u64 len;
	bool ok;
};

static const struct fake_read_case fake_read_cases[] = {
	{ "first doubleword",		L1_BASE,		8, true },
	{ "last doubleword",		L1_END - 8,		8, true },
	{ "last byte",			L1_END - 1,		1, true },
	{ "all of memory",		L1_BASE,		L1_SIZE, true },
	{ "doubleword crossing the end", L1_END - 4,		8, false },
	{ "just past the end",		L1_END,			8, false },
	{ "just below the start",	L1_BASE - 8,		8, false },
	{ "crossing the start",		L1_BASE - 4,		8, false },
	{ "more than all of memory",	L1_BASE,		L1_SIZE + 1, false },
	{ "wrapping the address space",	U64_MAX - 3,		8, false },
	{ "huge length",		L1_BASE + 8,		U64_MAX, false },
};

KUNIT_ARRAY_PARAM_DESC(fake_read, fake_read_cases, desc);

static void fake_l1_serves_reads_inside_memory_only(struct kunit *test)
{
	const struct fake_read_case *c = test->param_value;
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, L1_SIZE);
	size_t len = c->len > L1_SIZE + 1 ? (size_t)-1 : c->len;
	u8 *buf = kunit_kzalloc(test, L1_SIZE + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (c->ok) {
		KUNIT_EXPECT_EQ(test, f->mem.read(f, c->ra, buf, len), 0);
	} else {
		memset(buf, 0x5a, L1_SIZE + 1);
		KUNIT_EXPECT_EQ(test, f->mem.read(f, c->ra, buf, len), -EFAULT);
		KUNIT_EXPECT_EQ(test, buf[0], 0x5a);	/* untouched */
	}
	KUNIT_EXPECT_EQ(test, f->reads, c->ok ? 1 : 0);
	KUNIT_EXPECT_EQ(test, f->oob_reads, c->ok ? 0 : 1);
	KUNIT_EXPECT_EQ(test, f->last_read, c->ra);
}

static void fake_l1_stores_big_endian(struct kunit *test)
{
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, L1_SIZE);
	u8 raw[8];

	fake_l1_write64(f, L1_BASE + 8, KHN_RPTE_V | 0x0102);
	KUNIT_ASSERT_EQ(test, f->mem.read(f, L1_BASE + 8, raw, 8), 0);
	KUNIT_EXPECT_EQ(test, raw[0], 0x80);
	KUNIT_EXPECT_EQ(test, raw[6], 0x01);
	KUNIT_EXPECT_EQ(test, raw[7], 0x02);
}

static int cas(struct fake_l1 *f, u64 ra, u64 old, u64 new)
{
	return f->mem.cmpxchg_be64(f, ra, cpu_to_be64(old), cpu_to_be64(new));
}

static void fake_l1_cmpxchg_compares_and_races(struct kunit *test)
{
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, L1_SIZE);
	u64 ra = L1_BASE + 64;

	fake_l1_write64(f, ra, 1);
	KUNIT_EXPECT_EQ(test, cas(f, ra, 1, 2), 0);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, ra), 2);
	KUNIT_EXPECT_EQ(test, cas(f, ra, 1, 3), -EAGAIN);
	f->races = 1;
	f->race_flip = 0x10;
	KUNIT_EXPECT_EQ(test, cas(f, ra, 2, 3), -EAGAIN);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, ra), 0x12);
	KUNIT_EXPECT_EQ(test, cas(f, L1_END, 0, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, cas(f, ra + 4, 0, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->cmpxchgs, 1);
	KUNIT_EXPECT_EQ(test, f->cmpxchg_misses, 2);
	KUNIT_EXPECT_EQ(test, f->oob_cmpxchgs, 2);
}

static void fake_l1_builds_trees_sharing_directories(struct kunit *test)
{
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, L1_SIZE);
	struct fake_l1_tree *t = fake_l1_tree_create(f, &fake_l1_geom_4k);
	u64 leaf_ra, nlb;

	KUNIT_EXPECT_EQ(test, t->root, L1_BASE);
	leaf_ra = fake_l1_map(t, L2_ADDR, PAGE_RA, KHN_SHIFT_4K, RWX);
	KUNIT_EXPECT_EQ(test, t->nr_tables, 4);
	/* same 2M region: no new table */
	fake_l1_map(t, L2_ADDR + SZ_4K, PAGE_RA, KHN_SHIFT_4K, RWX);
	KUNIT_EXPECT_EQ(test, t->nr_tables, 4);
	/* a 2M leaf in the same 1G region: shares levels 0-1 */
	fake_l1_map(t, L2_ADDR + SZ_2M, PAGE_RA, KHN_SHIFT_2M, RWX);
	KUNIT_EXPECT_EQ(test, t->nr_tables, 4);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, leaf_ra),
			fake_l1_leaf(PAGE_RA, RWX));
	KUNIT_EXPECT_EQ(test, fake_l1_entry_ra(t, L2_ADDR, 3), leaf_ra);
	KUNIT_EXPECT_EQ(test, fake_l1_entry_ra(t, L2_ADDR, 0),
			L1_BASE + ((L2_ADDR >> 39) & 0x1fff) * 8);
	/* tables are aligned to their size */
	nlb = fake_l1_read64(f, fake_l1_entry_ra(t, L2_ADDR, 0)) & KHN_RPDE_NLB;
	KUNIT_EXPECT_EQ(test, nlb & (SZ_4K - 1), 0);
}

static void fake_l1_writes_partition_table(struct kunit *test)
{
	struct fake_l1 *f = fake_l1_create(test, L1_BASE + SZ_4K, L1_SIZE);
	u64 ptcr = fake_l1_partition_table(f, 4);

	KUNIT_EXPECT_EQ(test, ptcr, (u64)(L1_BASE + SZ_64K) | 4);
	KUNIT_EXPECT_TRUE(test, khn_ptcr_valid(ptcr));
	fake_l1_set_pate(f, ptcr, 3, 0x1111, 0x2222);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, L1_BASE + SZ_64K + 48), 0x1111);
	KUNIT_EXPECT_EQ(test, fake_l1_read64(f, L1_BASE + SZ_64K + 56), 0x2222);
}

static struct kunit_case fake_l1_test_cases[] = {
	KUNIT_CASE_PARAM(fake_l1_serves_reads_inside_memory_only,
			 fake_read_gen_params),
	KUNIT_CASE(fake_l1_stores_big_endian),
	KUNIT_CASE(fake_l1_cmpxchg_compares_and_races),
	KUNIT_CASE(fake_l1_builds_trees_sharing_directories),
	KUNIT_CASE(fake_l1_writes_partition_table),
	{}
};

static struct kunit_suite fake_l1_test_suite = {
	.name = "khn-fake-l1",
	.test_cases = fake_l1_test_cases,
};

kunit_test_suite(fake_l1_test_suite);
