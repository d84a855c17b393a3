// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall layer's error paths, through the ops table kvm-hv calls,
 * on a VM state made by the module's own vm_init path.  Each case asserts
 * the exact PAPR status and that nothing was created.  The paths that
 * need guest memory are covered live by tests/l1sim.
 */

#include <kunit/test.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>

#include "khn/glue.h"
#include "khn/stats.h"
#include "khn/tlbinv.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/vm.h"
#include "test_vm.h"

struct khn_hcall_env {
	struct kvm *kvm;
	struct kvm_vcpu *vcpu;
	struct khn_vm *vm;
};

static int khn_hcall_init(struct kunit *test)
{
	struct khn_hcall_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct khn_test_vm *t = khn_test_vm_new(test);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->kvm = t->kvm;
	e->vcpu = t->vcpu;
	e->vm = t->vm;
	test->priv = e;
	return 0;
}

static void set_args(struct kvm_vcpu *v, u64 r4, u64 r5, u64 r6, u64 r7,
		     u64 r8, u64 r9)
{
	kvmppc_set_gpr(v, 4, r4);
	kvmppc_set_gpr(v, 5, r5);
	kvmppc_set_gpr(v, 6, r6);
	kvmppc_set_gpr(v, 7, r7);
	kvmppc_set_gpr(v, 8, r8);
	kvmppc_set_gpr(v, 9, r9);
}

static u64 stat(struct khn_hcall_env *e, enum khn_stat i)
{
	return atomic64_read(&e->vm->stats.c[i]);
}

static void enter_before_partition_table(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;

	set_args(e->vcpu, 0x1000, 0x2000, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, khn_nested_ops.h_enter_nested(e->vcpu),
			(long)H_NOT_AVAILABLE);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_ENTER), 1ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_ENTER_REFUSED), 1ULL);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 0U);
}

static void set_partition_table_refusals(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;
	static const u64 bad[] = {
		BIT_ULL(63) | 0x10000000ULL,	/* reserved bit */
		0x10000000ULL | BIT_ULL(5),	/* reserved bit */
		0x10000000ULL | 5,		/* 8192 entries */
		0x10000000ULL | 24,		/* ISA maximum, still too many */
		0x10001000ULL | 1,		/* 8K table, 4K aligned */
	};
	unsigned int i;
	long rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set_args(e->vcpu, bad[i], 0, 0, 0, 0, 0);
		rc = khn_nested_ops.h_set_partition_table(e->vcpu);
		KUNIT_EXPECT_EQ_MSG(test, rc, (long)H_PARAMETER, "ptcr %#llx",
				    bad[i]);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(e->kvm->arch.l1_ptcr), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_SET_PTCR), 0ULL);
}

static void set_partition_table_zero(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;

	set_args(e->vcpu, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, khn_nested_ops.h_set_partition_table(e->vcpu),
			(long)H_SUCCESS);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_SET_PTCR), 1ULL);
	KUNIT_EXPECT_EQ(test, e->kvm->arch.l1_ptcr, 0ULL);
}

/*
 * Userspace sets L1's PTCR (KVM_SET_ONE_REG: a migration's restore, a
 * reset): kvm-hv's copy holds exactly what was set, the module uses it
 * only in a valid form, and every L2 of the old table goes.
 */
static void ptcr_set_by_userspace_is_the_one_copy(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;
	const u64 bad = BIT_ULL(63) | 0x10000000ULL, good = 0x10000000ULL;
	u64 calls = khn_op_count(KHN_OP_SET_PTCR);
	struct khn_l2 *l2;

	khn_nested_ops.set_ptcr(e->kvm, bad);
	KUNIT_EXPECT_EQ(test, e->kvm->arch.l1_ptcr, bad);
	KUNIT_EXPECT_EQ(test, khn_vm_ptcr(e->vm), 0ULL);
	set_args(e->vcpu, 0x1000, 0x2000, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, khn_nested_ops.h_enter_nested(e->vcpu),
			(long)H_NOT_AVAILABLE);

	khn_nested_ops.set_ptcr(e->kvm, good);
	KUNIT_EXPECT_EQ(test, khn_vm_ptcr(e->vm), good);
	l2 = khn_l2_get(e->vm, 1, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(l2));
	khn_l2_put(l2);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 1U);

	/* a reset: no table, no L2 */
	khn_nested_ops.set_ptcr(e->kvm, 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 0U);
	KUNIT_EXPECT_EQ(test, khn_vm_ptcr(e->vm), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_SET_PTCR_USER), 3ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_SET_PTCR), 0ULL);
	KUNIT_EXPECT_EQ(test, khn_op_count(KHN_OP_SET_PTCR), calls + 3);
}

/* Constant forms of the tlbie fields (RIC 19:18, IS 11:10) */
#define P1(ric, prs, r)	(((u64)(ric) << 18) |				\
			 ((prs) ? KHN_TLBIE_P1_PRS : 0) |		\
			 ((r) ? KHN_TLBIE_P1_R : 0))
#define RB(is)		((u64)(is) << 10)

static void tlb_invalidate_refusals(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;
	static const u64 bad[][3] = {
		{ P1(0, 0, 0), 1, RB(2) },	/* HPT form */
		{ P1(0, 0, 1) | BIT_ULL(0), 1, RB(2) },	/* not a tlbie field */
		{ P1(0, 1, 1), 1, RB(2) },	/* process scope: not for L0 */
		{ P1(0, 0, 1), 4096, RB(2) },	/* LPID beyond 12 bits */
		{ P1(3, 0, 1), 1, RB(2) },	/* RIC 3 */
		{ P1(0, 0, 1), 1, RB(1) },	/* IS 1: PID, partition scope */
		{ P1(1, 0, 1), 1, RB(0) },	/* one page, PWC */
		{ P1(2, 0, 1), 1, RB(0) },	/* one page, all */
	};
	unsigned int i;
	long rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set_args(e->vcpu, bad[i][0], bad[i][1], bad[i][2], 0, 0, 0);
		rc = khn_nested_ops.h_tlb_invalidate(e->vcpu);
		KUNIT_EXPECT_EQ_MSG(test, rc, (long)H_PARAMETER, "case %u", i);
	}
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_TLB_INVALIDATE),
			(u64)ARRAY_SIZE(bad));
}

static void tlb_invalidate_no_guest(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;

	set_args(e->vcpu, P1(2, 0, 1), 7, RB(2), 0, 0, 0);
	KUNIT_EXPECT_EQ(test, khn_nested_ops.h_tlb_invalidate(e->vcpu),
			(long)H_SUCCESS);
	set_args(e->vcpu, P1(2, 0, 1), 0, RB(3), 0, 0, 0);
	KUNIT_EXPECT_EQ(test, khn_nested_ops.h_tlb_invalidate(e->vcpu),
			(long)H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 0U);
}

static long rpt(struct khn_hcall_env *e, u64 lpid, u64 type, u64 pg,
		u64 start, u64 end)
{
	return khn_nested_ops.h_rpt_invalidate_nested(e->vcpu, lpid, type, pg,
						      start, end);
}

static void rpt_invalidate_refusals(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;
	u64 t = KHN_RPTI_TYPE_NESTED | KHN_RPTI_TYPE_TLB;
	u64 all = KHN_RPTI_PAGE_ALL;

	KUNIT_EXPECT_EQ(test, rpt(e, 1, t, all, 0x2000, 0x1000), (long)H_P5);
	KUNIT_EXPECT_EQ(test, rpt(e, 1, t, all, 0x1000, 0x1800), (long)H_P6);
	KUNIT_EXPECT_EQ(test, rpt(e, 1, KHN_RPTI_TYPE_NESTED, all, 0, 0x1000),
			(long)H_P3);
	KUNIT_EXPECT_EQ(test, rpt(e, 1, t, 0, 0, 0x1000), (long)H_P4);
	KUNIT_EXPECT_EQ(test, rpt(e, 4096, t, all, 0, 0x1000),
			(long)H_PARAMETER);
	/* L1 flushes an LPID before its first H_ENTER_NESTED: not an error */
	KUNIT_EXPECT_EQ(test, rpt(e, 1, t, all, 0, 0x1000), (long)H_SUCCESS);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_RPT_INVALIDATE), 6ULL);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 0U);
}

static void copy_refusals(struct kunit *test)
{
	struct khn_hcall_env *e = test->priv;
	static const u64 bad[][6] = {
		{ 1, 0, 0x1000, 0x2000, 0x3000, 8 },	/* both buffers */
		{ 1, 0, 0x1000, 0, 0, 8 },		/* no buffer */
		{ 1, 0, BIT_ULL(52), 0x2000, 0, 8 },	/* quadrant bits */
		{ 4096, 0, 0x1000, 0x2000, 0, 8 },	/* LPID */
		{ 1, BIT_ULL(32), 0x1000, 0x2000, 0, 8 }, /* PID */
		{ 1, 0, 0x1000, 0x2000, 0, 8 },		/* no such L2 */
	};
	unsigned int i;
	long rc;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set_args(e->vcpu, bad[i][0], bad[i][1], bad[i][2], bad[i][3],
			 bad[i][4], bad[i][5]);
		rc = khn_nested_ops.h_copy_tofrom_guest(e->vcpu);
		KUNIT_EXPECT_EQ_MSG(test, rc, (long)H_PARAMETER, "case %u", i);
	}
	KUNIT_EXPECT_EQ(test, khn_guests_count(&e->vm->guests), 0U);
}

static struct kunit_case hcall_cases[] = {
	KUNIT_CASE(enter_before_partition_table),
	KUNIT_CASE(set_partition_table_refusals),
	KUNIT_CASE(set_partition_table_zero),
	KUNIT_CASE(ptcr_set_by_userspace_is_the_one_copy),
	KUNIT_CASE(tlb_invalidate_refusals),
	KUNIT_CASE(tlb_invalidate_no_guest),
	KUNIT_CASE(rpt_invalidate_refusals),
	KUNIT_CASE(copy_refusals),
	{}
};

static struct kunit_suite hcall_suite = {
	.name = "khn-hcall",
	.init = khn_hcall_init,
	.test_cases = hcall_cases,
};

kunit_test_suite(hcall_suite);
