// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLB invalidation requested by L1: the operands of H_TLB_INVALIDATE (a
 * tlbie's) or of H_RPT_INVALIDATE are checked and turned into a decision
 * (struct khn_tlb_decision): which shadow leaves to drop and which
 * hardware flushes to issue.  khn_tlb_apply() carries a decision out on
 * one L2's shadow tree.
 *
 * Deciding is pure: no lock, no memory.  Applying changes a shadow tree
 * and so follows the shadow's locking rule (include/khn/shadow.h): the
 * caller holds the L1 VM's mmu_lock.
 */

#include <linux/array_size.h>
#include <linux/bitfield.h>
#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/shadow.h"
#include "khn/tlbinv.h"

#define KHN_TLBIE_P1_ALL	(KHN_TLBIE_P1_R | KHN_TLBIE_P1_PRS | \
				 KHN_TLBIE_P1_RIC)
#define KHN_RIC_RESERVED	3

/*
 * The page shift an AP value names, or 0 if it is not one of the four
 * radix page sizes.
 */
static unsigned int khn_ap_shift(unsigned int ap)
{
	switch (ap) {
	case KHN_AP_4K:
		return KHN_SHIFT_4K;
	case KHN_AP_64K:
		return KHN_SHIFT_64K;
	case KHN_AP_2M:
		return KHN_SHIFT_2M;
	case KHN_AP_1G:
		return KHN_SHIFT_1G;
	}
	return 0;
}

/*
 * The ISA's invalid forms of a radix tlbie, given RIC, PRS and IS: a
 * partition-scoped request cannot name a PID (IS = 1), and a single-page
 * request (IS = 0) invalidates translations only (RIC = 0).
 */
static bool khn_tlbie_form_valid(unsigned int ric, bool prs, unsigned int is)
{
	if (ric == KHN_RIC_RESERVED)
		return false;
	if (!prs && is == KHN_IS_PID)
		return false;
	if (is == KHN_IS_VA && ric != KHN_RIC_TLB)
		return false;
	return true;
}

/**
 * khn_tlbie_decode() - check the operands of an H_TLB_INVALIDATE
 * @p1:	RIC, PRS and R placed as in a tlbie instruction (KHN_TLBIE_P1_*)
 * @rs:	the RS operand: LPID in the low word; PID in the high word for
 *	process-scoped requests (ignored otherwise)
 * @rb:	the RB operand: EPN, IS, AP (KHN_TLBIE_RB_*); EPN and AP matter
 *	for IS = 0 only
 * @t:	filled with the decoded request on success
 *
 * Refused: a bit of @p1 outside R, PRS and RIC; R = 0 (HPT); RIC = 3;
 * IS = 1 in partition scope; IS = 0 with RIC != 0; for IS < 3 an LPID of
 * KHN_L2_LPID_BITS bits or more; for IS = 0 an AP that is not a radix page
 * size, an EPN not aligned to that size, and in partition scope an
 * address beyond the 52-bit real address space.
 *
 * Return: KHN_H_SUCCESS, or KHN_H_PARAMETER (the one error the nested-HV
 * ABI gives for H_TLB_INVALIDATE) with @t untouched.
 */
long khn_tlbie_decode(u64 p1, u64 rs, u64 rb, struct khn_tlbie *t)
{
	unsigned int ric = FIELD_GET(KHN_TLBIE_P1_RIC, p1);
	unsigned int is = FIELD_GET(KHN_TLBIE_RB_IS, rb);
	bool prs = p1 & KHN_TLBIE_P1_PRS;
	u32 lpid = FIELD_GET(KHN_TLBIE_RS_LPID, rs);
	unsigned int shift = 0;
	u64 addr = 0;

	if (p1 & ~KHN_TLBIE_P1_ALL)
		return KHN_H_PARAMETER;
	if (!(p1 & KHN_TLBIE_P1_R))
		return KHN_H_PARAMETER;
	if (!khn_tlbie_form_valid(ric, prs, is))
		return KHN_H_PARAMETER;
	if (is == KHN_IS_ALL)
		lpid = 0;
	else if (lpid >> KHN_L2_LPID_BITS)
		return KHN_H_PARAMETER;
	if (is == KHN_IS_VA) {
		shift = khn_ap_shift(FIELD_GET(KHN_TLBIE_RB_AP, rb));
		if (!shift)
			return KHN_H_PARAMETER;
		addr = rb & KHN_TLBIE_RB_EPN;
		if (addr & (BIT_ULL(shift) - 1))
			return KHN_H_PARAMETER;
		if (!prs && addr >= KHN_TLB_ADDR_END)
			return KHN_H_PARAMETER;
	}

	memset(t, 0, sizeof(*t));
	t->ric = ric;
	t->prs = prs;
	t->radix = true;
	t->is = is;
	t->lpid = lpid;
	if (prs && is <= KHN_IS_PID)
		t->pid = FIELD_GET(KHN_TLBIE_RS_PID, rs);
	t->addr = addr;
	t->shift = shift;
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_tlbie_decode);

/*
 * What a whole-LPID request (IS = 2 or 3) asks, by RIC: translations
 * (the tree goes with them), the page-walk cache only, or everything
 * including the cached partition table entry.
 */
static unsigned int khn_lpid_flags(unsigned int ric)
{
	switch (ric) {
	case KHN_RIC_PWC:
		return KHN_TLBD_FLUSH_PWC;
	case KHN_RIC_ALL:
		return KHN_TLBD_DROP_TREE | KHN_TLBD_FLUSH_LPID |
		       KHN_TLBD_REFRESH_PATE;
	}
	return KHN_TLBD_DROP_TREE | KHN_TLBD_FLUSH_LPID;
}

/**
 * khn_tlbie_decide() - what L0 does for a checked tlbie request
 * @t:	a request from khn_tlbie_decode()
 * @d:	filled with the decision
 *
 * Partition scope: IS = 0 drops the shadow leaves of the page
 * [addr, addr + 2^shift) and flushes them; IS = 2 (one L2) and IS = 3
 * (every L2, KHN_TLBD_ALL_LPIDS) drop the whole shadow tree and flush
 * the LPID for RIC = 0, flush the page-walk cache only for RIC = 1, and
 * for RIC = 2 also have the caller re-read L1's partition table entry.
 *
 * Process scope changes no shadow (the shadow tree is partition-scoped):
 * the L2's shadow LPID is flushed (all L2s for IS = 3), see struct
 * khn_tlb_decision.
 */
void khn_tlbie_decide(const struct khn_tlbie *t, struct khn_tlb_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->lpid = t->lpid;
	d->pid = t->pid;
	if (t->is == KHN_IS_VA) {
		d->start = t->addr;
		d->end = t->addr + BIT_ULL(t->shift);
		d->shift = t->shift;
	}

	if (t->prs)
		d->flags = KHN_TLBD_PROCESS | KHN_TLBD_FLUSH_LPID;
	else if (t->is == KHN_IS_VA)
		d->flags = KHN_TLBD_UNMAP | KHN_TLBD_FLUSH_PAGES;
	else
		d->flags = khn_lpid_flags(t->ric);
	if (t->is == KHN_IS_ALL)
		d->flags |= KHN_TLBD_ALL_LPIDS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_tlbie_decide);

/* Page shifts of an H_RPT_INVALIDATE page-size mask, smallest first */
static const struct {
	u64 bit;
	unsigned int shift;
} khn_rpt_sizes[] = {
	{ KHN_RPTI_PAGE_4K,	KHN_SHIFT_4K },
	{ KHN_RPTI_PAGE_64K,	KHN_SHIFT_64K },
	{ KHN_RPTI_PAGE_2M,	KHN_SHIFT_2M },
	{ KHN_RPTI_PAGE_1G,	KHN_SHIFT_1G },
};

/* The largest page shift a (checked) page-size mask asks for */
static unsigned int khn_rpt_max_shift(u64 pg_sizes)
{
	unsigned int i, shift = 0;

	for (i = 0; i < ARRAY_SIZE(khn_rpt_sizes); i++)
		if (pg_sizes & khn_rpt_sizes[i].bit)
			shift = khn_rpt_sizes[i].shift;
	return shift;
}

/*
 * Process scope: the caller hands the range to a loop that steps it one
 * page at a time (do_h_rpt_invalidate_prt()).  A range reaching into the
 * last step of the largest page size below 2^64 could wrap that step, and
 * a long one costs one tlbie per page: both become a whole-PID flush.
 */
static void khn_rpt_process(u64 id, u64 pg_sizes, u64 start, u64 end,
			    struct khn_tlb_decision *d)
{
	unsigned int i, shift = KHN_SHIFT_1G;

	for (i = 0; i < ARRAY_SIZE(khn_rpt_sizes); i++) {
		if (pg_sizes & khn_rpt_sizes[i].bit) {
			shift = khn_rpt_sizes[i].shift;
			break;
		}
	}
	d->flags = KHN_TLBD_PROCESS | KHN_TLBD_FLUSH_LPID;
	d->pid = id;
	d->start = start;
	d->end = end;
	if (end > KHN_RPT_PROCESS_TOP ||
	    (end - start) >> shift > KHN_RPT_PROCESS_PAGES_MAX) {
		d->start = 0;
		d->end = KHN_RPTI_END_ALL;
	}
}

/* Range rule of H_RPT_INVALIDATE: see khn_rpt_decide() */
static long khn_rpt_check_range(u64 start, u64 end)
{
	u64 page = BIT_ULL(KHN_SHIFT_4K) - 1;

	if (start & page)
		return KHN_H_P5;
	if (end == KHN_RPTI_END_ALL)
		return KHN_H_SUCCESS;
	if (end <= start)
		return KHN_H_P5;
	if (end & page)
		return KHN_H_P6;
	return KHN_H_SUCCESS;
}

/*
 * Partition-scoped H_RPT_INVALIDATE of [start, end) for one L2.  A page of
 * any size asked for that overlaps the range goes as a whole, and L0 may
 * have backed it with smaller shadow leaves: the range grows to the
 * largest size asked for.
 */
static void khn_rpt_partition(u64 type, u64 pg_sizes, u64 start, u64 end,
			      struct khn_tlb_decision *d)
{
	u64 size;

	if (type & KHN_RPTI_TYPE_PAT) {
		/* A new PATE may name a new tree: nothing derived survives */
		d->flags = KHN_TLBD_DROP_TREE | KHN_TLBD_FLUSH_LPID |
			   KHN_TLBD_REFRESH_PATE;
		return;
	}
	if (type & KHN_RPTI_TYPE_TLB) {
		if (start == 0 && end == KHN_RPTI_END_ALL) {
			d->flags = KHN_TLBD_DROP_TREE | KHN_TLBD_FLUSH_LPID;
			return;
		}
		d->shift = khn_rpt_max_shift(pg_sizes);
		size = BIT_ULL(d->shift);
		d->start = min(round_down(start, size), KHN_TLB_ADDR_END);
		d->end = round_up(min(end, KHN_TLB_ADDR_END), size);
		if (d->start < d->end)
			d->flags = KHN_TLBD_UNMAP | KHN_TLBD_FLUSH_PAGES;
	}
	if (type & KHN_RPTI_TYPE_PWC)
		d->flags |= KHN_TLBD_FLUSH_PWC;
}

/**
 * khn_rpt_decide() - check an H_RPT_INVALIDATE and decide what L0 does
 * @id:		with KHN_RPTI_TYPE_NESTED, L1's LPID of the L2 (partition
 *		scope); without, the PID of a process-scoped request of the
 *		running L2
 * @type:	KHN_RPTI_TYPE_* bits
 * @pg_sizes:	KHN_RPTI_PAGE_* bits, or KHN_RPTI_PAGE_ALL
 * @start:	first address (4K aligned)
 * @end:	one past the last (4K aligned), or KHN_RPTI_END_ALL
 * @d:		filled with the decision on success
 *
 * Checked in the order of the parameters that fail (the range first):
 * @start misaligned, or the range empty or wrapping (@end <= @start):
 * KHN_H_P5; @end misaligned: KHN_H_P6; @type with unknown bits or none of
 * TLB, PWC, PRT/PAT: KHN_H_P3; @pg_sizes empty or with unknown bits (other
 * than KHN_RPTI_PAGE_ALL): KHN_H_P4; an LPID of KHN_L2_LPID_BITS bits or
 * more, or a PID beyond 32 bits: KHN_H_PARAMETER.
 *
 * Partition scope (NESTED): PAT drops the whole tree, flushes the LPID and
 * has the caller re-read the PATE (a new entry may name a new tree); TLB
 * over [0, KHN_RPTI_END_ALL) drops the tree and flushes the LPID; TLB over
 * a range drops the shadow leaves of the range, grown to the largest page
 * size in @pg_sizes and clipped to KHN_TLB_ADDR_END, and flushes them (one
 * by one, or the LPID past KHN_SHADOW_FLUSH_PAGES_MAX leaves: see struct
 * khn_tlb_decision); PWC flushes the page-walk cache (unless the LPID is
 * flushed, which includes it).  Process scope: no shadow change, a
 * flush of the L2's shadow LPID (see struct khn_tlb_decision); the range
 * of the decision is the one to hand to a per-page loop: [@start, @end),
 * or the whole PID ([0, KHN_RPTI_END_ALL)) when the range ends above
 * KHN_RPT_PROCESS_TOP (a 1G step could wrap) or spans more than
 * KHN_RPT_PROCESS_PAGES_MAX pages of the smallest size in @pg_sizes.
 *
 * Return: KHN_H_SUCCESS or the error above, with @d untouched.
 */
long khn_rpt_decide(u64 id, u64 type, u64 pg_sizes, u64 start, u64 end,
		    struct khn_tlb_decision *d)
{
	bool nested = type & KHN_RPTI_TYPE_NESTED;
	u64 what = KHN_RPTI_TYPE_TLB | KHN_RPTI_TYPE_PWC | KHN_RPTI_TYPE_PAT;
	long rc;

	rc = khn_rpt_check_range(start, end);
	if (rc != KHN_H_SUCCESS)
		return rc;
	if ((type & ~KHN_RPTI_TYPE_MASK) || !(type & what))
		return KHN_H_P3;
	if (pg_sizes != KHN_RPTI_PAGE_ALL &&
	    (!pg_sizes || (pg_sizes & ~KHN_RPTI_PAGE_MASK)))
		return KHN_H_P4;
	if (nested ? id >> KHN_L2_LPID_BITS : id >> 32)
		return KHN_H_PARAMETER;

	memset(d, 0, sizeof(*d));
	if (!nested) {
		khn_rpt_process(id, pg_sizes, start, end, d);
		return KHN_H_SUCCESS;
	}
	d->lpid = id;
	khn_rpt_partition(type, pg_sizes, start, end, d);
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_rpt_decide);

static_assert(KHN_TLB_ADDR_END == KHN_SHADOW_VA_END);

/**
 * khn_tlb_apply() - carry a decision out on one L2's shadow tree
 * @d:	a decision from khn_tlbie_decide() or khn_rpt_decide()
 * @sh:	the shadow of the L2 it concerns; with KHN_TLBD_ALL_LPIDS the
 *	caller applies it to each of the L1's shadows in turn
 *
 * KHN_TLBD_UNMAP drops the leaves overlapping [start, end) with
 * khn_shadow_unmap(), which flushes them (and the PWC if tables go).
 * KHN_TLBD_DROP_TREE drops every leaf and table below the root (the root,
 * and so the shadow's partition table entry, stay) and the LPID is
 * flushed once, unless khn_shadow_unmap() already had to.  FLUSH_LPID and
 * FLUSH_PWC are issued through @sh->tlb on @sh->lpid; a process-scoped
 * decision is a flush of the LPID and nothing else.  KHN_TLBD_REFRESH_PATE
 * is the caller's (re-read L1's entry with khn_pate_read()).  The dropped
 * leaves are reported to @sh's notifier, which keeps the rmap in step.
 *
 * Context: the caller holds the lock that serialises changes to @sh.
 * Return: the number of shadow leaves dropped.
 */
unsigned long khn_tlb_apply(const struct khn_tlb_decision *d,
			    struct khn_shadow *sh)
{
	const struct khn_tlb_ops *tlb = sh->tlb;
	bool lpid_flushed = false;
	long n = 0;

	if (d->flags & KHN_TLBD_DROP_TREE) {
		n = khn_shadow_unmap(sh, 0, KHN_SHADOW_VA_END, NULL, NULL);
		lpid_flushed = n > KHN_SHADOW_FLUSH_PAGES_MAX;
	} else if ((d->flags & KHN_TLBD_UNMAP) && d->start < d->end) {
		n = khn_shadow_unmap(sh, d->start, min(d->end, KHN_SHADOW_VA_END),
				     NULL, NULL);
	}
	if (n < 0)	/* a range no decide function makes: nothing done */
		n = 0;

	if ((d->flags & KHN_TLBD_FLUSH_LPID) && !lpid_flushed)
		tlb->flush_lpid(tlb->ctx, sh->lpid);
	else if (d->flags & KHN_TLBD_FLUSH_PWC)
		tlb->flush_pwc(tlb->ctx, sh->lpid);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(khn_tlb_apply);
