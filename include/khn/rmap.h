/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shadow trees and the nested reverse map kept in step: the one place that
 * installs a shadow leaf together with its reverse-map entry, and that
 * carries out a change of L1's own mapping (L0 unmapping an L1 page, R/C
 * changes) on the shadow leaves derived from it.
 *
 * The invariant kept here, and checked by khn/audit.h: every leaf of every
 * shadow tree of an L1 has exactly one entry in the L1's nested rmap,
 * (origin, shadow LPID, L2-real address, shift), and every entry has its
 * leaf.  So the rmap is bounded by what is mapped, and whatever L0 does to
 * an L1 page reaches every shadow leaf made from it.  For that, each tree
 * must have khn_rmap_leaf_gone() called from its notifier
 * (khn_shadow_set_notify()) for its own LPID.
 *
 * Locking rule: that of khn/shadow.h and khn/nrmap.h, the same lock (in
 * the module, the L1's kvm->mmu_lock) for the map and every tree of it.
 */
#ifndef _KHN_RMAP_H
#define _KHN_RMAP_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "khn/nrmap.h"
#include "khn/shadow.h"

/**
 * struct khn_rmap_trees - the shadow trees of an L1, by shadow LPID
 * @lookup:	the tree of shadow LPID @lpid, or NULL if it is gone
 * @arg:	passed to @lookup
 */
struct khn_rmap_trees {
	struct khn_shadow *(*lookup)(void *arg, u32 lpid);
	void *arg;
};

int khn_rmap_map(struct khn_nrmap *rm, struct khn_shadow *sh, u64 l2_ra,
		 u64 pa, unsigned int shift, u64 attrs, u64 l1_ra, gfp_t gfp);
void khn_rmap_leaf_gone(struct khn_nrmap *rm, u32 lpid, u64 l2_ra,
			unsigned int shift, u64 l1_ra);
long khn_rmap_unmap_l1(struct khn_nrmap *rm, u64 start, u64 end,
		       const struct khn_rmap_trees *trees);
long khn_rmap_rc_l1(struct khn_nrmap *rm, u64 start, u64 end, u64 clr,
		    u64 set, const struct khn_rmap_trees *trees);
bool khn_rmap_l1_span(u64 gpa, u64 nbytes, u64 base, u64 *start, u64 *end);

#endif /* _KHN_RMAP_H */
