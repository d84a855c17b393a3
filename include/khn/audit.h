/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shadow auditor: checks, by walking them, that the shadow trees of an
 * L1 map nothing L0 does not give that L1 now.  For every leaf:
 *   - its origin (the L1-real range it is derived from) is L1 memory;
 *   - L0 maps that L1 range now, to exactly the host page the leaf maps,
 *     with a page at least as big, allowing at least what the leaf
 *     allows, and with C set if the leaf is writable and changed;
 *   - the nested rmap would find the leaf if any L1 page of its origin
 *     were unmapped;
 * for every tree, the walk finds as many leaves as the tree counts (a
 * table linked twice, or a leaf the count lost, shows here); and, over
 * the L1, the rmap holds no more entries than there are leaves.
 * A violation of any of these is a way for an L2 to reach a host page that
 * L0 no longer gives its L1, or to change one unseen by dirty logging.
 *
 * Locking rule: the caller holds the lock of the trees and the rmap (the
 * L1's kvm->mmu_lock), which also keeps L0's view stable for the ops.
 */
#ifndef _KHN_AUDIT_H
#define _KHN_AUDIT_H

#include <linux/types.h>

#include "khn/nrmap.h"
#include "khn/shadow.h"

/**
 * enum khn_audit_rule - what a violation broke
 * @KHN_AUDIT_NOT_L1_MEM:	the leaf's origin is not (all) L1 memory
 * @KHN_AUDIT_L0_UNMAPPED:	L0 maps nothing at the origin now
 * @KHN_AUDIT_L0_PAGE:		the leaf maps another host page than L0 does
 * @KHN_AUDIT_L0_SIZE:		L0's page there is smaller than the leaf
 * @KHN_AUDIT_L0_PERM:		the leaf allows an access L0 does not
 * @KHN_AUDIT_L0_DIRTY:		the leaf is writable and changed, L0's C is
 *				clear: stores would escape dirty logging
 * @KHN_AUDIT_NO_RMAP:		no rmap entry would find the leaf
 * @KHN_AUDIT_EXTRA_RMAP:	rmap entries with no leaf
 * @KHN_AUDIT_LEAF_COUNT:	a tree holds another number of leaves than it
 *				counts
 * @KHN_AUDIT_NR:		number of rules
 */
enum khn_audit_rule {
	KHN_AUDIT_NOT_L1_MEM,
	KHN_AUDIT_L0_UNMAPPED,
	KHN_AUDIT_L0_PAGE,
	KHN_AUDIT_L0_SIZE,
	KHN_AUDIT_L0_PERM,
	KHN_AUDIT_L0_DIRTY,
	KHN_AUDIT_NO_RMAP,
	KHN_AUDIT_EXTRA_RMAP,
	KHN_AUDIT_LEAF_COUNT,
	KHN_AUDIT_NR,
};

/**
 * struct khn_audit_ops - L0's view of L1 memory, for the auditor
 * @l0_leaf:	L0's present leaf for L1-real @l1_ra: its PTE (radix
 *		format, CPU order) and page shift; -ENOENT if none
 * @l1_mem:	whether [@l1_ra, @l1_ra + @size) is all L1 memory
 * @ctx:	passed to both
 */
struct khn_audit_ops {
	int (*l0_leaf)(void *ctx, u64 l1_ra, u64 *pte, unsigned int *shift);
	bool (*l1_mem)(void *ctx, u64 l1_ra, u64 size);
	void *ctx;
};

/**
 * struct khn_audit_violation - one violation, as kept for the report
 * @rule:	the rule broken
 * @lpid:	shadow LPID of the tree
 * @l2_ra:	L2-real address of the leaf
 * @l1_ra:	its origin
 * @shift:	its page shift
 */
struct khn_audit_violation {
	enum khn_audit_rule rule;
	u32 lpid;
	u64 l2_ra;
	u64 l1_ra;
	unsigned int shift;
};

#define KHN_AUDIT_KEEP	16	/* violations kept with their details */

/**
 * enum khn_audit_size - leaf sizes, for the count of leaves by size
 * @KHN_AUDIT_4K:	4K leaves
 * @KHN_AUDIT_64K:	64K leaves
 * @KHN_AUDIT_2M:	2M leaves
 * @KHN_AUDIT_1G:	1G leaves
 * @KHN_AUDIT_SIZES:	number of sizes
 */
enum khn_audit_size {
	KHN_AUDIT_4K,
	KHN_AUDIT_64K,
	KHN_AUDIT_2M,
	KHN_AUDIT_1G,
	KHN_AUDIT_SIZES,
};

/**
 * struct khn_audit - the result of an audit
 * @trees:	trees walked
 * @leaves:	leaves checked
 * @by_size:	of which of each size (enum khn_audit_size)
 * @violations:	violations found, of every rule
 * @by_rule:	violations per rule
 * @nr_kept:	violations in @kept
 * @kept:	the first KHN_AUDIT_KEEP violations
 */
struct khn_audit {
	unsigned long trees;
	unsigned long leaves;
	unsigned long by_size[KHN_AUDIT_SIZES];
	unsigned long violations;
	unsigned long by_rule[KHN_AUDIT_NR];
	unsigned int nr_kept;
	struct khn_audit_violation kept[KHN_AUDIT_KEEP];
};

void khn_audit_init(struct khn_audit *a);
int khn_audit_tree(struct khn_audit *a, const struct khn_shadow *sh,
		   struct khn_nrmap *rm, const struct khn_audit_ops *ops);
void khn_audit_rmap_total(struct khn_audit *a, const struct khn_nrmap *rm);
const char *khn_audit_rule_name(enum khn_audit_rule rule);

#endif /* _KHN_AUDIT_H */
