// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every arch-neutral copy of an ABI fact against the kernel's own, at
 * build time: the guest-visible layouts of uapi/khn/hv_guest_state.h, the
 * PAPR numbers of uapi/khn/papr.h, the radix, TLB and SPR formats of
 * include/khn/.
 * uapi/khn/hv_guest_state.h freezes every offset as a number so the
 * arch-neutral build checks it too; this file, built only for ppc64,
 * proves those numbers are the ones the in-tree L0 and every Linux L1 use.
 * It holds no code.
 */

#include <linux/build_bug.h>
#include <linux/kvm_host.h>
#include <linux/stddef.h>
#include <asm/byteorder.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>
#include <asm/ptrace.h>
#include <asm/reg.h>

#include "khn/gcopy.h"
#include "khn/gstate.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/sprs.h"
#include "khn/tlbinv.h"

/* Written out, one line a field: the layout is the point of this file. */
static_assert(offsetof(struct khn_hv_guest_state, version) ==
	      offsetof(struct hv_guest_state, version));
static_assert(offsetof(struct khn_hv_guest_state, lpid) ==
	      offsetof(struct hv_guest_state, lpid));
static_assert(offsetof(struct khn_hv_guest_state, vcpu_token) ==
	      offsetof(struct hv_guest_state, vcpu_token));
static_assert(offsetof(struct khn_hv_guest_state, lpcr) ==
	      offsetof(struct hv_guest_state, lpcr));
static_assert(offsetof(struct khn_hv_guest_state, pcr) ==
	      offsetof(struct hv_guest_state, pcr));
static_assert(offsetof(struct khn_hv_guest_state, amor) ==
	      offsetof(struct hv_guest_state, amor));
static_assert(offsetof(struct khn_hv_guest_state, dpdes) ==
	      offsetof(struct hv_guest_state, dpdes));
static_assert(offsetof(struct khn_hv_guest_state, hfscr) ==
	      offsetof(struct hv_guest_state, hfscr));
static_assert(offsetof(struct khn_hv_guest_state, tb_offset) ==
	      offsetof(struct hv_guest_state, tb_offset));
static_assert(offsetof(struct khn_hv_guest_state, dawr0) ==
	      offsetof(struct hv_guest_state, dawr0));
static_assert(offsetof(struct khn_hv_guest_state, dawrx0) ==
	      offsetof(struct hv_guest_state, dawrx0));
static_assert(offsetof(struct khn_hv_guest_state, ciabr) ==
	      offsetof(struct hv_guest_state, ciabr));
static_assert(offsetof(struct khn_hv_guest_state, hdec_expiry) ==
	      offsetof(struct hv_guest_state, hdec_expiry));
static_assert(offsetof(struct khn_hv_guest_state, purr) ==
	      offsetof(struct hv_guest_state, purr));
static_assert(offsetof(struct khn_hv_guest_state, spurr) ==
	      offsetof(struct hv_guest_state, spurr));
static_assert(offsetof(struct khn_hv_guest_state, ic) ==
	      offsetof(struct hv_guest_state, ic));
static_assert(offsetof(struct khn_hv_guest_state, vtb) ==
	      offsetof(struct hv_guest_state, vtb));
static_assert(offsetof(struct khn_hv_guest_state, hdar) ==
	      offsetof(struct hv_guest_state, hdar));
static_assert(offsetof(struct khn_hv_guest_state, hdsisr) ==
	      offsetof(struct hv_guest_state, hdsisr));
static_assert(offsetof(struct khn_hv_guest_state, heir) ==
	      offsetof(struct hv_guest_state, heir));
static_assert(offsetof(struct khn_hv_guest_state, asdr) ==
	      offsetof(struct hv_guest_state, asdr));
static_assert(offsetof(struct khn_hv_guest_state, srr0) ==
	      offsetof(struct hv_guest_state, srr0));
static_assert(offsetof(struct khn_hv_guest_state, srr1) ==
	      offsetof(struct hv_guest_state, srr1));
static_assert(offsetof(struct khn_hv_guest_state, sprg) ==
	      offsetof(struct hv_guest_state, sprg));
static_assert(offsetof(struct khn_hv_guest_state, pidr) ==
	      offsetof(struct hv_guest_state, pidr));
static_assert(offsetof(struct khn_hv_guest_state, cfar) ==
	      offsetof(struct hv_guest_state, cfar));
static_assert(offsetof(struct khn_hv_guest_state, ppr) ==
	      offsetof(struct hv_guest_state, ppr));
static_assert(offsetof(struct khn_hv_guest_state, dawr1) ==
	      offsetof(struct hv_guest_state, dawr1));
static_assert(offsetof(struct khn_hv_guest_state, dawrx1) ==
	      offsetof(struct hv_guest_state, dawrx1));

static_assert(sizeof_field(struct khn_hv_guest_state, lpid) ==
	      sizeof_field(struct hv_guest_state, lpid));
static_assert(sizeof_field(struct khn_hv_guest_state, vcpu_token) ==
	      sizeof_field(struct hv_guest_state, vcpu_token));

/* hv_guest_state_size() is not a constant expression: use its definition. */
static_assert(KHN_HV_GUEST_STATE_V1_SIZE ==
	      offsetofend(struct hv_guest_state, ppr));
static_assert(KHN_HV_GUEST_STATE_V2_SIZE ==
	      offsetofend(struct hv_guest_state, dawrx1));
static_assert(sizeof(struct khn_hv_guest_state) ==
	      sizeof(struct hv_guest_state));
static_assert(KHN_HV_GUEST_STATE_VERSION == HV_GUEST_STATE_VERSION);

static_assert(offsetof(struct khn_pt_regs, gpr) ==
	      offsetof(struct pt_regs, gpr));
static_assert(offsetof(struct khn_pt_regs, nip) ==
	      offsetof(struct pt_regs, nip));
static_assert(offsetof(struct khn_pt_regs, msr) ==
	      offsetof(struct pt_regs, msr));
static_assert(offsetof(struct khn_pt_regs, orig_gpr3) ==
	      offsetof(struct pt_regs, orig_gpr3));
static_assert(offsetof(struct khn_pt_regs, ctr) ==
	      offsetof(struct pt_regs, ctr));
static_assert(offsetof(struct khn_pt_regs, link) ==
	      offsetof(struct pt_regs, link));
static_assert(offsetof(struct khn_pt_regs, xer) ==
	      offsetof(struct pt_regs, xer));
static_assert(offsetof(struct khn_pt_regs, ccr) ==
	      offsetof(struct pt_regs, ccr));
static_assert(offsetof(struct khn_pt_regs, softe) ==
	      offsetof(struct pt_regs, softe));
static_assert(offsetof(struct khn_pt_regs, trap) ==
	      offsetof(struct pt_regs, trap));
static_assert(offsetof(struct khn_pt_regs, dar) ==
	      offsetof(struct pt_regs, dar));
static_assert(offsetof(struct khn_pt_regs, dsisr) ==
	      offsetof(struct pt_regs, dsisr));
static_assert(offsetof(struct khn_pt_regs, result) ==
	      offsetof(struct pt_regs, result));
static_assert(offsetof(struct khn_pt_regs, ppr) ==
	      offsetof(struct pt_regs, ppr));
static_assert(offsetof(struct khn_pt_regs, tail) ==
	      offsetof(struct pt_regs, exit_result));
/* The in-tree L0 copies sizeof(struct pt_regs) bytes each way. */
static_assert(sizeof(struct khn_pt_regs) == sizeof(struct pt_regs));
/* Its byte-swap treats the image as unsigned longs: 64-bit on ppc64. */
static_assert(sizeof(unsigned long) == sizeof(u64));

static_assert(KHN_MSR_LE == MSR_LE);
#ifdef CONFIG_CPU_LITTLE_ENDIAN
static_assert(KHN_HOST_LE);
#else
static_assert(!KHN_HOST_LE);
#endif

/* The SPR bits the sanitisation rules (src/core/sanitise.c) use. */
static_assert(KHN_MSR_SF == MSR_SF && KHN_MSR_HV == MSR_HV);
static_assert(KHN_MSR_TS_T == MSR_TS_T && KHN_MSR_TS_S == MSR_TS_S);
static_assert(KHN_MSR_TS_MASK == MSR_TS_MASK && KHN_MSR_TM == MSR_TM);
static_assert(KHN_MSR_VEC == MSR_VEC && KHN_MSR_VSX == MSR_VSX);
static_assert(KHN_MSR_S == MSR_S && KHN_MSR_EE == MSR_EE);
static_assert(KHN_MSR_PR == MSR_PR && KHN_MSR_FP == MSR_FP);
static_assert(KHN_MSR_ME == MSR_ME && KHN_MSR_IR == MSR_IR);
static_assert(KHN_MSR_DR == MSR_DR && KHN_MSR_RI == MSR_RI);
static_assert(KHN_MSR_LE == MSR_LE);
static_assert(KHN_LPCR_VPM0 == LPCR_VPM0 && KHN_LPCR_VPM1 == LPCR_VPM1);
static_assert(KHN_LPCR_ISL == LPCR_ISL && KHN_LPCR_DPFD == LPCR_DPFD);
static_assert(KHN_LPCR_VRMASD == LPCR_VRMASD);
static_assert(KHN_LPCR_PECE_HVEE == LPCR_PECE_HVEE);
static_assert(KHN_LPCR_HAIL == LPCR_HAIL && KHN_LPCR_ILE == LPCR_ILE);
static_assert(KHN_LPCR_AIL == LPCR_AIL && KHN_LPCR_AIL_0 == LPCR_AIL_0);
static_assert(KHN_LPCR_AIL_3 == LPCR_AIL_3 && KHN_LPCR_UPRT == LPCR_UPRT);
static_assert(KHN_LPCR_HR == LPCR_HR && KHN_LPCR_ONL == LPCR_ONL);
static_assert(KHN_LPCR_LD == LPCR_LD && KHN_LPCR_PECE == LPCR_PECE);
static_assert(KHN_LPCR_MER == LPCR_MER && KHN_LPCR_GTSE == LPCR_GTSE);
static_assert(KHN_LPCR_TC == LPCR_TC && KHN_LPCR_HEIC == LPCR_HEIC);
static_assert(KHN_LPCR_LPES == LPCR_LPES && KHN_LPCR_HVICE == LPCR_HVICE);
static_assert(KHN_LPCR_HDICE == LPCR_HDICE);
static_assert(KHN_HFSCR_INTR_CAUSE == HFSCR_INTR_CAUSE);
static_assert(KHN_HFSCR_PREFIX == HFSCR_PREFIX);
static_assert(KHN_HFSCR_MSGP == HFSCR_MSGP && KHN_HFSCR_TAR == HFSCR_TAR);
static_assert(KHN_HFSCR_EBB == HFSCR_EBB && KHN_HFSCR_TM == HFSCR_TM);
static_assert(KHN_HFSCR_BHRB == HFSCR_BHRB && KHN_HFSCR_PM == HFSCR_PM);
static_assert(KHN_HFSCR_DSCR == HFSCR_DSCR);
static_assert(KHN_HFSCR_VECVSX == HFSCR_VECVSX && KHN_HFSCR_FP == HFSCR_FP);
static_assert(KHN_DAWRX_DW == DAWRX_DW && KHN_DAWRX_DR == DAWRX_DR);
static_assert(KHN_DAWRX_WT == DAWRX_WT && KHN_DAWRX_WTI == DAWRX_WTI);
static_assert(KHN_DAWRX_HYP == DAWRX_HYP);
static_assert(KHN_DAWRX_KERNEL == DAWRX_KERNEL);
static_assert(KHN_DAWRX_USER == DAWRX_USER);
static_assert(KHN_CIABR_PRIV == CIABR_PRIV);
static_assert(KHN_CIABR_PRIV_USER == CIABR_PRIV_USER);
static_assert(KHN_CIABR_PRIV_SUPER == CIABR_PRIV_SUPER);
static_assert(KHN_CIABR_PRIV_HYPER == CIABR_PRIV_HYPER);
static_assert(KHN_PCR_VEC_DIS == PCR_VEC_DIS);
static_assert(KHN_PCR_VSX_DIS == PCR_VSX_DIS);
static_assert(KHN_PCR_TM_DIS == PCR_TM_DIS);
static_assert(KHN_PCR_MMA_DIS == PCR_MMA_DIS);
static_assert(KHN_PCR_HIGH_BITS == PCR_HIGH_BITS);
static_assert(KHN_PCR_ARCH_300 == PCR_ARCH_300);
static_assert(KHN_PCR_ARCH_207 == PCR_ARCH_207);
static_assert(KHN_PCR_ARCH_206 == PCR_ARCH_206);
static_assert(KHN_PCR_ARCH_205 == PCR_ARCH_205);
static_assert(KHN_PCR_LOW_BITS == PCR_LOW_BITS);
static_assert(KHN_PCR_MASK == PCR_MASK);

/* Hypercall numbers and return codes (uapi/khn/papr.h). */
static_assert(KHN_H_SET_PARTITION_TABLE == H_SET_PARTITION_TABLE);
static_assert(KHN_H_ENTER_NESTED == H_ENTER_NESTED);
static_assert(KHN_H_TLB_INVALIDATE == H_TLB_INVALIDATE);
static_assert(KHN_H_COPY_TOFROM_GUEST == H_COPY_TOFROM_GUEST);
static_assert(KHN_H_RPT_INVALIDATE == H_RPT_INVALIDATE);
static_assert(KHN_H_FUNCTION == H_FUNCTION);
static_assert(KHN_H_PARAMETER == H_PARAMETER);
static_assert(KHN_H_NOT_FOUND == H_NOT_FOUND);
static_assert(KHN_H_BAD_MODE == H_BAD_MODE);
static_assert(KHN_H_NOT_AVAILABLE == H_NOT_AVAILABLE);
static_assert(KHN_H_P2 == H_P2);
static_assert(KHN_H_P3 == H_P3);
static_assert(KHN_H_P4 == H_P4);
static_assert(KHN_H_P5 == H_P5);
static_assert(KHN_H_P6 == H_P6);
static_assert(KHN_H_SUCCESS == H_SUCCESS);
static_assert(KHN_H_HARDWARE == H_HARDWARE);
static_assert(KHN_H_PRIVILEGE == H_PRIVILEGE);

/*
 * MMU formats and fault bits (include/khn/radix.h), tlbie and
 * H_RPT_INVALIDATE operands (include/khn/tlbinv.h).
 */
static_assert(KHN_PATE0_HR == PATB_HR);
static_assert(KHN_PATE0_RPDB == RPDB_MASK);
static_assert(KHN_PATE0_RPDS == RPDS_MASK);
static_assert(KHN_PATE1_GR == PATB_GR);
static_assert(KHN_PATE1_PRTB == PRTB_MASK);
static_assert(KHN_PATE1_PRTS == PRTS_MASK);
static_assert(KHN_DSISR_NOHPTE == DSISR_NOHPTE);
static_assert(KHN_DSISR_PROTFAULT == DSISR_PROTFAULT);
static_assert(KHN_DSISR_ISSTORE == DSISR_ISSTORE);
static_assert(KHN_DSISR_UNSUPP_MMU == DSISR_UNSUPP_MMU);
static_assert(KHN_DSISR_PRTABLE_FAULT == DSISR_PRTABLE_FAULT);
static_assert(KHN_SRR1_ISI_NOPT == SRR1_ISI_NOPT);
static_assert(KHN_SRR1_ISI_N_G_OR_CIP == SRR1_ISI_N_G_OR_CIP);
static_assert(KHN_SRR1_ISI_PROT == SRR1_ISI_PROT);
static_assert(H_TLBIE_P1_ENC(0, 0, 1) == KHN_TLBIE_P1_R);
static_assert(H_TLBIE_P1_ENC(0, 1, 0) == KHN_TLBIE_P1_PRS);
static_assert(H_TLBIE_P1_ENC(3, 0, 0) == KHN_TLBIE_P1_RIC);
static_assert(KHN_RPTI_TYPE_NESTED == H_RPTI_TYPE_NESTED);
static_assert(KHN_RPTI_TYPE_TLB == H_RPTI_TYPE_TLB);
static_assert(KHN_RPTI_TYPE_PWC == H_RPTI_TYPE_PWC);
static_assert(KHN_RPTI_TYPE_PRT == H_RPTI_TYPE_PRT);
static_assert(KHN_RPTI_TYPE_PAT == H_RPTI_TYPE_PAT);
static_assert(KHN_RPTI_PAGE_4K == H_RPTI_PAGE_4K);
static_assert(KHN_RPTI_PAGE_64K == H_RPTI_PAGE_64K);
static_assert(KHN_RPTI_PAGE_2M == H_RPTI_PAGE_2M);
static_assert(KHN_RPTI_PAGE_1G == H_RPTI_PAGE_1G);
static_assert(KHN_RPTI_PAGE_ALL == H_RPTI_PAGE_ALL);
static_assert(KHN_H_UNSUPPORTED == H_UNSUPPORTED);

/*
 * The process table entry H_COPY_TOFROM_GUEST reads (include/khn/gcopy.h):
 * its size, and doubleword 0 is PATE doubleword 0's fields plus the two
 * reserved bits, nothing left over.
 */
static_assert(sizeof(struct prtb_entry) == KHN_PRTE_BYTES);
static_assert((KHN_PATE0_RTS1 | KHN_PATE0_RTS2) == (RTS1_MASK | RTS2_MASK));
static_assert(!(KHN_PRTE0_RSVD &
		(RTS1_MASK | RPDB_MASK | RTS2_MASK | RPDS_MASK)));
static_assert((KHN_PRTE0_RSVD | RTS1_MASK | RPDB_MASK | RTS2_MASK |
	       RPDS_MASK) == ~0ULL);

/*
 * The H_ENTER_NESTED state switch (src/run.c) copies these kvm-hv vCPU
 * registers as 64-bit words, by offset: each must be one.
 */
#define KHN_VCPU_U64(f)	static_assert(sizeof_field(struct kvm_vcpu, f) == 8)
KHN_VCPU_U64(arch.hfscr);
KHN_VCPU_U64(arch.dawr0);
KHN_VCPU_U64(arch.dawrx0);
KHN_VCPU_U64(arch.dawr1);
KHN_VCPU_U64(arch.dawrx1);
KHN_VCPU_U64(arch.ciabr);
KHN_VCPU_U64(arch.purr);
KHN_VCPU_U64(arch.spurr);
KHN_VCPU_U64(arch.ic);
KHN_VCPU_U64(arch.shregs.srr0);
KHN_VCPU_U64(arch.shregs.srr1);
KHN_VCPU_U64(arch.shregs.sprg0);
KHN_VCPU_U64(arch.shregs.sprg1);
KHN_VCPU_U64(arch.shregs.sprg2);
KHN_VCPU_U64(arch.shregs.sprg3);
KHN_VCPU_U64(arch.cfar);
KHN_VCPU_U64(arch.ppr);
