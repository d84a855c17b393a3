// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hv glue: the ops table registered with the patched kvm-hv.
 *
 * Each op counts its calls (debugfs "ops") and hands over to the layer
 * that owns it: the hypercall layer (hcall.c, run.c), the VM and its
 * guests (vm.c) and the shadow MMU (mmu.c).  Nothing here decides.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>

#include "khn/glue.h"
#include "khn/hcall.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/run.h"

static atomic64_t khn_op_counts[KHN_OP_NR];

static const char * const khn_op_names[KHN_OP_NR] = {
	[KHN_OP_VM_INIT]		= "vm_init",
	[KHN_OP_VM_DESTROY]		= "vm_destroy",
	[KHN_OP_ENABLE_NESTED]		= "enable_nested",
	[KHN_OP_RELEASE_ALL]		= "release_all_nested",
	[KHN_OP_H_SET_PARTITION_TABLE]	= "h_set_partition_table",
	[KHN_OP_H_ENTER_NESTED]		= "h_enter_nested",
	[KHN_OP_H_TLB_INVALIDATE]	= "h_tlb_invalidate",
	[KHN_OP_H_COPY_TOFROM_GUEST]	= "h_copy_tofrom_guest",
	[KHN_OP_H_RPT_INVALIDATE]	= "h_rpt_invalidate_nested",
	[KHN_OP_NESTED_EXIT]		= "nested_exit",
	[KHN_OP_SET_PTCR]		= "set_ptcr",
	[KHN_OP_RMAP_INSERT]		= "rmap_insert",
	[KHN_OP_RMAP_REMOVE_RANGE]	= "rmap_remove_range",
	[KHN_OP_RMAP_UPDATE_RC]		= "rmap_update_rc",
};

static void khn_count(enum khn_op op)
{
	atomic64_inc(&khn_op_counts[op]);
}

/**
 * khn_op_count() - how many times kvm-hv called an op
 * @op: the op
 *
 * Return: the count since the module was loaded.
 */
u64 khn_op_count(enum khn_op op)
{
	return atomic64_read(&khn_op_counts[op]);
}
EXPORT_SYMBOL_IF_KUNIT(khn_op_count);

/**
 * khn_op_name() - the name of an op, as shown in debugfs
 * @op: the op
 *
 * Return: a constant string, never NULL.
 */
const char *khn_op_name(enum khn_op op)
{
	if ((unsigned int)op >= KHN_OP_NR || !khn_op_names[op])
		return "unknown";
	return khn_op_names[op];
}
EXPORT_SYMBOL_IF_KUNIT(khn_op_name);

static int glue_vm_init(struct kvm *kvm)
{
	khn_count(KHN_OP_VM_INIT);
	return khn_vm_create(kvm);
}

static void glue_vm_destroy(struct kvm *kvm)
{
	khn_count(KHN_OP_VM_DESTROY);
	khn_vm_destroy(kvm);
}

/* Allow KVM_CAP_PPC_NESTED_HV: kvm-hv has checked the host already. */
static int glue_enable_nested(struct kvm *kvm)
{
	khn_count(KHN_OP_ENABLE_NESTED);
	return 0;
}

static void glue_release_all_nested(struct kvm *kvm)
{
	struct khn_vm *vm = khn_vm_of(kvm);

	khn_count(KHN_OP_RELEASE_ALL);
	if (vm)
		khn_vm_drop_all(vm);
}

/*
 * Each hypercall resolves its VM here, once.  A VM created before the ops
 * were registered cannot call in (kvm-hv binds ops at creation), but the
 * answer for one would be that nested HV is not there: H_FUNCTION.
 */
static long glue_h_set_partition_table(struct kvm_vcpu *vcpu)
{
	struct khn_vm *vm = khn_vm_of(vcpu->kvm);

	khn_count(KHN_OP_H_SET_PARTITION_TABLE);
	return vm ? khn_h_set_partition_table(vm, vcpu) : H_FUNCTION;
}

static long glue_h_enter_nested(struct kvm_vcpu *vcpu)
{
	struct khn_vm *vm = khn_vm_of(vcpu->kvm);

	khn_count(KHN_OP_H_ENTER_NESTED);
	return vm ? khn_h_enter_nested(vm, vcpu) : H_FUNCTION;
}

static long glue_h_tlb_invalidate(struct kvm_vcpu *vcpu)
{
	struct khn_vm *vm = khn_vm_of(vcpu->kvm);

	khn_count(KHN_OP_H_TLB_INVALIDATE);
	return vm ? khn_h_tlb_invalidate(vm, vcpu) : H_FUNCTION;
}

static long glue_h_copy_tofrom_guest(struct kvm_vcpu *vcpu)
{
	struct khn_vm *vm = khn_vm_of(vcpu->kvm);

	khn_count(KHN_OP_H_COPY_TOFROM_GUEST);
	return vm ? khn_h_copy_tofrom_guest(vm, vcpu) : H_FUNCTION;
}

static long glue_h_rpt_invalidate_nested(struct kvm_vcpu *vcpu, u64 lpid,
					 u64 type, u64 pg_sizes, u64 start,
					 u64 end)
{
	struct khn_vm *vm = khn_vm_of(vcpu->kvm);

	khn_count(KHN_OP_H_RPT_INVALIDATE);
	return vm ? khn_h_rpt_invalidate_nested(vm, vcpu, lpid, type, pg_sizes,
						start, end) : H_FUNCTION;
}

static int glue_nested_exit(struct kvm_vcpu *vcpu)
{
	khn_count(KHN_OP_NESTED_EXIT);
	return khn_nested_exit(vcpu);
}

/*
 * Userspace set L1's PTCR (a restore, a reset): as H_SET_PARTITION_TABLE
 * but unchecked, since a restore must read back what it wrote; the
 * module uses only a valid value (khn_vm_ptcr()).
 */
static void glue_set_ptcr(struct kvm *kvm, u64 ptcr)
{
	struct khn_vm *vm = khn_vm_of(kvm);

	khn_count(KHN_OP_SET_PTCR);
	if (!vm) {
		WRITE_ONCE(kvm->arch.l1_ptcr, ptcr);
		return;
	}
	khn_vm_set_ptcr(vm, ptcr);
	khn_stat_inc(&vm->stats, KHN_STAT_SET_PTCR_USER);
}

/*
 * kvm-hv hands over an rmap entry only from its own nested fault path,
 * which never runs while this module is registered (ours keeps its own
 * rmap).  Take ownership and free it, so nothing leaks if that changes.
 */
static void glue_rmap_insert(struct kvm *kvm, unsigned long *rmapp,
			     struct rmap_nested **n_rmap)
{
	khn_count(KHN_OP_RMAP_INSERT);
	kfree(*n_rmap);
	*n_rmap = NULL;
}

/* L1's mapping of an L1 range goes: so do the shadows made from it. */
static void glue_rmap_remove_range(struct kvm *kvm,
				   const struct kvm_memory_slot *memslot,
				   unsigned long gpa, unsigned long hpa,
				   unsigned long size)
{
	struct khn_vm *vm = khn_vm_of(kvm);

	khn_count(KHN_OP_RMAP_REMOVE_RANGE);
	if (vm)
		khn_rmap_drop_range(vm, gpa, hpa, size);
}

static void glue_rmap_update_rc(struct kvm *kvm,
				const struct kvm_memory_slot *memslot,
				unsigned long gpa, unsigned long clr,
				unsigned long set, unsigned long nbytes)
{
	struct khn_vm *vm = khn_vm_of(kvm);

	khn_count(KHN_OP_RMAP_UPDATE_RC);
	if (vm)
		khn_rmap_rc(vm, gpa, nbytes, clr, set);
}

const struct kvmhv_nested_ops khn_nested_ops = {
	.owner			= THIS_MODULE,
	.name			= KBUILD_MODNAME,
	.vm_init		= glue_vm_init,
	.vm_destroy		= glue_vm_destroy,
	.enable_nested		= glue_enable_nested,
	.release_all_nested	= glue_release_all_nested,
	.h_set_partition_table	= glue_h_set_partition_table,
	.h_enter_nested		= glue_h_enter_nested,
	.h_tlb_invalidate	= glue_h_tlb_invalidate,
	.h_copy_tofrom_guest	= glue_h_copy_tofrom_guest,
	.h_rpt_invalidate_nested = glue_h_rpt_invalidate_nested,
	.nested_exit		= glue_nested_exit,
	.set_ptcr		= glue_set_ptcr,
	.rmap_insert		= glue_rmap_insert,
	.rmap_remove_range	= glue_rmap_remove_range,
	.rmap_update_rc		= glue_rmap_update_rc,
};
EXPORT_SYMBOL_IF_KUNIT(khn_nested_ops);

static int khn_ops_show(struct seq_file *m, void *unused)
{
	unsigned int op;

	for (op = 0; op < KHN_OP_NR; op++)
		seq_printf(m, "%s %llu\n", khn_op_name(op), khn_op_count(op));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_ops);

/**
 * khn_glue_debugfs_init() - create /sys/kernel/debug/kvm-hv-nested/ops
 *
 * After khn_debugfs_init(); khn_debugfs_exit() removes it with the rest.
 */
void khn_glue_debugfs_init(void)
{
	struct dentry *root = khn_debugfs_root();

	if (!IS_ERR_OR_NULL(root))
		debugfs_create_file("ops", 0444, root, NULL, &khn_ops_fops);
}
