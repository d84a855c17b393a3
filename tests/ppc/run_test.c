// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/run.c on the live patched kvm-hv, before any L2 runs: the MMIO
 * load restart cookie (run.h) is taken by whatever H_ENTER_NESTED comes
 * next and cleared, and only the cookie is; refusals are counted.  The
 * restart itself, with a load completed by userspace, runs live in
 * tests/l1sim (l2-mmio).
 */

#include <kunit/test.h>
#include <linux/kvm_host.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>

#include "khn/glue.h"
#include "khn/run.h"
#include "khn/stats.h"
#include "test_vm.h"

static long enter(struct khn_test_vm *t, u64 r6, u64 r7)
{
	kvmppc_set_gpr(t->vcpu, 4, 0x1000);
	kvmppc_set_gpr(t->vcpu, 5, 0x2000);
	kvmppc_set_gpr(t->vcpu, KHN_MMIO_LOAD_GPR, r6);
	kvmppc_set_gpr(t->vcpu, KHN_MMIO_COOKIE_GPR, r7);
	return khn_nested_ops.h_enter_nested(t->vcpu);
}

/*
 * A refused call still takes the cookie: it must not be applied by a
 * later call, after the L2 has moved on.
 */
static void mmio_cookie_taken_by_the_next_enter(struct kunit *test)
{
	struct khn_test_vm *t = khn_test_vm_new(test);

	KUNIT_EXPECT_EQ(test, enter(t, 0x1234, KHN_MMIO_COOKIE | 9),
			(long)H_NOT_AVAILABLE);
	KUNIT_EXPECT_EQ(test, kvmppc_get_gpr(t->vcpu, KHN_MMIO_COOKIE_GPR),
			0UL);
	KUNIT_EXPECT_EQ(test, kvmppc_get_gpr(t->vcpu, KHN_MMIO_LOAD_GPR),
			0x1234UL);
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_ENTER_REFUSED), 1ULL);
}

/* r7 values that are no cookie are L1's, and stay. */
static void other_r7_values_stay(struct kunit *test)
{
	static const u64 r7[] = {
		0, 9, KHN_MMIO_COOKIE ^ BIT_ULL(63), KHN_MMIO_COOKIE | 0x20,
		KHN_MMIO_COOKIE >> 8, ~0ULL,
	};
	struct khn_test_vm *t = khn_test_vm_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r7); i++) {
		KUNIT_EXPECT_EQ(test, enter(t, 0, r7[i]), (long)H_NOT_AVAILABLE);
		KUNIT_EXPECT_EQ_MSG(test,
				    kvmppc_get_gpr(t->vcpu, KHN_MMIO_COOKIE_GPR),
				    (unsigned long)r7[i], "r7 0x%llx", r7[i]);
	}
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_ENTER_REFUSED),
			(u64)ARRAY_SIZE(r7));
	KUNIT_EXPECT_EQ(test, khn_test_stat(t, KHN_STAT_MMIO_LOAD_RESTART),
			0ULL);
}

static struct kunit_case run_cases[] = {
	KUNIT_CASE(mmio_cookie_taken_by_the_next_enter),
	KUNIT_CASE(other_r7_values_stay),
	{}
};

static struct kunit_suite run_suite = {
	.name = "khn-run",
	.test_cases = run_cases,
};

kunit_test_suite(run_suite);
