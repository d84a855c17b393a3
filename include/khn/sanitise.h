/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sanitisation of the L2 register state L1 asks for in H_ENTER_NESTED,
 * and of what L1 reads back when the L2 exits.
 *
 * Each rule is one small function.  A rule either clamps (returns the
 * value L0 will really load, never refusing) or refuses (returns a PAPR
 * code).  Every check that fires goes through KHN_CC(), which records the
 * rule in a caller-owned struct khn_check_log: the entry path hands it to
 * a trace event, the tests assert on it.
 *
 * Nothing here touches shared state: everything that bounds L1 (what L0
 * permits this vCPU, the LPCR L0 runs it with) comes in through a const
 * struct khn_l1_ctx, so one vCPU's limits can never leak into another's.
 */
#ifndef _KHN_SANITISE_H
#define _KHN_SANITISE_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "khn/sprs.h"

/*
 * LPCR bits L1 may choose for its L2: DPFD, ILE, TC, AIL, LD, MER.  The
 * rest of the L2's LPCR is L0's (the LPCR L0 runs this L1 with).
 */
#define KHN_LPCR_L2_SETTABLE	(KHN_LPCR_DPFD | KHN_LPCR_ILE | KHN_LPCR_TC | \
				 KHN_LPCR_AIL | KHN_LPCR_LD | KHN_LPCR_MER)

/**
 * enum khn_rule - the sanitisation rules, as named in a struct khn_check_log
 * @KHN_RULE_NONE:	no rule (a log where nothing was refused)
 * @KHN_RULE_L1_TM:	L1 itself must be non-transactional or suspended
 * @KHN_RULE_L2_TM:	L2's TM state must be one L0 can enter from L1's
 * @KHN_RULE_LPCR:	only KHN_LPCR_L2_SETTABLE is L1's, and filtered
 * @KHN_RULE_HFSCR:	facilities limited to what L0 permits this vCPU
 * @KHN_RULE_DAWRX:	a watchpoint never matches in hypervisor state
 * @KHN_RULE_CIABR:	a breakpoint never matches in hypervisor state
 * @KHN_RULE_MSR:	L2 runs with ME set, HV and S clear
 * @KHN_RULE_PCR:	no newer architecture than L1's; reserved bits set
 * @KHN_RULE_AMOR:	AMOR is all ones whatever L1 asks
 * @KHN_RULE_PPR:	PPR[PRI] no higher than a privileged guest may set
 * @KHN_RULE_NR:	number of values above
 */
enum khn_rule {
	KHN_RULE_NONE,
	KHN_RULE_L1_TM,
	KHN_RULE_L2_TM,
	KHN_RULE_LPCR,
	KHN_RULE_HFSCR,
	KHN_RULE_DAWRX,
	KHN_RULE_CIABR,
	KHN_RULE_MSR,
	KHN_RULE_PCR,
	KHN_RULE_AMOR,
	KHN_RULE_PPR,
	KHN_RULE_NR,
};

/**
 * struct khn_check_log - which sanitisation checks fired on one entry
 * @fired:	BIT(rule) for every rule that clamped a value or refused
 * @failed:	the first rule that refused, %KHN_RULE_NONE if none did
 * @failed_check: text of the refusing condition (for the trace), or NULL
 * @rc:		the PAPR code of that refusal, %KHN_H_SUCCESS if none
 *
 * Owned by the caller, one per entry attempt; zero-initialise it (an
 * all-zero log means "nothing fired").  Never shared between vCPUs.
 */
struct khn_check_log {
	unsigned long fired;
	enum khn_rule failed;
	const char *failed_check;
	long rc;
};

/**
 * struct khn_l2_regs - the L2 register values subject to sanitisation
 * @msr:	MSR the L2 is entered with
 * @lpcr:	LPCR
 * @pcr:	processor compatibility register
 * @amor:	authority mask override register
 * @hfscr:	hypervisor facility status and control
 * @dawrx0:	data address watchpoint extension 0
 * @dawrx1:	data address watchpoint extension 1
 * @ciabr:	completed instruction address breakpoint
 * @ppr:	program priority register
 *
 * On entry: what L1 asked for, or what L0 will load.  On exit: what the
 * hardware held, or what L1 reads back.  CPU byte order.
 */
struct khn_l2_regs {
	u64 msr;
	u64 lpcr;
	u64 pcr;
	u64 amor;
	u64 hfscr;
	u64 dawrx0;
	u64 dawrx1;
	u64 ciabr;
	u64 ppr;
};

/**
 * struct khn_l1_ctx - the L1 vCPU state that bounds what it may ask for
 * @msr:	L1's MSR when it made the hypercall (its TS field matters)
 * @lpcr:	the LPCR L0 runs this L1 vCPU with; the source of every L2
 *		LPCR bit L1 does not own
 * @pcr:	the PCR L0 runs this L1 vCPU with (0: no compatibility mode)
 * @hfscr_permitted: the facilities L0 permits this vCPU (per vCPU; the
 *		rules only read it)
 * @radix:	L1's partition is radix (LPCR[TC] means nothing then)
 * @no_ail:	force LPCR[AIL] off (POWER9 radix prefetch erratum)
 */
struct khn_l1_ctx {
	u64 msr;
	u64 lpcr;
	u64 pcr;
	u64 hfscr_permitted;
	bool radix;
	bool no_ail;
};

void khn_check_fired(struct khn_check_log *log, enum khn_rule rule,
		     const char *check, long rc);
const char *khn_rule_name(enum khn_rule rule);

/**
 * KHN_CC() - evaluate one sanitisation check, recording it if it fires
 * @log:	struct khn_check_log of this entry attempt (may be NULL)
 * @rule:	enum khn_rule the check belongs to
 * @rc:		the PAPR code the rule refuses with, or %KHN_H_SUCCESS when
 *		it clamps
 * @check:	condition that is true when the check fires
 *
 * Like nVMX's CC(): every check of every rule goes through here, so one
 * place (khn_check_fired()) sees them all and can feed a trace event.
 *
 * Return: the value of @check.
 */
#define KHN_CC(log, rule, rc, check)					\
({									\
	bool __khn_cc = (check);					\
									\
	if (unlikely(__khn_cc))						\
		khn_check_fired((log), (rule), #check, (rc));		\
	__khn_cc;							\
})

/* Refusing rules: return KHN_H_SUCCESS or the PAPR code */
long khn_check_l1_tm(u64 l1_msr, struct khn_check_log *log);
long khn_check_l2_tm(u64 l1_msr, u64 l2_msr, struct khn_check_log *log);

/* Clamping rules: return the value L0 loads for the L2 */
u64 khn_sanitise_lpcr(const struct khn_l1_ctx *l1, u64 lpcr,
		      struct khn_check_log *log);
u64 khn_sanitise_hfscr(u64 hfscr_permitted, u64 hfscr,
		       struct khn_check_log *log);
u64 khn_sanitise_dawrx(u64 dawrx, struct khn_check_log *log);
u64 khn_sanitise_ciabr(u64 ciabr, struct khn_check_log *log);
u64 khn_sanitise_msr(u64 msr, struct khn_check_log *log);
u64 khn_sanitise_pcr(u64 l1_pcr, u64 pcr, struct khn_check_log *log);
u64 khn_sanitise_amor(u64 amor, struct khn_check_log *log);
u64 khn_sanitise_ppr(u64 ppr, struct khn_check_log *log);
bool khn_exit_hfac_is_l1s(u64 hfscr, u64 hfscr_permitted, u64 l1_hfscr);

/* Groups */
long khn_check_entry_tm(const struct khn_l1_ctx *l1, u64 l2_msr,
			struct khn_check_log *log);
void khn_sanitise_entry_hv(const struct khn_l1_ctx *l1,
			   const struct khn_l2_regs *req,
			   struct khn_l2_regs *out, struct khn_check_log *log);
long khn_sanitise_entry(const struct khn_l1_ctx *l1,
			const struct khn_l2_regs *req,
			struct khn_l2_regs *out, struct khn_check_log *log);

/* Exit: what L1 reads back */
u64 khn_sanitise_exit_hfscr(u64 req_hfscr, u64 hw_hfscr, bool fac_exit);
u64 khn_sanitise_exit_l1_msr(u64 l1_msr, u64 l2_msr);
void khn_sanitise_exit_regs(const struct khn_l2_regs *req,
			    const struct khn_l2_regs *hw, bool fac_exit,
			    struct khn_l2_regs *out);

#endif /* _KHN_SANITISE_H */
