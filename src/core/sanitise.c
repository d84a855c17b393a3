// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks L0 applies to the L2 register state L1 passes in
 * H_ENTER_NESTED, one function per rule, and the state L1 reads back.
 * The rules follow the nested-HV ABI L1 expects: only TM state is ever
 * refused (H_BAD_MODE); every other register is silently clamped.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "khn/papr.h"
#include "khn/sanitise.h"
#include "khn/sprs.h"

static const char * const khn_rule_names[KHN_RULE_NR] = {
	[KHN_RULE_NONE]		= "none",
	[KHN_RULE_L1_TM]	= "l1_tm_state",
	[KHN_RULE_L2_TM]	= "l2_tm_state",
	[KHN_RULE_LPCR]		= "lpcr",
	[KHN_RULE_HFSCR]	= "hfscr",
	[KHN_RULE_DAWRX]	= "dawrx",
	[KHN_RULE_CIABR]	= "ciabr",
	[KHN_RULE_MSR]		= "msr",
	[KHN_RULE_PCR]		= "pcr",
	[KHN_RULE_AMOR]		= "amor",
	[KHN_RULE_PPR]		= "ppr",
};

/**
 * khn_rule_name() - the name of a rule, as a trace event prints it
 * @rule: a rule
 *
 * Return: a constant string, never NULL.
 */
const char *khn_rule_name(enum khn_rule rule)
{
	if ((unsigned int)rule >= KHN_RULE_NR)
		return "unknown";
	return khn_rule_names[rule];
}
EXPORT_SYMBOL_IF_KUNIT(khn_rule_name);

/**
 * khn_check_fired() - record a check that fired (called by KHN_CC() only)
 * @log:	the entry attempt's log, or NULL when nobody is listening
 * @rule:	the rule the check belongs to
 * @check:	text of the condition that was true
 * @rc:		the PAPR code the rule refuses with, %KHN_H_SUCCESS if it
 *		only clamped
 *
 * Out of line so that a trace event or probe has one place to hook.  Only
 * the first refusal is kept: it is the one the hypercall returns.
 */
noinline void khn_check_fired(struct khn_check_log *log, enum khn_rule rule,
			      const char *check, long rc)
{
	if (!log)
		return;
	log->fired |= BIT(rule);
	if (rc != KHN_H_SUCCESS && log->failed == KHN_RULE_NONE) {
		log->failed = rule;
		log->failed_check = check;
		log->rc = rc;
	}
}
EXPORT_SYMBOL_IF_KUNIT(khn_check_fired);

static u64 khn_msr_ts(u64 msr)
{
	return msr & KHN_MSR_TS_MASK;
}

/**
 * khn_check_l1_tm() - refuse an L1 that is in a transaction
 * @l1_msr:	L1's MSR at the hypercall
 * @log:	the entry attempt's log
 *
 * L0 does not carry an L1 transaction across an L2 run (the L2 reuses the
 * TM registers), and the reserved TS encoding is never a state L1 can
 * legitimately be in.  Suspended is fine: see khn_check_l2_tm().
 *
 * Return: %KHN_H_SUCCESS, or %KHN_H_BAD_MODE.
 */
long khn_check_l1_tm(u64 l1_msr, struct khn_check_log *log)
{
	u64 ts = khn_msr_ts(l1_msr);

	if (KHN_CC(log, KHN_RULE_L1_TM, KHN_H_BAD_MODE, ts == KHN_MSR_TS_T))
		return KHN_H_BAD_MODE;
	if (KHN_CC(log, KHN_RULE_L1_TM, KHN_H_BAD_MODE, ts == KHN_MSR_TS_MASK))
		return KHN_H_BAD_MODE;
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_check_l1_tm);

/**
 * khn_check_l2_tm() - refuse an L2 TM state L0's HRFID cannot enter
 * @l1_msr:	L1's MSR at the hypercall (already passed khn_check_l1_tm())
 * @l2_msr:	the MSR L1 asks the L2 to run with
 * @log:	the entry attempt's log
 *
 * An HRFID to an illegal TS transition is a TM Bad Thing in L0, so these
 * are refused rather than fixed up: an L2 may be in a transaction only if
 * L1 arrived suspended (carrying the L2's checkpoint), a suspended L1 may
 * only go back into a transaction, and the reserved encoding never.
 *
 * Return: %KHN_H_SUCCESS, or %KHN_H_BAD_MODE.
 */
long khn_check_l2_tm(u64 l1_msr, u64 l2_msr, struct khn_check_log *log)
{
	u64 l1_ts = khn_msr_ts(l1_msr);
	u64 l2_ts = khn_msr_ts(l2_msr);

	if (KHN_CC(log, KHN_RULE_L2_TM, KHN_H_BAD_MODE,
		   l2_ts == KHN_MSR_TS_MASK))
		return KHN_H_BAD_MODE;
	if (KHN_CC(log, KHN_RULE_L2_TM, KHN_H_BAD_MODE,
		   l1_ts != KHN_MSR_TS_S && l2_ts != KHN_MSR_TS_N))
		return KHN_H_BAD_MODE;
	if (KHN_CC(log, KHN_RULE_L2_TM, KHN_H_BAD_MODE,
		   l1_ts == KHN_MSR_TS_S && l2_ts == KHN_MSR_TS_N))
		return KHN_H_BAD_MODE;
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_check_l2_tm);

/**
 * khn_sanitise_lpcr() - the LPCR L0 runs the L2 with
 * @l1:		the L1 vCPU's bounds (its LPCR supplies L0's bits)
 * @lpcr:	the LPCR L1 asks for
 * @log:	the entry attempt's log
 *
 * L1 owns only KHN_LPCR_L2_SETTABLE; the interrupt routing, translation
 * and power-saving bits stay L0's.  L1's bits are then filtered as L0
 * filters its own guests' LPCR.
 *
 * Return: the LPCR to load.
 */
u64 khn_sanitise_lpcr(const struct khn_l1_ctx *l1, u64 lpcr,
		      struct khn_check_log *log)
{
	u64 ail;

	KHN_CC(log, KHN_RULE_LPCR, KHN_H_SUCCESS,
	       (lpcr ^ l1->lpcr) & ~KHN_LPCR_L2_SETTABLE);
	lpcr = (l1->lpcr & ~KHN_LPCR_L2_SETTABLE) |
	       (lpcr & KHN_LPCR_L2_SETTABLE);

	/* TC selects an HPT translation mode: meaningless under radix */
	if (KHN_CC(log, KHN_RULE_LPCR, KHN_H_SUCCESS,
		   l1->radix && (lpcr & KHN_LPCR_TC)))
		lpcr &= ~KHN_LPCR_TC;

	/* Only AIL 0 and 3 are defined from ISA v3.0 on */
	ail = lpcr & KHN_LPCR_AIL;
	if (KHN_CC(log, KHN_RULE_LPCR, KHN_H_SUCCESS,
		   ail != KHN_LPCR_AIL_0 && ail != KHN_LPCR_AIL_3))
		lpcr &= ~KHN_LPCR_AIL;

	/*
	 * The erratum: relocation-on interrupts can cache translations for
	 * LPID 0 that L0's TLB management never flushes.
	 */
	if (KHN_CC(log, KHN_RULE_LPCR, KHN_H_SUCCESS,
		   l1->no_ail && (lpcr & KHN_LPCR_AIL)))
		lpcr &= ~KHN_LPCR_AIL;
	return lpcr;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_lpcr);

/**
 * khn_sanitise_hfscr() - the HFSCR L0 runs the L2 with
 * @hfscr_permitted: the facilities L0 permits this L1 vCPU (per vCPU)
 * @hfscr:	the HFSCR L1 asks for
 * @log:	the entry attempt's log
 *
 * L1 cannot give its L2 a facility L0 does not give L1.  The cause field
 * enables nothing and is passed through as L1 wrote it.
 *
 * Return: the HFSCR to load.
 */
u64 khn_sanitise_hfscr(u64 hfscr_permitted, u64 hfscr,
		       struct khn_check_log *log)
{
	u64 allowed = KHN_HFSCR_INTR_CAUSE | hfscr_permitted;

	KHN_CC(log, KHN_RULE_HFSCR, KHN_H_SUCCESS, hfscr & ~allowed);
	return hfscr & allowed;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_hfscr);

/**
 * khn_sanitise_dawrx() - a DAWRX0/1 value L0 can load for the L2
 * @dawrx:	the DAWRX L1 asks for
 * @log:	the entry attempt's log
 *
 * A watchpoint matching in hypervisor state would fire in L0's own code.
 *
 * Return: @dawrx without the hypervisor-match bit.
 */
u64 khn_sanitise_dawrx(u64 dawrx, struct khn_check_log *log)
{
	if (KHN_CC(log, KHN_RULE_DAWRX, KHN_H_SUCCESS, dawrx & KHN_DAWRX_HYP))
		dawrx &= ~KHN_DAWRX_HYP;
	return dawrx;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_dawrx);

/**
 * khn_sanitise_ciabr() - a CIABR value L0 can load for the L2
 * @ciabr:	the CIABR L1 asks for
 * @log:	the entry attempt's log
 *
 * PRIV is an enumeration, not a mask: a hypervisor-state match becomes no
 * match at all (PRIV = 0), never a user or supervisor one L1 did not ask
 * for.
 *
 * Return: the CIABR to load.
 */
u64 khn_sanitise_ciabr(u64 ciabr, struct khn_check_log *log)
{
	if (KHN_CC(log, KHN_RULE_CIABR, KHN_H_SUCCESS,
		   (ciabr & KHN_CIABR_PRIV) == KHN_CIABR_PRIV_HYPER))
		ciabr &= ~KHN_CIABR_PRIV;
	return ciabr;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_ciabr);

/**
 * khn_sanitise_msr() - the MSR L0 enters the L2 with
 * @msr:	the MSR L1 asks for (its TS field already checked)
 * @log:	the entry attempt's log
 *
 * Machine checks belong to L0, which owns the hardware, so ME is always
 * on; an L2 never runs in hypervisor or secure (ultravisor) state.
 *
 * Return: the MSR to enter with.
 */
u64 khn_sanitise_msr(u64 msr, struct khn_check_log *log)
{
	if (KHN_CC(log, KHN_RULE_MSR, KHN_H_SUCCESS, !(msr & KHN_MSR_ME)))
		msr |= KHN_MSR_ME;
	if (KHN_CC(log, KHN_RULE_MSR, KHN_H_SUCCESS, msr & KHN_MSR_HV))
		msr &= ~KHN_MSR_HV;
	if (KHN_CC(log, KHN_RULE_MSR, KHN_H_SUCCESS, msr & KHN_MSR_S))
		msr &= ~KHN_MSR_S;
	return msr;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_msr);

/**
 * khn_sanitise_pcr() - the PCR L0 runs the L2 with
 * @l1_pcr:	the PCR L0 runs this L1 vCPU with (0: none)
 * @pcr:	the PCR L1 asks for
 * @log:	the entry attempt's log
 *
 * L1 chooses only the compatibility and feature-disable bits, and can
 * only add to its own: an L2 never gets an architecture level or a
 * feature L1 itself does not have.  Reserved bits are always set.
 *
 * Return: the PCR to load.
 */
u64 khn_sanitise_pcr(u64 l1_pcr, u64 pcr, struct khn_check_log *log)
{
	u64 l1_bits = l1_pcr & ~KHN_PCR_MASK;

	KHN_CC(log, KHN_RULE_PCR, KHN_H_SUCCESS, l1_bits & ~pcr);
	KHN_CC(log, KHN_RULE_PCR, KHN_H_SUCCESS,
	       (pcr & KHN_PCR_MASK) != KHN_PCR_MASK);
	return (pcr & ~KHN_PCR_MASK) | l1_bits | KHN_PCR_MASK;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_pcr);

/**
 * khn_sanitise_amor() - the AMOR L0 runs the L2 with
 * @amor:	the AMOR L1 asks for (ignored)
 * @log:	the entry attempt's log
 *
 * L0 runs every guest with all AMR keys under the guest OS's control; L1
 * cannot change that for its L2.
 *
 * Return: %KHN_AMOR_ALL.
 */
u64 khn_sanitise_amor(u64 amor, struct khn_check_log *log)
{
	KHN_CC(log, KHN_RULE_AMOR, KHN_H_SUCCESS, amor != KHN_AMOR_ALL);
	return KHN_AMOR_ALL;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_amor);

/**
 * khn_sanitise_ppr() - the PPR L0 runs the L2 with
 * @ppr:	the PPR L1 asks for
 * @log:	the entry attempt's log
 *
 * L0 loads the L2's PPR with mtspr in hypervisor state, where every
 * priority is allowed.  The L2 is a privileged guest, which could only
 * raise itself to "high" (6): "very high" (7) is the hypervisor's, and
 * would let an L2 starve the other threads of its core.  It becomes 6.
 * The other bits are L1's as written.
 *
 * Return: the PPR to load.
 */
u64 khn_sanitise_ppr(u64 ppr, struct khn_check_log *log)
{
	if (KHN_CC(log, KHN_RULE_PPR, KHN_H_SUCCESS,
		   FIELD_GET(KHN_PPR_PRI, ppr) > KHN_PPR_PRI_HIGH))
		ppr = (ppr & ~KHN_PPR_PRI) |
		      FIELD_PREP(KHN_PPR_PRI, KHN_PPR_PRI_HIGH);
	return ppr;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_ppr);

/**
 * khn_check_entry_tm() - the refusing rules, in the order L1 sees them
 * @l1:		the L1 vCPU's bounds (its MSR)
 * @l2_msr:	the MSR L1 asks the L2 to run with
 * @log:	the entry attempt's log
 *
 * Return: %KHN_H_SUCCESS, or the code of the first refusal.
 */
long khn_check_entry_tm(const struct khn_l1_ctx *l1, u64 l2_msr,
			struct khn_check_log *log)
{
	long rc = khn_check_l1_tm(l1->msr, log);

	if (rc != KHN_H_SUCCESS)
		return rc;
	return khn_check_l2_tm(l1->msr, l2_msr, log);
}
EXPORT_SYMBOL_IF_KUNIT(khn_check_entry_tm);

/**
 * khn_sanitise_entry_hv() - the clamping rules, all of them
 * @l1:		the L1 vCPU's bounds
 * @req:	the L2 state L1 asks for
 * @out:	the L2 state L0 will load (may be @req)
 * @log:	the entry attempt's log
 */
void khn_sanitise_entry_hv(const struct khn_l1_ctx *l1,
			   const struct khn_l2_regs *req,
			   struct khn_l2_regs *out, struct khn_check_log *log)
{
	struct khn_l2_regs r;

	r.msr = khn_sanitise_msr(req->msr, log);
	r.lpcr = khn_sanitise_lpcr(l1, req->lpcr, log);
	r.pcr = khn_sanitise_pcr(l1->pcr, req->pcr, log);
	r.amor = khn_sanitise_amor(req->amor, log);
	r.hfscr = khn_sanitise_hfscr(l1->hfscr_permitted, req->hfscr, log);
	r.dawrx0 = khn_sanitise_dawrx(req->dawrx0, log);
	r.dawrx1 = khn_sanitise_dawrx(req->dawrx1, log);
	r.ciabr = khn_sanitise_ciabr(req->ciabr, log);
	r.ppr = khn_sanitise_ppr(req->ppr, log);
	*out = r;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_entry_hv);

/**
 * khn_sanitise_entry() - every entry rule: refusals first, then clamps
 * @l1:		the L1 vCPU's bounds
 * @req:	the L2 state L1 asks for
 * @out:	the L2 state L0 will load; left untouched on a refusal
 * @log:	the entry attempt's log; names the refusing rule
 *
 * Return: %KHN_H_SUCCESS, or the PAPR code of the first refusal.
 */
long khn_sanitise_entry(const struct khn_l1_ctx *l1,
			const struct khn_l2_regs *req,
			struct khn_l2_regs *out, struct khn_check_log *log)
{
	long rc = khn_check_entry_tm(l1, req->msr, log);

	if (rc != KHN_H_SUCCESS)
		return rc;
	khn_sanitise_entry_hv(l1, req, out, log);
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_entry);

/**
 * khn_sanitise_exit_hfscr() - the HFSCR L1 reads back for its L2
 * @req_hfscr:	the HFSCR L1 asked for on entry
 * @hw_hfscr:	the HFSCR the hardware held at exit (L0's facility bits)
 * @fac_exit:	the L2 exited with a hypervisor facility unavailable
 *
 * L1 never sees the facilities L0 actually loaded; an HFAC exit tells it,
 * in the cause field only, which facility trapped.
 *
 * Return: the HFSCR to copy back to L1.
 */
u64 khn_sanitise_exit_hfscr(u64 req_hfscr, u64 hw_hfscr, bool fac_exit)
{
	if (!fac_exit)
		return req_hfscr;
	return (req_hfscr & ~KHN_HFSCR_INTR_CAUSE) |
	       (hw_hfscr & KHN_HFSCR_INTR_CAUSE);
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_exit_hfscr);

/**
 * khn_exit_hfac_is_l1s() - whether L1 handles an L2's facility exit
 * @hfscr:	the HFSCR at exit; its cause field names the facility
 * @hfscr_permitted: the facilities L0 permits this L1 vCPU
 * @l1_hfscr:	the HFSCR L1 asked for its L2
 *
 * L1 sees a facility-unavailable exit only for a facility L0 gives it and
 * it withheld from its L2; anything else means nothing to L1 (L0 becomes
 * an emulation assist).  The cause field is 8 bits wide and, on an exit
 * that did not set it (an HV softpatch), holds whatever L1 wrote: a cause
 * that names no facility bit (64 or more) is never L1's.
 *
 * Return: true when the exit goes to L1 as a facility-unavailable one.
 */
bool khn_exit_hfac_is_l1s(u64 hfscr, u64 hfscr_permitted, u64 l1_hfscr)
{
	u64 cause = FIELD_GET(KHN_HFSCR_INTR_CAUSE, hfscr);

	if (cause >= 64)	/* BIT_ULL(cause) would be undefined */
		return false;
	return (hfscr_permitted & BIT_ULL(cause)) &&
	       !(l1_hfscr & BIT_ULL(cause));
}
EXPORT_SYMBOL_IF_KUNIT(khn_exit_hfac_is_l1s);

/**
 * khn_sanitise_exit_l1_msr() - L1's MSR when H_ENTER_NESTED returns
 * @l1_msr:	L1's MSR at the hypercall
 * @l2_msr:	the L2's MSR at exit
 *
 * An L2 that left in a transaction leaves its checkpoint in the TM
 * registers, so L1 resumes suspended; otherwise non-transactional.
 *
 * Return: the MSR to resume L1 with.
 */
u64 khn_sanitise_exit_l1_msr(u64 l1_msr, u64 l2_msr)
{
	u64 msr = l1_msr & ~KHN_MSR_TS_MASK;

	if (khn_msr_ts(l2_msr) != KHN_MSR_TS_N)
		msr |= KHN_MSR_TS_S;
	return msr;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_exit_l1_msr);

/**
 * khn_sanitise_exit_regs() - the sanitised registers L1 reads back
 * @req:	the L2 state L1 asked for on entry (before sanitisation)
 * @hw:		the L2 state the hardware held at exit
 * @fac_exit:	the L2 exited with a hypervisor facility unavailable
 * @out:	what is copied back to L1 (may be @req)
 *
 * L1 gets back the values it wrote, not the clamped ones L0 loaded: those
 * hold L0's LPCR bits, PCR and facilities.  Only the L2's own MSR and the
 * HFSCR cause field are new.
 */
void khn_sanitise_exit_regs(const struct khn_l2_regs *req,
			    const struct khn_l2_regs *hw, bool fac_exit,
			    struct khn_l2_regs *out)
{
	struct khn_l2_regs r = *req;

	r.hfscr = khn_sanitise_exit_hfscr(req->hfscr, hw->hfscr, fac_exit);
	r.msr = hw->msr & ~(KHN_MSR_HV | KHN_MSR_S);
	*out = r;
}
EXPORT_SYMBOL_IF_KUNIT(khn_sanitise_exit_regs);
