/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM as kvm-hv hands one to the ops, for the tests/ppc suites: a
 * struct kvm with its mmu_lock and srcu, one vCPU with a vcore, and the
 * module's state made by its own vm_init op.  No guest memory: the paths
 * that need it run live in tests/l1sim.
 */
#ifndef _KHN_TESTS_TEST_VM_H
#define _KHN_TESTS_TEST_VM_H

#include <kunit/test.h>

#include "khn/stats.h"

struct kvm;
struct kvm_vcpu;
struct khn_vm;

/**
 * struct khn_test_vm - a VM made for one test case
 * @kvm:	the VM, as kvm-hv would pass it
 * @vcpu:	its one vCPU, in L1 (no L2)
 * @vm:		the module's state for @kvm
 */
struct khn_test_vm {
	struct kvm *kvm;
	struct kvm_vcpu *vcpu;
	struct khn_vm *vm;
};

struct khn_test_vm *khn_test_vm_new(struct kunit *test);
u64 khn_test_stat(const struct khn_test_vm *t, enum khn_stat i);

#endif /* _KHN_TESTS_TEST_VM_H */
