// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake L1 for KUnit: L1 memory as a buffer, and builders for L1's
 * partition table and radix trees in it.  See fake_l1.h.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "fake_l1.h"

const struct fake_l1_geom fake_l1_geom_4k = {
	.va_bits = 52, .nr_levels = 4, .nls = { 13, 9, 9, 9 },
};

const struct fake_l1_geom fake_l1_geom_64k = {
	.va_bits = 52, .nr_levels = 4, .nls = { 13, 9, 9, 5 },
};

/* Do the @len bytes at L1-real @ra all lie in L1 memory?  (No overflow.) */
static bool fake_l1_holds(const struct fake_l1 *f, u64 ra, u64 len)
{
	return ra >= f->base && len <= f->size && ra - f->base <= f->size - len;
}

static int fake_l1_mem_read(void *ctx, u64 ra, void *buf, size_t len)
{
	struct fake_l1 *f = ctx;

	f->last_read = ra;
	if (!fake_l1_holds(f, ra, len)) {
		f->oob_reads++;
		return -EFAULT;
	}
	memcpy(buf, f->buf + (ra - f->base), len);
	f->reads++;
	return 0;
}

static int fake_l1_mem_write(void *ctx, u64 ra, const void *buf, size_t len)
{
	struct fake_l1 *f = ctx;

	f->last_write = ra;
	if (!fake_l1_holds(f, ra, len)) {
		f->oob_writes++;
		return -EFAULT;
	}
	memcpy(f->buf + (ra - f->base), buf, len);
	f->writes++;
	return 0;
}

static int fake_l1_mem_cmpxchg_be64(void *ctx, u64 ra, __be64 old, __be64 new)
{
	struct fake_l1 *f = ctx;
	u64 *p;

	if (f->cmpxchg_err || (ra & 7) || !fake_l1_holds(f, ra, 8)) {
		f->oob_cmpxchgs++;
		return f->cmpxchg_err ?: -EFAULT;
	}
	p = (u64 *)(f->buf + (ra - f->base));
	if (f->races) {
		f->races--;
		fake_l1_write64(f, ra, fake_l1_read64(f, ra) ^ f->race_flip);
	}
	if (cmpxchg(p, (__force u64)old, (__force u64)new) != (__force u64)old) {
		f->cmpxchg_misses++;
		return -EAGAIN;
	}
	f->cmpxchgs++;
	return 0;
}

KUNIT_DEFINE_ACTION_WRAPPER(fake_l1_kvfree, kvfree, const void *);

/**
 * fake_l1_create() - a fake L1 with zeroed memory, freed with the test
 * @test: the test
 * @base: L1-real address of the first byte (8-byte aligned; non-zero lets
 *	  a test see reads below L1 memory refused)
 * @size: bytes of L1 memory (any size: need not be a multiple of a page)
 *
 * Return: the fake; @mem is ready to hand to the code under test.
 */
struct fake_l1 *fake_l1_create(struct kunit *test, u64 base, u64 size)
{
	struct fake_l1 *f;

	KUNIT_ASSERT_EQ(test, base & 7, 0);
	KUNIT_ASSERT_GT(test, size, 0);
	KUNIT_ASSERT_LE(test, size, U64_MAX - base);
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->buf = kvzalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->buf);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_l1_kvfree,
							f->buf), 0);
	f->test = test;
	f->base = base;
	f->size = size;
	f->next = base;
	f->mem.read = fake_l1_mem_read;
	f->mem.write = fake_l1_mem_write;
	f->mem.cmpxchg_be64 = fake_l1_mem_cmpxchg_be64;
	f->mem.ctx = f;
	return f;
}

/**
 * fake_l1_view() - part of a fake's memory, seen at another address
 * @f: the fake that holds the bytes
 * @ra: L1-real address of the first byte in @f (8-byte aligned)
 * @size: bytes (all in @f's memory: asserted)
 * @base: address the view presents them at (8-byte aligned)
 *
 * For the L2's own tables (process table, process-scoped trees): map
 * @base -> @ra in L1's partition-scoped tree for the L2, and the builders
 * run on the view (fake_l1_alloc(), fake_l1_tree_create(), fake_l1_map()
 * ...) write L2-real addresses into tables whose bytes are in @f.  The
 * view has counters and @mem of its own, which the code under test does
 * not use: it reaches the bytes through @f.
 *
 * Return: the view, freed with the test; its memory is @f's.
 */
struct fake_l1 *fake_l1_view(struct fake_l1 *f, u64 ra, u64 size, u64 base)
{
	struct fake_l1 *v;

	KUNIT_ASSERT_EQ(f->test, (ra | base) & 7, 0);
	KUNIT_ASSERT_GT(f->test, size, 0);
	KUNIT_ASSERT_TRUE(f->test, fake_l1_holds(f, ra, size));
	KUNIT_ASSERT_LE(f->test, size, U64_MAX - base);
	v = kunit_kzalloc(f->test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(f->test, v);
	v->test = f->test;
	v->buf = f->buf + (ra - f->base);
	v->base = base;
	v->size = size;
	v->next = base;
	v->mem.read = fake_l1_mem_read;
	v->mem.write = fake_l1_mem_write;
	v->mem.cmpxchg_be64 = fake_l1_mem_cmpxchg_be64;
	v->mem.ctx = v;
	return v;
}

/**
 * fake_l1_alloc() - reserve zeroed L1 memory
 * @f: the fake
 * @bytes: how much
 * @align: alignment of the L1-real address (a power of two)
 *
 * Asserts that L1 memory is large enough.
 *
 * Return: the L1-real address of the first byte.
 */
u64 fake_l1_alloc(struct fake_l1 *f, u64 bytes, u64 align)
{
	u64 end = f->base + f->size;
	u64 ra;

	KUNIT_ASSERT_TRUE(f->test, is_power_of_2(align));
	ra = round_up(f->next, align);
	KUNIT_ASSERT_TRUE_MSG(f->test, ra <= end && bytes <= end - ra,
			      "fake L1 memory exhausted: %llu bytes", bytes);
	f->next = ra + bytes;
	return ra;
}

/**
 * fake_l1_alloc_table() - a zeroed radix table of 2^@nls entries
 * @f: the fake
 * @nls: log2 of the number of entries
 *
 * Return: its L1-real address, aligned to its size (8 << @nls bytes).
 */
u64 fake_l1_alloc_table(struct fake_l1 *f, unsigned int nls)
{
	KUNIT_ASSERT_LE(f->test, nls, 31);
	return fake_l1_alloc(f, 8ULL << nls, 8ULL << nls);
}

static __be64 *fake_l1_dw(struct fake_l1 *f, u64 ra)
{
	KUNIT_ASSERT_EQ_MSG(f->test, ra & 7, 0, "misaligned doubleword %llx", ra);
	KUNIT_ASSERT_TRUE_MSG(f->test, fake_l1_holds(f, ra, 8),
			      "doubleword %llx outside fake L1 memory", ra);
	return (__be64 *)(f->buf + (ra - f->base));
}

/**
 * fake_l1_read64() - what L1 memory holds at a doubleword
 * @f: the fake
 * @ra: 8-byte aligned L1-real address in L1 memory (asserted)
 *
 * Not counted in @f->reads: this is the test looking, not the code.
 *
 * Return: the big-endian doubleword, in CPU order.
 */
u64 fake_l1_read64(struct fake_l1 *f, u64 ra)
{
	return be64_to_cpu(READ_ONCE(*fake_l1_dw(f, ra)));
}

/**
 * fake_l1_write64() - store a doubleword big-endian, as L1 would
 * @f: the fake
 * @ra: 8-byte aligned L1-real address in L1 memory (asserted)
 * @val: the value, CPU order
 */
void fake_l1_write64(struct fake_l1 *f, u64 ra, u64 val)
{
	WRITE_ONCE(*fake_l1_dw(f, ra), cpu_to_be64(val));
}

/**
 * fake_l1_set_entry() - write entry @index of the table at @table
 * @f: the fake
 * @table: L1-real address of the table
 * @index: entry number
 * @val: the entry, CPU order (e.g. from fake_l1_pde() or fake_l1_leaf())
 */
void fake_l1_set_entry(struct fake_l1 *f, u64 table, u64 index, u64 val)
{
	fake_l1_write64(f, table + index * 8, val);
}

/**
 * fake_l1_pde() - a valid page directory entry
 * @nlb: L1-real address of the next table (bits outside NLB are dropped)
 * @nls: log2 of its number of entries (bits outside NLS are dropped)
 *
 * Return: the entry, CPU order.
 */
u64 fake_l1_pde(u64 nlb, unsigned int nls)
{
	return KHN_RPTE_V | (nlb & KHN_RPDE_NLB) | (nls & KHN_RPDE_NLS);
}

/**
 * fake_l1_leaf() - a valid leaf
 * @ra: L1-real address of the page (bits outside RPN are dropped)
 * @flags: any further bits: KHN_RPTE_READ/RW/EXEC/PRIV, R, C, ATT, or
 *	   bits a test wants to see refused
 *
 * Return: the entry, CPU order.
 */
u64 fake_l1_leaf(u64 ra, u64 flags)
{
	return KHN_RPTE_V | KHN_RPTE_L | (ra & KHN_RPTE_RPN) | flags;
}

/**
 * fake_l1_pate0() - doubleword 0 of a radix partition table entry
 * @root: L1-real address of the root table (bits outside RPDB dropped)
 * @root_bits: log2 of its number of entries (RPDS)
 * @va_bits: log2 of the tree's address space (RTS + 31)
 *
 * Return: the doubleword, CPU order, with HR set.
 */
u64 fake_l1_pate0(u64 root, unsigned int root_bits, unsigned int va_bits)
{
	unsigned int rts = va_bits - 31;

	return KHN_PATE0_HR | FIELD_PREP(KHN_PATE0_RTS1, rts >> 3) |
	       (root & KHN_PATE0_RPDB) | FIELD_PREP(KHN_PATE0_RTS2, rts) |
	       FIELD_PREP(KHN_PATE0_RPDS, root_bits);
}

/**
 * fake_l1_pate1() - doubleword 1 of a radix partition table entry
 * @prtb: L2-real address of the process table (bits outside PRTB dropped)
 * @prts: its size, 2^(12 + @prts) bytes
 *
 * Return: the doubleword, CPU order, with GR set.
 */
u64 fake_l1_pate1(u64 prtb, unsigned int prts)
{
	return KHN_PATE1_GR | (prtb & KHN_PATE1_PRTB) |
	       FIELD_PREP(KHN_PATE1_PRTS, prts);
}

/**
 * fake_l1_tree_create() - an empty tree: a zeroed root table
 * @f: the fake
 * @geom: its shape (e.g. &fake_l1_geom_4k)
 *
 * Return: the tree, freed with the test.
 */
struct fake_l1_tree *fake_l1_tree_create(struct fake_l1 *f,
					 const struct fake_l1_geom *geom)
{
	struct fake_l1_tree *t = kunit_kzalloc(f->test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(f->test, t);
	KUNIT_ASSERT_GE(f->test, geom->nr_levels, 1);
	KUNIT_ASSERT_LE(f->test, geom->nr_levels, KHN_WALK_MAX_LEVELS);
	t->l1 = f;
	t->geom = geom;
	t->root = fake_l1_alloc_table(f, geom->nls[0]);
	t->nr_tables = 1;
	return t;
}

/*
 * The entry for @addr at @level: with @make, the directories above it
 * are created as needed; @shift_out gets the bits the entry spans.
 */
static u64 fake_l1_path(struct fake_l1_tree *t, u64 addr, unsigned int level,
			bool make, unsigned int *shift_out)
{
	const struct fake_l1_geom *g = t->geom;
	struct kunit *test = t->l1->test;
	unsigned int span = g->va_bits - g->nls[0];
	u64 table = t->root;
	unsigned int l;

	KUNIT_ASSERT_LT(test, level, g->nr_levels);
	for (l = 0; l < level; l++) {
		u64 entry_ra = table + ((addr >> span) &
					(BIT_ULL(g->nls[l]) - 1)) * 8;
		u64 entry = fake_l1_read64(t->l1, entry_ra);

		if (!(entry & KHN_RPTE_V) && make) {
			entry = fake_l1_pde(fake_l1_alloc_table(t->l1,
								g->nls[l + 1]),
					    g->nls[l + 1]);
			fake_l1_write64(t->l1, entry_ra, entry);
			t->nr_tables++;
		}
		KUNIT_ASSERT_EQ_MSG(test, entry & (KHN_RPTE_V | KHN_RPTE_L),
				    KHN_RPTE_V,
				    "no directory at level %u for %llx", l, addr);
		table = entry & KHN_RPDE_NLB;
		span -= g->nls[l + 1];
	}
	*shift_out = span;
	return table + ((addr >> span) & (BIT_ULL(g->nls[level]) - 1)) * 8;
}

/**
 * fake_l1_map() - map a page in the tree, creating directories as needed
 * @t: the tree
 * @addr: L2-real address (bits below @shift are ignored)
 * @ra: L1-real address of the page (not checked: a test may pass a
 *	misaligned one on purpose)
 * @shift: page shift; asserted to be the span of some level of the tree
 * @flags: leaf bits, as for fake_l1_leaf()
 *
 * Return: the L1-real address of the leaf.
 */
u64 fake_l1_map(struct fake_l1_tree *t, u64 addr, u64 ra, unsigned int shift,
		u64 flags)
{
	const struct fake_l1_geom *g = t->geom;
	unsigned int level, span = g->va_bits;
	u64 leaf_ra;

	for (level = 0; level < g->nr_levels; level++) {
		span -= g->nls[level];
		if (span == shift)
			break;
	}
	KUNIT_ASSERT_LT_MSG(t->l1->test, level, g->nr_levels,
			    "no level of this tree spans 2^%u", shift);
	leaf_ra = fake_l1_path(t, addr, level, true, &span);
	fake_l1_write64(t->l1, leaf_ra, fake_l1_leaf(ra, flags));
	return leaf_ra;
}

/**
 * fake_l1_entry_ra() - where the entry for @addr at @level lives
 * @t: the tree
 * @addr: L2-real address
 * @level: 0 for the root; the directories above must exist (asserted)
 *
 * For tests that rewrite one entry of a built tree.
 *
 * Return: its L1-real address.
 */
u64 fake_l1_entry_ra(struct fake_l1_tree *t, u64 addr, unsigned int level)
{
	unsigned int span;

	return fake_l1_path(t, addr, level, false, &span);
}

/**
 * fake_l1_tree_pate0() - doubleword 0 of a partition table entry for @t
 * @t: the tree
 *
 * Return: the doubleword, CPU order.
 */
u64 fake_l1_tree_pate0(const struct fake_l1_tree *t)
{
	return fake_l1_pate0(t->root, t->geom->nls[0], t->geom->va_bits);
}

/**
 * fake_l1_tree_pate() - the decoded partition table entry for @t
 * @t: the tree
 * @pate: filled by khn_pate_decode(), asserted to accept it (process
 *	  table: 4K at 0)
 */
void fake_l1_tree_pate(const struct fake_l1_tree *t, struct khn_pate *pate)
{
	KUNIT_ASSERT_EQ(t->l1->test,
			khn_pate_decode(fake_l1_tree_pate0(t),
					fake_l1_pate1(0, 0), pate), 0);
}

/**
 * fake_l1_partition_table() - a zeroed partition table
 * @f: the fake
 * @pats: its size, 2^(12 + @pats) bytes (asserted <= %KHN_PATS_MAX)
 *
 * Return: the PTCR L1 would register for it.
 */
u64 fake_l1_partition_table(struct fake_l1 *f, unsigned int pats)
{
	KUNIT_ASSERT_LE(f->test, pats, KHN_PATS_MAX);
	return fake_l1_alloc(f, BIT_ULL(12 + pats), BIT_ULL(12 + pats)) | pats;
}

/**
 * fake_l1_set_pate() - write an LPID's partition table entry
 * @f: the fake
 * @ptcr: the table, from fake_l1_partition_table()
 * @lpid: the entry (must lie in L1 memory: asserted)
 * @dw0: doubleword 0, CPU order (e.g. fake_l1_tree_pate0())
 * @dw1: doubleword 1, CPU order (e.g. fake_l1_pate1())
 */
void fake_l1_set_pate(struct fake_l1 *f, u64 ptcr, u64 lpid, u64 dw0, u64 dw1)
{
	u64 ra = (ptcr & KHN_PTCR_PATB) + lpid * KHN_PATE_BYTES;

	fake_l1_write64(f, ra, dw0);
	fake_l1_write64(f, ra + 8, dw1);
}
