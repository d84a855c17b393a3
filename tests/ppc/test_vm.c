// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM the tests/ppc suites share (test_vm.h).
 */

#include <kunit/test.h>
#include <linux/kvm_host.h>
#include <linux/srcu.h>
#include <asm/kvm_book3s.h>
#include <asm/kvm_ppc.h>

#include "khn/glue.h"
#include "khn/lifecycle.h"
#include "khn/vm.h"
#include "test_vm.h"

static void khn_test_vm_free(void *arg)
{
	struct khn_test_vm *t = arg;

	khn_nested_ops.vm_destroy(t->kvm);
	cleanup_srcu_struct(&t->kvm->srcu);
}

/**
 * khn_test_vm_new() - a VM with the module's state, for one test case
 * @test:	the case; the VM is destroyed (vm_destroy op) when it ends
 *
 * Return: the VM; the case fails and stops if it cannot be made.
 */
struct khn_test_vm *khn_test_vm_new(struct kunit *test)
{
	struct khn_test_vm *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct kvm_vcpu *v;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->kvm = kunit_kzalloc(test, sizeof(*t->kvm), GFP_KERNEL);
	t->vcpu = kunit_kzalloc(test, sizeof(*t->vcpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->kvm);
	KUNIT_ASSERT_NOT_NULL(test, t->vcpu);
	v = t->vcpu;
	v->arch.vcore = kunit_kzalloc(test, sizeof(*v->arch.vcore),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v->arch.vcore);
	spin_lock_init(&t->kvm->mmu_lock);
	KUNIT_ASSERT_EQ(test, init_srcu_struct(&t->kvm->srcu), 0);
	v->kvm = t->kvm;
	/* kvm-hv's vCPUs keep the shared registers in shregs */
	v->arch.shared = &v->arch.shregs;
	KUNIT_ASSERT_EQ(test, khn_nested_ops.vm_init(t->kvm), 0);
	t->vm = khn_vm_of(t->kvm);
	KUNIT_ASSERT_NOT_NULL(test, t->vm);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, khn_test_vm_free,
							t), 0);
	return t;
}

/**
 * khn_test_stat() - one of the VM's counters
 * @t:	the VM
 * @i:	the counter
 *
 * Return: its value.
 */
u64 khn_test_stat(const struct khn_test_vm *t, enum khn_stat i)
{
	return atomic64_read(&t->vm->stats.c[i]);
}
