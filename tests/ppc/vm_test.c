// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/vm.c on the live patched kvm-hv: the VM table, nested guests made
 * and found by L1's LPID, their shadow LPIDs from kvm's allocator, and
 * what a PTCR change drops.  Live-object counts must come back to where
 * they were.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>

#include "khn/lifecycle.h"
#include "khn/stats.h"
#include "khn/vm.h"
#include "test_vm.h"

static long live(enum khn_live i)
{
	return atomic_long_read(&khn_live[i]);
}

/* Each VM is found by its struct kvm, in any order; another is not. */
static void vm_of_finds_each_vm_and_no_other(struct kunit *test)
{
	struct khn_test_vm *t[3];
	struct kvm *other;
	int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = khn_test_vm_new(test);
	for (i = ARRAY_SIZE(t) - 1; i >= 0; i--)
		KUNIT_EXPECT_PTR_EQ(test, khn_vm_of(t[i]->kvm), t[i]->vm);
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_NULL(test, khn_vm_of(other));
	KUNIT_EXPECT_EQ(test, khn_vm_create(t[0]->kvm), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, khn_vm_of(t[0]->kvm), t[0]->vm);
}

/* vm_destroy forgets the VM: it is no longer found. */
static void vm_destroy_forgets_the_vm(struct kunit *test)
{
	struct kvm *kvm = kunit_kzalloc(test, sizeof(*kvm), GFP_KERNEL);
	long vms = atomic_long_read(&khn_live[KHN_LIVE_VMS]);

	KUNIT_ASSERT_NOT_NULL(test, kvm);
	spin_lock_init(&kvm->mmu_lock);
	KUNIT_ASSERT_EQ(test, khn_vm_create(kvm), 0);
	KUNIT_EXPECT_NOT_NULL(test, khn_vm_of(kvm));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&khn_live[KHN_LIVE_VMS]),
			vms + 1);
	khn_vm_destroy(kvm);
	KUNIT_EXPECT_NULL(test, khn_vm_of(kvm));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&khn_live[KHN_LIVE_VMS]), vms);
}

/* An L2 is made on first use, found again, and freed by the last put. */
static void l2_made_found_and_freed(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	long l2s = live(KHN_LIVE_L2S), lpids = live(KHN_LIVE_LPIDS);
	struct khn_l2 *a, *b;

	KUNIT_EXPECT_PTR_EQ(test, khn_l2_get(t->vm, 5, false), ERR_PTR(-ENOENT));
	a = khn_l2_get(t->vm, 5, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_PTR_EQ(test, a->vm, t->vm);
	KUNIT_EXPECT_EQ(test, a->kng.l1_lpid, 5);
	KUNIT_EXPECT_NE(test, a->kng.shadow_lpid, 0);
	KUNIT_EXPECT_PTR_EQ(test, a->kng.l1_host, t->kvm);
	b = khn_l2_get(t->vm, 5, false);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_L2S), l2s + 1);
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_LPIDS), lpids + 1);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_GUESTS_CREATED), 1ULL);
	khn_l2_put(b);
	khn_l2_put(a);

	/* the table's reference keeps it until it is unlinked */
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_L2S), l2s + 1);
	KUNIT_EXPECT_EQ(test, khn_vm_drop_all(t->vm), 1U);
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_L2S), l2s);
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_LPIDS), lpids);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_GUESTS_FREED), 1ULL);
}

static void l2_lpid_out_of_range(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);

	KUNIT_EXPECT_PTR_EQ(test, khn_l2_get(t->vm, 4096, true),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, khn_l2_get(t->vm, U32_MAX, true),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_GUESTS_CREATED), 0ULL);
}

/* A new PTCR, whatever its value, drops every L2 made under the old. */
static void set_ptcr_drops_every_l2(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	long l2s = live(KHN_LIVE_L2S);
	struct khn_l2 *l2;
	u32 lpid;

	for (lpid = 1; lpid <= 3; lpid++) {
		l2 = khn_l2_get(t->vm, lpid, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(l2));
		khn_l2_put(l2);
	}
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_L2S), l2s + 3);
	khn_vm_set_ptcr(t->vm, 0x10000000ULL);
	KUNIT_EXPECT_EQ(test, t->kvm->arch.l1_ptcr, 0x10000000ULL);
	KUNIT_EXPECT_EQ(test, live(KHN_LIVE_L2S), l2s);
	KUNIT_EXPECT_PTR_EQ(test, khn_l2_get(t->vm, 2, false), ERR_PTR(-ENOENT));
}

/* vm_init made the VM's debugfs directory with both files. */
static void debugfs_dir_has_stats_and_audit(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct dentry *d;

	if (IS_ERR_OR_NULL(khn_debugfs_root()))
		kunit_skip(test, "no debugfs");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->vm->debugfs);
	d = debugfs_lookup("stats", t->vm->debugfs);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, d);
	dput(d);
	d = debugfs_lookup("audit", t->vm->debugfs);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, d);
	dput(d);
}

static struct kunit_case vm_cases[] = {
	KUNIT_CASE(vm_of_finds_each_vm_and_no_other),
	KUNIT_CASE(vm_destroy_forgets_the_vm),
	KUNIT_CASE(l2_made_found_and_freed),
	KUNIT_CASE(l2_lpid_out_of_range),
	KUNIT_CASE(set_ptcr_drops_every_l2),
	KUNIT_CASE(debugfs_dir_has_stats_and_audit),
	{}
};

static struct kunit_suite vm_suite = {
	.name = "khn-vm",
	.test_cases = vm_cases,
};

kunit_test_suite(vm_suite);
