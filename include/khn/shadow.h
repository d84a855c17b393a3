/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shadow partition-scoped radix tree of an L2, in L0 memory: what the
 * hardware walks for the L2's shadow LPID.  Maps L2-real -> L0-real.
 *
 * Locking rule: every call that changes a tree (map, unmap, update_rc,
 * destroy) is serialised by the caller (in the module: the L1 VM's
 * kvm->mmu_lock, a spinlock, so nothing here sleeps and mm_ops must not
 * either); lookups may run under the same lock only.  The hardware walks
 * the tree concurrently at any time, but never writes it (POWER9 reports
 * a missing R or C as a DSISR_SET_RC fault instead of setting it), so:
 *   - every entry is written with one 8-byte store (WRITE_ONCE), a table
 *     is zeroed and made visible (mm_ops->sync) before the entry pointing
 *     to it is written;
 *   - a leaf is changed break-before-make: cleared, flushed, then written;
 *   - a table is freed only after the entries pointing to it are cleared
 *     and the page-walk cache is flushed (tlb->flush_pwc or flush_lpid).
 *
 * A shadow is a cache of what L1's and L0's trees allow: dropping more
 * than asked (a whole big leaf for part of it) is always correct.
 *
 * Every leaf carries an origin, the caller's tag for what it is derived
 * from (in the module: the L1-real address backing it), kept beside the
 * hardware entries in the same table allocation, where the hardware never
 * looks.  Every removal of a leaf, by any operation, is reported with its
 * origin through the tree's notifier, so a reverse map keyed by origin can
 * hold exactly one entry per leaf.  A leaf is never split into pieces: a
 * smaller leaf mapped inside a bigger one breaks the bigger one (clear,
 * flush, report), since pieces would share one origin and one reverse-map
 * entry that could not describe them all.
 */
#ifndef _KHN_SHADOW_H
#define _KHN_SHADOW_H

#include <linux/bits.h>
#include <linux/types.h>

#include "khn/radix.h"

/* L2-real addresses a shadow tree translates: [0, 2^52) */
#define KHN_SHADOW_VA_BITS	KHN_RTS_BITS_MAX
#define KHN_SHADOW_VA_END	BIT_ULL(KHN_SHADOW_VA_BITS)

/* The attribute bits khn_shadow_map() accepts in a leaf */
#define KHN_SHADOW_ATTRS	(KHN_RPTE_R | KHN_RPTE_C | KHN_RPTE_ATT | \
				 KHN_RPTE_EAA)

/*
 * Removing more leaves than this in one call (unmap, collapse) flushes the
 * whole LPID once instead of one tlbie per page: each tlbie is broadcast
 * to every CPU, and past a few dozen a full flush of one LPID is cheaper
 * than the sum (Linux's own radix code switches at 33 pages).
 */
#define KHN_SHADOW_FLUSH_PAGES_MAX	32

/* Levels of a shadow tree: the root and the tables below it */
#define KHN_SHADOW_LEVELS	4

/**
 * struct khn_mm_ops - L0 memory for shadow tables
 * @zalloc_table:	a zeroed table of @size bytes (a power of two >= 256),
 *			aligned to @size; NULL on failure.  @ctx is the
 *			tree's (khn_shadow_init()).  @may_sleep is true only
 *			from khn_shadow_init(), which runs outside the
 *			caller's lock; every other call is under it, must not
 *			sleep, and should take a table the caller set aside
 *			before the lock (one per level below the root at
 *			most, sizes from khn_shadow_table_bytes())
 * @free_table:		free a table from zalloc_table
 * @virt_to_phys:	real address of a table (what a directory stores)
 * @phys_to_virt:	inverse of virt_to_phys
 * @sync:		order table writes before the hardware may walk them
 *			(ptesync on POWER; a compiler barrier in tests)
 *
 * Called under the caller's lock (see the locking rule): none may sleep,
 * except zalloc_table when told it may.  One set of ops serves every
 * tree; zalloc_table gets the tree's context.
 */
struct khn_mm_ops {
	void *(*zalloc_table)(void *ctx, size_t size, bool may_sleep);
	void (*free_table)(void *table, size_t size);
	u64 (*virt_to_phys)(void *va);
	void *(*phys_to_virt)(u64 pa);
	void (*sync)(void);
};

/**
 * struct khn_tlb_ops - hardware invalidation for a shadow LPID
 * @flush_page:	invalidate the translation of one page of 1 << @shift
 *		bytes at L2-real @addr for @lpid
 * @flush_pwc:	invalidate the page-walk cache for @lpid
 * @flush_lpid:	invalidate every translation (and the PWC) of @lpid
 * @ctx:	passed to the callbacks
 */
struct khn_tlb_ops {
	void (*flush_page)(void *ctx, u32 lpid, u64 addr, unsigned int shift);
	void (*flush_pwc)(void *ctx, u32 lpid);
	void (*flush_lpid)(void *ctx, u32 lpid);
	void *ctx;
};

/**
 * enum khn_geom - shape of a shadow tree (52-bit, like the host's)
 * @KHN_GEOM_4K:	root 2^13, then 2^9, 2^9, 2^9: leaves 4K, 2M, 1G
 * @KHN_GEOM_64K:	root 2^13, then 2^9, 2^9, 2^5: leaves 64K, 2M, 1G
 */
enum khn_geom {
	KHN_GEOM_4K,
	KHN_GEOM_64K,
};

/**
 * typedef khn_unmapped_fn - told of a leaf that has been removed
 * @arg:	the caller's argument
 * @addr:	L2-real address of the leaf
 * @pte:	the leaf (CPU order) as it was
 * @shift:	its page shift
 * @origin:	its origin, as given to khn_shadow_map()
 *
 * Called under the tree's lock, after the leaf is unreachable for new
 * walks and before the flush that ends its use by the hardware: the caller
 * may forget the leaf, but must not free what it maps before the
 * operation returns.
 */
typedef void (*khn_unmapped_fn)(void *arg, u64 addr, u64 pte,
				unsigned int shift, u64 origin);

/**
 * struct khn_shadow - one L2's shadow tree
 * @mm:		L0 memory ops
 * @mm_ctx:	for @mm->zalloc_table
 * @tlb:	invalidation ops
 * @lpid:	the shadow LPID the hardware uses for this tree
 * @geom:	tree shape
 * @root:	root directory (kernel virtual)
 * @nr_tables:	tables allocated, root included
 * @nr_leaves:	valid leaves
 * @notify:	told of every leaf removed, by any operation (may be NULL)
 * @notify_arg:	for @notify
 */
struct khn_shadow {
	const struct khn_mm_ops *mm;
	void *mm_ctx;
	const struct khn_tlb_ops *tlb;
	u32 lpid;
	enum khn_geom geom;
	__be64 *root;
	unsigned long nr_tables;
	unsigned long nr_leaves;
	khn_unmapped_fn notify;
	void *notify_arg;
};

/**
 * typedef khn_leaf_fn - visitor of khn_shadow_walk_leaves()
 * @arg:	the caller's argument
 * @addr:	L2-real address of the leaf
 * @pte:	the leaf (CPU order)
 * @shift:	its page shift
 * @origin:	its origin
 *
 * Return: 0 to go on, anything else to stop the walk with that value.
 */
typedef int (*khn_leaf_fn)(void *arg, u64 addr, u64 pte, unsigned int shift,
			   u64 origin);

int khn_shadow_init(struct khn_shadow *sh, const struct khn_mm_ops *mm,
		    void *mm_ctx, const struct khn_tlb_ops *tlb, u32 lpid,
		    enum khn_geom geom);
size_t khn_shadow_table_bytes(const struct khn_shadow *sh,
			      unsigned int level);
void khn_shadow_destroy(struct khn_shadow *sh);
u64 khn_shadow_pate0(const struct khn_shadow *sh);
unsigned int khn_shadow_fit_shift(const struct khn_shadow *sh,
				  unsigned int shift);
void khn_shadow_set_notify(struct khn_shadow *sh, khn_unmapped_fn fn,
			   void *arg);
int khn_shadow_map(struct khn_shadow *sh, u64 addr, u64 pa,
		   unsigned int shift, u64 attrs, u64 origin);
long khn_shadow_unmap(struct khn_shadow *sh, u64 start, u64 end,
		      khn_unmapped_fn fn, void *arg);
int khn_shadow_lookup(const struct khn_shadow *sh, u64 addr, u64 *pte,
		      unsigned int *shift, u64 *origin);
int khn_shadow_walk_leaves(const struct khn_shadow *sh, khn_leaf_fn fn,
			   void *arg);
int khn_shadow_next_leaf(const struct khn_shadow *sh, u64 from, u64 *addr);
int khn_shadow_update_rc(struct khn_shadow *sh, u64 addr, u64 clr, u64 set);
u64 khn_combine_attrs(u64 l1_pte, u64 l0_pte, unsigned int access);

#endif /* _KHN_SHADOW_H */
