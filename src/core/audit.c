// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shadow auditor: the rules are in khn/audit.h.  It only reads: the
 * trees through khn_shadow_walk_leaves(), the rmap through a
 * non-removing khn_nrmap_for_range(), L0 and L1 memory through the ops.
 */

#include <linux/array_size.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "khn/audit.h"
#include "khn/radix.h"

static const char * const audit_rule_names[KHN_AUDIT_NR] = {
	[KHN_AUDIT_NOT_L1_MEM]	= "not_l1_mem",
	[KHN_AUDIT_L0_UNMAPPED]	= "l0_unmapped",
	[KHN_AUDIT_L0_PAGE]	= "l0_page",
	[KHN_AUDIT_L0_SIZE]	= "l0_size",
	[KHN_AUDIT_L0_PERM]	= "l0_perm",
	[KHN_AUDIT_L0_DIRTY]	= "l0_dirty",
	[KHN_AUDIT_NO_RMAP]	= "no_rmap",
	[KHN_AUDIT_EXTRA_RMAP]	= "extra_rmap",
	[KHN_AUDIT_LEAF_COUNT]	= "leaf_count",
};

/**
 * khn_audit_rule_name() - the name a report gives a rule
 * @rule:	the rule
 *
 * Return: a short lower-case name, or "?" for no rule.
 */
const char *khn_audit_rule_name(enum khn_audit_rule rule)
{
	if ((unsigned int)rule >= ARRAY_SIZE(audit_rule_names))
		return "?";
	return audit_rule_names[rule];
}
EXPORT_SYMBOL_IF_KUNIT(khn_audit_rule_name);

/**
 * khn_audit_init() - an empty result
 * @a:	the result to clear
 */
void khn_audit_init(struct khn_audit *a)
{
	memset(a, 0, sizeof(*a));
}
EXPORT_SYMBOL_IF_KUNIT(khn_audit_init);

static void violation(struct khn_audit *a, enum khn_audit_rule rule, u32 lpid,
		      u64 l2_ra, u64 l1_ra, unsigned int shift)
{
	a->violations++;
	a->by_rule[rule]++;
	if (a->nr_kept < ARRAY_SIZE(a->kept))
		a->kept[a->nr_kept++] = (struct khn_audit_violation) {
			.rule = rule, .lpid = lpid, .l2_ra = l2_ra,
			.l1_ra = l1_ra, .shift = shift,
		};
}

/**
 * struct audit_walk - state of the audit of one tree
 * @a:		the result
 * @sh:		the tree
 * @rm:		the rmap that must know its leaves
 * @ops:	L0's view
 * @l2_ra:	the leaf being looked for in the rmap
 * @shift:	its size
 * @found:	an rmap entry for it was found
 */
struct audit_walk {
	struct khn_audit *a;
	const struct khn_shadow *sh;
	struct khn_nrmap *rm;
	const struct khn_audit_ops *ops;
	u64 l2_ra;
	unsigned int shift;
	bool found;
};

static void rmap_visit(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
		       unsigned int shift)
{
	struct audit_walk *w = arg;

	if (lpid == w->sh->lpid && l2_ra == w->l2_ra && shift == w->shift)
		w->found = true;
}

/* Would unmapping the L1 page at @page find the leaf? */
static bool rmap_finds(struct audit_walk *w, u64 page)
{
	w->found = false;
	khn_nrmap_for_range(w->rm, page, page + SZ_4K, false, rmap_visit, w);
	return w->found;
}

static bool may_read(u64 pte)
{
	return pte & (KHN_RPTE_READ | KHN_RPTE_RW);
}

/* The leaf allows nothing L0's PTE does not. */
static bool perm_ok(u64 leaf, u64 l0)
{
	if ((leaf & KHN_RPTE_RW) && !(l0 & KHN_RPTE_RW))
		return false;
	if ((leaf & KHN_RPTE_EXEC) && !(l0 & KHN_RPTE_EXEC))
		return false;
	return !may_read(leaf) || may_read(l0);
}

/* Check L0's mapping of the origin against the leaf. */
static void audit_l0(struct audit_walk *w, u64 addr, u64 pte,
		     unsigned int shift, u64 origin)
{
	const struct khn_audit_ops *ops = w->ops;
	u32 lpid = w->sh->lpid;
	unsigned int l0_shift;
	u64 l0, want;

	if (!ops->l1_mem(ops->ctx, origin, BIT_ULL(shift))) {
		violation(w->a, KHN_AUDIT_NOT_L1_MEM, lpid, addr, origin, shift);
		return;
	}
	if (ops->l0_leaf(ops->ctx, origin, &l0, &l0_shift) ||
	    !(l0 & KHN_RPTE_V)) {
		violation(w->a, KHN_AUDIT_L0_UNMAPPED, lpid, addr, origin,
			  shift);
		return;
	}
	if (l0_shift < shift) {
		violation(w->a, KHN_AUDIT_L0_SIZE, lpid, addr, origin, shift);
		return;
	}
	want = (l0 & KHN_RPTE_RPN & ~(BIT_ULL(l0_shift) - 1)) |
	       (origin & (BIT_ULL(l0_shift) - 1));
	if ((pte & KHN_RPTE_RPN) != want)
		violation(w->a, KHN_AUDIT_L0_PAGE, lpid, addr, origin, shift);
	if (!perm_ok(pte, l0))
		violation(w->a, KHN_AUDIT_L0_PERM, lpid, addr, origin, shift);
	if ((pte & KHN_RPTE_RW) && (pte & KHN_RPTE_C) && !(l0 & KHN_RPTE_C))
		violation(w->a, KHN_AUDIT_L0_DIRTY, lpid, addr, origin, shift);
}

static int audit_leaf(void *arg, u64 addr, u64 pte, unsigned int shift,
		      u64 origin)
{
	struct audit_walk *w = arg;

	w->a->leaves++;
	switch (shift) {
	case KHN_SHIFT_4K:
		w->a->by_size[KHN_AUDIT_4K]++;
		break;
	case KHN_SHIFT_64K:
		w->a->by_size[KHN_AUDIT_64K]++;
		break;
	case KHN_SHIFT_2M:
		w->a->by_size[KHN_AUDIT_2M]++;
		break;
	case KHN_SHIFT_1G:
		w->a->by_size[KHN_AUDIT_1G]++;
		break;
	}
	w->l2_ra = addr;
	w->shift = shift;
	if (!rmap_finds(w, origin) ||
	    !rmap_finds(w, origin + BIT_ULL(shift) - SZ_4K))
		violation(w->a, KHN_AUDIT_NO_RMAP, w->sh->lpid, addr, origin,
			  shift);
	audit_l0(w, addr, pte, shift, origin);
	return 0;
}

/**
 * khn_audit_tree() - audit every leaf of one shadow tree
 * @a:		the result, added to
 * @sh:		the tree
 * @rm:		the nested rmap of its L1 (read only: nothing is removed)
 * @ops:	L0's view of the L1's memory
 *
 * Return: 0, or -EINVAL for a missing op.
 */
int khn_audit_tree(struct khn_audit *a, const struct khn_shadow *sh,
		   struct khn_nrmap *rm, const struct khn_audit_ops *ops)
{
	struct audit_walk w = { .a = a, .sh = sh, .rm = rm, .ops = ops };
	unsigned long before = a->leaves;
	int err;

	if (!ops || !ops->l0_leaf || !ops->l1_mem)
		return -EINVAL;
	a->trees++;
	err = khn_shadow_walk_leaves(sh, audit_leaf, &w);
	if (!err && a->leaves - before != sh->nr_leaves)
		violation(a, KHN_AUDIT_LEAF_COUNT, sh->lpid, 0, 0, 0);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(khn_audit_tree);

/**
 * khn_audit_rmap_total() - after every tree of an L1: no extra entries
 * @a:		the result of auditing all the L1's trees, added to
 * @rm:		its nested rmap
 *
 * Every entry belongs to a leaf, so there are no more entries than leaves;
 * each surplus entry counts as one violation.
 */
void khn_audit_rmap_total(struct khn_audit *a, const struct khn_nrmap *rm)
{
	unsigned long extra;

	if (rm->nr_entries <= a->leaves)
		return;
	extra = rm->nr_entries - a->leaves;
	a->violations += extra;
	a->by_rule[KHN_AUDIT_EXTRA_RMAP] += extra;
	if (a->nr_kept < ARRAY_SIZE(a->kept))
		a->kept[a->nr_kept++] = (struct khn_audit_violation) {
			.rule = KHN_AUDIT_EXTRA_RMAP,
		};
}
EXPORT_SYMBOL_IF_KUNIT(khn_audit_rmap_total);
