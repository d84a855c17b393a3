// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2 exits that need no guest memory, through the ops table kvm-hv calls
 * (nested_exit) on a vCPU whose L2 was made by hand: the HV softpatch
 * (TM emulation, as kvm-hv does it for its own guests) and the hypervisor
 * facility unavailable interrupt with a cause L1 chose.  The exits that
 * need a running L2 are covered live by tests/l1sim.
 */

#include <kunit/test.h>
#include <linux/kvm_host.h>
#include <linux/srcu.h>
#include <asm/kvm_asm.h>
#include <asm/kvm_ppc.h>
#include <asm/ppc-opcode.h>
#include <asm/reg.h>

#include "khn/glue.h"
#include "khn/stats.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/vm.h"
#include "test_vm.h"

struct khn_exit_env {
	struct kvm *kvm;
	struct kvm_vcpu *vcpu;
	struct khn_vm *vm;
	struct khn_l2 *l2;
};

static int khn_exit_init(struct kunit *test)
{
	struct khn_exit_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct khn_test_vm *t = khn_test_vm_new(test);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->kvm = t->kvm;
	e->vcpu = t->vcpu;
	e->vm = t->vm;
	e->l2 = kunit_kzalloc(test, sizeof(*e->l2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->l2);
	e->l2->vm = e->vm;
	e->vcpu->arch.nested = &e->l2->kng;
	test->priv = e;
	return 0;
}

static u64 stat(struct khn_exit_env *e, enum khn_stat i)
{
	return atomic64_read(&e->vm->stats.c[i]);
}

#define KERNEL_MSR	(MSR_SF | MSR_ME | MSR_IR | MSR_DR | MSR_RI | MSR_LE)
#define INST_NOP	0x60000000u
#define HFSCR_CAUSE(n)	((u64)(n) << 56)

/*
 * Issue 8: an L2 in a suspended transaction that runs mtmsrd to resume it
 * traps to L0 as an HV softpatch (POWER9).  kvm-hv emulates it for its own
 * guests; the module used to turn it into an emulation assist for L1.
 */
static void softpatch_tm_instruction_is_emulated(struct kunit *test)
{
#ifdef CONFIG_PPC_TRANSACTIONAL_MEM
	struct khn_exit_env *e = test->priv;
	struct kvm_vcpu *v = e->vcpu;
	u64 resumed = KERNEL_MSR | MSR_TM | MSR_TS_T;

	v->arch.shregs.msr = KERNEL_MSR | MSR_TM | MSR_TS_S;
	v->arch.regs.nip = 0x1004;	/* softpatch: past the instruction */
	v->arch.trap = BOOK3S_INTERRUPT_HV_SOFTPATCH;
	v->arch.emul_inst = PPC_INST_MTMSRD | (5 << 21);	/* mtmsrd r5 */
	v->arch.last_inst = INST_NOP;
	kvmppc_set_gpr(v, 5, resumed);

	KUNIT_EXPECT_EQ(test, khn_nested_ops.nested_exit(v), RESUME_GUEST);
	KUNIT_EXPECT_EQ(test, v->arch.trap, BOOK3S_INTERRUPT_HV_SOFTPATCH);
	KUNIT_EXPECT_EQ(test, v->arch.shregs.msr & MSR_TS_MASK, MSR_TS_T);
	KUNIT_EXPECT_EQ(test, v->arch.regs.nip, 0x1004UL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HEAI), 0ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HFAC), 0ULL);
#else
	kunit_skip(test, "no CONFIG_PPC_TRANSACTIONAL_MEM");
#endif
}

/* Not using TM: the softpatch goes the facility-unavailable way */
static void softpatch_without_tm_is_an_emulation_assist(struct kunit *test)
{
	struct khn_exit_env *e = test->priv;
	struct kvm_vcpu *v = e->vcpu;

	v->arch.shregs.msr = KERNEL_MSR;
	v->arch.trap = BOOK3S_INTERRUPT_HV_SOFTPATCH;
	v->arch.hfscr_permitted = HFSCR_FP;
	v->arch.nested_hfscr = HFSCR_FP;
	v->arch.last_inst = INST_NOP;

	KUNIT_EXPECT_EQ(test, khn_nested_ops.nested_exit(v), RESUME_HOST);
	KUNIT_EXPECT_EQ(test, v->arch.trap, BOOK3S_INTERRUPT_H_EMUL_ASSIST);
	KUNIT_EXPECT_EQ(test, v->arch.emul_inst, (u64)INST_NOP);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HEAI), 1ULL);
}

/*
 * Issue 8: the cause field (8 bits) of the HFSCR is L1's when the
 * hardware did not set it; BIT_ULL(cause) was computed for any cause.
 * On POWER a shift by 128 is a shift by 0: cause 128 passed as cause 0.
 */
static void hfac_cause_beyond_63_is_an_emulation_assist(struct kunit *test)
{
	static const unsigned int causes[] = { 64, 127, 128, 129, 255 };
	struct khn_exit_env *e = test->priv;
	struct kvm_vcpu *v = e->vcpu;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(causes); i++) {
		v->arch.shregs.msr = KERNEL_MSR;
		v->arch.trap = BOOK3S_INTERRUPT_H_FAC_UNAVAIL;
		v->arch.hfscr = HFSCR_CAUSE(causes[i]);
		v->arch.hfscr_permitted = ~0ULL;
		v->arch.nested_hfscr = 0;
		v->arch.last_inst = INST_NOP;
		KUNIT_EXPECT_EQ_MSG(test, khn_nested_ops.nested_exit(v),
				    RESUME_HOST, "cause %u", causes[i]);
		KUNIT_EXPECT_EQ_MSG(test, v->arch.trap,
				    BOOK3S_INTERRUPT_H_EMUL_ASSIST,
				    "cause %u", causes[i]);
	}
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HEAI),
			(u64)ARRAY_SIZE(causes));
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HFAC), 0ULL);
}

/* A facility L0 gives L1 and L1 withheld: L1's exit, unchanged */
static void hfac_withheld_facility_goes_to_l1(struct kunit *test)
{
	struct khn_exit_env *e = test->priv;
	struct kvm_vcpu *v = e->vcpu;

	v->arch.shregs.msr = KERNEL_MSR;
	v->arch.trap = BOOK3S_INTERRUPT_H_FAC_UNAVAIL;
	v->arch.hfscr = HFSCR_CAUSE(FSCR_TAR_LG);
	v->arch.hfscr_permitted = HFSCR_TAR | HFSCR_FP;
	v->arch.nested_hfscr = HFSCR_FP;

	KUNIT_EXPECT_EQ(test, khn_nested_ops.nested_exit(v), RESUME_HOST);
	KUNIT_EXPECT_EQ(test, v->arch.trap, BOOK3S_INTERRUPT_H_FAC_UNAVAIL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HFAC), 1ULL);
	KUNIT_EXPECT_EQ(test, stat(e, KHN_STAT_EXIT_HEAI), 0ULL);
}

static struct kunit_case khn_exit_cases[] = {
	KUNIT_CASE(softpatch_tm_instruction_is_emulated),
	KUNIT_CASE(softpatch_without_tm_is_an_emulation_assist),
	KUNIT_CASE(hfac_cause_beyond_63_is_an_emulation_assist),
	KUNIT_CASE(hfac_withheld_facility_goes_to_l1),
	{}
};

static struct kunit_suite khn_exit_suite = {
	.name = "khn-exit",
	.init = khn_exit_init,
	.test_cases = khn_exit_cases,
};

kunit_test_suite(khn_exit_suite);
