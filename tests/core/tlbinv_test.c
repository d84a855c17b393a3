// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLB-invalidation requests from L1: which operands of H_TLB_INVALIDATE and
 * H_RPT_INVALIDATE are refused with which PAPR code, and what L0 does for
 * the others.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/string.h>

#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/tlbinv.h"

/* Operands as L1 builds them (usable in static initialisers and loops) */
#define FLD(mask, v)	(((u64)(v) << __builtin_ctzll(mask)) & (mask))
#define P1(ric, prs, r)	(FLD(KHN_TLBIE_P1_RIC, ric) |			\
			 FLD(KHN_TLBIE_P1_PRS, prs) | FLD(KHN_TLBIE_P1_R, r))
#define RS(pid, lpid)	(((u64)(pid) << 32) | (u32)(lpid))
#define RB(addr, is, ap) ((u64)(addr) | FLD(KHN_TLBIE_RB_IS, is) |	\
			  FLD(KHN_TLBIE_RB_AP, ap))

#define SZ_4K_	BIT_ULL(KHN_SHIFT_4K)
#define SZ_64K_	BIT_ULL(KHN_SHIFT_64K)
#define SZ_2M_	BIT_ULL(KHN_SHIFT_2M)
#define SZ_1G_	BIT_ULL(KHN_SHIFT_1G)

#define UNMAP	KHN_TLBD_UNMAP
#define DROP	KHN_TLBD_DROP_TREE
#define PAGES	KHN_TLBD_FLUSH_PAGES
#define PWC	KHN_TLBD_FLUSH_PWC
#define LPID	KHN_TLBD_FLUSH_LPID
#define PATE	KHN_TLBD_REFRESH_PATE
#define ALL	KHN_TLBD_ALL_LPIDS
#define PROC	KHN_TLBD_PROCESS

#define BAD	KHN_H_PARAMETER

struct tlbie_case {
	const char *desc;
	u64 p1, rs, rb;
	long rc;
	/* the decision, when rc is KHN_H_SUCCESS */
	unsigned int flags;
	u32 lpid, pid;
	u64 start, end;
	unsigned int shift;
};

/* A request for L2 7 (pid 0x55 where process-scoped) */
#define L2 7
static const struct tlbie_case tlbie_cases[] = {
	/* partition scope, one page: each AP */
	{ "part ric0 is0 4K page", P1(0, 0, 1), RS(0, L2),
	  RB(0x12345000, 0, KHN_AP_4K), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x12345000, 0x12346000, KHN_SHIFT_4K },
	{ "part ric0 is0 64K page", P1(0, 0, 1), RS(0, L2),
	  RB(0x12340000, 0, KHN_AP_64K), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x12340000, 0x12350000, KHN_SHIFT_64K },
	{ "part ric0 is0 2M page", P1(0, 0, 1), RS(0, L2),
	  RB(0x40200000, 0, KHN_AP_2M), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x40200000, 0x40400000, KHN_SHIFT_2M },
	{ "part ric0 is0 1G page", P1(0, 0, 1), RS(0, L2),
	  RB(0x40000000, 0, KHN_AP_1G), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x40000000, 0x80000000, KHN_SHIFT_1G },
	{ "part ric0 is0 last 4K page below 2^52", P1(0, 0, 1), RS(0, L2),
	  RB(KHN_TLB_ADDR_END - SZ_4K_, 0, KHN_AP_4K), KHN_H_SUCCESS,
	  UNMAP | PAGES, L2, 0, KHN_TLB_ADDR_END - SZ_4K_, KHN_TLB_ADDR_END,
	  KHN_SHIFT_4K },
	{ "part ric0 is0 kvm-hv page flush encoding", P1(0, 0, 1), L2,
	  0x7fff0000ULL | (5ULL << 5), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x7fff0000, 0x80000000, KHN_SHIFT_64K },
	{ "part ric0 is0 pid bits ignored", P1(0, 0, 1), RS(0x55, L2),
	  RB(0x1000, 0, KHN_AP_4K), KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x1000, 0x2000, KHN_SHIFT_4K },
	/* partition scope, one page: refused */
	{ "part ric0 is0 ap3 not a page size", P1(0, 0, 1), RS(0, L2),
	  RB(0x1000, 0, 3), BAD },
	{ "part ric0 is0 ap4 not a page size", P1(0, 0, 1), RS(0, L2),
	  RB(0x1000, 0, 4), BAD },
	{ "part ric0 is0 ap6 not a page size", P1(0, 0, 1), RS(0, L2),
	  RB(0x1000, 0, 6), BAD },
	{ "part ric0 is0 ap7 not a page size", P1(0, 0, 1), RS(0, L2),
	  RB(0x1000, 0, 7), BAD },
	{ "part ric0 is0 64K page epn misaligned", P1(0, 0, 1), RS(0, L2),
	  RB(0x12341000, 0, KHN_AP_64K), BAD },
	{ "part ric0 is0 2M page epn misaligned", P1(0, 0, 1), RS(0, L2),
	  RB(0x40210000, 0, KHN_AP_2M), BAD },
	{ "part ric0 is0 1G page epn misaligned", P1(0, 0, 1), RS(0, L2),
	  RB(0x40200000, 0, KHN_AP_1G), BAD },
	{ "part ric0 is0 address at 2^52", P1(0, 0, 1), RS(0, L2),
	  RB(KHN_TLB_ADDR_END, 0, KHN_AP_4K), BAD },
	{ "part ric0 is0 address at top of 64 bits", P1(0, 0, 1), RS(0, L2),
	  RB(0xfffffffffffff000ULL, 0, KHN_AP_4K), BAD },
	{ "part ric1 is0 invalid form", P1(1, 0, 1), RS(0, L2),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	{ "part ric2 is0 invalid form", P1(2, 0, 1), RS(0, L2),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	/* partition scope has no PID */
	{ "part ric0 is1 no pid in partition scope", P1(0, 0, 1), RS(0, L2),
	  RB(0, 1, 0), BAD },
	{ "part ric1 is1 no pid in partition scope", P1(1, 0, 1), RS(0, L2),
	  RB(0, 1, 0), BAD },
	{ "part ric2 is1 no pid in partition scope", P1(2, 0, 1), RS(0, L2),
	  RB(0, 1, 0), BAD },
	/* partition scope, one LPID */
	{ "part ric0 is2 drops the tree", P1(0, 0, 1), RS(0, L2), RB(0, 2, 0),
	  KHN_H_SUCCESS, DROP | LPID, L2 },
	{ "part ric1 is2 pwc only", P1(1, 0, 1), RS(0, L2), RB(0, 2, 0),
	  KHN_H_SUCCESS, PWC, L2 },
	{ "part ric2 is2 tree and pate", P1(2, 0, 1), RS(0, L2), RB(0, 2, 0),
	  KHN_H_SUCCESS, DROP | LPID | PATE, L2 },
	{ "part ric1 is2 kvm-hv pwc flush encoding", P1(1, 0, 1), L2, 0x800,
	  KHN_H_SUCCESS, PWC, L2 },
	{ "part ric2 is2 epn and ap ignored", P1(2, 0, 1), RS(0, L2),
	  RB(0x1234567000ULL, 2, 7), KHN_H_SUCCESS, DROP | LPID | PATE, L2 },
	{ "part ric0 is2 lpid 4095 last", P1(0, 0, 1), RS(0, 4095),
	  RB(0, 2, 0), KHN_H_SUCCESS, DROP | LPID, 4095 },
	{ "part ric0 is2 lpid 0", P1(0, 0, 1), RS(0, 0), RB(0, 2, 0),
	  KHN_H_SUCCESS, DROP | LPID, 0 },
	{ "part ric0 is2 lpid 4096 beyond 12 bits", P1(0, 0, 1), RS(0, 4096),
	  RB(0, 2, 0), BAD },
	{ "part ric0 is0 lpid 0xffffffff", P1(0, 0, 1), RS(0, 0xffffffff),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	/* partition scope, every LPID */
	{ "part ric0 is3 drops every tree", P1(0, 0, 1), RS(0, L2),
	  RB(0, 3, 0), KHN_H_SUCCESS, DROP | LPID | ALL },
	{ "part ric1 is3 pwc of every lpid", P1(1, 0, 1), RS(0, L2),
	  RB(0, 3, 0), KHN_H_SUCCESS, PWC | ALL },
	{ "part ric2 is3 every tree and pate", P1(2, 0, 1), RS(0, L2),
	  RB(0, 3, 0), KHN_H_SUCCESS, DROP | LPID | PATE | ALL },
	{ "part ric0 is3 lpid field ignored", P1(0, 0, 1), RS(0, 0xffffffff),
	  RB(0, 3, 0), KHN_H_SUCCESS, DROP | LPID | ALL },
	/* RIC = 3 is reserved whatever the rest */
	{ "part ric3 is0 reserved", P1(3, 0, 1), RS(0, L2),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	{ "part ric3 is2 reserved", P1(3, 0, 1), RS(0, L2), RB(0, 2, 0), BAD },
	{ "part ric3 is3 reserved", P1(3, 0, 1), RS(0, L2), RB(0, 3, 0), BAD },
	{ "proc ric3 is1 reserved", P1(3, 1, 1), RS(0x55, L2), RB(0, 1, 0),
	  BAD },
	/* R = 0 is an HPT request */
	{ "part ric0 is2 hpt (r=0)", P1(0, 0, 0), RS(0, L2), RB(0, 2, 0), BAD },
	{ "proc ric0 is1 hpt (r=0)", P1(0, 1, 0), RS(0x55, L2), RB(0, 1, 0),
	  BAD },
	/* p1 holds RIC, PRS and R only */
	{ "p1 bit 0 set", P1(0, 0, 1) | 1, RS(0, L2), RB(0, 2, 0), BAD },
	{ "p1 bit 15 set", P1(0, 0, 1) | BIT_ULL(15), RS(0, L2), RB(0, 2, 0),
	  BAD },
	{ "p1 bit 20 set", P1(0, 0, 1) | BIT_ULL(20), RS(0, L2), RB(0, 2, 0),
	  BAD },
	{ "p1 bit 63 set", P1(0, 0, 1) | BIT_ULL(63), RS(0, L2), RB(0, 2, 0),
	  BAD },
	{ "p1 a whole tlbie instruction", 0x7c000264ULL | P1(0, 0, 1),
	  RS(0, L2), RB(0, 2, 0), BAD },
	/* process scope: no shadow change, a flush of the shadow LPID */
	{ "proc ric0 is0 4K page", P1(0, 1, 1), RS(0x55, L2),
	  RB(0x7fff0000, 0, KHN_AP_4K), KHN_H_SUCCESS, PROC | LPID, L2, 0x55,
	  0x7fff0000, 0x7fff1000, KHN_SHIFT_4K },
	{ "proc ric0 is0 64K page in quadrant 3", P1(0, 1, 1), RS(0x55, L2),
	  RB(0xc000000000010000ULL, 0, KHN_AP_64K), KHN_H_SUCCESS,
	  PROC | LPID, L2, 0x55, 0xc000000000010000ULL,
	  0xc000000000020000ULL, KHN_SHIFT_64K },
	{ "proc ric0 is0 ap3 not a page size", P1(0, 1, 1), RS(0x55, L2),
	  RB(0x1000, 0, 3), BAD },
	{ "proc ric0 is0 2M page epn misaligned", P1(0, 1, 1), RS(0x55, L2),
	  RB(0x1000, 0, KHN_AP_2M), BAD },
	{ "proc ric1 is0 invalid form", P1(1, 1, 1), RS(0x55, L2),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	{ "proc ric2 is0 invalid form", P1(2, 1, 1), RS(0x55, L2),
	  RB(0x1000, 0, KHN_AP_4K), BAD },
	{ "proc ric0 is1 one pid", P1(0, 1, 1), RS(0x55, L2), RB(0, 1, 0),
	  KHN_H_SUCCESS, PROC | LPID, L2, 0x55 },
	{ "proc ric1 is1 pwc of one pid", P1(1, 1, 1), RS(0x55, L2),
	  RB(0, 1, 0), KHN_H_SUCCESS, PROC | LPID, L2, 0x55 },
	{ "proc ric2 is1 all of one pid", P1(2, 1, 1), RS(0xfffff, L2),
	  RB(0, 1, 0), KHN_H_SUCCESS, PROC | LPID, L2, 0xfffff },
	{ "proc ric0 is2 every pid", P1(0, 1, 1), RS(0x55, L2), RB(0, 2, 0),
	  KHN_H_SUCCESS, PROC | LPID, L2 },
	{ "proc ric2 is2 every pid", P1(2, 1, 1), RS(0x55, L2), RB(0, 2, 0),
	  KHN_H_SUCCESS, PROC | LPID, L2 },
	{ "proc ric0 is3 every lpid", P1(0, 1, 1), RS(0x55, L2), RB(0, 3, 0),
	  KHN_H_SUCCESS, PROC | LPID | ALL },
	{ "proc ric1 is3 every lpid", P1(1, 1, 1), RS(0x55, L2), RB(0, 3, 0),
	  KHN_H_SUCCESS, PROC | LPID | ALL },
	{ "proc ric0 is1 lpid 4096 beyond 12 bits", P1(0, 1, 1),
	  RS(0x55, 4096), RB(0, 1, 0), BAD },
};

static void tlbie_case_desc(const struct tlbie_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tlbie, tlbie_cases, tlbie_case_desc);

static void expect_decision(struct kunit *test,
			    const struct khn_tlb_decision *d,
			    unsigned int flags, u32 lpid, u32 pid, u64 start,
			    u64 end, unsigned int shift)
{
	KUNIT_EXPECT_EQ(test, d->flags, flags);
	if (!(flags & KHN_TLBD_ALL_LPIDS))
		KUNIT_EXPECT_EQ(test, d->lpid, lpid);
	KUNIT_EXPECT_EQ(test, d->pid, pid);
	KUNIT_EXPECT_EQ(test, d->start, start);
	KUNIT_EXPECT_EQ(test, d->end, end);
	KUNIT_EXPECT_EQ(test, d->shift, shift);
}

static void tlbie_operands_give_papr_code_and_decision(struct kunit *test)
{
	const struct tlbie_case *c = test->param_value;
	struct khn_tlb_decision d;
	struct khn_tlbie t;

	KUNIT_ASSERT_EQ(test, khn_tlbie_decode(c->p1, c->rs, c->rb, &t), c->rc);
	if (c->rc != KHN_H_SUCCESS)
		return;
	KUNIT_EXPECT_EQ(test, t.ric, FIELD_GET(KHN_TLBIE_P1_RIC, c->p1));
	KUNIT_EXPECT_EQ(test, t.prs, !!(c->p1 & KHN_TLBIE_P1_PRS));
	KUNIT_EXPECT_TRUE(test, t.radix);
	KUNIT_EXPECT_EQ(test, t.is, FIELD_GET(KHN_TLBIE_RB_IS, c->rb));
	khn_tlbie_decide(&t, &d);
	expect_decision(test, &d, c->flags, c->lpid, c->pid, c->start, c->end,
			c->shift);
}

/*
 * Every RIC x PRS x R x IS x AP: decoding succeeds exactly for the forms
 * the ISA allows, and every decision is coherent.
 */
static void tlbie_every_operand_combination_is_checked(struct kunit *test)
{
	unsigned int n, n_ok = 0;

	/* n = ric:2 prs:1 r:1 is:2 ap:3 */
	for (n = 0; n < 512; n++) {
		unsigned int ric = n >> 7, prs = (n >> 6) & 1, r = (n >> 5) & 1;
		unsigned int is = (n >> 3) & 3, ap = n & 7;
		bool ap_ok = ap == 0 || ap == 1 || ap == 2 || ap == 5;
		bool want = r && ric != 3 && !(!prs && is == 1) &&
			    !(is == 0 && ric != 0) && (is != 0 || ap_ok);
		struct khn_tlb_decision d;
		struct khn_tlbie t;
		long rc;

		rc = khn_tlbie_decode(P1(ric, prs, r), RS(0x55, L2),
				      RB(0x40000000, is, ap), &t);
		KUNIT_EXPECT_EQ_MSG(test, rc, want ? KHN_H_SUCCESS : BAD,
				    "ric %u prs %u r %u is %u ap %u",
				    ric, prs, r, is, ap);
		if (rc != KHN_H_SUCCESS)
			continue;
		n_ok++;
		khn_tlbie_decide(&t, &d);
		/* something is always done */
		KUNIT_EXPECT_NE(test, d.flags & (UNMAP | DROP | PAGES | PWC |
						 LPID), 0);
		/* never both a range and the tree; PWC is part of LPID */
		KUNIT_EXPECT_NE(test, d.flags & (UNMAP | DROP), UNMAP | DROP);
		KUNIT_EXPECT_NE(test, d.flags & (PWC | LPID), PWC | LPID);
		/* pages are flushed only where leaves are dropped */
		if (d.flags & PAGES)
			KUNIT_EXPECT_TRUE(test, d.flags & UNMAP);
		/* process scope never touches a shadow */
		if (prs)
			KUNIT_EXPECT_EQ(test, d.flags & (UNMAP | DROP), 0);
		KUNIT_EXPECT_EQ(test, !!(d.flags & ALL), is == KHN_IS_ALL);
		KUNIT_EXPECT_EQ(test, !!(d.flags & PATE),
				!prs && ric == KHN_RIC_ALL);
	}
	/* per scope: is0 x 4 APs + is1..3 x 3 RICs x 8 APs, less is1 */
	KUNIT_EXPECT_EQ(test, n_ok, (4 + 3 * 3 * 8) + (4 + 2 * 3 * 8));
}

static void tlbie_refusal_leaves_request_untouched(struct kunit *test)
{
	struct khn_tlbie t, before;

	memset(&t, 0xa5, sizeof(t));
	before = t;
	KUNIT_EXPECT_EQ(test, khn_tlbie_decode(P1(3, 0, 1), RS(0, L2),
					       RB(0, 2, 0), &t), BAD);
	KUNIT_EXPECT_EQ(test, memcmp(&t, &before, sizeof(t)), 0);
}

struct rpt_case {
	const char *desc;
	u64 id, type, pg_sizes, start, end;
	long rc;
	unsigned int flags;
	u32 lpid, pid;
	u64 dstart, dend;
	unsigned int shift;
};

#define NESTED	KHN_RPTI_TYPE_NESTED
#define TLB	KHN_RPTI_TYPE_TLB
#define RPWC	KHN_RPTI_TYPE_PWC
#define PAT	KHN_RPTI_TYPE_PAT
#define PRT	KHN_RPTI_TYPE_PRT
#define PG_ALL	KHN_RPTI_PAGE_ALL
#define END_ALL	KHN_RPTI_END_ALL
#define TOP	KHN_TLB_ADDR_END

static const struct rpt_case rpt_cases[] = {
	/* what an L1 running KVM sends */
	{ "kvm-hv page flush 64K", L2, NESTED | TLB, KHN_RPTI_PAGE_64K,
	  0x7fff0000, 0x80000000, KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x7fff0000, 0x80000000, KHN_SHIFT_64K },
	{ "kvm-hv page flush 2M", L2, NESTED | TLB, KHN_RPTI_PAGE_2M,
	  0x40200000, 0x40400000, KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  0x40200000, 0x40400000, KHN_SHIFT_2M },
	{ "kvm-hv pwc flush", L2, NESTED | RPWC, PG_ALL, 0, END_ALL,
	  KHN_H_SUCCESS, PWC, L2 },
	{ "kvm-hv lpid flush", L2, NESTED | TLB | RPWC | PAT, PG_ALL, 0,
	  END_ALL, KHN_H_SUCCESS, DROP | LPID | PATE, L2 },
	{ "kvm-hv retry of a failed 64K flush", L2, NESTED | TLB | RPWC | PAT,
	  KHN_RPTI_PAGE_64K, 0, END_ALL, KHN_H_SUCCESS, DROP | LPID | PATE,
	  L2 },
	/* partition scope */
	{ "tlb whole space drops the tree", L2, NESTED | TLB, PG_ALL, 0,
	  END_ALL, KHN_H_SUCCESS, DROP | LPID, L2 },
	{ "pat alone drops the tree", L2, NESTED | PAT, KHN_RPTI_PAGE_4K,
	  0x1000, 0x2000, KHN_H_SUCCESS, DROP | LPID | PATE, L2 },
	{ "tlb and pwc on a range", L2, NESTED | TLB | RPWC, KHN_RPTI_PAGE_4K,
	  0x1000, 0x3000, KHN_H_SUCCESS, UNMAP | PAGES | PWC, L2, 0, 0x1000,
	  0x3000, KHN_SHIFT_4K },
	{ "tlb 32 pages flushed one by one", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K, 0x100000, 0x120000, KHN_H_SUCCESS, UNMAP | PAGES,
	  L2, 0, 0x100000, 0x120000, KHN_SHIFT_4K },
	{ "tlb 33 pages flush the lpid", L2, NESTED | TLB, KHN_RPTI_PAGE_4K,
	  0x100000, 0x121000, KHN_H_SUCCESS, UNMAP | LPID, L2, 0, 0x100000,
	  0x121000, KHN_SHIFT_4K },
	{ "tlb and pwc on 33 pages: lpid flush covers pwc", L2,
	  NESTED | TLB | RPWC, KHN_RPTI_PAGE_4K, 0x100000, 0x121000,
	  KHN_H_SUCCESS, UNMAP | LPID, L2, 0, 0x100000, 0x121000,
	  KHN_SHIFT_4K },
	{ "2M mask grows a 4K range to its 2M page", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_2M, 0x201000, 0x202000, KHN_H_SUCCESS, UNMAP | PAGES,
	  L2, 0, 0x200000, 0x400000, KHN_SHIFT_2M },
	{ "4K|1G mask grows to 1G and flushes the lpid", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K | KHN_RPTI_PAGE_1G, 0x10000, 0x20000,
	  KHN_H_SUCCESS, UNMAP | LPID, L2, 0, 0, SZ_1G_, KHN_SHIFT_1G },
	{ "page mask all on one 4K page", L2, NESTED | TLB, PG_ALL,
	  SZ_1G_, SZ_1G_ + SZ_4K_, KHN_H_SUCCESS, UNMAP | LPID, L2, 0, SZ_1G_,
	  2 * SZ_1G_, KHN_SHIFT_1G },
	{ "start to end of space", L2, NESTED | TLB, KHN_RPTI_PAGE_64K,
	  SZ_1G_, END_ALL, KHN_H_SUCCESS, UNMAP | LPID, L2, 0, SZ_1G_, TOP,
	  KHN_SHIFT_64K },
	{ "range straddling 2^52 is clipped", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K, TOP - SZ_4K_, TOP + SZ_4K_, KHN_H_SUCCESS,
	  UNMAP | PAGES, L2, 0, TOP - SZ_4K_, TOP, KHN_SHIFT_4K },
	{ "range beyond 2^52 has nothing to drop", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K, TOP, TOP + SZ_4K_, KHN_H_SUCCESS, 0, L2, 0, TOP,
	  TOP, KHN_SHIFT_4K },
	{ "lpid 4095 last", 4095, NESTED | RPWC, PG_ALL, 0, END_ALL,
	  KHN_H_SUCCESS, PWC, 4095 },
	/* process scope of the running L2 */
	{ "prt tlb range of one pid", 0x55, TLB, KHN_RPTI_PAGE_64K, 0x10000,
	  0x30000, KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0x10000, 0x30000 },
	{ "prt all of one pid", 0x55, TLB | RPWC | PRT, PG_ALL, 0, END_ALL,
	  KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0, END_ALL },
	{ "prt pid 2^32-1", 0xffffffffULL, TLB, PG_ALL, 0, END_ALL,
	  KHN_H_SUCCESS, PROC | LPID, 0, 0xffffffff, 0, END_ALL },
	/* the range is checked first */
	{ "start misaligned", L2, NESTED | TLB, PG_ALL, 0x1800, 0x3000,
	  KHN_H_P5 },
	{ "start misaligned to end of space", L2, NESTED | TLB, PG_ALL, 0x10,
	  END_ALL, KHN_H_P5 },
	{ "end misaligned", L2, NESTED | TLB, PG_ALL, 0x1000, 0x2800,
	  KHN_H_P6 },
	{ "start equals end", L2, NESTED | TLB, PG_ALL, 0x1000, 0x1000,
	  KHN_H_P5 },
	{ "end below start", L2, NESTED | TLB, PG_ALL, 0x3000, 0x1000,
	  KHN_H_P5 },
	{ "range wraps past 2^64", L2, NESTED | TLB, PG_ALL,
	  0xfffffffffffff000ULL, 0x1000, KHN_H_P5 },
	{ "misaligned start before bad type", L2, 0x100, 0, 0x10, 0x1000,
	  KHN_H_P5 },
	/* then the type */
	{ "type zero", L2, 0, PG_ALL, 0, END_ALL, KHN_H_P3 },
	{ "type nested alone asks nothing", L2, NESTED, PG_ALL, 0, END_ALL,
	  KHN_H_P3 },
	{ "type bit 4 unknown", L2, NESTED | TLB | 0x10, PG_ALL, 0, END_ALL,
	  KHN_H_P3 },
	{ "type bit 63 unknown", L2, NESTED | TLB | BIT_ULL(63), PG_ALL, 0,
	  END_ALL, KHN_H_P3 },
	{ "bad type before bad page sizes", L2, 0x20, 0, 0, END_ALL,
	  KHN_H_P3 },
	/* then the page sizes */
	{ "page sizes zero", L2, NESTED | TLB, 0, 0, 0x1000, KHN_H_P4 },
	{ "page size bit 4 unknown", L2, NESTED | TLB, 0x10, 0, 0x1000,
	  KHN_H_P4 },
	{ "page sizes 4K and unknown", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K | BIT_ULL(40), 0, 0x1000, KHN_H_P4 },
	/* then the id */
	{ "lpid 4096 beyond 12 bits", 4096, NESTED | TLB, PG_ALL, 0, END_ALL,
	  BAD },
	{ "lpid with high bits", BIT_ULL(32) | L2, NESTED | TLB, PG_ALL, 0,
	  END_ALL, BAD },
	{ "pid beyond 32 bits", BIT_ULL(32), TLB, PG_ALL, 0, END_ALL, BAD },
};

static void rpt_case_desc(const struct rpt_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rpt, rpt_cases, rpt_case_desc);

static void rpt_operands_give_papr_code_and_decision(struct kunit *test)
{
	const struct rpt_case *c = test->param_value;
	struct khn_tlb_decision d;

	KUNIT_ASSERT_EQ(test, khn_rpt_decide(c->id, c->type, c->pg_sizes,
					     c->start, c->end, &d), c->rc);
	if (c->rc != KHN_H_SUCCESS)
		return;
	expect_decision(test, &d, c->flags, c->lpid, c->pid, c->dstart,
			c->dend, c->shift);
}

static void rpt_refusal_leaves_decision_untouched(struct kunit *test)
{
	struct khn_tlb_decision d, before;

	memset(&d, 0x5a, sizeof(d));
	before = d;
	KUNIT_EXPECT_EQ(test, khn_rpt_decide(L2, NESTED | TLB, PG_ALL, 0x2000,
					     0x1000, &d), KHN_H_P5);
	KUNIT_EXPECT_EQ(test, memcmp(&d, &before, sizeof(d)), 0);
}

/* The page-or-LPID threshold, for each page size asked alone */
static void rpt_range_flush_threshold_per_page_size(struct kunit *test)
{
	static const struct {
		u64 bit;
		unsigned int shift;
	} sizes[] = {
		{ KHN_RPTI_PAGE_4K, KHN_SHIFT_4K },
		{ KHN_RPTI_PAGE_64K, KHN_SHIFT_64K },
		{ KHN_RPTI_PAGE_2M, KHN_SHIFT_2M },
		{ KHN_RPTI_PAGE_1G, KHN_SHIFT_1G },
	};
	struct khn_tlb_decision d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 page = BIT_ULL(sizes[i].shift);
		u64 start = 64 * SZ_1G_;
		u64 at = start + KHN_TLB_FLUSH_PAGES_MAX * page;

		KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB,
						     sizes[i].bit, start, at,
						     &d), KHN_H_SUCCESS);
		KUNIT_EXPECT_EQ(test, d.flags, UNMAP | PAGES);
		KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB,
						     sizes[i].bit, start,
						     at + page, &d),
				KHN_H_SUCCESS);
		KUNIT_EXPECT_EQ(test, d.flags, UNMAP | LPID);
		KUNIT_EXPECT_EQ(test, d.end, at + page);
	}
}

static struct kunit_case tlbinv_test_cases[] = {
	KUNIT_CASE_PARAM(tlbie_operands_give_papr_code_and_decision,
			 tlbie_gen_params),
	KUNIT_CASE(tlbie_every_operand_combination_is_checked),
	KUNIT_CASE(tlbie_refusal_leaves_request_untouched),
	KUNIT_CASE_PARAM(rpt_operands_give_papr_code_and_decision,
			 rpt_gen_params),
	KUNIT_CASE(rpt_refusal_leaves_decision_untouched),
	KUNIT_CASE(rpt_range_flush_threshold_per_page_size),
	{}
};

static struct kunit_suite tlbinv_test_suite = {
	.name = "khn-tlbinv",
	.test_cases = tlbinv_test_cases,
};

kunit_test_suite(tlbinv_test_suite);
