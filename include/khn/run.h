/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall layer and the L2 run path: what the kvm-hv ops table
 * (src/glue.c) calls.  Each returns what the op's kerneldoc in
 * <asm/kvm_hv_nested_ops.h> says.
 */
#ifndef _KHN_RUN_H
#define _KHN_RUN_H

#include <linux/types.h>

struct kvm_vcpu;

/* run.c */
long khn_h_enter_nested(struct kvm_vcpu *vcpu);
int khn_nested_exit(struct kvm_vcpu *vcpu);

/* hcall.c */
long khn_h_set_partition_table(struct kvm_vcpu *vcpu);
long khn_h_tlb_invalidate(struct kvm_vcpu *vcpu);
long khn_h_rpt_invalidate_nested(struct kvm_vcpu *vcpu, u64 lpid, u64 type,
				 u64 pg_sizes, u64 start, u64 end);
long khn_h_copy_tofrom_guest(struct kvm_vcpu *vcpu);

#endif /* _KHN_RUN_H */
