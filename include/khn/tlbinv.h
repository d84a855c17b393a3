/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLB-invalidation requests from L1 (H_TLB_INVALIDATE carries a tlbie's
 * operands; nested H_RPT_INVALIDATE carries a range): decoding, checking,
 * and the decision of which shadow entries to drop and which hardware
 * flushes to issue.  Arch-neutral; the hardware is reached through
 * struct khn_tlb_ops.
 */
#ifndef _KHN_TLBINV_H
#define _KHN_TLBINV_H

#include <linux/bits.h>
#include <linux/types.h>

#include "khn/radix.h"

struct khn_shadow;
struct khn_tlb_ops;

/* H_TLB_INVALIDATE first parameter: RIC, PRS, R as placed in a tlbie */
#define KHN_TLBIE_P1_R		BIT_ULL(16)
#define KHN_TLBIE_P1_PRS	BIT_ULL(17)
#define KHN_TLBIE_P1_RIC	GENMASK_ULL(19, 18)
/* RB operand */
#define KHN_TLBIE_RB_EPN	GENMASK_ULL(63, 12)
#define KHN_TLBIE_RB_IS		GENMASK_ULL(11, 10)
#define KHN_TLBIE_RB_AP		GENMASK_ULL(7, 5)

/* RIC values */
#define KHN_RIC_TLB		0	/* translations only */
#define KHN_RIC_PWC		1	/* page-walk cache only */
#define KHN_RIC_ALL		2	/* both, and cached table entries */

/* IS values (invalidation scope) */
#define KHN_IS_VA		0	/* one page (EPN, AP) */
#define KHN_IS_PID		1	/* one PID (process scope) */
#define KHN_IS_LPID		2	/* one LPID */
#define KHN_IS_ALL		3	/* all LPIDs */

/* tlbie RS operand: PID in the high word, LPID in the low word */
#define KHN_TLBIE_RS_PID	GENMASK_ULL(63, 32)
#define KHN_TLBIE_RS_LPID	GENMASK_ULL(31, 0)

/* AP (actual page size) encodings of the radix page sizes */
#define KHN_AP_4K		0
#define KHN_AP_2M		1
#define KHN_AP_1G		2
#define KHN_AP_64K		5

/* L1 gives its L2s LPIDs below 2^12 (at most 4096 L2s per L1) */
#define KHN_L2_LPID_BITS	12

/*
 * H_RPT_INVALIDATE type bits and page-size bits (PAPR).  Bit 3 means PRT
 * (process table entries) when KHN_RPTI_TYPE_NESTED is clear, and PAT
 * (partition table entries) when it is set.
 */
#define KHN_RPTI_TYPE_NESTED	0x0001	/* id is an L2 LPID: partition scope */
#define KHN_RPTI_TYPE_TLB	0x0002	/* translations */
#define KHN_RPTI_TYPE_PWC	0x0004	/* page-walk cache */
#define KHN_RPTI_TYPE_PRT	0x0008	/* cached process table entries */
#define KHN_RPTI_TYPE_PAT	0x0008	/* cached partition table entries */
#define KHN_RPTI_TYPE_MASK	0x000f
#define KHN_RPTI_PAGE_4K	0x01
#define KHN_RPTI_PAGE_64K	0x02
#define KHN_RPTI_PAGE_2M	0x04
#define KHN_RPTI_PAGE_1G	0x08
#define KHN_RPTI_PAGE_MASK	0x0f
#define KHN_RPTI_PAGE_ALL	(-1ULL)
#define KHN_RPTI_END_ALL	(-1ULL)	/* end: up to the top of the space */

/*
 * A process-scoped range that ends above KHN_RPT_PROCESS_TOP (within the
 * last 1G step below 2^64), or spans more than KHN_RPT_PROCESS_PAGES_MAX
 * pages of the smallest size asked for, is decided as a whole-PID flush:
 * see khn_rpt_decide().
 */
#define KHN_RPT_PROCESS_TOP		(0ULL - BIT_ULL(KHN_SHIFT_1G))
#define KHN_RPT_PROCESS_PAGES_MAX	32

/*
 * Top of the L2-real address space a shadow can map (POWER9: 52 bits,
 * KHN_SHADOW_VA_END); partition-scoped ranges are clipped to it.
 */
#define KHN_TLB_ADDR_END	BIT_ULL(KHN_RTS_BITS_MAX)

/**
 * struct khn_tlbie - a checked tlbie request from L1
 * @ric:	what to invalidate (KHN_RIC_*)
 * @prs:	process-scoped (true) or partition-scoped
 * @radix:	the R operand: radix translations (always true once checked)
 * @is:		scope (KHN_IS_*)
 * @lpid:	L1's LPID of the L2 (from RS), for IS < 3; 0 for IS = 3
 * @pid:	process ID (from RS), for process-scoped requests with IS < 2
 * @addr:	L2-real (partition scope) or effective address, IS = 0
 * @shift:	page shift from AP, IS = 0
 */
struct khn_tlbie {
	u8 ric;
	bool prs;
	bool radix;
	u8 is;
	u32 lpid;
	u32 pid;
	u64 addr;
	unsigned int shift;
};

/* What a request asks of L0 (flags of struct khn_tlb_decision) */
#define KHN_TLBD_UNMAP		0x01	/* drop shadow leaves in [start, end) */
#define KHN_TLBD_DROP_TREE	0x02	/* drop the whole shadow tree */
#define KHN_TLBD_FLUSH_PAGES	0x04	/* hardware flush of the leaves dropped */
#define KHN_TLBD_FLUSH_PWC	0x08	/* hardware PWC flush */
#define KHN_TLBD_FLUSH_LPID	0x10	/* hardware flush of the whole LPID */
#define KHN_TLBD_REFRESH_PATE	0x20	/* re-read L1's partition table entry */
#define KHN_TLBD_ALL_LPIDS	0x40	/* applies to every L2 of this L1 */
#define KHN_TLBD_PROCESS	0x80	/* process scope: @pid, effective addrs */

/**
 * struct khn_tlb_decision - what L0 does for one request
 * @flags:	KHN_TLBD_*.  At most one of UNMAP and DROP_TREE; FLUSH_PWC
 *		never with FLUSH_LPID (which includes the PWC)
 * @lpid:	L1's LPID of the L2 concerned (unless KHN_TLBD_ALL_LPIDS,
 *		or a process-scoped H_RPT_INVALIDATE, whose L2 is the caller)
 * @pid:	process ID, with KHN_TLBD_PROCESS
 * @start:	first address concerned (KHN_TLBD_UNMAP / FLUSH_PAGES; with
 *		KHN_TLBD_PROCESS, the effective-address range a per-page
 *		process-scoped flush may loop over, see khn_rpt_decide())
 * @end:	one past the last
 * @shift:	page shift of the request: AP's for a one-page tlbie, the
 *		largest size asked for a partition-scoped range (@start and
 *		@end are aligned to it); 0 otherwise
 *
 * KHN_TLBD_FLUSH_PAGES flushes exactly the leaves KHN_TLBD_UNMAP drops, as
 * khn_shadow_unmap() does: page by page, or the whole LPID once when more
 * than KHN_SHADOW_FLUSH_PAGES_MAX leaves go.  That is the threshold of a
 * large range: what counts is the number of leaves dropped, not the size
 * of the range (the TLB can only hold translations of leaves the shadow
 * has, so a sparse 1T range costs a few tlbies, a dense 1M one a single
 * LPID flush).
 *
 * A process-scoped request never changes a shadow tree (the shadow is
 * partition-scoped); it asks for KHN_TLBD_PROCESS | KHN_TLBD_FLUSH_LPID:
 * struct khn_tlb_ops has no process-scoped flush, and a flush of the
 * shadow LPID removes every translation of the L2, process-scoped ones
 * included.  @pid, @start, @end and @shift say what a narrower flush
 * would have to cover.
 */
struct khn_tlb_decision {
	unsigned int flags;
	u32 lpid;
	u32 pid;
	u64 start;
	u64 end;
	unsigned int shift;
};

long khn_tlbie_decode(u64 p1, u64 rs, u64 rb, struct khn_tlbie *t);
void khn_tlbie_decide(const struct khn_tlbie *t, struct khn_tlb_decision *d);
long khn_rpt_decide(u64 id, u64 type, u64 pg_sizes, u64 start, u64 end,
		    struct khn_tlb_decision *d);
unsigned long khn_tlb_apply(const struct khn_tlb_decision *d,
			    struct khn_shadow *sh);

#endif /* _KHN_TLBINV_H */
