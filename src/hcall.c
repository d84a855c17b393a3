// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested-HV hypercalls other than H_ENTER_NESTED (src/run.c):
 * H_SET_PARTITION_TABLE, H_TLB_INVALIDATE, nested H_RPT_INVALIDATE and
 * H_COPY_TOFROM_GUEST.  Arguments are checked by the arch-neutral rules
 * (khn/l1walk.h, khn/tlbinv.h, khn/gcopy.h) before anything is looked up.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <asm/hvcall.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>

#include "khn/gcopy.h"
#include "khn/hcall.h"
#include "khn/hcall_args.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/radix.h"
#include "khn/tlbinv.h"
#include "trace.h"

/* Every L1 page of the table [base, base + size) is L1 memory. */
static bool khn_l1_range_visible(struct kvm *kvm, u64 base, u64 size)
{
	u64 gfn, last = (base + size - 1) >> PAGE_SHIFT;
	bool ok = true;
	int idx;

	idx = srcu_read_lock(&kvm->srcu);
	for (gfn = base >> PAGE_SHIFT; ok && gfn <= last; gfn++)
		ok = kvm_is_visible_gfn(kvm, gfn);
	srcu_read_unlock(&kvm->srcu, idx);
	return ok;
}

/**
 * khn_h_set_partition_table() - H_SET_PARTITION_TABLE
 * @vm:	the caller's VM (glue.c looked it up)
 * @vcpu:	the calling L1 vCPU; r4 = the PTCR value (0: none)
 *
 * A table must pass khn_set_ptcr_check() and lie in L1 memory.  Any
 * accepted call drops every nested guest of the L1: their entries may
 * have changed.
 *
 * Return: H_SUCCESS or H_PARAMETER.
 */
long khn_h_set_partition_table(struct khn_vm *vm, struct kvm_vcpu *vcpu)
{
	u64 ptcr = kvmppc_get_gpr(vcpu, 4);
	u64 bytes;

	if (khn_set_ptcr_check(ptcr, &bytes) != H_SUCCESS)
		return H_PARAMETER;
	if (ptcr && !khn_l1_range_visible(vcpu->kvm, ptcr & KHN_PTCR_PATB,
					  bytes))
		return H_PARAMETER;
	khn_vm_set_ptcr(vm, ptcr);
	khn_stat_inc(&vm->stats, KHN_STAT_SET_PTCR);
	return H_SUCCESS;
}

/* Carry a decision out on one L2; takes its lock and kvm->mmu_lock. */
static void khn_apply_l2(struct khn_l2 *l2, const struct khn_tlb_decision *d)
{
	struct kvm *kvm = l2->vm->kvm;
	bool gone = false;
	unsigned long n;

	mutex_lock(&l2->lock);
	/*
	 * Whatever the scope, L1 may have changed directory entries: the
	 * next walk starts from the root, as after a hardware PWC flush.
	 */
	khn_pwc_flush(&l2->pwc);
	spin_lock(&kvm->mmu_lock);
	/* the leaves dropped take their rmap entries with them */
	n = khn_tlb_apply(d, &l2->sh);
	spin_unlock(&kvm->mmu_lock);
	if (d->flags & KHN_TLBD_REFRESH_PATE)
		gone = khn_l2_refresh_pate(l2) != 0;
	mutex_unlock(&l2->lock);
	/*
	 * L1 cleared (or broke) the L2's entry and flushed it: the L2 is
	 * gone, and its memory with the caller's reference.
	 */
	if (gone)
		khn_guest_unlink(&l2->vm->guests, l2->g);
	trace_khn_flush(l2->kng.shadow_lpid, d->flags, d->start, d->end, n);
}

/*
 * To the L2 a decision names, or to all of them.  The walk over all takes
 * a reference on each guest by its LPID, so a guest removed meanwhile is
 * simply not found.
 */
static void khn_apply(struct khn_vm *vm, const struct khn_tlb_decision *d)
{
	struct khn_guest *gp;
	struct khn_l2 *l2;
	unsigned long idx;

	if (!(d->flags & KHN_TLBD_ALL_LPIDS)) {
		l2 = khn_l2_get(vm, d->lpid, false);
		if (!IS_ERR(l2)) {
			khn_apply_l2(l2, d);
			khn_l2_put(l2);
		}
		return;
	}
	xa_for_each(&vm->guests.xa, idx, gp) {
		l2 = khn_l2_get(vm, idx, false);
		if (IS_ERR(l2))
			continue;
		khn_apply_l2(l2, d);
		khn_l2_put(l2);
		/* Up to max_l2_per_l1 trees; no lock is held here */
		cond_resched();
	}
}

/**
 * khn_h_tlb_invalidate() - H_TLB_INVALIDATE: L1's tlbie for its L2s
 * @vm:	the caller's VM (glue.c looked it up)
 * @vcpu:	the calling L1 vCPU; r4 = the tlbie's RIC/PRS/R fields, r5 =
 *		its RS operand (LPID), r6 = its RB operand (EPN, IS, AP)
 *
 * Return: H_SUCCESS, or H_PARAMETER for an operand combination the ISA
 * or the nested API does not allow.
 */
long khn_h_tlb_invalidate(struct khn_vm *vm, struct kvm_vcpu *vcpu)
{
	struct khn_tlb_decision d;
	struct khn_tlbie t;
	long rc;

	khn_stat_inc(&vm->stats, KHN_STAT_TLB_INVALIDATE);
	rc = khn_tlbie_scope_check(kvmppc_get_gpr(vcpu, 4));
	if (rc != H_SUCCESS)
		return rc;
	rc = khn_tlbie_decode(kvmppc_get_gpr(vcpu, 4), kvmppc_get_gpr(vcpu, 5),
			      kvmppc_get_gpr(vcpu, 6), &t);
	if (rc != H_SUCCESS)
		return rc;
	khn_tlbie_decide(&t, &d);
	khn_apply(vm, &d);
	return H_SUCCESS;
}

/**
 * khn_h_rpt_invalidate_nested() - H_RPT_INVALIDATE for an L2
 * @vm:	the caller's VM (glue.c looked it up)
 * @vcpu:	the calling L1 vCPU
 * @lpid:	L1's LPID of the L2
 * @type:	H_RPTI_TYPE_* (NESTED set)
 * @pg_sizes:	H_RPTI_PAGE_* sizes to invalidate
 * @start:	first L2-real address
 * @end:	one past the last
 *
 * An LPID with no nested guest yet is not an error: L1 flushes an LPID
 * when it creates its partition table entry, before its first entry.
 *
 * Return: H_SUCCESS or the error khn_rpt_decide() gives.
 */
long khn_h_rpt_invalidate_nested(struct khn_vm *vm, struct kvm_vcpu *vcpu,
				 u64 lpid, u64 type, u64 pg_sizes, u64 start,
				 u64 end)
{
	struct khn_tlb_decision d;
	long rc;

	khn_stat_inc(&vm->stats, KHN_STAT_RPT_INVALIDATE);
	rc = khn_rpt_decide(lpid, type, pg_sizes, start, end, &d);
	if (rc != H_SUCCESS)
		return rc;
	khn_apply(vm, &d);
	return H_SUCCESS;
}

/**
 * khn_h_copy_tofrom_guest() - H_COPY_TOFROM_GUEST
 * @vm:	the caller's VM (glue.c looked it up)
 * @vcpu:	the calling L1 vCPU; r4 = L1's LPID of the L2, r5 = PID,
 *		r6 = L2 effective address, r7 = L1-real destination of a
 *		load (0 for a store), r8 = L1-real source of a store (0 for
 *		a load), r9 = bytes
 *
 * Return: H_SUCCESS, H_PARAMETER (see khn_gcopy_check(), or no such L2),
 * H_NOT_FOUND (no translation, or L1's buffer is not L1 memory), H_NO_MEM.
 */
long khn_h_copy_tofrom_guest(struct khn_vm *vm, struct kvm_vcpu *vcpu)
{
	u64 l1_lpid = kvmppc_get_gpr(vcpu, 4);
	u64 pid = kvmppc_get_gpr(vcpu, 5);
	u64 eaddr = kvmppc_get_gpr(vcpu, 6);
	u64 to = kvmppc_get_gpr(vcpu, 7);
	u64 from = kvmppc_get_gpr(vcpu, 8);
	u64 n = kvmppc_get_gpr(vcpu, 9);
	struct khn_l1_mem mem;
	struct khn_l2 *l2;
	void *buf;
	long rc;
	int idx;

	khn_stat_inc(&vm->stats, KHN_STAT_COPY);
	rc = khn_gcopy_check(eaddr, to, from, n);
	if (rc != H_SUCCESS)
		return rc;
	rc = khn_copy_target_check(l1_lpid, pid);
	if (rc != H_SUCCESS)
		return rc;
	l2 = khn_l2_get(vm, l1_lpid, false);
	if (IS_ERR(l2))
		return H_PARAMETER;
	rc = H_SUCCESS;
	if (!n)
		goto put;
	rc = H_NO_MEM;
	buf = kvzalloc(n, GFP_KERNEL_ACCOUNT);
	if (!buf)
		goto put;

	khn_l1_mem_init(&mem, vm);
	mutex_lock(&l2->lock);
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	rc = H_NOT_FOUND;
	if (!l2->pate_ok && khn_l2_refresh_pate(l2))
		goto out;
	if (to) {
		rc = khn_gcopy(&mem, &l2->pate, pid, eaddr, buf, n, false);
		if (rc == H_SUCCESS && kvm_write_guest(vcpu->kvm, to, buf, n))
			rc = H_NOT_FOUND;
	} else {
		if (kvm_read_guest(vcpu->kvm, from, buf, n))
			goto out;
		rc = khn_gcopy(&mem, &l2->pate, pid, eaddr, buf, n, true);
	}
out:
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	mutex_unlock(&l2->lock);
	kvfree(buf);
put:
	khn_l2_put(l2);
	return rc;
}
