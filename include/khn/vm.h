/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-side state of the nested-HV implementation: one struct khn_vm
 * per L1 VM and one struct khn_l2 per nested guest of that L1.  The
 * structures only: each src/ file's functions are in its own header
 * (khn/mmu.h, khn/lifecycle.h, khn/hcall.h, khn/run.h, khn/glue.h,
 * khn/stats.h); the arch-neutral pieces they assemble live in
 * include/khn/{guests,shadow,l1walk,nrmap,tlbinv}.h.
 *
 * Locking, outermost first (the one statement of the order; functions
 * that need a lock assert it with lockdep):
 *   khn_vm.ptcr_lock (mutex)	a change of L1's PTCR and the drop of every
 *				L2 it causes; may sleep under it
 *   khn_l2.lock (mutex)	serialises faults, PATE refreshes, tlbies and
 *				copies of one L2, and its @tables; may sleep
 *				under it (tables are set aside here)
 *   kvm->mmu_lock (spinlock)	every change to a shadow tree and to the
 *				VM's nested rmap, and @by_shadow writes
 *   khn_l2.flush_lock (spinlock)  issuing a deferred flush of the LPID
 *   guests table xa_lock	membership of the nested-guest table only
 * The hardware walks a shadow tree whenever an L2 vCPU runs; the shadow
 * library orders its stores for that.
 */
#ifndef _KHN_VM_H
#define _KHN_VM_H

#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <asm/kvm_book3s_64.h>

#include "khn/guests.h"
#include "khn/l1walk.h"
#include "khn/nrmap.h"
#include "khn/shadow.h"
#include "khn/stats.h"

struct dentry;

/**
 * struct khn_vm - what kvm-hv-nested keeps for one L1 VM
 * @kvm:	the L1 VM
 * @node:	in the module's VM table, keyed by @kvm (vm.c)
 * @guests:	the L1's nested guests, by L1 LPID
 * @guests_ops:	shadow LPIDs and per-L2 state for @guests
 * @by_shadow:	shadow LPID -> struct khn_l2, written under kvm->mmu_lock
 * @nrmap:	L1-real page -> shadow entries; under kvm->mmu_lock
 * @ptcr_lock:	serialises changes of L1's partition table register
 *		(kvm->arch.l1_ptcr, the one copy: see khn_vm_set_ptcr())
 * @stats:	counters, see include/khn/stats.h
 * @debugfs:	this VM's debugfs directory
 * @id:		sequence number, for the debugfs name
 */
struct khn_vm {
	struct kvm *kvm;
	struct rhash_head node;
	struct khn_guests guests;
	struct khn_guests_ops guests_ops;
	struct xarray by_shadow;
	struct khn_nrmap nrmap;
	struct mutex ptcr_lock;		/* see @ptcr_lock above */
	struct khn_stats stats;
	struct dentry *debugfs;
	unsigned int id;
};

/* L2 vCPUs whose last L1-bound fault is remembered at once, by token */
#define KHN_AHEAD_SLOTS	8

/**
 * struct khn_ahead - an L2 vCPU's last fault that L1 must map
 * @token:	the L2 vCPU
 * @access:	KHN_ACC_*; 0 for none
 * @l2_ra:	the L2-real address
 */
struct khn_ahead {
	u32 token;
	u32 access;
	u64 l2_ra;
};

/**
 * struct khn_l2 - one nested guest (an L2 as L1 names it)
 * @kng:	the part kvm-hv reads while the L2 runs (vcpu->arch.nested):
 *		shadow_lpid, need_tlb_flush, prev_cpu[]; @kng.l1_lpid too
 * @vm:		owning VM
 * @g:		entry in @vm->guests; its refcount is the L2's
 * @lock:	see the locking rule above
 * @tlb_ops:	hardware invalidation of the shadow LPID, counted
 * @sh:		the shadow partition-scoped tree (hardware walks it)
 * @pate:	L1's partition table entry for this L2, when @pate_ok
 * @pate_ok:	@pate was read and is valid
 * @tables:	shadow tables set aside before kvm->mmu_lock, one per level
 *		below the root (or NULL); under @lock (mmu.c)
 * @running:	vCPUs running the L2 now (khn_l2_run_begin()); invalidations
 *		are deferred to the next entry while it is 0
 * @flush_pending: a flush of the shadow LPID waits for the next entry
 * @flush_lock:	held while that flush is issued (see the order above)
 * @ahead:	per L2 vCPU (by token, modulo), its last fault that went to
 *		L1 for want of an L1 leaf, for khn_fault_ahead(); written
 *		under @lock
 * @pwc:	directory tables of L1's tree the fault path walked last;
 *		under @lock, flushed with every invalidation L1 asks for
 *		this L2 and every re-read of @pate
 */
struct khn_l2 {
	struct kvm_nested_guest kng;
	struct khn_vm *vm;
	struct khn_guest *g;
	struct mutex lock;		/* the outermost lock, see the top */
	struct khn_tlb_ops tlb_ops;
	struct khn_shadow sh;
	struct khn_pate pate;
	bool pate_ok;
	void *tables[KHN_SHADOW_LEVELS - 1];
	atomic_t running;
	bool flush_pending;
	spinlock_t flush_lock;		/* see @flush_lock above */
	struct khn_ahead ahead[KHN_AHEAD_SLOTS];
	struct khn_pwc pwc;
};

static inline struct khn_l2 *khn_l2_of_vcpu(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu->arch.nested, struct khn_l2, kng);
}

/*
 * Keep the module-wide nrmap byte count in step after a change of
 * @vm->nrmap that began with @before bytes; kvm->mmu_lock held.
 */
static inline void khn_nrmap_account(struct khn_vm *vm, size_t before)
{
	khn_live_add(KHN_LIVE_NRMAP_BYTES, (long)vm->nrmap.bytes - (long)before);
}

#endif /* _KHN_VM_H */
