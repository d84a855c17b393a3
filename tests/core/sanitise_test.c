// SPDX-License-Identifier: GPL-2.0-only
/*
 * The H_ENTER_NESTED sanitisation rules: for each rule, what passes, what
 * is clamped to what, what is refused with which PAPR code, and which rule
 * the check log names; then the groups, per-vCPU HFSCR, and what L1 reads
 * back on exit.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/string.h>

#include "khn/papr.h"
#include "khn/sanitise.h"
#include "khn/sprs.h"

#define BAD		KHN_H_BAD_MODE
#define OK		KHN_H_SUCCESS
#define RULE(r)		BIT(KHN_RULE_##r)

/* What L0 runs an L1 vCPU with in the LPCR bits L1 does not own */
#define L0_LPCR		(KHN_LPCR_HR | KHN_LPCR_UPRT | KHN_LPCR_GTSE |	\
			 KHN_LPCR_HDICE | KHN_LPCR_HVICE | KHN_LPCR_LPES | \
			 KHN_LPCR_PECE | KHN_LPCR_HEIC | KHN_LPCR_ONL |	\
			 KHN_LPCR_PECE_HVEE)
#define AIL(n)		((u64)(n) << 23)
#define CAUSE(n)	((u64)(n) << 56)
#define FAC(bit)	((u64)__builtin_ctzll(bit))	/* facility number */
#define CIABR_ADDR	0xc000000000123450ULL
#define KERNEL_MSR	(KHN_MSR_SF | KHN_MSR_IR | KHN_MSR_DR | KHN_MSR_RI | \
			 KHN_MSR_ME | KHN_MSR_LE)
#define PERMITTED	(KHN_HFSCR_FP | KHN_HFSCR_VECVSX | KHN_HFSCR_DSCR | \
			 KHN_HFSCR_TAR | KHN_HFSCR_PM | KHN_HFSCR_EBB |	\
			 KHN_HFSCR_BHRB | KHN_HFSCR_TM)

/* Every table row starts with "const char *desc", its readable name */
#define CASE_DESC(name)	KUNIT_ARRAY_PARAM_DESC(name, name##_cases, desc)

/* A clamp leaves failed/rc alone and marks exactly @fired */
static void expect_clamped(struct kunit *test, const struct khn_check_log *log,
			   unsigned long fired)
{
	KUNIT_EXPECT_EQ(test, log->fired, fired);
	KUNIT_EXPECT_EQ(test, log->failed, KHN_RULE_NONE);
	KUNIT_EXPECT_EQ(test, log->rc, OK);
	KUNIT_EXPECT_NULL(test, log->failed_check);
}

/* ---- LPCR ---- */

struct lpcr_case {
	const char *desc;
	bool radix, no_ail;
	u64 l0, req, want;
	bool fired;
};

static const struct lpcr_case lpcr_cases[] = {
	{ "L1-settable bits pass", true, false, L0_LPCR,
	  L0_LPCR | KHN_LPCR_DPFD | KHN_LPCR_ILE | KHN_LPCR_AIL_3 |
	  KHN_LPCR_LD | KHN_LPCR_MER,
	  L0_LPCR | KHN_LPCR_DPFD | KHN_LPCR_ILE | KHN_LPCR_AIL_3 |
	  KHN_LPCR_LD | KHN_LPCR_MER, false },
	{ "L0 bits cannot be cleared", true, false, L0_LPCR, KHN_LPCR_ILE,
	  L0_LPCR | KHN_LPCR_ILE, true },
	{ "L0-only bits cannot be set", true, false,
	  L0_LPCR & ~(KHN_LPCR_HDICE | KHN_LPCR_HVICE | KHN_LPCR_GTSE),
	  L0_LPCR | KHN_LPCR_VPM0 | KHN_LPCR_ISL | KHN_LPCR_HAIL,
	  L0_LPCR & ~(KHN_LPCR_HDICE | KHN_LPCR_HVICE | KHN_LPCR_GTSE), true },
	{ "L0's own settable bits do not leak in", true, false,
	  L0_LPCR | KHN_LPCR_ILE | KHN_LPCR_LD | KHN_LPCR_AIL_3 | KHN_LPCR_MER,
	  L0_LPCR, L0_LPCR, false },
	{ "TC cleared for a radix L1", true, false, L0_LPCR,
	  L0_LPCR | KHN_LPCR_TC, L0_LPCR, true },
	{ "TC kept for an HPT L1", false, false, L0_LPCR,
	  L0_LPCR | KHN_LPCR_TC, L0_LPCR | KHN_LPCR_TC, false },
	{ "AIL 1 cleared", true, false, L0_LPCR, L0_LPCR | AIL(1), L0_LPCR,
	  true },
	{ "AIL 2 cleared", true, false, L0_LPCR, L0_LPCR | AIL(2), L0_LPCR,
	  true },
	{ "AIL 3 forced off by the prefetch erratum", true, true, L0_LPCR,
	  L0_LPCR | KHN_LPCR_AIL_3 | KHN_LPCR_ILE, L0_LPCR | KHN_LPCR_ILE,
	  true },
	{ "AIL 0 with the erratum fires nothing", true, true, L0_LPCR,
	  L0_LPCR | KHN_LPCR_LD, L0_LPCR | KHN_LPCR_LD, false },
	{ "all ones keeps only the legal settable bits", true, false, L0_LPCR,
	  ~0ULL, L0_LPCR | KHN_LPCR_DPFD | KHN_LPCR_ILE | KHN_LPCR_AIL_3 |
	  KHN_LPCR_LD | KHN_LPCR_MER, true },
};

CASE_DESC(lpcr);

static void lpcr_keeps_l1_bits_and_takes_the_rest_from_l0(struct kunit *test)
{
	const struct lpcr_case *c = test->param_value;
	struct khn_l1_ctx l1 = { .lpcr = c->l0, .radix = c->radix,
				 .no_ail = c->no_ail };
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_lpcr(&l1, c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(LPCR) : 0);
}

/* ---- HFSCR ---- */

struct hfscr_case {
	const char *desc;
	u64 permitted, req, want;
	bool fired;
};

static const struct hfscr_case hfscr_cases[] = {
	{ "permitted facilities pass", PERMITTED,
	  KHN_HFSCR_FP | KHN_HFSCR_VECVSX | KHN_HFSCR_TAR,
	  KHN_HFSCR_FP | KHN_HFSCR_VECVSX | KHN_HFSCR_TAR, false },
	{ "facilities L0 withholds are cleared",
	  KHN_HFSCR_FP | KHN_HFSCR_VECVSX,
	  KHN_HFSCR_FP | KHN_HFSCR_TM | KHN_HFSCR_PM, KHN_HFSCR_FP, true },
	{ "MSGP only if permitted", PERMITTED,
	  KHN_HFSCR_MSGP | KHN_HFSCR_DSCR, KHN_HFSCR_DSCR, true },
	{ "cause field passes through", KHN_HFSCR_FP,
	  CAUSE(5) | KHN_HFSCR_FP, CAUSE(5) | KHN_HFSCR_FP, false },
	{ "nothing permitted leaves only the cause", 0, ~0ULL,
	  KHN_HFSCR_INTR_CAUSE, true },
};

CASE_DESC(hfscr);

static void hfscr_is_limited_to_what_l0_permits(struct kunit *test)
{
	const struct hfscr_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_hfscr(c->permitted, c->req, &log),
			c->want);
	expect_clamped(test, &log, c->fired ? RULE(HFSCR) : 0);
}

static void hfscr_limits_are_per_vcpu(struct kunit *test)
{
	const u64 req = KHN_HFSCR_FP | KHN_HFSCR_VECVSX | KHN_HFSCR_TM |
			KHN_HFSCR_PM | KHN_HFSCR_EBB;
	const struct khn_l1_ctx a = {
		.msr = KERNEL_MSR, .lpcr = L0_LPCR, .radix = true,
		.hfscr_permitted = KHN_HFSCR_FP | KHN_HFSCR_VECVSX |
				   KHN_HFSCR_TM,
	};
	const struct khn_l1_ctx b = {
		.msr = KERNEL_MSR, .lpcr = L0_LPCR, .radix = true,
		.hfscr_permitted = KHN_HFSCR_FP | KHN_HFSCR_PM | KHN_HFSCR_EBB,
	};
	struct khn_l1_ctx a0 = a, b0 = b;
	struct khn_l2_regs r = { .msr = KERNEL_MSR, .hfscr = req };
	struct khn_l2_regs oa1, ob, oa2;
	struct khn_check_log log = {};

	/* Interleaved as two vCPUs entering one after the other */
	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&a, &r, &oa1, &log), OK);
	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&b, &r, &ob, &log), OK);
	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&a, &r, &oa2, &log), OK);

	KUNIT_EXPECT_EQ(test, oa1.hfscr,
			KHN_HFSCR_FP | KHN_HFSCR_VECVSX | KHN_HFSCR_TM);
	KUNIT_EXPECT_EQ(test, ob.hfscr,
			KHN_HFSCR_FP | KHN_HFSCR_PM | KHN_HFSCR_EBB);
	KUNIT_EXPECT_EQ(test, oa2.hfscr, oa1.hfscr);
	/* Neither vCPU's limits were written by the other's entry */
	KUNIT_EXPECT_EQ(test, memcmp(&a, &a0, sizeof(a)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&b, &b0, sizeof(b)), 0);
	KUNIT_EXPECT_EQ(test, r.hfscr, req);
}

/* ---- DAWRX ---- */

struct dawrx_case {
	const char *desc;
	u64 req, want;
	bool fired;
};

#define DAWRX_RW	(KHN_DAWRX_DR | KHN_DAWRX_DW | KHN_DAWRX_WT)

static const struct dawrx_case dawrx_cases[] = {
	{ "user and kernel match pass",
	  DAWRX_RW | KHN_DAWRX_USER | KHN_DAWRX_KERNEL,
	  DAWRX_RW | KHN_DAWRX_USER | KHN_DAWRX_KERNEL, false },
	{ "hypervisor match cleared, rest kept",
	  DAWRX_RW | KHN_DAWRX_HYP | KHN_DAWRX_KERNEL,
	  DAWRX_RW | KHN_DAWRX_KERNEL, true },
	{ "hypervisor match only", KHN_DAWRX_HYP, 0, true },
	{ "disabled stays disabled", 0, 0, false },
};

CASE_DESC(dawrx);

static void dawrx_never_matches_in_hypervisor_state(struct kunit *test)
{
	const struct dawrx_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_dawrx(c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(DAWRX) : 0);
}

/* ---- CIABR ---- */

struct ciabr_case {
	const char *desc;
	u64 req, want;
	bool fired;
};

static const struct ciabr_case ciabr_cases[] = {
	{ "disabled passes", CIABR_ADDR, CIABR_ADDR, false },
	{ "user match passes", CIABR_ADDR | KHN_CIABR_PRIV_USER,
	  CIABR_ADDR | KHN_CIABR_PRIV_USER, false },
	{ "supervisor match passes", CIABR_ADDR | KHN_CIABR_PRIV_SUPER,
	  CIABR_ADDR | KHN_CIABR_PRIV_SUPER, false },
	{ "hypervisor match becomes no match", CIABR_ADDR |
	  KHN_CIABR_PRIV_HYPER, CIABR_ADDR, true },
};

CASE_DESC(ciabr);

static void ciabr_never_matches_in_hypervisor_state(struct kunit *test)
{
	const struct ciabr_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_ciabr(c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(CIABR) : 0);
}

/* ---- MSR ---- */

struct msr_case {
	const char *desc;
	u64 req, want;
	bool fired;
};

static const struct msr_case msr_cases[] = {
	{ "kernel MSR passes", KERNEL_MSR, KERNEL_MSR, false },
	{ "user MSR passes", KERNEL_MSR | KHN_MSR_PR | KHN_MSR_EE,
	  KERNEL_MSR | KHN_MSR_PR | KHN_MSR_EE, false },
	{ "ME forced on", KERNEL_MSR & ~KHN_MSR_ME, KERNEL_MSR, true },
	{ "HV cleared", KERNEL_MSR | KHN_MSR_HV, KERNEL_MSR, true },
	{ "S cleared", KERNEL_MSR | KHN_MSR_S, KERNEL_MSR, true },
	{ "TS left to the TM rules", KERNEL_MSR | KHN_MSR_TM | KHN_MSR_TS_S,
	  KERNEL_MSR | KHN_MSR_TM | KHN_MSR_TS_S, false },
	{ "zero becomes ME only", 0, KHN_MSR_ME, true },
	{ "all ones loses HV and S", ~0ULL, ~(KHN_MSR_HV | KHN_MSR_S), true },
};

CASE_DESC(msr);

static void msr_has_me_set_and_hv_clear(struct kunit *test)
{
	const struct msr_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_msr(c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(MSR) : 0);
}

/* ---- PCR ---- */

struct pcr_case {
	const char *desc;
	u64 l1, req, want;
	bool fired;
};

static const struct pcr_case pcr_cases[] = {
	{ "no compatibility mode passes", 0, KHN_PCR_MASK, KHN_PCR_MASK,
	  false },
	{ "reserved bits forced on", 0, 0, KHN_PCR_MASK, true },
	{ "L2 at v2.07 under a native L1", 0,
	  KHN_PCR_MASK | KHN_PCR_ARCH_207,
	  KHN_PCR_MASK | KHN_PCR_ARCH_207, false },
	{ "L2 no newer than L1", KHN_PCR_MASK | KHN_PCR_ARCH_300,
	  KHN_PCR_MASK, KHN_PCR_MASK | KHN_PCR_ARCH_300, true },
	{ "L1 and L2 compatibility add up", KHN_PCR_MASK | KHN_PCR_ARCH_300,
	  KHN_PCR_MASK | KHN_PCR_ARCH_207,
	  KHN_PCR_MASK | KHN_PCR_ARCH_300 | KHN_PCR_ARCH_207, true },
	{ "L2 may disable a feature", 0, KHN_PCR_MASK | KHN_PCR_TM_DIS,
	  KHN_PCR_MASK | KHN_PCR_TM_DIS, false },
	{ "L1's disabled feature stays disabled", KHN_PCR_MASK |
	  KHN_PCR_TM_DIS, KHN_PCR_MASK, KHN_PCR_MASK | KHN_PCR_TM_DIS, true },
};

CASE_DESC(pcr);

static void pcr_only_adds_restrictions(struct kunit *test)
{
	const struct pcr_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_pcr(c->l1, c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(PCR) : 0);
}

/* ---- AMOR ---- */

static void amor_is_always_all_ones(struct kunit *test)
{
	static const u64 reqs[] = { KHN_AMOR_ALL, 0, 0xf0f0f0f0f0f0f0f0ULL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		struct khn_check_log log = {};

		KUNIT_EXPECT_EQ(test, khn_sanitise_amor(reqs[i], &log),
				KHN_AMOR_ALL);
		expect_clamped(test, &log, reqs[i] == KHN_AMOR_ALL ?
			       0 : RULE(AMOR));
	}
}

/* ---- PPR ---- */

#define PRI(n)		((u64)(n) << 50)

struct ppr_case {
	const char *desc;
	u64 req, want;
	bool fired;
};

static const struct ppr_case ppr_cases[] = {
	{ "pri 0 kept", PRI(0), PRI(0), false },
	{ "pri 4 (medium) kept", PRI(4), PRI(4), false },
	{ "pri 6 (high) kept", PRI(6), PRI(6), false },
	{ "pri 7 (very high) becomes 6", PRI(7), PRI(6), true },
	{ "pri 7 keeps the other bits", PRI(7) | BIT_ULL(63) | 0xfff,
	  PRI(6) | BIT_ULL(63) | 0xfff, true },
	{ "all ones becomes pri 6", ~0ULL, (~0ULL & ~PRI(7)) | PRI(6), true },
};

CASE_DESC(ppr);

/* Issue 8: L1 could give its L2 PRI 7, the hypervisor's priority */
static void ppr_pri_is_at_most_what_a_guest_may_set(struct kunit *test)
{
	const struct ppr_case *c = test->param_value;
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_sanitise_ppr(c->req, &log), c->want);
	expect_clamped(test, &log, c->fired ? RULE(PPR) : 0);
}

/* ---- TM ---- */

#define TS_N	KHN_MSR_TS_N
#define TS_T	KHN_MSR_TS_T
#define TS_S	KHN_MSR_TS_S
#define TS_R	KHN_MSR_TS_MASK		/* the reserved encoding */

struct tm_case {
	const char *desc;
	u64 l1_ts, l2_ts;
	long rc;
	enum khn_rule rule;
};

static const struct tm_case tm_cases[] = {
	{ "L1 N, L2 N enters", TS_N, TS_N, OK, KHN_RULE_NONE },
	{ "L1 N, L2 T refused", TS_N, TS_T, BAD, KHN_RULE_L2_TM },
	{ "L1 N, L2 S refused", TS_N, TS_S, BAD, KHN_RULE_L2_TM },
	{ "L1 N, L2 reserved refused", TS_N, TS_R, BAD, KHN_RULE_L2_TM },
	{ "L1 T, L2 N refused", TS_T, TS_N, BAD, KHN_RULE_L1_TM },
	{ "L1 T, L2 T refused", TS_T, TS_T, BAD, KHN_RULE_L1_TM },
	{ "L1 T, L2 S refused", TS_T, TS_S, BAD, KHN_RULE_L1_TM },
	{ "L1 T, L2 reserved refused", TS_T, TS_R, BAD, KHN_RULE_L1_TM },
	{ "L1 S, L2 N refused", TS_S, TS_N, BAD, KHN_RULE_L2_TM },
	{ "L1 S, L2 T enters", TS_S, TS_T, OK, KHN_RULE_NONE },
	{ "L1 S, L2 S enters", TS_S, TS_S, OK, KHN_RULE_NONE },
	{ "L1 S, L2 reserved refused", TS_S, TS_R, BAD, KHN_RULE_L2_TM },
	{ "L1 reserved, L2 N refused", TS_R, TS_N, BAD, KHN_RULE_L1_TM },
	{ "L1 reserved, L2 T refused", TS_R, TS_T, BAD, KHN_RULE_L1_TM },
	{ "L1 reserved, L2 S refused", TS_R, TS_S, BAD, KHN_RULE_L1_TM },
	{ "L1 reserved, L2 reserved refused", TS_R, TS_R, BAD,
	  KHN_RULE_L1_TM },
};

CASE_DESC(tm);

static void tm_state_refused_with_bad_mode(struct kunit *test)
{
	const struct tm_case *c = test->param_value;
	const struct khn_l1_ctx l1 = {
		.msr = KERNEL_MSR | KHN_MSR_TM | c->l1_ts, .lpcr = L0_LPCR,
		.pcr = 0, .hfscr_permitted = PERMITTED, .radix = true,
	};
	const struct khn_l2_regs req = {
		.msr = KERNEL_MSR | KHN_MSR_TM | c->l2_ts, .lpcr = L0_LPCR,
		.pcr = KHN_PCR_MASK, .amor = KHN_AMOR_ALL,
		.hfscr = KHN_HFSCR_FP | KHN_HFSCR_TM,
	};
	struct khn_l2_regs out, poison;
	struct khn_check_log log = {};

	memset(&out, 0xa5, sizeof(out));
	poison = out;
	KUNIT_EXPECT_EQ(test, khn_sanitise_entry(&l1, &req, &out, &log),
			c->rc);
	KUNIT_EXPECT_EQ(test, log.rc, c->rc);
	KUNIT_EXPECT_EQ(test, log.failed, c->rule);
	if (c->rc == OK) {
		KUNIT_EXPECT_NULL(test, log.failed_check);
		KUNIT_EXPECT_EQ(test, out.msr, req.msr);
		return;
	}
	KUNIT_EXPECT_NOT_NULL(test, log.failed_check);
	/* The first refusal stops the entry: nothing else ran or was written */
	KUNIT_EXPECT_EQ(test, log.fired, BIT(c->rule));
	KUNIT_EXPECT_EQ(test, memcmp(&out, &poison, sizeof(out)), 0);
}

static void tm_rules_refuse_on_their_own(struct kunit *test)
{
	struct khn_check_log log = {};

	KUNIT_EXPECT_EQ(test, khn_check_l1_tm(KERNEL_MSR | TS_T, &log), BAD);
	KUNIT_EXPECT_EQ(test, log.failed, KHN_RULE_L1_TM);
	KUNIT_EXPECT_STREQ(test, log.failed_check, "ts == KHN_MSR_TS_T");

	memset(&log, 0, sizeof(log));
	KUNIT_EXPECT_EQ(test, khn_check_l2_tm(KERNEL_MSR | TS_S, KERNEL_MSR,
					      &log), BAD);
	KUNIT_EXPECT_EQ(test, log.failed, KHN_RULE_L2_TM);
	KUNIT_EXPECT_EQ(test, log.fired, RULE(L2_TM));

	/* The L1 rule alone accepts a suspended L1 */
	memset(&log, 0, sizeof(log));
	KUNIT_EXPECT_EQ(test, khn_check_l1_tm(KERNEL_MSR | TS_S, &log), OK);
	KUNIT_EXPECT_EQ(test, log.fired, 0);
}

/* ---- the groups ---- */

static void entry_sanitises_every_register(struct kunit *test)
{
	const struct khn_l1_ctx l1 = {
		.msr = KERNEL_MSR, .lpcr = L0_LPCR | KHN_LPCR_ILE,
		.pcr = KHN_PCR_MASK | KHN_PCR_ARCH_300,
		.hfscr_permitted = KHN_HFSCR_FP | KHN_HFSCR_VECVSX,
		.radix = true,
	};
	const struct khn_l2_regs req = {
		.msr = (KERNEL_MSR & ~KHN_MSR_ME) | KHN_MSR_HV,
		.lpcr = KHN_LPCR_HDICE | KHN_LPCR_LD | AIL(1),
		.pcr = KHN_PCR_MASK | KHN_PCR_ARCH_207,
		.amor = 0,
		.hfscr = KHN_HFSCR_FP | KHN_HFSCR_TM | CAUSE(1),
		.dawrx0 = DAWRX_RW | KHN_DAWRX_HYP,
		.dawrx1 = DAWRX_RW | KHN_DAWRX_USER,
		.ciabr = CIABR_ADDR | KHN_CIABR_PRIV_HYPER,
		.ppr = PRI(7) | 0x1234,
	};
	struct khn_l2_regs out;
	struct khn_check_log log = {};

	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&l1, &req, &out, &log), OK);
	KUNIT_EXPECT_EQ(test, out.msr, KERNEL_MSR);
	KUNIT_EXPECT_EQ(test, out.lpcr, L0_LPCR | KHN_LPCR_LD);
	KUNIT_EXPECT_EQ(test, out.pcr,
			KHN_PCR_MASK | KHN_PCR_ARCH_300 | KHN_PCR_ARCH_207);
	KUNIT_EXPECT_EQ(test, out.amor, KHN_AMOR_ALL);
	KUNIT_EXPECT_EQ(test, out.hfscr, KHN_HFSCR_FP | CAUSE(1));
	KUNIT_EXPECT_EQ(test, out.dawrx0, DAWRX_RW);
	KUNIT_EXPECT_EQ(test, out.dawrx1, DAWRX_RW | KHN_DAWRX_USER);
	KUNIT_EXPECT_EQ(test, out.ciabr, CIABR_ADDR);
	KUNIT_EXPECT_EQ(test, out.ppr, PRI(6) | 0x1234);
	expect_clamped(test, &log, RULE(MSR) | RULE(LPCR) | RULE(PCR) |
		       RULE(AMOR) | RULE(HFSCR) | RULE(DAWRX) | RULE(CIABR) |
		       RULE(PPR));
}

static void entry_of_a_clean_request_fires_nothing(struct kunit *test)
{
	const struct khn_l1_ctx l1 = {
		.msr = KERNEL_MSR | KHN_MSR_TS_S, .lpcr = L0_LPCR,
		.hfscr_permitted = PERMITTED, .radix = true,
	};
	const struct khn_l2_regs req = {
		.msr = KERNEL_MSR | KHN_MSR_TM | KHN_MSR_TS_T,
		.lpcr = L0_LPCR | KHN_LPCR_ILE | KHN_LPCR_AIL_3,
		.pcr = KHN_PCR_MASK, .amor = KHN_AMOR_ALL, .hfscr = PERMITTED,
		.dawrx0 = DAWRX_RW | KHN_DAWRX_USER,
		.ciabr = CIABR_ADDR | KHN_CIABR_PRIV_SUPER,
	};
	struct khn_l2_regs out = req;
	struct khn_check_log log = {};

	/* In place: @out may be the request itself */
	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&l1, &out, &out, &log), OK);
	KUNIT_EXPECT_EQ(test, memcmp(&out, &req, sizeof(out)), 0);
	expect_clamped(test, &log, 0);
}

static void check_log_keeps_the_first_refusal(struct kunit *test)
{
	struct khn_check_log log = {};
	bool fired;

	fired = KHN_CC(&log, KHN_RULE_DAWRX, OK, true);
	KUNIT_EXPECT_TRUE(test, fired);
	KUNIT_EXPECT_EQ(test, log.failed, KHN_RULE_NONE);
	KUNIT_EXPECT_FALSE(test, KHN_CC(&log, KHN_RULE_L1_TM, BAD, 1 > 2));
	KUNIT_EXPECT_TRUE(test, KHN_CC(&log, KHN_RULE_L2_TM, BAD, 2 > 1));
	KUNIT_EXPECT_TRUE(test, KHN_CC(&log, KHN_RULE_L1_TM, KHN_H_P2, 3 > 1));
	KUNIT_EXPECT_EQ(test, log.fired, RULE(DAWRX) | RULE(L2_TM) |
			RULE(L1_TM));
	KUNIT_EXPECT_EQ(test, log.failed, KHN_RULE_L2_TM);
	KUNIT_EXPECT_EQ(test, log.rc, BAD);
	KUNIT_EXPECT_STREQ(test, log.failed_check, "2 > 1");
	/* Nobody listening: still evaluates, records nothing */
	KUNIT_EXPECT_TRUE(test, KHN_CC(NULL, KHN_RULE_MSR, BAD, true));
	KUNIT_EXPECT_EQ(test, khn_sanitise_msr(0, NULL), KHN_MSR_ME);
}

static void every_rule_has_its_own_name(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < KHN_RULE_NR; i++) {
		const char *s = khn_rule_name(i);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_STRNEQ(test, s, "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, s, khn_rule_name(j));
	}
	KUNIT_EXPECT_STREQ(test, khn_rule_name(KHN_RULE_L1_TM), "l1_tm_state");
	KUNIT_EXPECT_STREQ(test, khn_rule_name(KHN_RULE_NR), "unknown");
	KUNIT_EXPECT_STREQ(test, khn_rule_name((enum khn_rule)-1), "unknown");
}

/* ---- exit: what L1 reads back ---- */

struct exit_hfscr_case {
	const char *desc;
	u64 req, hw;
	bool fac;
	u64 want;
};

static const struct exit_hfscr_case exit_hfscr_cases[] = {
	{ "other exit: L1's value exactly", KHN_HFSCR_FP | CAUSE(2),
	  PERMITTED | CAUSE(7), false, KHN_HFSCR_FP | CAUSE(2) },
	{ "HFAC exit: hardware cause, L1's facilities",
	  KHN_HFSCR_FP | CAUSE(2), PERMITTED | CAUSE(FAC(KHN_HFSCR_TM)), true,
	  KHN_HFSCR_FP | CAUSE(FAC(KHN_HFSCR_TM)) },
	{ "HFAC exit with no facilities asked", 0, ~0ULL, true,
	  KHN_HFSCR_INTR_CAUSE },
	{ "HFAC exit returns bits L0 withheld as L1 wrote them", KHN_HFSCR_MSGP,
	  KHN_HFSCR_FP | CAUSE(10), true, KHN_HFSCR_MSGP | CAUSE(10) },
};

CASE_DESC(exit_hfscr);

static void exit_hfscr_shows_l1_only_its_own_bits(struct kunit *test)
{
	const struct exit_hfscr_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khn_sanitise_exit_hfscr(c->req, c->hw, c->fac),
			c->want);
}

/*
 * Issue 8: on an HV softpatch exit the cause field is whatever L1 wrote
 * in its L2's HFSCR (8 bits), and BIT_ULL(cause) was computed for causes
 * past 63.  Only a facility L0 permits and L1 withheld goes to L1.
 */
static void exit_hfac_cause_beyond_63_is_never_l1s(struct kunit *test)
{
	static const unsigned int bad[] = { 64, 65, 100, 127, 128, 129, 192,
					    255 };
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, khn_exit_hfac_is_l1s(CAUSE(FAC(KHN_HFSCR_TM)),
						     PERMITTED, KHN_HFSCR_FP));
	KUNIT_EXPECT_TRUE(test, khn_exit_hfac_is_l1s(CAUSE(0), PERMITTED, 0));
	/* L1 gave its L2 the facility: the trap is not L1's doing */
	KUNIT_EXPECT_FALSE(test, khn_exit_hfac_is_l1s(CAUSE(FAC(KHN_HFSCR_TM)),
						      PERMITTED,
						      KHN_HFSCR_TM));
	/* L0 does not give L1 the facility: nothing L1 can act on */
	KUNIT_EXPECT_FALSE(test, khn_exit_hfac_is_l1s(CAUSE(FAC(KHN_HFSCR_MSGP)),
						      PERMITTED, 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, khn_exit_hfac_is_l1s(CAUSE(bad[i]),
								  ~0ULL, 0),
				       "cause %u", bad[i]);
}

struct exit_msr_case {
	const char *desc;
	u64 l1, l2, want;
};

static const struct exit_msr_case exit_msr_cases[] = {
	{ "N L1, N L2: stays N", KERNEL_MSR, KERNEL_MSR, KERNEL_MSR },
	{ "S L1, L2 left N: L1 resumes N", KERNEL_MSR | TS_S,
	  KERNEL_MSR | KHN_MSR_PR, KERNEL_MSR },
	{ "S L1, L2 left T: L1 resumes S", KERNEL_MSR | TS_S,
	  KHN_MSR_PR | TS_T, KERNEL_MSR | TS_S },
	{ "S L1, L2 left S: L1 resumes S", KERNEL_MSR | TS_S, TS_S,
	  KERNEL_MSR | TS_S },
	{ "N L1, L2 left T: L1 resumes S", KERNEL_MSR, TS_T,
	  KERNEL_MSR | TS_S },
	{ "L2's other bits never reach L1", KERNEL_MSR,
	  ~KHN_MSR_TS_MASK, KERNEL_MSR },
};

CASE_DESC(exit_msr);

static void exit_l1_msr_follows_l2_transaction(struct kunit *test)
{
	const struct exit_msr_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khn_sanitise_exit_l1_msr(c->l1, c->l2), c->want);
}

static void exit_never_leaks_l0_state(struct kunit *test)
{
	const struct khn_l1_ctx l1 = {
		.msr = KERNEL_MSR, .lpcr = L0_LPCR | KHN_LPCR_LD,
		.pcr = KHN_PCR_MASK | KHN_PCR_ARCH_300,
		.hfscr_permitted = PERMITTED, .radix = true,
	};
	const struct khn_l2_regs req = {
		.msr = KERNEL_MSR, .lpcr = KHN_LPCR_ILE, .pcr = 0, .amor = 0x3,
		.hfscr = KHN_HFSCR_FP | KHN_HFSCR_MSGP,
		.dawrx0 = DAWRX_RW | KHN_DAWRX_HYP,
		.dawrx1 = DAWRX_RW | KHN_DAWRX_KERNEL,
		.ciabr = CIABR_ADDR | KHN_CIABR_PRIV_HYPER,
	};
	struct khn_l2_regs hw, back;
	struct khn_check_log log = {};
	bool fac;

	KUNIT_ASSERT_EQ(test, khn_sanitise_entry(&l1, &req, &hw, &log), OK);
	/* While the L2 ran, L0 turned on facilities and took an HFAC */
	hw.hfscr |= KHN_HFSCR_PM | KHN_HFSCR_EBB | CAUSE(FAC(KHN_HFSCR_TM));
	hw.msr |= KHN_MSR_EE;

	for (fac = false; ; fac = true) {
		khn_sanitise_exit_regs(&req, &hw, fac, &back);
		KUNIT_EXPECT_EQ(test, back.lpcr, req.lpcr);
		KUNIT_EXPECT_EQ(test, back.lpcr & L0_LPCR, 0);
		KUNIT_EXPECT_EQ(test, back.pcr, req.pcr);
		KUNIT_EXPECT_EQ(test, back.amor, req.amor);
		KUNIT_EXPECT_EQ(test, back.dawrx0, req.dawrx0);
		KUNIT_EXPECT_EQ(test, back.dawrx1, req.dawrx1);
		KUNIT_EXPECT_EQ(test, back.ciabr, req.ciabr);
		KUNIT_EXPECT_EQ(test, back.hfscr & ~KHN_HFSCR_INTR_CAUSE,
				req.hfscr);
		KUNIT_EXPECT_EQ(test, back.hfscr & KHN_HFSCR_INTR_CAUSE,
				fac ? CAUSE(FAC(KHN_HFSCR_TM)) : 0);
		KUNIT_EXPECT_EQ(test, back.msr, KERNEL_MSR | KHN_MSR_EE);
		if (fac)
			break;
	}
}

static struct kunit_case sanitise_test_cases[] = {
	KUNIT_CASE_PARAM(lpcr_keeps_l1_bits_and_takes_the_rest_from_l0,
			 lpcr_gen_params),
	KUNIT_CASE_PARAM(hfscr_is_limited_to_what_l0_permits,
			 hfscr_gen_params),
	KUNIT_CASE(hfscr_limits_are_per_vcpu),
	KUNIT_CASE_PARAM(dawrx_never_matches_in_hypervisor_state,
			 dawrx_gen_params),
	KUNIT_CASE_PARAM(ciabr_never_matches_in_hypervisor_state,
			 ciabr_gen_params),
	KUNIT_CASE_PARAM(msr_has_me_set_and_hv_clear, msr_gen_params),
	KUNIT_CASE_PARAM(pcr_only_adds_restrictions, pcr_gen_params),
	KUNIT_CASE(amor_is_always_all_ones),
	KUNIT_CASE_PARAM(ppr_pri_is_at_most_what_a_guest_may_set,
			 ppr_gen_params),
	KUNIT_CASE_PARAM(tm_state_refused_with_bad_mode, tm_gen_params),
	KUNIT_CASE(tm_rules_refuse_on_their_own),
	KUNIT_CASE(entry_sanitises_every_register),
	KUNIT_CASE(entry_of_a_clean_request_fires_nothing),
	KUNIT_CASE(check_log_keeps_the_first_refusal),
	KUNIT_CASE(every_rule_has_its_own_name),
	KUNIT_CASE_PARAM(exit_hfscr_shows_l1_only_its_own_bits,
			 exit_hfscr_gen_params),
	KUNIT_CASE_PARAM(exit_l1_msr_follows_l2_transaction,
			 exit_msr_gen_params),
	KUNIT_CASE(exit_never_leaks_l0_state),
	KUNIT_CASE(exit_hfac_cause_beyond_63_is_never_l1s),
	{}
};

static struct kunit_suite sanitise_test_suite = {
	.name = "khn-sanitise",
	.test_cases = sanitise_test_cases,
};

kunit_test_suite(sanitise_test_suite);
