// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ops table kvm-hv-nested registers with kvm-hv, and kvm-hv's
 * registration rules, exercised against the live patched kvm-hv with
 * kvm-hv-nested loaded.
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/hvcall.h>

#include "khn/glue.h"

#define KHN_OP_FIELD(f) { #f, offsetof(struct kvmhv_nested_ops, f) }

static const struct khn_op_field {
	const char *name;
	size_t offset;
} khn_op_fields[] = {
	KHN_OP_FIELD(owner),
	KHN_OP_FIELD(name),
	KHN_OP_FIELD(vm_init),
	KHN_OP_FIELD(vm_destroy),
	KHN_OP_FIELD(enable_nested),
	KHN_OP_FIELD(release_all_nested),
	KHN_OP_FIELD(h_set_partition_table),
	KHN_OP_FIELD(h_enter_nested),
	KHN_OP_FIELD(h_tlb_invalidate),
	KHN_OP_FIELD(h_copy_tofrom_guest),
	KHN_OP_FIELD(h_rpt_invalidate_nested),
	KHN_OP_FIELD(nested_exit),
	KHN_OP_FIELD(set_ptcr),
	KHN_OP_FIELD(rmap_insert),
	KHN_OP_FIELD(rmap_remove_range),
	KHN_OP_FIELD(rmap_update_rc),
};

static void khn_op_field_desc(const struct khn_op_field *f, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", f->name);
}

KUNIT_ARRAY_PARAM(khn_op_field, khn_op_fields, khn_op_field_desc);

static void *khn_field(const struct kvmhv_nested_ops *ops, size_t offset)
{
	return *(void * const *)((const char *)ops + offset);
}

/* The field list above must cover the whole structure. */
static void field_list_covers_ops_struct(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(khn_op_fields) * sizeof(void *),
			sizeof(struct kvmhv_nested_ops));
}

static void ops_table_sets_field(struct kunit *test)
{
	const struct khn_op_field *f = test->param_value;

	KUNIT_EXPECT_NOT_NULL(test, khn_field(&khn_nested_ops, f->offset));
}

static void register_refuses_table_missing_field(struct kunit *test)
{
	const struct khn_op_field *f = test->param_value;
	struct kvmhv_nested_ops *ops;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = khn_nested_ops;
	*(void **)((char *)ops + f->offset) = NULL;
	KUNIT_EXPECT_EQ(test, kvmhv_register_nested_ops(ops), -EINVAL);
}

static void register_refuses_null(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kvmhv_register_nested_ops(NULL), -EINVAL);
}

/* kvm-hv-nested is loaded, so a second complete table must be refused. */
static void register_refuses_second_table(struct kunit *test)
{
	struct kvmhv_nested_ops *ops;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = khn_nested_ops;
	KUNIT_EXPECT_EQ(test, kvmhv_register_nested_ops(ops), -EEXIST);
	KUNIT_EXPECT_EQ(test, kvmhv_register_nested_ops(&khn_nested_ops),
			-EEXIST);
}

static void ops_table_is_owned_by_module(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, khn_nested_ops.name, "kvm_hv_nested");
	KUNIT_ASSERT_NOT_NULL(test, khn_nested_ops.owner);
	KUNIT_EXPECT_STREQ(test, khn_nested_ops.owner->name, "kvm_hv_nested");
}

struct khn_hcall_case {
	const char *desc;
	enum khn_op op;
	long (*call)(struct kvm_vcpu *vcpu);
};

static long khn_call_rpt(struct kvm_vcpu *vcpu)
{
	return khn_nested_ops.h_rpt_invalidate_nested(vcpu, 1, 0, 0, 0, 0);
}

static long khn_call_set_pt(struct kvm_vcpu *v)
{
	return khn_nested_ops.h_set_partition_table(v);
}

static long khn_call_enter(struct kvm_vcpu *v)
{
	return khn_nested_ops.h_enter_nested(v);
}

static long khn_call_tlbie(struct kvm_vcpu *v)
{
	return khn_nested_ops.h_tlb_invalidate(v);
}

static long khn_call_copy(struct kvm_vcpu *v)
{
	return khn_nested_ops.h_copy_tofrom_guest(v);
}

static const struct khn_hcall_case khn_hcall_cases[] = {
	{ "H_SET_PARTITION_TABLE", KHN_OP_H_SET_PARTITION_TABLE, khn_call_set_pt },
	{ "H_ENTER_NESTED", KHN_OP_H_ENTER_NESTED, khn_call_enter },
	{ "H_TLB_INVALIDATE", KHN_OP_H_TLB_INVALIDATE, khn_call_tlbie },
	{ "H_COPY_TOFROM_GUEST", KHN_OP_H_COPY_TOFROM_GUEST, khn_call_copy },
	{ "H_RPT_INVALIDATE nested", KHN_OP_H_RPT_INVALIDATE, khn_call_rpt },
};

static void khn_hcall_desc(const struct khn_hcall_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(khn_hcall, khn_hcall_cases, khn_hcall_desc);

/* A VM the module never set up (impossible through kvm-hv): "not here". */
static void unknown_vm_hcall_answers_h_function(struct kunit *test)
{
	const struct khn_hcall_case *c = test->param_value;
	struct kvm_vcpu *vcpu;
	struct kvm *kvm;
	u64 before;

	kvm = kunit_kzalloc(test, sizeof(*kvm), GFP_KERNEL);
	vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kvm);
	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	vcpu->kvm = kvm;

	before = khn_op_count(c->op);
	KUNIT_EXPECT_EQ(test, c->call(vcpu), (long)H_FUNCTION);
	KUNIT_EXPECT_EQ(test, khn_op_count(c->op), before + 1);
}

static void rmap_insert_takes_ownership(struct kunit *test)
{
	struct rmap_nested *n = kmalloc(64, GFP_KERNEL);
	unsigned long rmap = 0;

	KUNIT_ASSERT_NOT_NULL(test, n);
	khn_nested_ops.rmap_insert(NULL, &rmap, &n);
	KUNIT_EXPECT_NULL(test, n);
	KUNIT_EXPECT_EQ(test, rmap, 0UL);
}

static void op_names_are_unique(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < KHN_OP_NR; i++) {
		KUNIT_EXPECT_STRNEQ(test, khn_op_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, khn_op_name(i),
					    khn_op_name(j));
	}
	KUNIT_EXPECT_STREQ(test, khn_op_name(KHN_OP_NR), "unknown");
}

/* What the stand-in table's enable_nested saw */
static int khn_query_refs = -1;
static bool khn_query_no_vm;

static int khn_query_enable_nested(struct kvm *kvm)
{
	khn_query_no_vm = !kvm;
	khn_query_refs = module_refcount(THIS_MODULE);
	return 0;
}

/*
 * Issue 8: KVM_CHECK_EXTENSION(KVM_CAP_PPC_NESTED_HV) on /dev/kvm calls
 * the registered enable_nested with no VM, so nothing pinned the owner:
 * the query raced rmmod.  kvm-hv must hold a reference on ops->owner for
 * the length of the call.  The test registers a stand-in table owned by
 * this test module (kvm-hv has no VM during the tests), runs the real
 * query through /dev/kvm, and puts kvm-hv-nested's table back.
 */
static void capability_query_pins_the_ops_owner(struct kunit *test)
{
	struct kvmhv_nested_ops *ops;
	struct file *kvm_dev;
	int refs, reg, back;
	long r = -1;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = khn_nested_ops;
	ops->owner = THIS_MODULE;
	ops->enable_nested = khn_query_enable_nested;
	kvm_dev = filp_open("/dev/kvm", O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(kvm_dev), "/dev/kvm: %ld",
			       PTR_ERR(kvm_dev));

	kvmhv_unregister_nested_ops(&khn_nested_ops);
	reg = kvmhv_register_nested_ops(ops);
	refs = module_refcount(THIS_MODULE);
	khn_query_refs = -1;
	if (!reg) {
		r = kvm_dev->f_op->unlocked_ioctl(kvm_dev, KVM_CHECK_EXTENSION,
						  KVM_CAP_PPC_NESTED_HV);
		kvmhv_unregister_nested_ops(ops);
	}
	back = kvmhv_register_nested_ops(&khn_nested_ops);
	filp_close(kvm_dev, NULL);

	KUNIT_ASSERT_EQ(test, back, 0);
	KUNIT_ASSERT_EQ(test, reg, 0);
	KUNIT_EXPECT_EQ(test, r, 1L);
	KUNIT_EXPECT_TRUE(test, khn_query_no_vm);
	KUNIT_EXPECT_EQ(test, khn_query_refs, refs + 1);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
}

static struct kunit_case glue_test_cases[] = {
	KUNIT_CASE(field_list_covers_ops_struct),
	KUNIT_CASE_PARAM(ops_table_sets_field, khn_op_field_gen_params),
	KUNIT_CASE_PARAM(register_refuses_table_missing_field,
			 khn_op_field_gen_params),
	KUNIT_CASE(register_refuses_null),
	KUNIT_CASE(register_refuses_second_table),
	KUNIT_CASE(ops_table_is_owned_by_module),
	KUNIT_CASE_PARAM(unknown_vm_hcall_answers_h_function,
			 khn_hcall_gen_params),
	KUNIT_CASE(rmap_insert_takes_ownership),
	KUNIT_CASE(op_names_are_unique),
	KUNIT_CASE(capability_query_pins_the_ops_owner),
	{}
};

static struct kunit_suite glue_test_suite = {
	.name = "khn-glue",
	.test_cases = glue_test_cases,
};

kunit_test_suite(glue_test_suite);
