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

#include <linux/types.h>

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

/* H_RPT_INVALIDATE type bits and page-size bits (PAPR) */
#define KHN_RPTI_TYPE_TLB	0x0001
#define KHN_RPTI_TYPE_PWC	0x0002
#define KHN_RPTI_TYPE_PRT	0x0004
#define KHN_RPTI_TYPE_PAT	0x0008
#define KHN_RPTI_TYPE_NESTED	0x0010
#define KHN_RPTI_PAGE_4K	0x01
#define KHN_RPTI_PAGE_64K	0x02
#define KHN_RPTI_PAGE_2M	0x04
#define KHN_RPTI_PAGE_1G	0x08
#define KHN_RPTI_PAGE_ALL	(-1ULL)

/**
 * struct khn_tlbie - a checked tlbie request from L1
 * @ric:	what to invalidate (KHN_RIC_*)
 * @prs:	process-scoped (true) or partition-scoped
 * @radix:	the R operand: radix translations
 * @is:		scope (KHN_IS_*)
 * @lpid:	L1's LPID of the L2 (from RS), for IS < 3
 * @pid:	process ID (from RS), for process-scoped requests
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
#define KHN_TLBD_FLUSH_PAGES	0x04	/* hardware flush of [start, end) */
#define KHN_TLBD_FLUSH_PWC	0x08	/* hardware PWC flush */
#define KHN_TLBD_FLUSH_LPID	0x10	/* hardware flush of the whole LPID */
#define KHN_TLBD_REFRESH_PATE	0x20	/* re-read L1's partition table entry */
#define KHN_TLBD_ALL_LPIDS	0x40	/* applies to every L2 of this L1 */

/**
 * struct khn_tlb_decision - what L0 does for one request
 * @flags:	KHN_TLBD_*
 * @lpid:	L1's LPID of the L2 concerned (unless KHN_TLBD_ALL_LPIDS)
 * @start:	first L2-real address concerned (KHN_TLBD_UNMAP / FLUSH_PAGES)
 * @end:	one past the last
 * @shift:	page size of the flushes
 */
struct khn_tlb_decision {
	unsigned int flags;
	u32 lpid;
	u64 start;
	u64 end;
	unsigned int shift;
};

long khn_tlbie_decode(u64 p1, u64 rs, u64 rb, struct khn_tlbie *t);
void khn_tlbie_decide(const struct khn_tlbie *t, struct khn_tlb_decision *d);
long khn_rpt_decide(u64 lpid, u64 type, u64 pg_sizes, u64 start, u64 end,
		    struct khn_tlb_decision *d);
unsigned long khn_tlb_apply(const struct khn_tlb_decision *d,
			    struct khn_shadow *sh);

#endif /* _KHN_TLBINV_H */
