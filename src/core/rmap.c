// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shadow trees and the nested rmap kept in step.  The invariant and the
 * locking rule are in khn/rmap.h.
 *
 * The one subtle case is a removing walk of the rmap that unmaps leaves:
 * each unmap reports its leaf back (khn_rmap_leaf_gone(), from the tree's
 * notifier) while the walk is inside that entry's slot.  The walk removes
 * the entry itself, so the report of exactly the entry being visited is
 * ignored; and a walk unmaps a leaf only when it is exactly the entry's
 * (address, size, origin), so no other entry can be reported meanwhile.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

#include "khn/rmap.h"

/**
 * khn_rmap_map() - install a shadow leaf and its rmap entry
 * @rm:		the L1's nested rmap
 * @sh:		the L2's shadow tree; its notifier calls khn_rmap_leaf_gone()
 * @l2_ra:	L2-real address of the leaf
 * @pa:		L0-real address it maps
 * @shift:	its page shift
 * @attrs:	its attributes (khn_shadow_map())
 * @l1_ra:	L1-real address backing it (its origin), aligned to the leaf
 * @gfp:	for the rmap entry (atomic under the lock, or 0: only memory
 *		set aside, see khn_nrmap_add())
 *
 * The leaf is installed first (a leaf it replaces, breaks or collapses
 * loses its entry through the notifier), then its entry is added; if that
 * fails the leaf is removed again, so no leaf is ever left without an
 * entry.
 *
 * Return: 0, -EINVAL (nothing done), -ENOMEM (no leaf at @l2_ra).
 */
int khn_rmap_map(struct khn_nrmap *rm, struct khn_shadow *sh, u64 l2_ra,
		 u64 pa, unsigned int shift, u64 attrs, u64 l1_ra, gfp_t gfp)
{
	int err;

	if (l1_ra & (BIT_ULL(shift) - 1))
		return -EINVAL;
	err = khn_shadow_map(sh, l2_ra, pa, shift, attrs, l1_ra);
	if (err)
		return err;
	err = khn_nrmap_add(rm, l1_ra, sh->lpid, l2_ra, shift, gfp);
	if (err)
		khn_shadow_unmap(sh, l2_ra, l2_ra + BIT_ULL(shift), NULL, NULL);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_map);

/**
 * khn_rmap_leaf_gone() - a shadow leaf has been removed: drop its entry
 * @rm:		the L1's nested rmap
 * @lpid:	the tree's shadow LPID
 * @l2_ra:	L2-real address of the leaf
 * @shift:	its page shift
 * @l1_ra:	its origin
 *
 * What every tree's notifier calls.
 */
void khn_rmap_leaf_gone(struct khn_nrmap *rm, u32 lpid, u64 l2_ra,
			unsigned int shift, u64 l1_ra)
{
	if (rm->in_walk && rm->visiting.l1_ra == l1_ra &&
	    rm->visiting.lpid == lpid && rm->visiting.l2_ra == l2_ra)
		return;
	khn_nrmap_del(rm, l1_ra, lpid, l2_ra, shift);
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_leaf_gone);

/**
 * struct rmap_walk - state of a walk from L1 pages to shadow leaves
 * @rm:		the rmap walked
 * @trees:	resolves a shadow LPID
 * @clr:	R/C bits to clear (R/C walk)
 * @set:	R/C bits to set (R/C walk)
 * @done:	leaves unmapped or updated
 */
struct rmap_walk {
	struct khn_nrmap *rm;
	const struct khn_rmap_trees *trees;
	u64 clr;
	u64 set;
	long done;
};

/* The tree of an entry, if it holds exactly the entry's leaf. */
static struct khn_shadow *entry_tree(const struct rmap_walk *w, u64 l1_ra,
				     u32 lpid, u64 l2_ra, unsigned int shift)
{
	struct khn_shadow *sh = w->trees->lookup(w->trees->arg, lpid);
	unsigned int found_shift;
	u64 origin;

	if (!sh || khn_shadow_lookup(sh, l2_ra, NULL, &found_shift, &origin))
		return NULL;
	if (found_shift != shift || origin != l1_ra)
		return NULL;
	return sh;
}

static void unmap_one(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
		      unsigned int shift)
{
	struct rmap_walk *w = arg;
	struct khn_shadow *sh = entry_tree(w, l1_ra, lpid, l2_ra, shift);

	if (!sh)
		return;
	w->rm->visiting.l1_ra = l1_ra;
	w->rm->visiting.l2_ra = l2_ra;
	w->rm->visiting.lpid = lpid;
	if (khn_shadow_unmap(sh, l2_ra, l2_ra + BIT_ULL(shift), NULL, NULL) > 0)
		w->done++;
}

/**
 * khn_rmap_unmap_l1() - L0 is taking L1 pages away: drop their shadows
 * @rm:		the L1's nested rmap
 * @start:	first L1-real address, 4K-aligned
 * @end:	one past the last, 4K-aligned, > @start, <= 2^52
 * @trees:	resolves a shadow LPID to its tree
 *
 * Every leaf derived from any page of the range goes, with its entry, and
 * is flushed before this returns: after it, no shadow maps what L0 maps
 * at [@start, @end) now.
 *
 * Return: leaves removed, or -EINVAL for a bad range.
 */
long khn_rmap_unmap_l1(struct khn_nrmap *rm, u64 start, u64 end,
		       const struct khn_rmap_trees *trees)
{
	struct rmap_walk w = { .rm = rm, .trees = trees };
	long n;

	rm->in_walk = true;
	n = khn_nrmap_for_range(rm, start, end, true, unmap_one, &w);
	rm->in_walk = false;
	return n < 0 ? n : w.done;
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_unmap_l1);

static void rc_one(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
		   unsigned int shift)
{
	struct rmap_walk *w = arg;
	struct khn_shadow *sh = entry_tree(w, l1_ra, lpid, l2_ra, shift);

	if (sh && !khn_shadow_update_rc(sh, l2_ra, w->clr, w->set))
		w->done++;
}

/**
 * khn_rmap_rc_l1() - R/C of L1 pages changed in L0: follow in the shadows
 * @rm:		the L1's nested rmap
 * @start:	first L1-real address, 4K-aligned
 * @end:	one past the last, 4K-aligned, > @start, <= 2^52
 * @clr:	bits among R and C cleared (the shadow leaf is flushed)
 * @set:	bits among R and C set
 * @trees:	resolves a shadow LPID to its tree
 *
 * Return: leaves updated, or -EINVAL for a bad range.
 */
long khn_rmap_rc_l1(struct khn_nrmap *rm, u64 start, u64 end, u64 clr,
		    u64 set, const struct khn_rmap_trees *trees)
{
	struct rmap_walk w = {
		.rm = rm, .trees = trees, .clr = clr, .set = set,
	};
	long n;

	n = khn_nrmap_for_range(rm, start, end, false, rc_one, &w);
	return n < 0 ? n : w.done;
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_rc_l1);

/**
 * khn_rmap_l1_span() - the L1-real range one of L0's mappings covers
 * @gpa:	an L1-real address inside the mapping
 * @nbytes:	its size as kvm-hv reports it: 1 << shift of the leaf, where
 *		shift 0 stands for a base page, so anything below @base
 * @base:	L0's base page size (a power of two, at least 4K)
 * @start:	set to the mapping's first L1-real address
 * @end:	set to one past its last
 *
 * kvm-hv's dirty-log harvest reports a base page as 1 byte: taken
 * literally, only the first 4K of a 64K page would have its shadows'
 * C cleared, and L2 stores to the rest of the page would go unlogged.
 *
 * Return: false for a size that is not a power of two or a range that
 * wraps or passes 2^52 (L1-real addresses are below it as L2-real ones
 * are), true with [@start, @end) otherwise.
 */
bool khn_rmap_l1_span(u64 gpa, u64 nbytes, u64 base, u64 *start, u64 *end)
{
	u64 size = max3(nbytes, base, (u64)SZ_4K);

	if (!is_power_of_2(size) || !is_power_of_2(base) ||
	    size > KHN_SHADOW_VA_END)
		return false;
	*start = round_down(gpa, size);
	*end = *start + size;
	return *end > *start && *end <= KHN_SHADOW_VA_END;
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_l1_span);
