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

/*
 * An L2 MMIO load L0's userspace completes goes to L1's r6, and L1's
 * hypercall is restarted with this cookie and the L2's register in r7:
 * the restarted H_ENTER_NESTED puts r6 in that register and clears r7.
 * Everything is in L1's registers, so a vCPU stopped and migrated in
 * between keeps it.  A forged cookie only sets a register of L1's own L2,
 * as L1 can anyway.
 */
#define KHN_MMIO_COOKIE		0x6b686e4d4d494f00ULL	/* "khnMMIO" */
#define KHN_MMIO_COOKIE_REG	0x1fULL
#define KHN_MMIO_LOAD_GPR	6
#define KHN_MMIO_COOKIE_GPR	7

long khn_h_enter_nested(struct khn_vm *vm, struct kvm_vcpu *vcpu);
int khn_nested_exit(struct kvm_vcpu *vcpu);

#endif /* _KHN_RUN_H */
