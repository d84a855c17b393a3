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
#include "khn/run.h"
#include "khn/vm.h"

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

static long glue_h_set_partition_table(struct kvm_vcpu *vcpu)
{
	khn_count(KHN_OP_H_SET_PARTITION_TABLE);
	return khn_h_set_partition_table(vcpu);
}

static long glue_h_enter_nested(struct kvm_vcpu *vcpu)
{
	khn_count(KHN_OP_H_ENTER_NESTED);
	return khn_h_enter_nested(vcpu);
}

static long glue_h_tlb_invalidate(struct kvm_vcpu *vcpu)
{
	khn_count(KHN_OP_H_TLB_INVALIDATE);
	return khn_h_tlb_invalidate(vcpu);
}

static long glue_h_copy_tofrom_guest(struct kvm_vcpu *vcpu)
{
	khn_count(KHN_OP_H_COPY_TOFROM_GUEST);
	return khn_h_copy_tofrom_guest(vcpu);
}

static long glue_h_rpt_invalidate_nested(struct kvm_vcpu *vcpu, u64 lpid,
					 u64 type, u64 pg_sizes, u64 start,
					 u64 end)
{
	khn_count(KHN_OP_H_RPT_INVALIDATE);
	return khn_h_rpt_invalidate_nested(vcpu, lpid, type, pg_sizes, start,
					   end);
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
	khn_count(KHN_OP_RMAP_REMOVE_RANGE);
	khn_rmap_drop_range(kvm, gpa, hpa, size);
}

static void glue_rmap_update_rc(struct kvm *kvm,
				const struct kvm_memory_slot *memslot,
				unsigned long gpa, unsigned long clr,
				unsigned long set, unsigned long nbytes)
{
	khn_count(KHN_OP_RMAP_UPDATE_RC);
	khn_rmap_rc(kvm, gpa, nbytes, clr, set);
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

/* The module's debugfs directory; kvm-hv-nested, not KBUILD_MODNAME. */
#define KHN_DEBUGFS_NAME "kvm-hv-nested"

static struct dentry *khn_debugfs_dir;

/**
 * khn_debugfs_root() - the module's debugfs directory
 *
 * Return: /sys/kernel/debug/kvm-hv-nested, or NULL (or an ERR_PTR) when
 * debugfs is unavailable or khn_debugfs_init() has not run.
 */
struct dentry *khn_debugfs_root(void)
{
	return khn_debugfs_dir;
}

static int khn_stats_show(struct seq_file *m, void *unused)
{
	unsigned int op;

	for (op = 0; op < KHN_OP_NR; op++)
		seq_printf(m, "%s %llu\n", khn_op_name(op), khn_op_count(op));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_stats);

/**
 * khn_debugfs_init() - create /sys/kernel/debug/kvm-hv-nested/ops
 *
 * Return: 0; debugfs is best effort and never fails the load.
 */
int khn_debugfs_init(void)
{
	khn_debugfs_dir = debugfs_create_dir(KHN_DEBUGFS_NAME, NULL);
	debugfs_create_file("ops", 0444, khn_debugfs_dir, NULL,
			    &khn_stats_fops);
	return 0;
}

/**
 * khn_debugfs_exit() - remove what khn_debugfs_init() created
 */
void khn_debugfs_exit(void)
{
	debugfs_remove_recursive(khn_debugfs_dir);
	khn_debugfs_dir = NULL;
}
