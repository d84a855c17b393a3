// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hv-nested: the L0 hypervisor for nested HV on POWER9 radix guests,
 * as a module that registers with the patched kvm-hv.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <asm/cpu_has_feature.h>
#include <asm/firmware.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>
#include <asm/mmu.h>
#include <asm/reg.h>

#include "khn/glue.h"
#include "khn/hostcheck.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/tlbinv.h"

/* The arch-neutral copy of the ABI must match the kernel's. */
static_assert(KHN_H_SET_PARTITION_TABLE == H_SET_PARTITION_TABLE);
static_assert(KHN_H_ENTER_NESTED == H_ENTER_NESTED);
static_assert(KHN_H_TLB_INVALIDATE == H_TLB_INVALIDATE);
static_assert(KHN_H_COPY_TOFROM_GUEST == H_COPY_TOFROM_GUEST);
static_assert(KHN_H_RPT_INVALIDATE == H_RPT_INVALIDATE);
static_assert(KHN_H_FUNCTION == H_FUNCTION);
static_assert(KHN_H_PARAMETER == H_PARAMETER);
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

/* ... and so must the arch-neutral copies of the MMU and TLB formats. */
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

static void khn_read_host_caps(struct khn_host_caps *caps)
{
	caps->hv_mode = cpu_has_feature(CPU_FTR_HVMODE);
	caps->isa_300 = cpu_has_feature(CPU_FTR_ARCH_300);
	caps->radix = radix_enabled();
}

static int __init khn_init(void)
{
	struct khn_host_caps caps;
	enum khn_host_verdict v;
	int ret;

	khn_read_host_caps(&caps);
	v = khn_host_check(&caps);
	if (v != KHN_HOST_OK) {
		pr_err("not loading: %s\n", khn_host_verdict_str(v));
		return -ENODEV;
	}

	ret = kvmhv_register_nested_ops(&khn_nested_ops);
	if (ret) {
		pr_err("not loading: kvm-hv refused the nested ops (%d%s)\n",
		       ret, ret == -EBUSY ? ": stop running VMs first" : "");
		return ret;
	}
	khn_debugfs_init();
	pr_info("serving nested HV for kvm-hv\n");
	return 0;
}

static void __exit khn_exit(void)
{
	khn_debugfs_exit();
	kvmhv_unregister_nested_ops(&khn_nested_ops);
}

module_init(khn_init);
module_exit(khn_exit);

MODULE_DESCRIPTION("L0 nested HV for POWER9 radix guests, over kvm-hv");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: kvm-hv");
