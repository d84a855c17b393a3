/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake L1 for KUnit: a buffer presented as L1 memory through struct
 * khn_l1_mem, with bounds checks and counters, and helpers that build L1
 * partition tables and partition-scoped radix trees in it.
 *
 * Everything is allocated against the test and freed when it ends.  The
 * helpers assert (KUNIT_ASSERT_*) on misuse, so a test never has to check
 * their results.  Counters are plain: a test that drives the fake from
 * several threads must not rely on them.
 *
 * Typical use:
 *
 *	f = fake_l1_create(test, SZ_16M, SZ_2M);
 *	t = fake_l1_tree_create(f, &fake_l1_geom_4k);
 *	pte_ra = fake_l1_map(t, l2_ra, l1_ra, KHN_SHIFT_2M, KHN_RPTE_RW);
 *	fake_l1_tree_pate(t, &pate);
 *	khn_l1_walk(&f->mem, &pate, l2_ra, KHN_ACC_WRITE, true, &xl, &fault);
 */
#ifndef _KHN_TESTS_FAKE_L1_H
#define _KHN_TESTS_FAKE_L1_H

#include <kunit/test.h>
#include <linux/types.h>

#include "khn/l1walk.h"
#include "khn/radix.h"

/**
 * struct fake_l1 - L1 memory: @size bytes at L1-real @base
 * @mem:		the ops to hand to the code under test, bound to
 *			this fake
 * @test:		the test that owns the fake
 * @buf:		the bytes of L1 memory; @buf[0] is at @base
 * @base:		L1-real address of the first byte (8-byte aligned)
 * @size:		bytes of L1 memory
 * @next:		bump allocator: L1-real address of the first free
 *			byte (memory is never reused, so always zero)
 * @reads:		@mem.read calls served
 * @oob_reads:		@mem.read calls refused (-EFAULT) because a byte
 *			lay outside L1 memory; none is ever served
 * @last_read:		L1-real address of the last @mem.read call, served
 *			or not
 * @writes:		@mem.write calls served
 * @oob_writes:		@mem.write calls refused (-EFAULT) because a byte
 *			lay outside L1 memory; none writes anything
 * @last_write:		L1-real address of the last @mem.write call,
 *			served or not
 * @cmpxchgs:		@mem.cmpxchg_be64 calls that stored
 * @cmpxchg_misses:	@mem.cmpxchg_be64 calls that found the doubleword
 *			changed (-EAGAIN)
 * @oob_cmpxchgs:	@mem.cmpxchg_be64 calls refused (-EFAULT): outside L1
 *			memory, or failed on purpose (@cmpxchg_err)
 * @races:		the next @races @mem.cmpxchg_be64 calls each first
 *			change the target the way L1 racing with the caller
 *			would: flip @race_flip in it
 * @race_flip:		bits (CPU order) L1 flips in such a race; a bit
 *			flipped every time makes every race a real change
 * @cmpxchg_err:	if non-zero, every @mem.cmpxchg_be64 call fails with it
 */
struct fake_l1 {
	struct khn_l1_mem mem;
	struct kunit *test;
	u8 *buf;
	u64 base;
	u64 size;
	u64 next;
	unsigned long reads;
	unsigned long oob_reads;
	u64 last_read;
	unsigned long writes;
	unsigned long oob_writes;
	u64 last_write;
	unsigned long cmpxchgs;
	unsigned long cmpxchg_misses;
	unsigned long oob_cmpxchgs;
	unsigned int races;
	u64 race_flip;
	int cmpxchg_err;
};

/**
 * struct fake_l1_geom - the shape of a radix tree
 * @va_bits:	address bits the tree translates (RTS + 31)
 * @nr_levels:	number of table levels, root included
 * @nls:	log2 of the entries of the table at each level (@nls[0]: root)
 */
struct fake_l1_geom {
	unsigned int va_bits;
	unsigned int nr_levels;
	unsigned int nls[KHN_WALK_MAX_LEVELS];
};

/* 52 bits, 13-9-9-9: leaves of 1G (level 1), 2M (level 2), 4K (level 3) */
extern const struct fake_l1_geom fake_l1_geom_4k;
/* 52 bits, 13-9-9-5: leaves of 1G (level 1), 2M (level 2), 64K (level 3) */
extern const struct fake_l1_geom fake_l1_geom_64k;

/**
 * struct fake_l1_tree - a radix tree built in a fake L1
 * @l1:		where it lives
 * @geom:	its shape
 * @root:	L1-real address of the root table
 * @nr_tables:	tables allocated, root included
 */
struct fake_l1_tree {
	struct fake_l1 *l1;
	const struct fake_l1_geom *geom;
	u64 root;
	unsigned int nr_tables;
};

struct fake_l1 *fake_l1_create(struct kunit *test, u64 base, u64 size);
struct fake_l1 *fake_l1_view(struct fake_l1 *f, u64 ra, u64 size, u64 base);
u64 fake_l1_alloc(struct fake_l1 *f, u64 bytes, u64 align);
u64 fake_l1_alloc_table(struct fake_l1 *f, unsigned int nls);
u64 fake_l1_read64(struct fake_l1 *f, u64 ra);
void fake_l1_write64(struct fake_l1 *f, u64 ra, u64 val);
void fake_l1_set_entry(struct fake_l1 *f, u64 table, u64 index, u64 val);

u64 fake_l1_pde(u64 nlb, unsigned int nls);
u64 fake_l1_leaf(u64 ra, u64 flags);
u64 fake_l1_pate0(u64 root, unsigned int root_bits, unsigned int va_bits);
u64 fake_l1_pate1(u64 prtb, unsigned int prts);

struct fake_l1_tree *fake_l1_tree_create(struct fake_l1 *f,
					 const struct fake_l1_geom *geom);
u64 fake_l1_map(struct fake_l1_tree *t, u64 addr, u64 ra, unsigned int shift,
		u64 flags);
u64 fake_l1_entry_ra(struct fake_l1_tree *t, u64 addr, unsigned int level);
u64 fake_l1_tree_pate0(const struct fake_l1_tree *t);
void fake_l1_tree_pate(const struct fake_l1_tree *t, struct khn_pate *pate);

u64 fake_l1_partition_table(struct fake_l1 *f, unsigned int pats);
void fake_l1_set_pate(struct fake_l1 *f, u64 ptcr, u64 lpid, u64 dw0,
		      u64 dw1);

#endif /* _KHN_TESTS_FAKE_L1_H */
