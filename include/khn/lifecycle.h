/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/vm.c: the lifecycle of a VM's state and of its nested guests, and
 * the lookup from a struct kvm.  Uses src/mmu.c, src/stats.c and
 * src/core.
 */
#ifndef _KHN_LIFECYCLE_H
#define _KHN_LIFECYCLE_H

#include "khn/vm.h"

int khn_vms_init(void);
void khn_vms_exit(void);
int khn_vm_create(struct kvm *kvm);
void khn_vm_destroy(struct kvm *kvm);
struct khn_vm *khn_vm_of(struct kvm *kvm);
struct khn_l2 *khn_l2_get(struct khn_vm *vm, u32 l1_lpid, bool create);
void khn_l2_put(struct khn_l2 *l2);
unsigned int khn_vm_drop_all(struct khn_vm *vm);
void khn_vm_set_ptcr(struct khn_vm *vm, u64 ptcr);
void khn_vm_debugfs_add(struct khn_vm *vm);
void khn_vm_debugfs_remove(struct khn_vm *vm);

#endif /* _KHN_LIFECYCLE_H */
