// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-VM and per-L2 state: what kvm-hv-nested keeps for each L1 VM, its
 * nested guests, their shadow LPIDs and shadow trees.  The lifetime rules
 * are those of include/khn/guests.h; the locking rule is in
 * include/khn/vm.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>
#include <asm/mmu.h>

#include "khn/lifecycle.h"
#include "khn/mmu.h"

/*
 * Each nested guest holds one of the host's LPIDs (POWER9: 4096, shared
 * by every VM): one L1 may hold at most this many at once, so that its
 * L2s never starve the host of LPIDs for other VMs.  Read when a VM is
 * created.
 */
static unsigned int max_l2_per_l1 = 256;
module_param(max_l2_per_l1, uint, 0644);
MODULE_PARM_DESC(max_l2_per_l1,
		 "most nested guests one L1 VM may have at once (default 256, at most 4096); for VMs created afterwards");

/*
 * struct kvm -> struct khn_vm.  Every hypercall and every rmap hook (under
 * kvm->mmu_lock) looks its VM up, so a hash of the pointer rather than a
 * list walk; the kvm-hv patch leaves struct kvm_arch as Debian built it,
 * so there is no field to hang the state on (hook-contract.rst).
 */
static const struct rhashtable_params khn_vms_params = {
	.key_len = sizeof(struct kvm *),
	.key_offset = offsetof(struct khn_vm, kvm),
	.head_offset = offsetof(struct khn_vm, node),
	.automatic_shrinking = true,
};

static struct rhashtable khn_vms;
static atomic_t khn_vm_seq = ATOMIC_INIT(0);

/**
 * khn_vms_init() - set up the VM table, before the ops are registered
 *
 * Return: 0 or -ENOMEM.
 */
int khn_vms_init(void)
{
	return rhashtable_init(&khn_vms, &khn_vms_params);
}

/**
 * khn_vms_exit() - free the VM table, once no VM can be bound any more
 */
void khn_vms_exit(void)
{
	WARN_ON_ONCE(atomic_read(&khn_vms.nelems));
	rhashtable_destroy(&khn_vms);
}

/**
 * khn_vm_of() - the kvm-hv-nested state of a VM
 * @kvm:	a VM created while the module was registered
 *
 * Lock-free (RCU inside); the state lives as long as @kvm.
 *
 * Return: the state, or NULL (a VM created before the ops were
 * registered cannot exist: kvm-hv binds ops to VMs at creation).
 */
struct khn_vm *khn_vm_of(struct kvm *kvm)
{
	return rhashtable_lookup_fast(&khn_vms, &kvm, khn_vms_params);
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_of);

/* The shadow LPID ops of the guest table: L0's allocator, counted. */
static int khn_alloc_lpid(void *ctx)
{
	long lpid = kvmppc_alloc_lpid();

	if (lpid < 0)
		return lpid;
	khn_live_add(KHN_LIVE_LPIDS, 1);
	return lpid;
}

static void khn_free_lpid(void *ctx, u32 lpid)
{
	kvmppc_free_lpid(lpid);
	khn_live_add(KHN_LIVE_LPIDS, -1);
}

static int khn_l2_init(void *ctx, struct khn_guest *gp)
{
	struct khn_vm *vm = ctx;
	struct khn_l2 *l2;
	int err;

	l2 = kzalloc(sizeof(*l2), GFP_KERNEL_ACCOUNT);
	if (!l2)
		return -ENOMEM;
	l2->vm = vm;
	l2->g = gp;
	mutex_init(&l2->lock);
	l2->kng.l1_host = vm->kvm;
	l2->kng.l1_lpid = gp->l1_lpid;
	l2->kng.shadow_lpid = gp->shadow_lpid;
	l2->kng.radix = 1;
	/* No CPU has run this LPID for us: every CPU flushes it first. */
	cpumask_setall(&l2->kng.need_tlb_flush);
	memset(l2->kng.prev_cpu, -1, sizeof(l2->kng.prev_cpu));

	err = khn_l2_shadow_init(l2);
	if (err) {
		kfree(l2);
		return err;
	}
	gp->priv = l2;
	khn_live_add(KHN_LIVE_L2S, 1);
	khn_stat_inc(&vm->stats, KHN_STAT_GUESTS_CREATED);
	return 0;
}

/* Last put: no vCPU runs the L2 and no path holds it any more. */
static void khn_l2_release(void *ctx, struct khn_guest *gp)
{
	struct khn_vm *vm = ctx;
	struct khn_l2 *l2 = gp->priv;

	khn_l2_shadow_teardown(l2);

	gp->priv = NULL;
	kfree(l2);
	khn_live_add(KHN_LIVE_L2S, -1);
	khn_stat_inc(&vm->stats, KHN_STAT_GUESTS_FREED);
}

/*
 * The pid in a VM's directory name: the VM creator's.  KVM records it in
 * kvm->userspace_pid only after kvm_arch_init_vm() (where kvm-hv calls the
 * module's vm_init), so until then take the creating task's, which is the
 * value KVM will record, and the pid of KVM's own <pid>-<fd> directory.
 */
static pid_t khn_vm_pid(const struct kvm *kvm)
{
	return kvm->userspace_pid ?: task_pid_nr(current);
}

/**
 * khn_vm_debugfs_add() - create kvm-hv-nested/vm-<pid>-<id>/{stats,audit}
 * @vm: the VM; @vm->kvm and @vm->id must be set.  <pid> is
 *	@vm->kvm->userspace_pid, or the calling task's pid while KVM has not
 *	set it yet (during VM creation: the same value)
 *
 * Sets @vm->debugfs (NULL when debugfs is unavailable: the VM runs all
 * the same).  The files read @vm until khn_vm_debugfs_remove(), which
 * must therefore run before @vm is freed.
 */
void khn_vm_debugfs_add(struct khn_vm *vm)
{
	char name[32];

	snprintf(name, sizeof(name), "vm-%d-%u", khn_vm_pid(vm->kvm), vm->id);
	vm->debugfs = khn_stats_dir_add(&vm->stats, name);
	khn_mmu_debugfs_add(vm, vm->debugfs);
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_debugfs_add);

/**
 * khn_vm_debugfs_remove() - remove what khn_vm_debugfs_add() created
 * @vm: the VM
 *
 * Waits for readers of its files to finish; later reads of a file still
 * open fail with -EIO and never touch @vm.  Safe when
 * khn_vm_debugfs_add() created nothing, and when called twice.
 */
void khn_vm_debugfs_remove(struct khn_vm *vm)
{
	khn_stats_dir_remove(vm->debugfs);
	vm->debugfs = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_debugfs_remove);

/**
 * khn_vm_create() - set up the state of a new VM
 * @kvm:	the VM kvm-hv is creating
 *
 * Return: 0, -ENOMEM, or -EEXIST if @kvm already has state.
 */
int khn_vm_create(struct kvm *kvm)
{
	struct khn_vm *vm;
	int err;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->kvm = kvm;
	vm->id = atomic_inc_return(&khn_vm_seq);
	vm->guests_ops.alloc_lpid = khn_alloc_lpid;
	vm->guests_ops.free_lpid = khn_free_lpid;
	vm->guests_ops.init = khn_l2_init;
	vm->guests_ops.release = khn_l2_release;
	vm->guests_ops.ctx = vm;
	khn_guests_init(&vm->guests, &vm->guests_ops);
	khn_guests_set_limit(&vm->guests, READ_ONCE(max_l2_per_l1));
	xa_init(&vm->by_shadow);
	khn_nrmap_init(&vm->nrmap);
	mutex_init(&vm->ptcr_lock);

	err = rhashtable_lookup_insert_fast(&khn_vms, &vm->node, khn_vms_params);
	if (err) {
		khn_guests_destroy(&vm->guests);
		xa_destroy(&vm->by_shadow);
		khn_nrmap_destroy(&vm->nrmap);
		kfree(vm);
		return err;
	}
	khn_live_add(KHN_LIVE_VMS, 1);
	khn_vm_debugfs_add(vm);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_create);

/**
 * khn_vm_destroy() - free the state of a VM kvm-hv has destroyed
 * @kvm:	the VM; no vCPU of it runs any more
 */
void khn_vm_destroy(struct kvm *kvm)
{
	struct khn_vm *vm = khn_vm_of(kvm);

	if (!vm)
		return;
	khn_vm_debugfs_remove(vm);
	khn_vm_drop_all(vm);
	/* no vCPU runs, so nothing can have made a guest since */
	WARN_ON_ONCE(khn_guests_count(&vm->guests));
	khn_guests_destroy(&vm->guests);

	WARN_ON_ONCE(rhashtable_remove_fast(&khn_vms, &vm->node, khn_vms_params));
	/* a concurrent khn_vm_of() of another VM may still walk this node */
	synchronize_rcu();

	WARN_ON_ONCE(!xa_empty(&vm->by_shadow));
	xa_destroy(&vm->by_shadow);
	khn_live_add(KHN_LIVE_NRMAP_BYTES, -(long)vm->nrmap.bytes);
	khn_nrmap_destroy(&vm->nrmap);
	kfree(vm);
	khn_live_add(KHN_LIVE_VMS, -1);
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_destroy);

/**
 * khn_vm_drop_all() - forget every nested guest of a VM
 * @vm:		the VM
 *
 * For a PTCR change, VM destroy and the switch to HPT.  A guest a vCPU is
 * running keeps its shadow until that vCPU's put.
 *
 * Return: the number of guests unlinked.
 */
unsigned int khn_vm_drop_all(struct khn_vm *vm)
{
	return khn_guests_remove_all(&vm->guests, NULL, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_drop_all);

/**
 * khn_vm_set_ptcr() - L1's partition table register changes
 * @vm:		the VM
 * @ptcr:	the new value, as L1 or userspace gave it
 *
 * kvm-hv's kvm->arch.l1_ptcr is the one copy: H_SET_PARTITION_TABLE and
 * userspace (KVM_SET_ONE_REG of KVM_REG_PPC_PTCR: a migration's restore,
 * a reset) both land here, and KVM_GET_ONE_REG reads back what was set.
 * Every nested guest made under the old table goes, whatever the new
 * value: its partition-table entry may differ or be gone.
 */
void khn_vm_set_ptcr(struct khn_vm *vm, u64 ptcr)
{
	mutex_lock(&vm->ptcr_lock);
	WRITE_ONCE(vm->kvm->arch.l1_ptcr, ptcr);
	khn_vm_drop_all(vm);
	mutex_unlock(&vm->ptcr_lock);
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_set_ptcr);

/**
 * khn_l2_get() - a referenced nested guest by L1's LPID
 * @vm:		the VM
 * @l1_lpid:	the LPID L1 gave it; checked against the table here
 * @create:	create it if absent
 *
 * Return: the guest, or ERR_PTR(-EINVAL) for an LPID out of range,
 * ERR_PTR(-ENOENT) if absent and not created, ERR_PTR(-ENOSPC) past the
 * max_l2_per_l1 limit, or the creation's error.
 */
struct khn_l2 *khn_l2_get(struct khn_vm *vm, u32 l1_lpid, bool create)
{
	struct khn_guest *gp = khn_guest_get(&vm->guests, l1_lpid, create);

	return IS_ERR(gp) ? ERR_CAST(gp) : gp->priv;
}
EXPORT_SYMBOL_IF_KUNIT(khn_l2_get);

/**
 * khn_l2_put() - drop a reference from khn_l2_get()
 * @l2:		the guest; may be freed on return.  Sleeps: never call it
 *		under kvm->mmu_lock.
 */
void khn_l2_put(struct khn_l2 *l2)
{
	might_sleep();
	lockdep_assert_not_held(&l2->vm->kvm->mmu_lock);
	khn_guest_put(l2->g);
}
EXPORT_SYMBOL_IF_KUNIT(khn_l2_put);
