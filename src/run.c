// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L2 run path: H_ENTER_NESTED switches an L1 vCPU to the state L1
 * described for its L2 (checked by the sanitise rules), runs it on
 * kvm-hv's own entry path with the L2's shadow LPID, and on the exit L1
 * must see, switches back and writes the L2's state out to L1.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/ratelimit.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>
#include <asm/kvm_book3s_64.h>
#include <asm/kvm_hv_nested_ops.h>
#include <asm/mce.h>
#include <asm/mmu_context.h>
#include <asm/plpar_wrappers.h>
#include <asm/reg.h>

#include "khn/gstate.h"
#include "khn/hcall_args.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/run.h"
#include "khn/sanitise.h"
#include "khn/tlbinv.h"
#include "trace.h"

static_assert(sizeof(struct pt_regs) == KHN_PT_REGS_SIZE);

/* vCPU tokens an L2 may use: kvm-hv's per-L2 array of last CPUs */
#define KHN_L2_VCPUS	(sizeof_field(struct kvm_nested_guest, prev_cpu) / \
			 sizeof(short))

/*
 * The registers of struct hv_guest_state that H_ENTER_NESTED switches
 * between L1 and L2, besides the GPR image and MSR.  Everything else
 * (AMR, TAR, PMU, FP/VMX ...) L1 loaded for its L2 itself.  One table
 * drives both directions: for each register, where kvm-hv keeps it in
 * the vCPU, where it sits in the state image, and whether L1 reads the
 * L2's value back at exit (the rest it only writes).
 */
struct khn_hv_reg {
	u32 vcpu;		/* offset in struct kvm_vcpu (a ulong) */
	u16 hv;			/* offset in struct khn_hv_guest_state */
	bool back;		/* returned to L1 at exit */
};

#define KHN_HV_REG(vfield, hfield, ret) {				\
	.vcpu = offsetof(struct kvm_vcpu, vfield),			\
	.hv = offsetof(struct khn_hv_guest_state, hfield),		\
	.back = (ret),							\
}

/* Each vCPU field is a ulong, 64 bits: src/abi_check.c checks it. */
static const struct khn_hv_reg khn_hv_regs[] = {
	KHN_HV_REG(arch.hfscr, hfscr, false),
	KHN_HV_REG(arch.dawr0, dawr0, false),
	KHN_HV_REG(arch.dawrx0, dawrx0, false),
	KHN_HV_REG(arch.dawr1, dawr1, false),
	KHN_HV_REG(arch.dawrx1, dawrx1, false),
	KHN_HV_REG(arch.ciabr, ciabr, false),
	KHN_HV_REG(arch.purr, purr, true),
	KHN_HV_REG(arch.spurr, spurr, true),
	KHN_HV_REG(arch.ic, ic, true),
	KHN_HV_REG(arch.shregs.srr0, srr0, true),
	KHN_HV_REG(arch.shregs.srr1, srr1, true),
	KHN_HV_REG(arch.shregs.sprg0, sprg[0], true),
	KHN_HV_REG(arch.shregs.sprg1, sprg[1], true),
	KHN_HV_REG(arch.shregs.sprg2, sprg[2], true),
	KHN_HV_REG(arch.shregs.sprg3, sprg[3], true),
	KHN_HV_REG(arch.cfar, cfar, true),
	KHN_HV_REG(arch.ppr, ppr, true),
};

static u64 *khn_vcpu_reg(struct kvm_vcpu *vcpu, const struct khn_hv_reg *r)
{
	return (u64 *)((u8 *)vcpu + r->vcpu);
}

static u64 *khn_image_reg(struct khn_hv_guest_state *hv,
			  const struct khn_hv_reg *r)
{
	return (u64 *)((u8 *)hv + r->hv);
}

/*
 * vCPU -> image: every switched register, or (@back_only) those L1 reads
 * back.  The few kvm-hv keeps elsewhere or narrower are named here.
 */
static void khn_hv_save(struct kvm_vcpu *vcpu, struct khn_hv_guest_state *hv,
			bool back_only)
{
	struct kvmppc_vcore *vc = vcpu->arch.vcore;
	unsigned int i;

	/*
	 * Four times a round trip: unrolled, each register is one load and
	 * one store at offsets folded from the constant table.
	 */
#pragma GCC unroll 32
	for (i = 0; i < ARRAY_SIZE(khn_hv_regs); i++)
		if (!back_only || khn_hv_regs[i].back)
			*khn_image_reg(hv, &khn_hv_regs[i]) =
				*khn_vcpu_reg(vcpu, &khn_hv_regs[i]);
	hv->dpdes = vcpu->arch.doorbell_request;
	hv->pidr = vcpu->arch.pid;
	hv->vtb = vc->vtb;
	if (!back_only) {
		hv->pcr = vc->pcr;
		hv->tb_offset = vc->tb_offset;
	}
}

/* image -> vCPU; the timebase offset is the caller's (it is relative) */
static void khn_hv_load(struct kvm_vcpu *vcpu,
			const struct khn_hv_guest_state *hv)
{
	struct kvmppc_vcore *vc = vcpu->arch.vcore;
	unsigned int i;

#pragma GCC unroll 32
	for (i = 0; i < ARRAY_SIZE(khn_hv_regs); i++)
		*khn_vcpu_reg(vcpu, &khn_hv_regs[i]) =
			*khn_image_reg((struct khn_hv_guest_state *)hv,
				       &khn_hv_regs[i]);
	vcpu->arch.doorbell_request = hv->dpdes;
	vcpu->arch.pid = hv->pidr;
	vc->vtb = hv->vtb;
	vc->pcr = hv->pcr;
}

/*
 * What L1 reads back: the L2's state and the exit's fault registers, and
 * in *@msr the L2's MSR for its pt_regs.
 */
static void khn_hv_to_l1(struct kvm_vcpu *vcpu, struct khn_hv_guest_state *hv,
			 const struct khn_l2_regs *req, u64 *msr)
{
	u32 trap = vcpu->arch.trap;
	struct khn_l2_regs hw = {
		.msr = vcpu->arch.shregs.msr,
		.hfscr = vcpu->arch.hfscr,
	}, back;

	khn_hv_save(vcpu, hv, true);
	/*
	 * L1's own requests, never L0's values (PCR, HFSCR, DAWRX ...): the
	 * image keeps what L1 wrote; the HFSCR cause and the MSR are new.
	 */
	khn_sanitise_exit_regs(req, &hw, trap == BOOK3S_INTERRUPT_H_FAC_UNAVAIL,
			       &back);
	hv->hfscr = back.hfscr;
	*msr = back.msr;
	/* A storage exit reports the L2-real address, a data one its EA too */
	if (trap == BOOK3S_INTERRUPT_H_DATA_STORAGE ||
	    trap == BOOK3S_INTERRUPT_H_INST_STORAGE)
		hv->asdr = vcpu->arch.fault_gpa;
	if (trap == BOOK3S_INTERRUPT_H_DATA_STORAGE) {
		hv->hdar = vcpu->arch.fault_dar;
		hv->hdsisr = vcpu->arch.fault_dsisr;
	}
	if (trap == BOOK3S_INTERRUPT_H_EMUL_ASSIST)
		hv->heir = vcpu->arch.emul_inst;
}

static int khn_read_l1(struct khn_vm *vm, u64 ra, void *buf, size_t len)
{
	int idx, err;

	idx = srcu_read_lock(&vm->kvm->srcu);
	err = khn_l1_read_mem(vm, ra, buf, len);
	srcu_read_unlock(&vm->kvm->srcu, idx);
	return err;
}

static int khn_write_l1(struct khn_vm *vm, u64 ra, const void *buf,
			size_t len)
{
	int idx, err;

	idx = srcu_read_lock(&vm->kvm->srcu);
	err = khn_l1_write_mem(vm, ra, buf, len);
	srcu_read_unlock(&vm->kvm->srcu, idx);
	return err;
}

/*
 * Fetch both images straight into @gs and @regs and decode them there;
 * an H_* status.  Both are read before the version is judged, as the
 * in-tree L0 does: an unreadable pt_regs image is H_PARAMETER even with
 * a version that would be H_P2.
 */
static long khn_fetch_l2(struct khn_vm *vm, u64 hv_ptr, u64 regs_ptr,
			 bool swap, struct khn_gstate *gs,
			 struct khn_pt_regs *regs)
{
	unsigned int size = sizeof(gs->hv);
	u64 version;
	long rc;

	/*
	 * The common case in one read: the largest image.  Only a version 1
	 * image in L1's last bytes makes it fail; then the version says how
	 * much to read.
	 */
	if (khn_read_l1(vm, hv_ptr, &gs->hv, size)) {
		if (khn_read_l1(vm, hv_ptr, &version, sizeof(version)))
			return H_PARAMETER;
		if (swap)
			version = swab64(version);
		size = khn_hv_guest_state_size((u32)version);
		if (!size || size > sizeof(gs->hv) ||
		    khn_read_l1(vm, hv_ptr, &gs->hv, size))
			return H_PARAMETER;
	}
	if (khn_read_l1(vm, regs_ptr, regs, sizeof(*regs)))
		return H_PARAMETER;
	rc = khn_gstate_decode(&gs->hv, size, swap, gs);
	if (rc != H_SUCCESS)
		return rc;
	return khn_pt_regs_decode(regs, sizeof(*regs), swap, regs);
}

/*
 * Write both images back, each turned into L1's image in place: @gs and
 * @regs are L1's bytes afterwards, no longer for use.
 */
static long khn_store_l2(struct khn_vm *vm, u64 hv_ptr, u64 regs_ptr,
			 struct khn_gstate *gs, struct khn_pt_regs *regs)
{
	int size = khn_gstate_encode(gs, &gs->hv, sizeof(gs->hv));

	if (size < 0 ||
	    khn_pt_regs_encode(regs, gs->l1_swapped, regs, sizeof(*regs)) < 0)
		return H_PARAMETER;
	if (khn_write_l1(vm, hv_ptr, &gs->hv, size) ||
	    khn_write_l1(vm, regs_ptr, regs, sizeof(*regs)))
		return H_AUTHORITY;
	return H_SUCCESS;
}

static void khn_l1_ctx_of(struct kvm_vcpu *vcpu, struct khn_l1_ctx *l1)
{
	struct kvm *kvm = vcpu->kvm;

	l1->msr = vcpu->arch.shregs.msr;
	l1->lpcr = vcpu->arch.vcore->lpcr;
	l1->pcr = vcpu->arch.vcore->pcr;
	l1->hfscr_permitted = vcpu->arch.hfscr_permitted;
	l1->radix = kvm_is_radix(kvm);
	l1->no_ail = l1->radix &&
		     cpu_has_feature(CPU_FTR_P9_RADIX_PREFETCH_BUG);
}

/*
 * Run the L2 until an exit L1 must handle.  Returns what
 * kvmhv_run_single_vcpu() last returned: RESUME_HOST, or -EINTR & co.
 */
static int khn_run_l2(struct kvm_vcpu *vcpu, struct khn_l2 *l2, u64 hdec_exp,
		      u64 lpcr)
{
	int r;

	vcpu->arch.ret = RESUME_GUEST;
	vcpu->arch.trap = 0;
	khn_l2_run_begin(l2);
	do {
		trace_khn_enter(vcpu->vcpu_id, l2->kng.l1_lpid,
				l2->kng.shadow_lpid, vcpu->arch.regs.nip,
				vcpu->arch.shregs.msr);
		r = kvmhv_run_single_vcpu(vcpu, hdec_exp, lpcr);
		trace_khn_exit(vcpu->vcpu_id, l2->kng.l1_lpid,
			       vcpu->arch.trap, r, vcpu->arch.regs.nip);
	} while (is_kvmppc_resume_guest(r));
	khn_l2_run_end(l2);
	return r;
}

/*
 * The L2 made an MMIO access L0's userspace emulates (khn_l2_mmio()): its
 * state, NIP past the access, is in L1's memory already.  kvm-hv returns
 * to userspace with the KVM_EXIT_MMIO.  A store needs no completion:
 * H_ENTER_NESTED ends with 0 (H_TOO_HARD), so L1 re-enters the L2 at
 * once.  A load completes into L1's r6 on the next KVM_RUN, with L1's NIP
 * back on its sc (an hcall's SRR0 is the next instruction).
 */
static long khn_l2_mmio_exit(struct kvm_vcpu *vcpu, struct khn_vm *vm)
{
	u16 reg = vcpu->arch.io_gpr;

	if (vcpu->mmio_is_write) {
		vcpu->arch.trap = 0;
		return H_TOO_HARD;
	}
	/* khn_l2_mmio() passes only GPR loads */
	if (WARN_ON_ONCE((reg & KVM_MMIO_REG_EXT_MASK) != KVM_MMIO_REG_GPR)) {
		vcpu->mmio_needed = 0;
		return H_HARDWARE;
	}
	vcpu->arch.io_gpr = KVM_MMIO_REG_GPR | KHN_MMIO_LOAD_GPR;
	kvmppc_set_gpr(vcpu, KHN_MMIO_COOKIE_GPR, KHN_MMIO_COOKIE | reg);
	kvmppc_set_pc(vcpu, kvmppc_get_pc(vcpu) - 4);
	khn_stat_inc(&vm->stats, KHN_STAT_MMIO_LOAD_RESTART);
	return KVMHV_NESTED_RESTART;
}

/*
 * A restarted H_ENTER_NESTED: take the loaded value for the L2 register
 * the cookie names.  r7 is cleared at once, so a later call that finds
 * the same registers does not apply a stale value.  Returns the register
 * number, or -1 for a call that is no restart.
 */
static int khn_mmio_load_take(struct kvm_vcpu *vcpu, u64 *val)
{
	u64 cookie = kvmppc_get_gpr(vcpu, KHN_MMIO_COOKIE_GPR);

	if ((cookie & ~KHN_MMIO_COOKIE_REG) != KHN_MMIO_COOKIE)
		return -1;
	*val = kvmppc_get_gpr(vcpu, KHN_MMIO_LOAD_GPR);
	kvmppc_set_gpr(vcpu, KHN_MMIO_COOKIE_GPR, 0);
	return cookie & KHN_MMIO_COOKIE_REG;
}

/**
 * khn_h_enter_nested() - H_ENTER_NESTED: run an L2 vCPU for L1
 * @vm:	the caller's VM (glue.c looked it up)
 * @vcpu:	the L1 vCPU making the call; r4 = L1-real address of its
 *		struct hv_guest_state, r5 = of the L2's pt_regs
 *
 * Return: the L2's exit (its interrupt vector) for L1 to handle, 0 if L0
 * had to stop the run first (L1 re-enters), H_INTERRUPT for a signal,
 * KVMHV_NESTED_RESTART for an MMIO load (L1 repeats the call once
 * userspace has completed it), or the ABI's error: H_NOT_AVAILABLE (no
 * partition table), H_PARAMETER, H_P2, H_BAD_MODE, H_AUTHORITY (the state
 * could not be written back), H_NO_MEM (L0 had no memory for the L2's
 * shadow: the L2's state is written back, at the access that faulted).
 */
long khn_h_enter_nested(struct khn_vm *vm, struct kvm_vcpu *vcpu)
{
	struct kvmppc_vcore *vc = vcpu->arch.vcore;
	u64 hv_ptr = kvmppc_get_gpr(vcpu, 4);
	u64 regs_ptr = kvmppc_get_gpr(vcpu, 5);
	bool swap = khn_l1_needs_byteswap(vcpu->arch.shregs.msr);
	struct khn_l2_regs req, out;
	struct khn_check_log log = {};
	struct khn_hv_guest_state l1_hv, l2_hv;
	struct khn_pt_regs kregs;
	struct pt_regs l1_regs;
	struct khn_l1_ctx l1;
	struct khn_gstate gs;
	struct khn_l2 *l2;
	u64 hdec_exp, l2_msr, ptcr, load_val = 0;
	const char *why, *check = "";
	u32 l1_lpid = 0;
	int r, load_reg;
	long rc;

	khn_stat_inc(&vm->stats, KHN_STAT_ENTER);
	load_reg = khn_mmio_load_take(vcpu, &load_val);
	ptcr = khn_vm_ptcr(vm);
	if (!ptcr) {
		why = "no_partition_table";
		rc = H_NOT_AVAILABLE;
		goto refused;
	}
	why = "guest_state";
	rc = khn_fetch_l2(vm, hv_ptr, regs_ptr, swap, &gs, &kregs);
	if (rc != H_SUCCESS)
		goto refused;
	l1_lpid = gs.hv.lpid;
	if (load_reg >= 0)
		kregs.gpr[load_reg] = load_val;
	/* The token indexes kvm-hv's per-L2 history of physical CPUs */
	why = "vcpu_token";
	rc = khn_enter_token_check(gs.hv.vcpu_token, KHN_L2_VCPUS);
	if (rc != H_SUCCESS)
		goto refused;

	khn_l1_ctx_of(vcpu, &l1);
	req.msr = kregs.msr;
	req.lpcr = gs.hv.lpcr;
	req.pcr = gs.hv.pcr;
	req.amor = gs.hv.amor;
	req.hfscr = gs.hv.hfscr;
	req.dawrx0 = gs.hv.dawrx0;
	req.dawrx1 = gs.hv.dawrx1;
	req.ciabr = gs.hv.ciabr;
	req.ppr = gs.hv.ppr;
	rc = khn_sanitise_entry(&l1, &req, &out, &log);
	/* the rule's name is looked up only when someone traces */
	if (log.fired && trace_khn_sanitise_enabled())
		trace_khn_sanitise(vcpu->vcpu_id, gs.hv.lpid, log.fired,
				   khn_rule_name(log.failed),
				   log.failed_check ?: "", log.rc);
	if (rc != H_SUCCESS) {
		why = khn_rule_name(log.failed);
		check = log.failed_check ?: "";
		goto refused;
	}
	why = "lpid";
	rc = khn_enter_lpid_check(ptcr, gs.hv.lpid);
	if (rc != H_SUCCESS)
		goto refused;

	why = "nested_guest";
	l2 = khn_l2_get(vm, gs.hv.lpid, true);
	if (IS_ERR(l2)) {
		rc = PTR_ERR(l2) == -ENOMEM ? H_NO_MEM : H_PARAMETER;
		if (PTR_ERR(l2) == -ENOSPC)
			pr_warn_ratelimited("VM %u: L1 LPID %u refused: L1 has max_l2_per_l1=%u nested guests\n",
					    vm->id, gs.hv.lpid,
					    READ_ONCE(vm->guests.max_live));
		else
			pr_warn_ratelimited("no nested guest for L1 LPID %u: %ld\n",
					    gs.hv.lpid, PTR_ERR(l2));
		goto refused;
	}
	if (!READ_ONCE(l2->pate_ok)) {
		mutex_lock(&l2->lock);
		if (!l2->pate_ok)
			khn_l2_refresh_pate(l2);
		mutex_unlock(&l2->lock);
	}
	khn_fault_ahead(vcpu, l2, gs.hv.vcpu_token);

	/* Switch the vCPU from L1 to L2 */
	vcpu->arch.regs.msr = vcpu->arch.shregs.msr;
	l1_regs = vcpu->arch.regs;
	khn_hv_save(vcpu, &l1_hv, false);

	hdec_exp = gs.hv.hdec_expiry - vc->tb_offset;
	vc->tb_offset += gs.hv.tb_offset;
	vcpu->arch.dec_expires += gs.hv.tb_offset;

	vcpu->arch.nested = &l2->kng;
	vcpu->arch.nested_vcpu_id = gs.hv.vcpu_token;
	vcpu->arch.nested_hfscr = gs.hv.hfscr;
	memcpy(&vcpu->arch.regs, &kregs, sizeof(kregs));
	vcpu->arch.shregs.msr = out.msr;
	/* The L2's registers as L1 asked, with the sanitised values */
	l2_hv = gs.hv;
	l2_hv.pcr = out.pcr;
	l2_hv.hfscr = out.hfscr;
	l2_hv.dawrx0 = out.dawrx0;
	l2_hv.dawrx1 = out.dawrx1;
	l2_hv.ciabr = out.ciabr;
	l2_hv.ppr = out.ppr;
	khn_hv_load(vcpu, &l2_hv);

	r = khn_run_l2(vcpu, l2, hdec_exp, out.lpcr);

	/* ... and back */
	memcpy(&kregs, &vcpu->arch.regs, sizeof(kregs));
	l2_msr = vcpu->arch.shregs.msr;
	khn_hv_to_l1(vcpu, &gs.hv, &req, &kregs.msr);

	vcpu->arch.nested = NULL;
	vcpu->arch.regs = l1_regs;
	vcpu->arch.shregs.msr = khn_sanitise_exit_l1_msr(l1_regs.msr, l2_msr);
	vc->tb_offset = l1_hv.tb_offset;
	vcpu->arch.dec_expires -= gs.hv.tb_offset;
	/* L1's time counters advance by what the L2 used */
	l1_hv.purr += vcpu->arch.purr - l2_hv.purr;
	l1_hv.spurr += vcpu->arch.spurr - l2_hv.spurr;
	l1_hv.ic += vcpu->arch.ic - l2_hv.ic;
	l1_hv.vtb += vc->vtb - l2_hv.vtb;
	khn_hv_load(vcpu, &l1_hv);

	khn_l2_put(l2);

	rc = khn_store_l2(vm, hv_ptr, regs_ptr, &gs, &kregs);
	if (rc != H_SUCCESS) {
		/* no exit to userspace, so nothing may complete into L1 */
		vcpu->mmio_needed = 0;
		return rc;
	}
	if (vcpu->mmio_needed)
		return khn_l2_mmio_exit(vcpu, vm);
	if (r == -EINTR) {
		khn_stat_inc(&vm->stats, KHN_STAT_ENTER_INTERRUPTED);
		return H_INTERRUPT;
	}
	/* the L2 stays at its faulting access; L1 decides what follows */
	if (r == -ENOMEM)
		return H_NO_MEM;
	return vcpu->arch.trap;

refused:
	khn_stat_inc(&vm->stats, KHN_STAT_ENTER_REFUSED);
	trace_khn_enter_refused(vcpu->vcpu_id, l1_lpid, why, check, rc);
	return rc;
}

/*
 * An L2 hypercall L0 serves itself: process-scoped invalidation.  Its
 * operands go through the checks of L1's own H_RPT_INVALIDATE
 * (khn_rpt_decide()); a refusal is the L2's r3, and the range handed to
 * the per-page flush is the decided one (a whole-PID flush for a range
 * that is huge or could wrap).
 */
static int khn_l2_rpt_invalidate(struct kvm_vcpu *vcpu)
{
	u64 type = kvmppc_get_gpr(vcpu, 6);
	u64 pg_sizes = kvmppc_get_gpr(vcpu, 7);
	struct khn_tlb_decision d;
	long rc;

	/* Partition scope is L1's business; so is an L2 in problem state. */
	if ((type & H_RPTI_TYPE_NESTED) ||
	    (vcpu->arch.shregs.msr & MSR_PR))
		return RESUME_HOST;
	rc = khn_rpt_decide(kvmppc_get_gpr(vcpu, 4), type, pg_sizes,
			    kvmppc_get_gpr(vcpu, 8), kvmppc_get_gpr(vcpu, 9),
			    &d);
	if (rc == H_SUCCESS)
		do_h_rpt_invalidate_prt(d.pid, vcpu->arch.nested->shadow_lpid,
					type, pg_sizes, d.start, d.end);
	kvmppc_set_gpr(vcpu, 3, rc);
	return RESUME_GUEST;
}

/* HFAC: L1 sees it only for a facility it withheld, else an HEAI. */
static int khn_exit_hfac(struct kvm_vcpu *vcpu, struct khn_stats *st)
{
	ppc_inst_t inst;

	if (khn_exit_hfac_is_l1s(vcpu->arch.hfscr, vcpu->arch.hfscr_permitted,
				 vcpu->arch.nested_hfscr)) {
		khn_stat_inc(st, KHN_STAT_EXIT_HFAC);
		return RESUME_HOST;
	}
	khn_stat_inc(st, KHN_STAT_EXIT_HEAI);
	vcpu->arch.trap = BOOK3S_INTERRUPT_H_EMUL_ASSIST;
	if (kvmppc_get_last_inst(vcpu, INST_GENERIC, &inst) != EMULATE_DONE)
		return RESUME_GUEST;	/* fetch failed: let the L2 retry */
	vcpu->arch.emul_inst = ppc_inst_val(inst);
	return RESUME_HOST;
}

/*
 * HV softpatch: on POWER9 the TM instructions that the core cannot run in
 * the L2's TM state trap to L0, with the instruction in HEIR.  kvm-hv
 * emulates them for its own guests; an L2 using TM (its MSR has TM on, or
 * a transaction is active or suspended) gets the same emulation.  Anything
 * the emulation does not take goes the facility-unavailable way, as in
 * kvm-hv.
 */
static int khn_exit_softpatch(struct kvm_vcpu *vcpu, struct khn_stats *st)
{
#ifdef CONFIG_PPC_TRANSACTIONAL_MEM
	u64 msr = vcpu->arch.shregs.msr;
	int r;

	if ((msr & MSR_TM) || MSR_TM_ACTIVE(msr)) {
		r = kvmhv_p9_tm_emulation(vcpu);
		if (r != -1)
			return r;
	}
#endif
	return khn_exit_hfac(vcpu, st);
}

/**
 * khn_nested_exit() - decide what an L2 exit needs
 * @vcpu:	the vCPU, in its L2; vcpu->arch.trap is the exit
 *
 * Called by kvm-hv's run loop.  Exits that were L0's business (its
 * timer, its interrupts, a fault L0 resolved) resume the L2; the rest
 * end the run so that H_ENTER_NESTED returns them to L1.
 *
 * Return: RESUME_GUEST or RESUME_HOST.
 */
int khn_nested_exit(struct kvm_vcpu *vcpu)
{
	struct khn_l2 *l2 = khn_l2_of_vcpu(vcpu);
	struct khn_stats *st = &l2->vm->stats;
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	vcpu->stat.sum_exits++;
	if (vcpu->arch.shregs.msr & MSR_HV) {
		/* An interrupt in L0's entry or exit window: end the run. */
		pr_err_ratelimited("L2 exit 0x%x in HV mode, pc 0x%lx\n",
				   vcpu->arch.trap, kvmppc_get_pc(vcpu));
		khn_stat_inc(st, KHN_STAT_EXIT_OTHER);
		return RESUME_HOST;
	}

	switch (vcpu->arch.trap) {
	case BOOK3S_INTERRUPT_HV_DECREMENTER:	/* L0's own timer */
		vcpu->stat.dec_exits++;
		return RESUME_GUEST;
	case BOOK3S_INTERRUPT_NESTED_HV_DECREMENTER:	/* L1's time is up */
		vcpu->arch.trap = BOOK3S_INTERRUPT_HV_DECREMENTER;
		vcpu->stat.dec_exits++;
		khn_stat_inc(st, KHN_STAT_EXIT_HDEC);
		return RESUME_HOST;
	case BOOK3S_INTERRUPT_EXTERNAL:
		vcpu->stat.ext_intr_exits++;
		khn_stat_inc(st, KHN_STAT_EXIT_EXTERNAL);
		return RESUME_HOST;
	case BOOK3S_INTERRUPT_H_DOORBELL:
	case BOOK3S_INTERRUPT_H_VIRT:
		vcpu->stat.ext_intr_exits++;
		khn_stat_inc(st, KHN_STAT_EXIT_DOORBELL);
		return RESUME_GUEST;
	case BOOK3S_INTERRUPT_HMI:
	case BOOK3S_INTERRUPT_PERFMON:
	case BOOK3S_INTERRUPT_SYSTEM_RESET:
		return RESUME_GUEST;		/* L0 has handled them */
	case BOOK3S_INTERRUPT_MACHINE_CHECK:
		if (__ratelimit(&rs))
			machine_check_print_event_info(&vcpu->arch.mce_evt,
						       false, true);
		khn_stat_inc(st, KHN_STAT_EXIT_OTHER);
		return RESUME_HOST;		/* L1 gets it */
	case BOOK3S_INTERRUPT_H_DATA_STORAGE:
		khn_stat_inc(st, KHN_STAT_EXIT_HDSI);
		return khn_nested_page_fault(vcpu);
	case BOOK3S_INTERRUPT_H_INST_STORAGE:
		khn_stat_inc(st, KHN_STAT_EXIT_HISI);
		vcpu->arch.fault_dar = kvmppc_get_pc(vcpu);
		vcpu->arch.fault_dsisr = vcpu->arch.shregs.msr &
					 DSISR_SRR1_MATCH_64S;
		if (vcpu->arch.shregs.msr & HSRR1_HISI_WRITE)
			vcpu->arch.fault_dsisr |= DSISR_ISSTORE;
		return khn_nested_page_fault(vcpu);
	case BOOK3S_INTERRUPT_HV_SOFTPATCH:
		return khn_exit_softpatch(vcpu, st);
	case BOOK3S_INTERRUPT_H_FAC_UNAVAIL:
		return khn_exit_hfac(vcpu, st);
	case BOOK3S_INTERRUPT_HV_RM_HARD:
		vcpu->arch.trap = 0;
		if (!xics_on_xive())
			kvmppc_xics_rm_complete(vcpu, 0);
		return RESUME_GUEST;
	case BOOK3S_INTERRUPT_SYSCALL:
		khn_stat_inc(st, KHN_STAT_EXIT_HCALL);
		if (kvmppc_get_gpr(vcpu, 3) == H_RPT_INVALIDATE)
			return khn_l2_rpt_invalidate(vcpu);
		return RESUME_HOST;
	default:
		khn_stat_inc(st, KHN_STAT_EXIT_OTHER);
		return RESUME_HOST;
	}
}
