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
#include "khn/shadow.h"
#include "khn/tlbinv.h"
#include "fake_mm.h"

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
	{ "tlb 1T range is still leaf by leaf", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K, 0, BIT_ULL(40), KHN_H_SUCCESS, UNMAP | PAGES, L2,
	  0, 0, BIT_ULL(40), KHN_SHIFT_4K },
	{ "2M mask grows a 4K range to its 2M page", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_2M, 0x201000, 0x202000, KHN_H_SUCCESS, UNMAP | PAGES,
	  L2, 0, 0x200000, 0x400000, KHN_SHIFT_2M },
	{ "4K|1G mask grows a 64K range to its 1G page", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_4K | KHN_RPTI_PAGE_1G, 0x10000, 0x20000,
	  KHN_H_SUCCESS, UNMAP | PAGES, L2, 0, 0, SZ_1G_, KHN_SHIFT_1G },
	{ "64K|2M mask grows to 2M", L2, NESTED | TLB,
	  KHN_RPTI_PAGE_64K | KHN_RPTI_PAGE_2M, 0x3f0000, 0x410000,
	  KHN_H_SUCCESS, UNMAP | PAGES, L2, 0, 0x200000, 0x600000,
	  KHN_SHIFT_2M },
	{ "page mask all on one 4K page", L2, NESTED | TLB, PG_ALL,
	  SZ_1G_, SZ_1G_ + SZ_4K_, KHN_H_SUCCESS, UNMAP | PAGES, L2, 0,
	  SZ_1G_, 2 * SZ_1G_, KHN_SHIFT_1G },
	{ "start to end of space", L2, NESTED | TLB, KHN_RPTI_PAGE_64K,
	  SZ_1G_, END_ALL, KHN_H_SUCCESS, UNMAP | PAGES, L2, 0, SZ_1G_, TOP,
	  KHN_SHIFT_64K },
	{ "pwc with a range", L2, NESTED | RPWC, KHN_RPTI_PAGE_4K, 0x1000,
	  0x2000, KHN_H_SUCCESS, PWC, L2 },
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
	{ "prt 32 4K pages stay a range", 0x55, TLB, KHN_RPTI_PAGE_4K, 0,
	  32 * SZ_4K_, KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0, 32 * SZ_4K_ },
	{ "prt 33 4K pages flush the pid", 0x55, TLB, KHN_RPTI_PAGE_4K, 0,
	  33 * SZ_4K_, KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0, END_ALL },
	{ "prt 33 4K pages of mask all flush the pid", 0x55, TLB, PG_ALL,
	  SZ_1G_, SZ_1G_ + 33 * SZ_4K_, KHN_H_SUCCESS, PROC | LPID, 0, 0x55,
	  0, END_ALL },
	{ "prt 32 1G pages stay a range", 0x55, TLB, KHN_RPTI_PAGE_1G, 0,
	  32 * SZ_1G_, KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0, 32 * SZ_1G_ },
	{ "prt 64K|1G counts 64K pages", 0x55, TLB,
	  KHN_RPTI_PAGE_64K | KHN_RPTI_PAGE_1G, 0, 33 * SZ_64K_,
	  KHN_H_SUCCESS, PROC | LPID, 0, 0x55, 0, END_ALL },
	{ "prt last 4K page below 2^64 flushes the pid", 0, TLB,
	  KHN_RPTI_PAGE_4K, 0xfffffffffffff000ULL, END_ALL, KHN_H_SUCCESS,
	  PROC | LPID, 0, 0, 0, END_ALL },
	{ "prt range ending in the last 1G flushes the pid", 0, TLB,
	  KHN_RPTI_PAGE_1G, 0xffffffff80000000ULL, 0xffffffffc0001000ULL,
	  KHN_H_SUCCESS, PROC | LPID, 0, 0, 0, END_ALL },
	{ "prt range ending at the last 1G stays a range", 0, TLB,
	  KHN_RPTI_PAGE_1G, 0xffffffff80000000ULL, 0xffffffffc0000000ULL,
	  KHN_H_SUCCESS, PROC | LPID, 0, 0, 0xffffffff80000000ULL,
	  0xffffffffc0000000ULL },
	{ "prt start misaligned", 0x55, TLB, KHN_RPTI_PAGE_4K, 0x800, 0x2000,
	  KHN_H_P5 },
	{ "prt end misaligned", 0x55, TLB, KHN_RPTI_PAGE_4K, 0x1000, 0x2001,
	  KHN_H_P6 },
	{ "prt range wraps past 2^64", 0x55, TLB, KHN_RPTI_PAGE_4K,
	  0xfffffffffffff000ULL, 0x1000, KHN_H_P5 },
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

/*
 * Iterations of the per-page loop that flushes a process-scoped range
 * (do_h_rpt_invalidate_prt()): for each page size asked, smallest first,
 * a range of more than @ceiling pages ends the loop with a PID flush, else
 * one tlbie per page "for (addr = start; addr < end; addr += size)".
 * Counting stops at @limit or when the step wraps past 2^64 (the loop
 * would never end: returns U64_MAX).
 */
static u64 rpt_prt_loop_steps(u64 pg_sizes, u64 start, u64 end, u64 ceiling,
			      u64 limit)
{
	static const unsigned int shifts[] = { KHN_SHIFT_4K, KHN_SHIFT_64K,
					       KHN_SHIFT_2M, KHN_SHIFT_1G };
	u64 steps = 0, addr;
	unsigned int i;

	if (start == 0 && end == KHN_RPTI_END_ALL)
		return 0;
	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		if (!(pg_sizes & BIT_ULL(i)))
			continue;
		if ((end - start) >> shifts[i] > ceiling)
			return steps;
		for (addr = start; addr < end; addr += BIT_ULL(shifts[i])) {
			if (++steps > limit ||
			    addr + BIT_ULL(shifts[i]) < addr)
				return U64_MAX;
		}
	}
	return steps;
}

/*
 * Issue 8: an L2 (or L1) process-scoped H_RPT_INVALIDATE of the last page
 * below 2^64 wedged an L0 CPU in do_h_rpt_invalidate_prt().  Every range
 * khn_rpt_decide() accepts must give that loop a bounded, non-wrapping
 * walk, whatever the kernel's page ceiling (33 by default).
 */
static void rpt_process_range_bounds_per_page_loop(struct kunit *test)
{
	static const u64 masks[] = { KHN_RPTI_PAGE_4K, KHN_RPTI_PAGE_64K,
				     KHN_RPTI_PAGE_2M, KHN_RPTI_PAGE_1G,
				     KHN_RPTI_PAGE_64K | KHN_RPTI_PAGE_1G };
	static const u64 starts[] = { 0, SZ_4K_, 0xfffffffffffff000ULL,
				      0xffffffffc0000000ULL,
				      0xffffffff80000000ULL,
				      0xfffffffbfffff000ULL };
	static const u64 lens[] = { SZ_4K_, 32 * SZ_4K_, SZ_1G_,
				    SZ_1G_ + SZ_4K_, 32 * SZ_1G_ };
	struct khn_tlb_decision d;
	unsigned int m, i, j;
	u64 steps, end;

	for (m = 0; m < ARRAY_SIZE(masks); m++) {
		for (i = 0; i < ARRAY_SIZE(starts); i++) {
			for (j = 0; j <= ARRAY_SIZE(lens); j++) {
				end = j < ARRAY_SIZE(lens) ?
				      starts[i] + lens[j] : KHN_RPTI_END_ALL;
				if (end <= starts[i] && end != KHN_RPTI_END_ALL)
					continue;
				KUNIT_ASSERT_EQ(test,
						khn_rpt_decide(0, KHN_RPTI_TYPE_TLB,
							       masks[m],
							       starts[i], end,
							       &d),
						KHN_H_SUCCESS);
				steps = rpt_prt_loop_steps(masks[m], d.start,
							   d.end, U64_MAX,
							   1000);
				KUNIT_EXPECT_LE_MSG(test, steps,
						    4ULL * KHN_RPT_PROCESS_PAGES_MAX,
						    "mask %#llx [%#llx, %#llx) decided [%#llx, %#llx)",
						    masks[m], starts[i], end,
						    d.start, d.end);
			}
		}
	}
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

/* ---- khn_tlb_apply() on real shadow trees ---- */

#define SH_LPID		0x2a	/* the hardware (shadow) LPID of L2 7 */
#define SH2_LPID	0x2b	/* and of another L2 of the same L1 */
#define RW_ATTRS	(KHN_RPTE_R | KHN_RPTE_C | KHN_RPTE_READ | KHN_RPTE_RW)

/**
 * struct apply_fx - one test's shadows and their recording TLBs
 * @sh:		two L2s' trees (destroyed by the exit)
 * @tlb:	their TLBs
 */
struct apply_fx {
	struct khn_shadow sh[2];
	struct khn_fake_tlb tlb[2];
};

static int apply_test_init(struct kunit *test)
{
	struct apply_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	unsigned int i;

	if (!fx)
		return -ENOMEM;
	khn_fake_mm_reset();
	for (i = 0; i < 2; i++) {
		khn_fake_tlb_init(&fx->tlb[i]);
		if (khn_shadow_init(&fx->sh[i], &khn_fake_mm_ops, NULL,
				    &fx->tlb[i].ops, i ? SH2_LPID : SH_LPID,
				    KHN_GEOM_4K))
			return -ENOMEM;
	}
	test->priv = fx;
	return 0;
}

static void apply_test_exit(struct kunit *test)
{
	struct apply_fx *fx = test->priv;

	khn_shadow_destroy(&fx->sh[0]);
	khn_shadow_destroy(&fx->sh[1]);
	/* zero leaks whatever a test dropped */
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 0UL);
}

/* Map leaves (4K unless said) into shadow @i, then forget the flushes */
static struct khn_shadow *fx_map(struct kunit *test, unsigned int i,
				 const u64 *addrs, unsigned int n,
				 unsigned int shift)
{
	struct apply_fx *fx = test->priv;
	unsigned int k;

	for (k = 0; k < n; k++)
		KUNIT_ASSERT_EQ(test, khn_shadow_map(&fx->sh[i], addrs[k],
						     0x100000000ULL + addrs[k],
						     shift, RW_ATTRS, 0), 0);
	khn_fake_tlb_init(&fx->tlb[i]);
	khn_fake_log_clear();
	return &fx->sh[i];
}

static bool mapped(struct khn_shadow *sh, u64 addr)
{
	return khn_shadow_lookup(sh, addr, NULL, NULL, NULL) == 0;
}

static void decide_tlbie(struct kunit *test, u64 p1, u64 rs, u64 rb,
			 struct khn_tlb_decision *d)
{
	struct khn_tlbie t;

	KUNIT_ASSERT_EQ(test, khn_tlbie_decode(p1, rs, rb, &t), KHN_H_SUCCESS);
	khn_tlbie_decide(&t, d);
}

/* The page flushes of the log, in order, are exactly @want (addr, shift) */
static void expect_page_flushes(struct kunit *test, u32 lpid,
				const u64 (*want)[2], unsigned int n)
{
	struct khn_fake_event e;
	unsigned int i, k = 0;

	for (i = 0; khn_fake_log_get(i, &e); i++) {
		if (e.ev != KHN_FAKE_FLUSH_PAGE)
			continue;
		KUNIT_EXPECT_EQ(test, e.lpid, lpid);
		if (k < n) {
			KUNIT_EXPECT_EQ(test, e.addr, want[k][0]);
			KUNIT_EXPECT_EQ(test, e.shift, want[k][1]);
		}
		k++;
	}
	KUNIT_EXPECT_EQ(test, k, n);
}

static void apply_page_drops_that_page_only(struct kunit *test)
{
	static const u64 at[] = { 0x1000, 0x2000, 0x3000 };
	static const u64 want[][2] = { { 0x2000, KHN_SHIFT_4K } };
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	fx_map(test, 0, (const u64[]){ 0x40000000 }, 1, KHN_SHIFT_2M);
	sh = fx_map(test, 0, at, ARRAY_SIZE(at), KHN_SHIFT_4K);
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0x2000, 0, KHN_AP_4K),
		     &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 1UL);
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x1000));
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x2000));
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x3000));
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x40000000));
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 3UL);
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_pwc, 0UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 0UL);
	/* the other L2 is not touched */
	KUNIT_EXPECT_EQ(test, fx->tlb[1].nr_page + fx->tlb[1].nr_pwc +
			fx->tlb[1].nr_lpid, 0UL);
}

/* L1's 2M page, backed by 4K pages in L0: every piece goes, table too */
static void apply_big_page_drops_its_small_shadow_leaves(struct kunit *test)
{
	static const u64 at[] = { 0x400000, 0x401000, 0x5ff000, 0x600000 };
	static const u64 want[][2] = {
		{ 0x400000, KHN_SHIFT_4K }, { 0x401000, KHN_SHIFT_4K },
		{ 0x5ff000, KHN_SHIFT_4K },
	};
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;
	unsigned long tables;

	sh = fx_map(test, 0, at, ARRAY_SIZE(at), KHN_SHIFT_4K);
	tables = sh->nr_tables;
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0x400000, 0, KHN_AP_2M),
		     &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 3UL);
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x400000));
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x5ff000));
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x600000));
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	/* the 4K table under the 2M page is freed after a PWC flush */
	KUNIT_EXPECT_EQ(test, sh->nr_tables, tables - 1);
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_pwc, 1UL);
	KUNIT_EXPECT_LT(test, khn_fake_log_find(KHN_FAKE_FLUSH_PWC, 0),
			khn_fake_log_find(KHN_FAKE_FREE, 0));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 0UL);
}

/* A 4K tlbie inside a 2M shadow leaf drops the whole leaf */
static void apply_small_page_drops_covering_big_leaf(struct kunit *test)
{
	static const u64 want[][2] = { { 0x800000, KHN_SHIFT_2M } };
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map(test, 0, (const u64[]){ 0x800000, 0xa00000 }, 2,
		    KHN_SHIFT_2M);
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0x801000, 0, KHN_AP_4K),
		     &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 1UL);
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x800000));
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0xa00000));
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
}

static void apply_page_not_mapped_flushes_nothing(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map(test, 0, (const u64[]){ 0x1000 }, 1, KHN_SHIFT_4K);
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0x5000, 0, KHN_AP_4K),
		     &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 0UL);
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x1000));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page + fx->tlb[0].nr_pwc +
			fx->tlb[0].nr_lpid, 0UL);
}

/* Leaves at @n addresses 2M apart from @base: one 4K table each */
static struct khn_shadow *fx_map_spread(struct kunit *test, unsigned int i,
					u64 base, unsigned int n)
{
	u64 at[40];
	unsigned int k;

	KUNIT_ASSERT_LE(test, n, ARRAY_SIZE(at));
	for (k = 0; k < n; k++)
		at[k] = base + k * SZ_2M_ + (k % 4) * SZ_4K_;
	return fx_map(test, i, at, n, KHN_SHIFT_4K);
}

/* IS=2 RIC=0 on a big tree: one LPID flush, only the root is left */
static void apply_lpid_drops_whole_tree(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, SZ_1G_, 40);
	fx_map_spread(test, 1, SZ_1G_, 5);
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0, KHN_IS_LPID, 0), &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 40UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	KUNIT_EXPECT_FALSE(test, mapped(sh, SZ_1G_));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].last_lpid, SH_LPID);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page, 0UL);
	/* the other L2 keeps its tree */
	KUNIT_EXPECT_EQ(test, fx->sh[1].nr_leaves, 5UL);
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 1 + fx->sh[1].nr_tables);
	/* and the tree is usable again at once */
	KUNIT_EXPECT_EQ(test, khn_shadow_map(sh, SZ_1G_, SZ_1G_, KHN_SHIFT_4K,
					     RW_ATTRS, 0), 0);
}

/* IS=2 on a small tree: its few pages, then the LPID flush L1 asked for */
static void apply_lpid_on_small_tree_still_flushes_lpid(struct kunit *test)
{
	static const u64 want[][2] = {
		{ SZ_1G_, KHN_SHIFT_4K },
		{ SZ_1G_ + SZ_2M_ + SZ_4K_, KHN_SHIFT_4K },
	};
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_fake_event e;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, SZ_1G_, 2);
	decide_tlbie(test, P1(0, 0, 1), RS(0, L2), RB(0, KHN_IS_LPID, 0), &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 2UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_tables, 1UL);
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 1UL);
	KUNIT_ASSERT_TRUE(test, khn_fake_log_get(khn_fake_log_len() - 1, &e));
	KUNIT_EXPECT_EQ(test, e.ev, KHN_FAKE_FLUSH_LPID);
}

/* IS=3 RIC=2: applied to every L2 of the L1, each on its own LPID */
static void apply_all_lpids_to_each_shadow(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	unsigned int i;

	fx_map_spread(test, 0, 0, 34);
	fx_map_spread(test, 1, SZ_1G_, 3);
	decide_tlbie(test, P1(2, 0, 1), RS(0, 0), RB(0, KHN_IS_ALL, 0), &d);
	KUNIT_ASSERT_EQ(test, d.flags, DROP | LPID | PATE | ALL);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, &fx->sh[0]), 34UL);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, &fx->sh[1]), 3UL);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, fx->sh[i].nr_leaves, 0UL);
		KUNIT_EXPECT_EQ(test, fx->sh[i].nr_tables, 1UL);
		KUNIT_EXPECT_EQ(test, fx->tlb[i].nr_lpid, 1UL);
		KUNIT_EXPECT_EQ(test, fx->tlb[i].last_lpid,
				i ? SH2_LPID : SH_LPID);
	}
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 2UL);
}

static void apply_pwc_only_keeps_every_leaf(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, 0, 4);
	decide_tlbie(test, P1(1, 0, 1), L2, 0x800, &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 4UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_pwc, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].last_lpid, SH_LPID);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page + fx->tlb[0].nr_lpid, 0UL);
}

static void apply_process_scope_flushes_lpid_only(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, 0, 4);
	decide_tlbie(test, P1(0, 1, 1), RS(0x55, L2), RB(0x1000, 0, KHN_AP_4K),
		     &d);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 4UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page + fx->tlb[0].nr_pwc, 0UL);
}

static void apply_rpt_range_drops_range_only(struct kunit *test)
{
	static const u64 at[] = { 0x0, 0x10000, 0x20000, 0x30000 };
	static const u64 want[][2] = {
		{ 0x10000, KHN_SHIFT_64K }, { 0x20000, KHN_SHIFT_64K },
	};
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh = &fx->sh[0];

	/* a 64K-geometry tree for this one */
	khn_shadow_destroy(sh);
	KUNIT_ASSERT_EQ(test, khn_shadow_init(sh, &khn_fake_mm_ops, NULL,
					      &fx->tlb[0].ops, SH_LPID,
					      KHN_GEOM_64K), 0);
	fx_map(test, 0, at, ARRAY_SIZE(at), KHN_SHIFT_64K);
	KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB,
					     KHN_RPTI_PAGE_64K, 0x10000,
					     0x30000, &d), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 2UL);
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x0));
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x10000));
	KUNIT_EXPECT_FALSE(test, mapped(sh, 0x20000));
	KUNIT_EXPECT_TRUE(test, mapped(sh, 0x30000));
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_pwc + fx->tlb[0].nr_lpid, 0UL);
}

/* Many leaves in the range: one LPID flush instead of a tlbie each */
static void apply_rpt_dense_range_flushes_lpid(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, 0, 40);
	fx_map(test, 0, (const u64[]){ SZ_1G_ }, 1, KHN_SHIFT_4K);
	KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB,
					     KHN_RPTI_PAGE_4K, 0, SZ_1G_, &d),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 40UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 1UL);
	KUNIT_EXPECT_TRUE(test, mapped(sh, SZ_1G_));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 1UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page, 0UL);
}

/* A huge range with few leaves in it: a tlbie for each, no more */
static void apply_rpt_sparse_range_flushes_pages(struct kunit *test)
{
	static const u64 at[] = { 0x7000, 0x7fffff000ULL, BIT_ULL(40) };
	static const u64 want[][2] = {
		{ 0x7000, KHN_SHIFT_4K }, { 0x7fffff000ULL, KHN_SHIFT_4K },
	};
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map(test, 0, at, ARRAY_SIZE(at), KHN_SHIFT_4K);
	KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB | RPWC,
					     KHN_RPTI_PAGE_4K, 0, BIT_ULL(40),
					     &d), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 2UL);
	KUNIT_EXPECT_TRUE(test, mapped(sh, BIT_ULL(40)));
	expect_page_flushes(test, SH_LPID, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 0UL);
	/* tables were freed (one PWC flush) and the PWC asked for (one more) */
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_pwc, 2UL);
}

static void apply_rpt_whole_space_and_pate(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, 0, 3);
	KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB | RPWC | PAT,
					     PG_ALL, 0, END_ALL, &d),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 3UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 0UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_lpid, 1UL);
}

static void apply_range_beyond_tree_does_nothing(struct kunit *test)
{
	struct apply_fx *fx = test->priv;
	struct khn_tlb_decision d;
	struct khn_shadow *sh;

	sh = fx_map_spread(test, 0, 0, 2);
	KUNIT_ASSERT_EQ(test, khn_rpt_decide(L2, NESTED | TLB,
					     KHN_RPTI_PAGE_4K, TOP,
					     TOP + SZ_4K_, &d), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 0UL);
	/* and a hand-made decision with a range the shadow refuses */
	d.flags = UNMAP | PAGES;
	d.start = 0x800;
	d.end = 0x1800;
	KUNIT_EXPECT_EQ(test, khn_tlb_apply(&d, sh), 0UL);
	KUNIT_EXPECT_EQ(test, sh->nr_leaves, 2UL);
	KUNIT_EXPECT_EQ(test, fx->tlb[0].nr_page + fx->tlb[0].nr_pwc +
			fx->tlb[0].nr_lpid, 0UL);
}

static struct kunit_case tlbinv_apply_test_cases[] = {
	KUNIT_CASE(apply_page_drops_that_page_only),
	KUNIT_CASE(apply_big_page_drops_its_small_shadow_leaves),
	KUNIT_CASE(apply_small_page_drops_covering_big_leaf),
	KUNIT_CASE(apply_page_not_mapped_flushes_nothing),
	KUNIT_CASE(apply_lpid_drops_whole_tree),
	KUNIT_CASE(apply_lpid_on_small_tree_still_flushes_lpid),
	KUNIT_CASE(apply_all_lpids_to_each_shadow),
	KUNIT_CASE(apply_pwc_only_keeps_every_leaf),
	KUNIT_CASE(apply_process_scope_flushes_lpid_only),
	KUNIT_CASE(apply_rpt_range_drops_range_only),
	KUNIT_CASE(apply_rpt_dense_range_flushes_lpid),
	KUNIT_CASE(apply_rpt_sparse_range_flushes_pages),
	KUNIT_CASE(apply_rpt_whole_space_and_pate),
	KUNIT_CASE(apply_range_beyond_tree_does_nothing),
	{}
};

static struct kunit_suite tlbinv_apply_test_suite = {
	.name = "khn-tlbinv-apply",
	.init = apply_test_init,
	.exit = apply_test_exit,
	.test_cases = tlbinv_apply_test_cases,
};

static struct kunit_case tlbinv_test_cases[] = {
	KUNIT_CASE_PARAM(tlbie_operands_give_papr_code_and_decision,
			 tlbie_gen_params),
	KUNIT_CASE(tlbie_every_operand_combination_is_checked),
	KUNIT_CASE(tlbie_refusal_leaves_request_untouched),
	KUNIT_CASE_PARAM(rpt_operands_give_papr_code_and_decision,
			 rpt_gen_params),
	KUNIT_CASE(rpt_refusal_leaves_decision_untouched),
	KUNIT_CASE(rpt_process_range_bounds_per_page_loop),
	{}
};

static struct kunit_suite tlbinv_test_suite = {
	.name = "khn-tlbinv",
	.test_cases = tlbinv_test_cases,
};

kunit_test_suites(&tlbinv_test_suite, &tlbinv_apply_test_suite);
