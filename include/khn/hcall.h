/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/hcall.c: the nested hypercalls other than H_ENTER_NESTED, for the
 * kvm-hv ops table (src/glue.c), which looks the VM up.  Each returns
 * what the op's kerneldoc in <asm/kvm_hv_nested_ops.h> says.  Uses
 * src/vm.c, src/mmu.c, src/stats.c and src/core.
 */
#ifndef _KHN_HCALL_H
#define _KHN_HCALL_H

#include <linux/types.h>

struct kvm_vcpu;
struct khn_vm;

long khn_h_set_partition_table(struct khn_vm *vm, struct kvm_vcpu *vcpu);
long khn_h_tlb_invalidate(struct khn_vm *vm, struct kvm_vcpu *vcpu);
long khn_h_rpt_invalidate_nested(struct khn_vm *vm, struct kvm_vcpu *vcpu,
				 u64 lpid, u64 type, u64 pg_sizes, u64 start,
				 u64 end);
long khn_h_copy_tofrom_guest(struct khn_vm *vm, struct kvm_vcpu *vcpu);

#endif /* _KHN_HCALL_H */
