/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/mmu.c: everything about an L2's MMU on kvm-hv -- its shadow tree and
 * the hardware's partition-table entry for it, L1's PTCR and partition
 * table entry as the L2 uses them, L1 memory for the walker, the fault
 * path and the rmap hooks.  Uses src/core and src/stats.c only.
 */
#ifndef _KHN_MMU_H
#define _KHN_MMU_H

#include "khn/vm.h"

struct dentry;

extern const struct khn_mm_ops khn_l0_mm_ops;
int khn_l2_shadow_init(struct khn_l2 *l2);
void khn_l2_shadow_teardown(struct khn_l2 *l2);
u64 khn_vm_ptcr(const struct khn_vm *vm);
int khn_l2_refresh_pate(struct khn_l2 *l2);
void khn_l1_mem_init(struct khn_l1_mem *mem, struct khn_vm *vm);
int khn_l1_read_mem(struct khn_vm *vm, u64 ra, void *buf, size_t len);
int khn_l1_write_mem(struct khn_vm *vm, u64 ra, const void *buf, size_t len);
long khn_l2_unmap(struct khn_l2 *l2, u64 start, u64 end);
int khn_nested_page_fault(struct kvm_vcpu *vcpu);
void khn_l2_run_begin(struct khn_l2 *l2);
void khn_l2_run_end(struct khn_l2 *l2);
void khn_fault_ahead(struct kvm_vcpu *vcpu, struct khn_l2 *l2, u32 token);
void khn_rmap_drop_range(struct khn_vm *vm, u64 gpa, u64 hpa, u64 size);
void khn_rmap_rc(struct khn_vm *vm, u64 gpa, u64 nbytes, u64 clr, u64 set);
void khn_mmu_debugfs_add(struct khn_vm *vm, struct dentry *dir);

#endif /* _KHN_MMU_H */
