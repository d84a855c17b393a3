/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/run.c: H_ENTER_NESTED and the run/exit path of an L2, for the
 * kvm-hv ops table (src/glue.c), which looks the VM up.  Each returns
 * what the op's kerneldoc in <asm/kvm_hv_nested_ops.h> says.  Uses
 * src/vm.c, src/mmu.c, src/stats.c and src/core.
 */
#ifndef _KHN_RUN_H
#define _KHN_RUN_H

#include <linux/types.h>

struct kvm_vcpu;
struct khn_vm;

long khn_h_enter_nested(struct khn_vm *vm, struct kvm_vcpu *vcpu);
int khn_nested_exit(struct kvm_vcpu *vcpu);

#endif /* _KHN_RUN_H */
