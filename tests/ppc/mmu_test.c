// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/mmu.c on the live patched kvm-hv, the parts that need no guest
 * memory: an L2's shadow made live and torn down, the allocation contract
 * (nothing allocated for tables under the lock, only what was set aside),
 * PATE refresh without a table, the rmap hooks on an empty VM, and the
 * deferral of flushes while no vCPU runs the L2.  The fault path itself
 * runs live in tests/l1sim.
 */

#include <kunit/test.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>

#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/stats.h"
#include "khn/vm.h"
#include "test_vm.h"

static long tables_live(void)
{
	return atomic_long_read(&khn_live[KHN_LIVE_SHADOW_TABLES]);
}

static struct khn_l2 *new_l2(struct kunit *test, struct khn_test_vm *t,
			     u32 lpid)
{
	struct khn_l2 *l2 = khn_l2_get(t->vm, lpid, true);

	KUNIT_ASSERT_FALSE(test, IS_ERR(l2));
	return l2;
}

/* A new L2's tree is the hardware's and the rmap hooks' at once. */
static void shadow_init_makes_the_tree_live(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	long before = tables_live();
	struct khn_l2 *l2 = new_l2(test, t, 1);
	unsigned int i;

	KUNIT_EXPECT_PTR_EQ(test, xa_load(&t->vm->by_shadow,
					  l2->kng.shadow_lpid), (void *)l2);
	KUNIT_EXPECT_NOT_NULL(test, l2->sh.root);
	KUNIT_EXPECT_PTR_EQ(test, l2->sh.mm_ctx, (void *)l2);
	KUNIT_EXPECT_EQ(test, l2->sh.lpid, l2->kng.shadow_lpid);
	KUNIT_EXPECT_EQ(test, tables_live(), before + 1);
	for (i = 0; i < ARRAY_SIZE(l2->tables); i++)
		KUNIT_EXPECT_NULL(test, l2->tables[i]);
	khn_l2_put(l2);
	khn_vm_drop_all(t->vm);
	KUNIT_EXPECT_NULL(test, xa_load(&t->vm->by_shadow, 1));
	KUNIT_EXPECT_EQ(test, tables_live(), before);
}

/*
 * Under the lock zalloc_table hands out only a table set aside for its
 * size, and allocates nothing itself.
 */
static void zalloc_under_lock_takes_only_set_aside(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct khn_l2 *l2 = new_l2(test, t, 1);
	size_t pmd = khn_shadow_table_bytes(&l2->sh, 2);
	size_t pte = khn_shadow_table_bytes(&l2->sh, 3);
	long before = tables_live();
	void *set_aside, *got;

	mutex_lock(&l2->lock);
	KUNIT_EXPECT_NULL(test, khn_l0_mm_ops.zalloc_table(l2, pmd, false));
	KUNIT_EXPECT_EQ(test, tables_live(), before);

	/* one table of the PTE level, as khn_tables_topup() sets it aside */
	set_aside = kzalloc(pte, GFP_KERNEL_ACCOUNT);
	KUNIT_ASSERT_NOT_NULL(test, set_aside);
	atomic_long_inc(&khn_live[KHN_LIVE_SHADOW_TABLES]);
	l2->tables[2] = set_aside;
	if (pte != pmd)
		KUNIT_EXPECT_NULL(test,
				  khn_l0_mm_ops.zalloc_table(l2, pmd, false));
	got = khn_l0_mm_ops.zalloc_table(l2, pte, false);
	KUNIT_EXPECT_PTR_EQ(test, got, set_aside);
	KUNIT_EXPECT_NULL(test, l2->tables[2]);
	KUNIT_EXPECT_NULL(test, khn_l0_mm_ops.zalloc_table(l2, pte, false));
	mutex_unlock(&l2->lock);
	khn_l0_mm_ops.free_table(got, pte);
	KUNIT_EXPECT_EQ(test, tables_live(), before);
	khn_l2_put(l2);
}

/* Tables set aside and never used go with the L2. */
static void teardown_frees_the_set_aside_tables(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	long before = tables_live();
	struct khn_l2 *l2 = new_l2(test, t, 2);
	unsigned int i;

	mutex_lock(&l2->lock);
	for (i = 0; i < ARRAY_SIZE(l2->tables); i++) {
		l2->tables[i] = kzalloc(khn_shadow_table_bytes(&l2->sh, i + 1),
					GFP_KERNEL_ACCOUNT);
		KUNIT_ASSERT_NOT_NULL(test, l2->tables[i]);
		atomic_long_inc(&khn_live[KHN_LIVE_SHADOW_TABLES]);
	}
	mutex_unlock(&l2->lock);
	KUNIT_EXPECT_EQ(test, tables_live(), before + 1 + KHN_SHADOW_LEVELS - 1);
	khn_l2_put(l2);
	khn_vm_drop_all(t->vm);
	KUNIT_EXPECT_EQ(test, tables_live(), before);
}

/* No partition table: the L2 has no entry, and nothing L1 could use. */
static void refresh_pate_without_a_table(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct khn_l2 *l2 = new_l2(test, t, 3);

	KUNIT_EXPECT_EQ(test, khn_vm_ptcr(t->vm), 0ULL);
	mutex_lock(&l2->lock);
	KUNIT_EXPECT_NE(test, khn_l2_refresh_pate(l2), 0);
	mutex_unlock(&l2->lock);
	KUNIT_EXPECT_FALSE(test, l2->pate_ok);
	KUNIT_EXPECT_EQ(test, l2->kng.l1_gr_to_hr, 0ULL);
	KUNIT_EXPECT_EQ(test, l2->kng.process_table, 0ULL);
	khn_l2_put(l2);
}

/* The rmap hooks on a VM whose L2s have no leaf: nothing to drop. */
static void rmap_hooks_on_leafless_l2s(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct khn_l2 *l2 = new_l2(test, t, 4);

	spin_lock(&t->kvm->mmu_lock);
	khn_rmap_drop_range(t->vm, 0, 0, SZ_2M);
	khn_rmap_rc(t->vm, 0, SZ_2M, _PAGE_DIRTY, 0);
	spin_unlock(&t->kvm->mmu_lock);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_RMAP_UNMAP), 0ULL);
	KUNIT_EXPECT_EQ(test, l2->sh.nr_leaves, 0UL);
	khn_l2_put(l2);
}

/* Flush the shadow LPID through the L2's tlb ops, as the shadow does. */
static void flush_page_locked(struct khn_test_vm *t, struct khn_l2 *l2)
{
	spin_lock(&t->kvm->mmu_lock);
	l2->tlb_ops.flush_page(l2, l2->kng.shadow_lpid, 0x10000, PAGE_SHIFT);
	spin_unlock(&t->kvm->mmu_lock);
}

/*
 * While no vCPU runs the L2, invalidations wait for its next entry, which
 * flushes the LPID once for all of them; while one runs, they are
 * issued at once.
 */
static void flush_deferred_to_next_entry(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct khn_l2 *l2 = new_l2(test, t, 5);
	u64 hw = khn_test_stat(t, KHN_STAT_HW_FLUSH);

	flush_page_locked(t, l2);
	flush_page_locked(t, l2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_FLUSH_DEFERRED), 2ULL);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(l2->flush_pending));

	khn_l2_run_begin(l2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw + 1);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(l2->flush_pending));
	/* running: the page flush is issued, nothing is left pending */
	flush_page_locked(t, l2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw + 2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_FLUSH_DEFERRED), 2ULL);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(l2->flush_pending));
	khn_l2_run_end(l2);
	KUNIT_EXPECT_EQ(test, atomic_read(&l2->running), 0);

	/* an entry with nothing pending flushes nothing */
	khn_l2_run_begin(l2);
	khn_l2_run_end(l2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw + 2);
	khn_l2_put(l2);
}

/* A deferred flush is issued when the L2 goes: its LPID is reused. */
static void teardown_issues_the_deferred_flush(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);
	struct khn_l2 *l2 = new_l2(test, t, 6);
	u64 hw = khn_test_stat(t, KHN_STAT_HW_FLUSH);

	flush_page_locked(t, l2);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw);
	khn_l2_put(l2);
	khn_vm_drop_all(t->vm);
	/* the destroy's own LPID flush is deferred too: one flush for both */
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_HW_FLUSH), hw + 1);
}

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(shadow_init_makes_the_tree_live),
	KUNIT_CASE(zalloc_under_lock_takes_only_set_aside),
	KUNIT_CASE(teardown_frees_the_set_aside_tables),
	KUNIT_CASE(refresh_pate_without_a_table),
	KUNIT_CASE(rmap_hooks_on_leafless_l2s),
	KUNIT_CASE(flush_deferred_to_next_entry),
	KUNIT_CASE(teardown_issues_the_deferred_flush),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "khn-mmu",
	.test_cases = mmu_cases,
};

kunit_test_suite(mmu_suite);
