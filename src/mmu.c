// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shadow MMU of an L2, on kvm-hv: L1 memory for the tree walker, L0
 * memory and TLB invalidation for the shadow trees, the fault path that
 * fills a shadow tree, and the reverse-map hooks that keep shadows
 * coherent with L1's own partition-scoped mappings.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <asm/kvm_ppc.h>
#include <asm/kvm_book3s.h>
#include <asm/kvm_book3s_64.h>
#include <asm/pgtable.h>
#include <asm/sstep.h>
#include <asm/tlbflush.h>

#include "khn/audit.h"
#include "khn/gcopy.h"
#include "khn/mmu.h"
#include "khn/radix.h"
#include "khn/rmap.h"
#include "trace.h"

/*
 * L1 memory through L0's partition-scoped table for L1: the page an
 * L1-real address maps to, by the kernel's linear map, under
 * kvm->mmu_lock.  L0's MMU notifiers (swap, migration, KSM, THP split,
 * memslot removal) take that lock to unmap the page before it goes, so
 * the page is L1's while it is copied; a write sets R/C in the PTE as the
 * hardware would, so a dirty-log harvest sees it.  Several times cheaper
 * than kvm_read_guest()'s user access.  Only a present, cacheable PTE of
 * online RAM is used (writable, for a write); anything else -- a page L0
 * has not mapped for L1 yet, or swapped out, a device's memory -- is
 * left to the caller's kvm_read_guest()/kvm_write_guest(), which faults
 * it in or refuses it.  @len stays within one page.
 */
static bool khn_l1_copy_page(struct khn_vm *vm, u64 ra, void *buf, size_t len,
			     bool write)
{
	struct kvm *kvm = vm->kvm;
	u64 pte, hpa, rc = _PAGE_ACCESSED | _PAGE_DIRTY;
	unsigned int shift = 0;
	bool done = false;
	pte_t *ptep;

	if (!spin_trylock(&kvm->mmu_lock)) {
		khn_stat_inc(&vm->stats, KHN_STAT_L1_COPY_LOCK_WAIT);
		spin_lock(&kvm->mmu_lock);
	}
	ptep = find_kvm_secondary_pte(kvm, ra, &shift);
	if (!ptep)
		goto out;
	pte = pte_val(READ_ONCE(*ptep));
	if (!pte_present(__pte(pte)) || (pte & _PAGE_CACHE_CTL) ||
	    (write && !(pte & _PAGE_WRITE)))
		goto out;
	if (!shift)
		shift = PAGE_SHIFT;
	hpa = (pte & PTE_RPN_MASK & ~((1ULL << shift) - 1)) |
	      (ra & ((1ULL << shift) - 1));
	if (!pfn_to_online_page(hpa >> PAGE_SHIFT))
		goto out;
	if (write) {
		if ((pte & rc) != rc)
			__radix_pte_update(ptep, 0, rc);
		memcpy(__va(hpa), buf, len);
	} else {
		memcpy(buf, __va(hpa), len);
	}
	done = true;
out:
	spin_unlock(&kvm->mmu_lock);
	return done;
}

/* L1-real addresses L0's partition-scoped table translates without alias */
#define KHN_L1_RA_END	BIT_ULL(52)

static bool khn_l1_copy(struct khn_vm *vm, u64 ra, void *buf, size_t len,
			bool write)
{
	size_t n;

	if (ra >= KHN_L1_RA_END || len > KHN_L1_RA_END - ra ||
	    vm->kvm->arch.secure_guest)
		return false;
	while (len) {
		n = min_t(size_t, len, PAGE_SIZE - (ra & ~PAGE_MASK));
		if (!khn_l1_copy_page(vm, ra, buf, n, write))
			return false;
		if (write)
			mark_page_dirty(vm->kvm, ra >> PAGE_SHIFT);
		ra += n;
		buf += n;
		len -= n;
	}
	return true;
}

/**
 * khn_l1_read_mem() - read L1 memory
 * @vm:		the L1 VM; its kvm->srcu held
 * @ra:		L1-real address
 * @buf:	where to
 * @len:	bytes
 *
 * Counted in l1_copy_fast (through L0's PTE) or l1_copy_slow.
 *
 * Return: 0, or -EFAULT when a byte is not L1 memory.
 */
int khn_l1_read_mem(struct khn_vm *vm, u64 ra, void *buf, size_t len)
{
	if (khn_l1_copy(vm, ra, buf, len, false)) {
		khn_stat_inc(&vm->stats, KHN_STAT_L1_COPY_FAST);
		return 0;
	}
	khn_stat_inc(&vm->stats, KHN_STAT_L1_COPY_SLOW);
	return kvm_read_guest(vm->kvm, ra, buf, len) ? -EFAULT : 0;
}

/**
 * khn_l1_write_mem() - write L1 memory
 * @vm:		the L1 VM; its kvm->srcu held
 * @ra:		L1-real address
 * @buf:	what
 * @len:	bytes
 *
 * The pages written are marked dirty for L1's dirty log.  On failure the
 * bytes before the one that is not L1 memory may have been written.
 * Counted as khn_l1_read_mem() is.
 *
 * Return: 0, or -EFAULT when a byte is not L1 memory.
 */
int khn_l1_write_mem(struct khn_vm *vm, u64 ra, const void *buf, size_t len)
{
	if (khn_l1_copy(vm, ra, (void *)buf, len, true)) {
		khn_stat_inc(&vm->stats, KHN_STAT_L1_COPY_FAST);
		return 0;
	}
	khn_stat_inc(&vm->stats, KHN_STAT_L1_COPY_SLOW);
	return kvm_write_guest(vm->kvm, ra, buf, len) ? -EFAULT : 0;
}

/* L1 memory, as the walker reads it: kvm->srcu is held by the caller. */
static int khn_l1_read(void *ctx, u64 ra, void *buf, size_t len)
{
	return khn_l1_read_mem(ctx, ra, buf, len);
}

static int khn_l1_write(void *ctx, u64 ra, const void *buf, size_t len)
{
	struct khn_vm *vm = ctx;

	return kvm_write_guest(vm->kvm, ra, buf, len) ? -EFAULT : 0;
}

/* L0 never sets R/C in L1's tree: L1 does it when the fault is reflected. */
static int khn_l1_cmpxchg(void *ctx, u64 ra, __be64 old, __be64 new)
{
	return -EOPNOTSUPP;
}

/**
 * khn_l1_mem_init() - L1 memory access for the tree walker
 * @mem:	filled in
 * @vm:	the L1 VM; its kvm->srcu must be held while @mem is used
 */
void khn_l1_mem_init(struct khn_l1_mem *mem, struct khn_vm *vm)
{
	mem->read = khn_l1_read;
	mem->write = khn_l1_write;
	mem->cmpxchg_be64 = khn_l1_cmpxchg;
	mem->ctx = vm;
}

/*
 * Shadow tables.  The root is made where sleeping is allowed
 * (khn_l2_shadow_init(), @may_sleep); every other table is one the fault
 * path set aside before it took kvm->mmu_lock (khn_tables_topup()), so
 * nothing is allocated under the spinlock and a failure is seen where it
 * can be answered.  Tables are charged to the memcg of the faulting task,
 * L1's VMM.  Power-of-2 kmalloc objects are naturally aligned, as the
 * radix format requires.
 */
static void *khn_zalloc_table(void *ctx, size_t size, bool may_sleep)
{
	struct khn_l2 *l2 = ctx;
	unsigned int i;
	void *t;

	if (may_sleep) {
		t = kzalloc(size, GFP_KERNEL_ACCOUNT);
		if (t)
			khn_live_add(KHN_LIVE_SHADOW_TABLES, 1);
		return t;
	}
	lockdep_assert_held(&l2->lock);
	for (i = 0; i < ARRAY_SIZE(l2->tables); i++) {
		t = l2->tables[i];
		if (t && khn_shadow_table_bytes(&l2->sh, i + 1) == size) {
			l2->tables[i] = NULL;
			return t;
		}
	}
	return NULL;
}

/*
 * Set aside what one khn_shadow_map() can take: a table per level below
 * the root.  Sleeps; @l2->lock held, kvm->mmu_lock not.
 */
static int khn_tables_topup(struct khn_l2 *l2)
{
	unsigned int i;

	might_sleep();
	lockdep_assert_held(&l2->lock);
	for (i = 0; i < ARRAY_SIZE(l2->tables); i++) {
		if (l2->tables[i])
			continue;
		l2->tables[i] = kzalloc(khn_shadow_table_bytes(&l2->sh, i + 1),
					GFP_KERNEL_ACCOUNT);
		if (!l2->tables[i])
			return -ENOMEM;
		khn_live_add(KHN_LIVE_SHADOW_TABLES, 1);
	}
	return 0;
}

static void khn_free_table(void *table, size_t size)
{
	kfree(table);
	khn_live_add(KHN_LIVE_SHADOW_TABLES, -1);
}

static u64 khn_virt_to_phys(void *va)
{
	return __pa(va);
}

static void *khn_phys_to_virt(u64 pa)
{
	return __va(pa);
}

/* Order table stores before the hardware walks the new entries. */
static void khn_ptesync(void)
{
	asm volatile("ptesync" : : : "memory");
}

const struct khn_mm_ops khn_l0_mm_ops = {
	.zalloc_table	= khn_zalloc_table,
	.free_table	= khn_free_table,
	.virt_to_phys	= khn_virt_to_phys,
	.phys_to_virt	= khn_phys_to_virt,
	.sync		= khn_ptesync,
};
EXPORT_SYMBOL_IF_KUNIT(khn_l0_mm_ops);

/* Issue the deferred flush, if it is still pending: the whole LPID. */
static void khn_flush_pending(struct khn_l2 *l2)
{
	spin_lock(&l2->flush_lock);
	if (READ_ONCE(l2->flush_pending)) {
		radix__flush_all_lpid(l2->kng.shadow_lpid);
		khn_stat_inc(&l2->vm->stats, KHN_STAT_HW_FLUSH);
		/* only now: an entry that sees it clear finds nothing stale */
		WRITE_ONCE(l2->flush_pending, false);
	}
	spin_unlock(&l2->flush_lock);
}

/*
 * Invalidations of the shadow LPID wait for the L2's next entry while no
 * CPU runs the L2: a TLB or page-walk-cache entry of an LPID is used only
 * while that LPID is in LPIDR, and every entry flushes what is pending
 * before it runs (khn_l2_run_begin()).  A burst of L1's tlbies (its
 * compaction moves pages one hcall at a time) so costs one flush of the
 * LPID instead of one broadcast tlbie per page.
 *
 * The pending flag and the running count are a Dekker pair: the
 * invalidator writes the flag then reads the count, an entry writes the
 * count then reads the flag, each with a full barrier between, so one of
 * them sees the other.  The flag is cleared only after the flush it asked
 * for has completed, under @flush_lock, so an entry that finds it clear
 * runs with nothing stale.  Invalidators are serialised by kvm->mmu_lock.
 *
 * Returns true when the caller's flush is done or deferred; false when
 * the caller must issue it (the L2 runs, nothing else was pending).
 */
static bool khn_flush_defer(struct khn_l2 *l2)
{
	bool was = READ_ONCE(l2->flush_pending);

	lockdep_assert_held(&l2->vm->kvm->mmu_lock);
	WRITE_ONCE(l2->flush_pending, true);
	smp_mb();	/* pairs with khn_l2_run_begin() */
	if (!atomic_read(&l2->running)) {
		khn_stat_inc(&l2->vm->stats, KHN_STAT_FLUSH_DEFERRED);
		return true;
	}
	if (!was) {
		/* nothing older is pending: the caller's own flush will do */
		WRITE_ONCE(l2->flush_pending, false);
		return false;
	}
	khn_flush_pending(l2);
	return true;
}

static void khn_flush_page(void *ctx, u32 lpid, u64 addr, unsigned int shift)
{
	struct khn_l2 *l2 = ctx;

	if (khn_flush_defer(l2))
		return;
	radix__flush_tlb_lpid_page(lpid, addr, 1UL << shift);
	khn_stat_inc(&l2->vm->stats, KHN_STAT_HW_FLUSH);
}

static void khn_flush_pwc(void *ctx, u32 lpid)
{
	struct khn_l2 *l2 = ctx;

	if (khn_flush_defer(l2))
		return;
	radix__flush_pwc_lpid(lpid);
	khn_stat_inc(&l2->vm->stats, KHN_STAT_HW_FLUSH);
}

static void khn_flush_lpid(void *ctx, u32 lpid)
{
	struct khn_l2 *l2 = ctx;

	if (khn_flush_defer(l2))
		return;
	radix__flush_all_lpid(lpid);
	khn_stat_inc(&l2->vm->stats, KHN_STAT_HW_FLUSH);
}

/**
 * khn_l2_run_begin() - a vCPU is about to run the L2
 * @l2:		the L2
 *
 * Counts the vCPU as running, so that invalidations from now on are
 * issued at once, and carries out those deferred until now: one flush of
 * the whole shadow LPID, TLB and page-walk cache, on every CPU.
 */
void khn_l2_run_begin(struct khn_l2 *l2)
{
	atomic_inc(&l2->running);
	smp_mb__after_atomic();	/* pairs with khn_flush_defer() */
	if (READ_ONCE(l2->flush_pending))
		khn_flush_pending(l2);
}
EXPORT_SYMBOL_IF_KUNIT(khn_l2_run_begin);

/**
 * khn_l2_run_end() - the vCPU no longer runs the L2
 * @l2:		the L2
 */
void khn_l2_run_end(struct khn_l2 *l2)
{
	smp_mb__before_atomic();	/* the L2 is out before it counts so */
	atomic_dec(&l2->running);
}
EXPORT_SYMBOL_IF_KUNIT(khn_l2_run_end);

/* A shadow leaf of the L2 has gone, by any path: so goes its rmap entry. */
static void khn_leaf_gone(void *arg, u64 addr, u64 pte, unsigned int shift,
			  u64 origin)
{
	struct khn_l2 *l2 = arg;
	struct khn_vm *vm = l2->vm;
	size_t before = vm->nrmap.bytes;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	khn_rmap_leaf_gone(&vm->nrmap, l2->sh.lpid, addr, shift, origin);
	khn_nrmap_account(vm, before);
}

/* Point the hardware's partition table entry of the shadow LPID at us. */
static void khn_l2_set_ptbl(struct khn_l2 *l2)
{
	u64 dw1 = l2->pate_ok ? l2->pate.dw1 : 0;

	mmu_partition_table_set_entry(l2->kng.shadow_lpid,
				      khn_shadow_pate0(&l2->sh), dw1, true);
}

/**
 * khn_l2_shadow_init() - an L2's empty shadow tree, live for the hardware
 * @l2:		the L2, with its shadow LPID set; may sleep
 *
 * Makes the tree and its invalidation, points the shadow LPID's partition
 * table entry at it, and enters it in the VM's shadow-LPID table, where
 * the rmap hooks and the auditor find it.  The tree reports every leaf it
 * loses to the VM's nested rmap, which so holds exactly one entry per
 * leaf (khn/rmap.h).
 *
 * Return: 0 or -ENOMEM (nothing is left set up).
 */
int khn_l2_shadow_init(struct khn_l2 *l2)
{
	struct kvm *kvm = l2->vm->kvm;
	int err;

	might_sleep();
	spin_lock_init(&l2->flush_lock);
	l2->tlb_ops.flush_page = khn_flush_page;
	l2->tlb_ops.flush_pwc = khn_flush_pwc;
	l2->tlb_ops.flush_lpid = khn_flush_lpid;
	l2->tlb_ops.ctx = l2;
	err = khn_shadow_init(&l2->sh, &khn_l0_mm_ops, l2, &l2->tlb_ops,
			      l2->kng.shadow_lpid,
			      PAGE_SHIFT == 16 ? KHN_GEOM_64K : KHN_GEOM_4K);
	if (err)
		return err;
	/* the slot now, sleeping: the store under the lock needs no memory */
	err = xa_reserve(&l2->vm->by_shadow, l2->kng.shadow_lpid,
			 GFP_KERNEL_ACCOUNT);
	if (err) {
		khn_shadow_destroy(&l2->sh);
		return err;
	}
	khn_shadow_set_notify(&l2->sh, khn_leaf_gone, l2);
	khn_l2_set_ptbl(l2);

	spin_lock(&kvm->mmu_lock);
	xa_store(&l2->vm->by_shadow, l2->kng.shadow_lpid, l2, 0);
	spin_unlock(&kvm->mmu_lock);
	return 0;
}

/**
 * khn_l2_shadow_teardown() - undo khn_l2_shadow_init(), rescheduling
 * @l2:		the L2: no vCPU runs it and no new fault reaches it; may sleep
 *
 * The hardware's partition table entry goes first.  A big L2 has many
 * leaves, and each one's rmap entry goes under kvm->mmu_lock: drop them
 * 1G at a time with the lock released and a resched point between steps.
 * Until the last step the tree stays in @vm->by_shadow, so the rmap hooks
 * (and the auditor) still see every leaf that has an entry; then it
 * leaves by_shadow and is destroyed (the LPID is flushed before any
 * table is freed: it can be reused); the tables set aside go too.
 */
void khn_l2_shadow_teardown(struct khn_l2 *l2)
{
	struct kvm *kvm = l2->vm->kvm;
	unsigned int i;
	u64 addr = 0;

	might_sleep();
	mmu_partition_table_set_entry(l2->kng.shadow_lpid, 0, 0, true);
	for (;;) {
		spin_lock(&kvm->mmu_lock);
		if (khn_shadow_next_leaf(&l2->sh, addr, &addr))
			break;
		addr = round_down(addr, SZ_1G);
		khn_shadow_unmap(&l2->sh, addr, addr + SZ_1G, NULL, NULL);
		spin_unlock(&kvm->mmu_lock);
		addr += SZ_1G;
		cond_resched();
	}
	xa_erase(&l2->vm->by_shadow, l2->kng.shadow_lpid);
	khn_shadow_destroy(&l2->sh);
	/* no entry will come to flush it, and the LPID is reused */
	khn_flush_pending(l2);
	spin_unlock(&kvm->mmu_lock);
	for (i = 0; i < ARRAY_SIZE(l2->tables); i++) {
		if (l2->tables[i])
			khn_free_table(l2->tables[i], 0);
		l2->tables[i] = NULL;
	}
}

/**
 * khn_vm_ptcr() - the partition table the VM's nested guests use
 * @vm:		the VM
 *
 * kvm-hv's kvm->arch.l1_ptcr is the one copy (khn_vm_set_ptcr()).
 * Userspace may restore any value; one that H_SET_PARTITION_TABLE would
 * refuse for its form (khn_ptcr_valid()) is no table at all.  Where the
 * table lies is checked by every read of it, as for L1's own value.
 *
 * Return: L1's PTCR, or 0 for none.
 */
u64 khn_vm_ptcr(const struct khn_vm *vm)
{
	u64 ptcr = READ_ONCE(vm->kvm->arch.l1_ptcr);

	return khn_ptcr_valid(ptcr) ? ptcr : 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_ptcr);

/**
 * khn_l2_refresh_pate() - re-read L1's partition table entry for an L2
 * @l2:		the guest; its @lock held
 *
 * Return: 0, -ENOENT when L1 has no partition table, or the
 * khn_pate_read() error (the L2 then has no valid entry, and faults are
 * reflected to L1 until one is registered).
 */
int khn_l2_refresh_pate(struct khn_l2 *l2)
{
	struct khn_vm *vm = l2->vm;
	struct khn_l1_mem mem;
	struct khn_pate pate;
	int idx, err;
	u64 ptcr;

	lockdep_assert_held(&l2->lock);
	ptcr = khn_vm_ptcr(vm);
	if (!ptcr) {
		/*
		 * No table (L1 reset it while this L2 still ran): no entry.
		 * The walker would take 0 for a table at L1-real 0.
		 */
		memset(&pate, 0, sizeof(pate));
		err = -ENOENT;
	} else {
		khn_l1_mem_init(&mem, vm);
		idx = srcu_read_lock(&vm->kvm->srcu);
		err = khn_pate_read(&mem, ptcr, l2->kng.l1_lpid, &pate);
		srcu_read_unlock(&vm->kvm->srcu, idx);
	}

	WRITE_ONCE(l2->pate_ok, !err);
	if (!err)
		l2->pate = pate;
	/* the tree may be another: nothing cached from the old one holds */
	khn_pwc_flush(&l2->pwc);
	l2->kng.l1_gr_to_hr = err ? 0 : pate.dw0;
	l2->kng.process_table = err ? 0 : pate.dw1;
	khn_l2_set_ptbl(l2);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(khn_l2_refresh_pate);

/**
 * khn_l2_unmap() - drop an L2's shadow leaves in a range
 * @l2:		the L2
 * @start:	first L2-real address, 4K aligned
 * @end:	one past the last, 4K aligned, > @start, <= 2^52
 *
 * Takes kvm->mmu_lock.  The leaves' rmap entries go with them.
 *
 * Return: leaves dropped, or -EINVAL for a bad range.
 */
long khn_l2_unmap(struct khn_l2 *l2, u64 start, u64 end)
{
	struct kvm *kvm = l2->vm->kvm;
	long n;

	spin_lock(&kvm->mmu_lock);
	n = khn_shadow_unmap(&l2->sh, start, end, NULL, NULL);
	spin_unlock(&kvm->mmu_lock);
	return n;
}

/* Hand the fault to L1, with the status bits of the failed walk. */
static void khn_reflect(struct kvm_vcpu *vcpu, const struct khn_fault *f,
			bool ifetch)
{
	u32 store = vcpu->arch.fault_dsisr & KHN_DSISR_ISSTORE;

	if (f->err == KHN_WALK_READ_FAULT)
		vcpu->arch.fault_gpa = f->entry_ra;
	if (ifetch) {
		vcpu->arch.fault_dsisr = f->srr1;
		vcpu->arch.shregs.msr &= SRR1_MSR_BITS;
		vcpu->arch.shregs.msr |= f->srr1;
	} else {
		vcpu->arch.fault_dsisr = f->dsisr | store;
	}
}

static unsigned int khn_level_shift(unsigned int level)
{
	if (level == 2)
		return PUD_SHIFT;
	if (level == 1)
		return PMD_SHIFT;
	return PAGE_SHIFT;
}

/*
 * L0's own mapping of an L1-real address, under kvm->mmu_lock: true with
 * the PTE and its shift when it is present and allows the access.
 *
 * A present PTE that allows the access but lacks R, or C for a store
 * (aged, or harvested by the dirty log), gets them set in place, as
 * kvm-hv does for L1's own SET_RC faults.  It is not handed to
 * kvmppc_book3s_instantiate_page(): that rebuilds the PTE from the
 * host's current one and ORs it into the old, and the two may differ in
 * software bits (soft-dirty), which kvmppc_create_pte() warns about and
 * merges.  Only an absent PTE, or a read-only one for a store, is faulted
 * in (khn_l0_pte_fault()), which are the cases kvm-hv itself
 * instantiates.
 */
static bool khn_l0_pte_present(struct khn_vm *vm, u64 gpa, bool writing,
			       u64 *pte, unsigned int *shift)
{
	u64 rc = _PAGE_ACCESSED | (writing ? _PAGE_DIRTY : 0);
	unsigned int hshift = 0;
	pte_t *ptep;
	u64 p;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	ptep = find_kvm_secondary_pte(vm->kvm, gpa, &hshift);
	if (!ptep)
		return false;
	p = pte_val(READ_ONCE(*ptep));
	if (!pte_present(__pte(p)) || (writing && !(p & _PAGE_WRITE)))
		return false;
	if ((p & rc) != rc) {
		p = __radix_pte_update(ptep, 0, rc) | rc;
		khn_stat_inc(&vm->stats, KHN_STAT_L0_RC_SET);
	}
	*pte = p;
	*shift = hshift ? hshift : PAGE_SHIFT;
	return true;
}

/*
 * Fault L0's mapping of an L1-real address in, by kvm-hv's path for L1's
 * own faults.  Returns 0 with the PTE and its shift, -ENOMEM when kvm-hv
 * could not get memory for it, or -EAGAIN when the L2 should simply
 * retry.  (Not RESUME_GUEST: that is 0, and the caller went on with a
 * PTE and a shift never set, which reflected an HDSI with DSISR
 * UNSUPP_MMU for a valid L1 leaf.)
 */
static int khn_l0_pte_fault(struct kvm_vcpu *vcpu,
			    struct kvm_memory_slot *slot, u64 gpa,
			    bool writing, u64 *pte, unsigned int *shift)
{
	bool ro = slot->flags & KVM_MEM_READONLY;
	pte_t p = __pte(0);
	unsigned int level = 0;
	int err;

	/*
	 * kvm-hv returns RESUME_GUEST, which is 0, without filling @p or
	 * @level when the host PTE vanished under it (THP collapse, munmap,
	 * KSM): only a present PTE it wrote is a result.
	 */
	err = kvmppc_book3s_instantiate_page(vcpu, gpa, slot, writing, ro, &p,
					     &level);
	if (err == -ENOMEM)
		return err;
	if (err || !pte_present(p))
		return -EAGAIN;
	*pte = pte_val(p);
	*shift = khn_level_shift(level);
	return 0;
}

/*
 * Under kvm->mmu_lock: L0's PTE for @gpa still maps the page read before
 * the lock (same page and size, still present, and for a store still
 * writable and changed).  Gives the PTE as it is now in @now.
 */
static bool khn_l0_pte_still(struct kvm *kvm, u64 gpa, u64 pte,
			     unsigned int shift, bool writing, u64 *now)
{
	u64 need = _PAGE_PRESENT | _PAGE_ACCESSED;
	unsigned int hshift = 0;
	pte_t *ptep;
	u64 p;

	lockdep_assert_held(&kvm->mmu_lock);
	if (writing)
		need |= _PAGE_WRITE | _PAGE_DIRTY;
	ptep = find_kvm_secondary_pte(kvm, gpa, &hshift);
	if (!ptep)
		return false;
	p = pte_val(READ_ONCE(*ptep));
	if ((p & need) != need || (hshift ? hshift : PAGE_SHIFT) != shift ||
	    (p & PTE_RPN_MASK) != (pte & PTE_RPN_MASK))
		return false;
	*now = p;
	return true;
}

/*
 * One shadow fault of an L2 on its way through the path: what the
 * hardware reported, then what each step found.
 */
struct khn_nfault {
	struct kvm_vcpu *vcpu;
	struct khn_l2 *l2;
	bool ifetch;
	bool writing;
	bool ahead;		/* no fault: khn_fault_ahead(), nothing to L1 */
	bool l1s;		/* L1's tree has no usable leaf for it */
	unsigned int access;	/* KHN_ACC_* */
	u32 dsisr;		/* the fault's HDSISR bits (ISSTORE, NOHPTE, ...) */
	u64 l2_ra;		/* the faulting L2-real address */
	struct khn_xlate xl;	/* L1's translation of it */
	struct khn_fault f;	/* why it is L1's, for khn_reflect() */
	unsigned int shift;	/* of the shadow leaf made; 0 for none */
};

/*
 * Step 1: L1's translation.  True when L1 maps the address with R (and C
 * for a store) set; otherwise the fault is L1's and *@o says so.
 */
static bool khn_fault_walk(struct khn_nfault *nf, enum khn_fault_outcome *o)
{
	struct kvm_vcpu *vcpu = nf->vcpu;
	struct khn_l2 *l2 = nf->l2;
	struct khn_l1_mem mem;
	unsigned long hits;
	int err;

	*o = KHN_FAULT_REFLECTED;
	if (!l2->pate_ok && khn_l2_refresh_pate(l2))
		return false;
	khn_l1_mem_init(&mem, l2->vm);
	hits = l2->pwc.hits;
	err = khn_l1_walk(&mem, &l2->pate, &l2->pwc, nf->l2_ra, nf->access,
			  false, &nf->xl, &nf->f);
	khn_stat_inc(&l2->vm->stats, l2->pwc.hits != hits ?
		     KHN_STAT_WALK_CACHED : KHN_STAT_WALK_FULL);
	if (err == KHN_WALK_RETRY) {
		*o = KHN_FAULT_RETRY;
		return false;
	}
	if (err) {
		nf->l1s = true;
		nf->xl.l1_ra = 0;	/* none, for the trace */
		if (nf->ahead)
			return false;
		/*
		 * The hardware had a translation (not NOHPTE) that L1 no
		 * longer has: drop it.  A plain miss, the common reflected
		 * fault, has nothing to drop.
		 */
		if (!(nf->dsisr & KHN_DSISR_NOHPTE))
			khn_l2_unmap(l2, nf->l2_ra & ~0xFFFULL,
				     (nf->l2_ra & ~0xFFFULL) + 4096);
		khn_reflect(vcpu, &nf->f, nf->ifetch);
		return false;
	}
	/*
	 * L1 keeps R/C of its own leaves: report what hardware would, a
	 * failed R/C update, and L1 sets them and re-enters.
	 */
	if (!(nf->xl.pte & KHN_RPTE_R) ||
	    (nf->writing && !(nf->xl.pte & KHN_RPTE_C))) {
		nf->l1s = true;
		if (nf->ahead)
			return false;
		nf->f.err = KHN_WALK_PROT;
		nf->f.dsisr = DSISR_SET_RC;
		nf->f.srr1 = DSISR_SET_RC;
		khn_reflect(vcpu, &nf->f, nf->ifetch);
		return false;
	}
	return true;
}

/*
 * Set aside what the rmap entry of @l1_base can take under kvm->mmu_lock:
 * its slot, and the container its page needs next (sized under the lock,
 * allocated outside it).  Sleeps; @l2->lock held.
 */
static int khn_nrmap_topup(struct khn_l2 *l2, u64 l1_base)
{
	struct khn_nrmap *rm = &l2->vm->nrmap;
	struct kvm *kvm = l2->vm->kvm;
	struct nrmap_node *node;
	unsigned int need;

	might_sleep();
	if (khn_nrmap_reserve(rm, l1_base, GFP_KERNEL_ACCOUNT))
		return -ENOMEM;
	spin_lock(&kvm->mmu_lock);
	need = khn_nrmap_spare_need(rm, l1_base, l2->sh.lpid);
	spin_unlock(&kvm->mmu_lock);
	if (!need)
		return 0;
	node = khn_nrmap_spare_new(need, GFP_KERNEL_ACCOUNT);
	if (!node) {
		/* under the lock: see khn_fault_install() */
		spin_lock(&kvm->mmu_lock);
		khn_nrmap_release(rm, l1_base);
		spin_unlock(&kvm->mmu_lock);
		return -ENOMEM;
	}
	spin_lock(&kvm->mmu_lock);
	node = khn_nrmap_spare_set(rm, node);
	spin_unlock(&kvm->mmu_lock);
	khn_nrmap_spare_free(node);
	return 0;
}

/* The shadow leaf a fault makes: from L0's PTE and L1's leaf */
struct khn_leaf {
	u64 l0_pte;		/* L0's PTE of the L1 page */
	unsigned int l0_shift;	/* ... and its size */
	unsigned int shift;	/* of the shadow leaf */
	u64 pa;			/* L0-real address it maps */
	u64 l1_base;		/* the L1-real range backing it (rmap key) */
	u64 l2_ra;		/* its L2-real address */
};

/* The leaf's geometry; false for an L1 leaf smaller than the shadow's. */
static bool khn_leaf_fit(const struct khn_nfault *nf, struct khn_leaf *lf)
{
	unsigned int shift;
	u64 l1_ra = nf->xl.l1_ra;

	shift = khn_shadow_fit_shift(&nf->l2->sh,
				     min(nf->xl.shift, lf->l0_shift));
	if (!shift)
		return false;
	lf->shift = shift;
	lf->pa = (lf->l0_pte & PTE_RPN_MASK & ~((1ULL << lf->l0_shift) - 1)) |
		 (l1_ra & ((1ULL << lf->l0_shift) - 1) &
		  ~((1ULL << shift) - 1));
	lf->l1_base = l1_ra & ~((1ULL << shift) - 1);
	lf->l2_ra = nf->l2_ra & ~((1ULL << shift) - 1);
	return true;
}

/*
 * Under kvm->mmu_lock, L0's PTE as it is under this hold: the leaf and
 * its rmap entry.  R/C come from that PTE, under the lock a dirty-log
 * harvest takes to clear C: C read before it would map the page writable
 * and changed in the shadow, and the L2's stores would go unlogged.
 * Nothing is allocated: only what was set aside.
 */
static int khn_leaf_map(struct khn_nfault *nf, const struct khn_leaf *lf)
{
	struct khn_vm *vm = nf->l2->vm;
	size_t before = vm->nrmap.bytes;
	int err;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	err = khn_rmap_map(&vm->nrmap, &nf->l2->sh, lf->l2_ra, lf->pa,
			   lf->shift,
			   khn_combine_attrs(nf->xl.pte, lf->l0_pte, nf->access),
			   lf->l1_base, 0);
	khn_nrmap_account(vm, before);
	return err;
}

/*
 * Step 2: L0's page for L1's translation, then the shadow leaf.  The
 * tables it may need are set aside first.  Most often L0 maps the page
 * already and the L1 page's rmap slot exists (its xarray node is there):
 * then all of it is one hold of kvm->mmu_lock.  Otherwise L0's page is
 * faulted in and the slot set aside as the add needs, the lock dropped
 * meanwhile; the leaf goes in once L0's PTE is seen unchanged under it.
 * Slots are released only under the lock, so a node found there stays
 * until the add.
 */
static enum khn_fault_outcome khn_fault_install(struct khn_nfault *nf,
						struct kvm_memory_slot *slot)
{
	struct kvm_vcpu *vcpu = nf->vcpu;
	struct kvm *kvm = vcpu->kvm;
	struct khn_l2 *l2 = nf->l2;
	struct khn_vm *vm = l2->vm;
	u64 l1_ra = nf->xl.l1_ra;
	struct khn_leaf lf = {};
	unsigned long mmu_seq;
	bool present, reserved;
	int err;

	if (khn_tables_topup(l2))
		return KHN_FAULT_NOMEM;
	mmu_seq = kvm->mmu_invalidate_seq;
	/* the sequence before L0's PTE: pairs with the MMU notifier */
	smp_rmb();

	spin_lock(&kvm->mmu_lock);
	present = !mmu_invalidate_retry(kvm, mmu_seq) &&
		  khn_l0_pte_present(vm, l1_ra, nf->writing, &lf.l0_pte,
				     &lf.l0_shift);
	if (present && khn_leaf_fit(nf, &lf) &&
	    khn_nrmap_add_ready(&vm->nrmap, lf.l1_base, l2->sh.lpid)) {
		err = khn_leaf_map(nf, &lf);
		spin_unlock(&kvm->mmu_lock);
		if (!err)
			khn_stat_inc(&vm->stats, KHN_STAT_FAULT_ONE_HOLD);
		goto out;
	}
	spin_unlock(&kvm->mmu_lock);

	if (!present) {
		err = khn_l0_pte_fault(vcpu, slot, l1_ra, nf->writing,
				       &lf.l0_pte, &lf.l0_shift);
		if (err)
			return err == -ENOMEM ? KHN_FAULT_NOMEM :
						KHN_FAULT_RETRY;
	}
	if (!khn_leaf_fit(nf, &lf)) {
		/* An L1 leaf smaller than the shadow's smallest page. */
		if (nf->ahead)
			return KHN_FAULT_REFLECTED;
		nf->f.err = KHN_WALK_BAD_LEAF;
		nf->f.dsisr = KHN_DSISR_UNSUPP_MMU;
		nf->f.srr1 = KHN_DSISR_UNSUPP_MMU;
		khn_reflect(vcpu, &nf->f, nf->ifetch);
		return KHN_FAULT_REFLECTED;
	}
	/* a PTE present under the lock was enough: the slot was not */
	reserved = present;
again:
	if (reserved && khn_nrmap_topup(l2, lf.l1_base))
		return KHN_FAULT_NOMEM;
	spin_lock(&kvm->mmu_lock);
	if (mmu_invalidate_retry(kvm, mmu_seq) ||
	    !khn_l0_pte_still(kvm, l1_ra, lf.l0_pte, lf.l0_shift, nf->writing,
			      &lf.l0_pte)) {
		if (reserved)
			khn_nrmap_release(&vm->nrmap, lf.l1_base);
		spin_unlock(&kvm->mmu_lock);
		return KHN_FAULT_RETRY;
	}
	if (!reserved &&
	    !khn_nrmap_add_ready(&vm->nrmap, lf.l1_base, l2->sh.lpid)) {
		spin_unlock(&kvm->mmu_lock);
		reserved = true;
		goto again;
	}
	err = khn_leaf_map(nf, &lf);
	if (reserved)
		khn_nrmap_release(&vm->nrmap, lf.l1_base);
	spin_unlock(&kvm->mmu_lock);
out:
	/*
	 * -ENOMEM: the page gained rmap entries between the top-up and the
	 * lock and needs a bigger container than the one set aside.  The
	 * retried fault tops up for the page as it is now, sleeping, and
	 * fails there if it must.
	 */
	if (err)
		return KHN_FAULT_RETRY;
	nf->shift = lf.shift;
	return KHN_FAULT_RESOLVED;
}

/*
 * Fill the shadow for one fault: walk L1's tree, find L0's page, install
 * the leaf.  @nf->l2's lock and kvm->srcu held.
 */
static enum khn_fault_outcome khn_fault_locked(struct khn_nfault *nf)
{
	struct kvm_vcpu *vcpu = nf->vcpu;
	struct kvm_memory_slot *slot;
	enum khn_fault_outcome o;

	lockdep_assert_held(&nf->l2->lock);
	if (!khn_fault_walk(nf, &o))
		return o;

	slot = gfn_to_memslot(vcpu->kvm, nf->xl.l1_ra >> PAGE_SHIFT);
	/* ahead of a fault: L1 memory only, and nothing queued for the L2 */
	if (nf->ahead && (!slot || (slot->flags & KVM_MEMSLOT_INVALID) ||
			  ((slot->flags & KVM_MEM_READONLY) && nf->writing)))
		return KHN_FAULT_REFLECTED;
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
		/*
		 * Not L1 memory: a region L0's userspace emulates for L1,
		 * handed to the L2.  A load or store is emulated by L0 as
		 * for L1 itself (khn_l2_mmio()); a fetch, or an access the
		 * hardware flagged, goes to L1 as the HDSI/HISI it was.
		 */
		if (nf->ifetch ||
		    (nf->dsisr & (DSISR_BADACCESS | DSISR_PRTABLE_FAULT)))
			return KHN_FAULT_REFLECTED;
		return KHN_FAULT_MMIO;
	}
	if ((slot->flags & KVM_MEM_READONLY) && nf->writing) {
		u64 srr1 = kvmppc_get_msr(vcpu) & SRR1_PREFIXED;

		/* A read-only memslot: the store faults in the L2 itself. */
		kvmppc_core_queue_data_storage(vcpu, srr1, vcpu->arch.fault_dar,
					       DSISR_ISSTORE | DSISR_PROTFAULT);
		return KHN_FAULT_RETRY;
	}
	return khn_fault_install(nf, slot);
}

/*
 * An L2's load or store at L1-real @l1_ra, which is no L1 memory: L0's
 * userspace emulates it for L1, so L0 emulates it for the L2 as kvm-hv
 * does for its own nested guests (ioeventfd or an in-kernel device, or
 * KVM_EXIT_MMIO).  The hardware gives no instruction image with an HDSI:
 * it is read through the L2's translation in software (khn_gfetch()) and
 * must be a GPR load or store of 1, 2, 4 or 8 bytes.
 *
 * A load userspace completes goes to a register of L1, not to the L2's
 * image in L1 memory as kvm-hv's own code does (kvm.ko writes that
 * without kvm->srcu): khn_h_enter_nested() restarts L1's hypercall.
 *
 * Returns kvmppc_hv_emulate_mmio()'s result: a RESUME_GUEST kind (done in
 * the kernel, NIP advanced), a RESUME_HOST kind with vcpu->mmio_needed
 * (userspace emulates the access); or RESUME_HOST without it to reflect.
 */
static int khn_l2_mmio(struct kvm_vcpu *vcpu, struct khn_l2 *l2, u64 l1_ra)
{
	u64 msr = vcpu->arch.shregs.msr;
	bool prefixed = msr & SRR1_PREFIXED;
	bool swap = kvmppc_need_byteswap(vcpu);
	struct instruction_op op;
	bool is_store;
	struct khn_l1_mem mem;
	u32 raw[2] = {}, w[2];
	int idx, r;
	long rc;

	khn_l1_mem_init(&mem, l2->vm);
	mutex_lock(&l2->lock);
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	rc = khn_gfetch(&mem, &l2->pate, vcpu->arch.pid, msr,
			kvmppc_get_pc(vcpu), raw, prefixed ? 8 : 4);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	mutex_unlock(&l2->lock);
	if (rc != H_SUCCESS)
		return RESUME_HOST;

	w[0] = swap ? swab32(raw[0]) : raw[0];
	w[1] = swap ? swab32(raw[1]) : raw[1];
	if (analyse_instr(&op, &vcpu->arch.regs,
			  prefixed ? ppc_inst_prefix(w[0], w[1]) :
				     ppc_inst(w[0])) != 0 ||
	    (GETTYPE(op.type) != STORE && GETTYPE(op.type) != LOAD) ||
	    !is_power_of_2(GETSIZE(op.type)) || GETSIZE(op.type) > 8)
		return RESUME_HOST;
	/* the access L1's PTE was checked for, not another the L2 rewrote */
	is_store = GETTYPE(op.type) == STORE;
	if (is_store != !!(vcpu->arch.fault_dsisr & KHN_DSISR_ISSTORE))
		return RESUME_HOST;

	/* kvm-hv takes the image from last_inst, raw, and swaps it itself */
	vcpu->arch.last_inst = prefixed ? (u64)raw[0] << 32 | raw[1] : raw[0];
	r = kvmppc_hv_emulate_mmio(vcpu, l1_ra, vcpu->arch.fault_dar, is_store);
	vcpu->arch.last_inst = KVM_INST_FETCH_FAILED;
	return r;
}

/*
 * The L2's mutex for the fault path, counting how often another vCPU of
 * the VM held it: the faults of one L2's vCPUs are serialised on it.
 */
static void khn_l2_lock_fault(struct khn_l2 *l2)
{
	if (mutex_trylock(&l2->lock))
		return;
	khn_stat_inc(&l2->vm->stats, KHN_STAT_L2_LOCK_CONTENDED);
	mutex_lock(&l2->lock);
}

/*
 * A fault that goes to L1 because L1's tree lacks the leaf: L1 will most
 * likely map it and re-enter the L2 at the same access, which would fault
 * again, now for L0.  Remember it for khn_fault_ahead().  @l2->lock held.
 */
static void khn_ahead_note(struct khn_l2 *l2, u32 token,
			   const struct khn_nfault *nf)
{
	struct khn_ahead *a = &l2->ahead[token % KHN_AHEAD_SLOTS];

	lockdep_assert_held(&l2->lock);
	a->token = token;
	a->l2_ra = nf->l2_ra;
	WRITE_ONCE(a->access, nf->access);
}

/**
 * khn_fault_ahead() - map the L2's last L1-bound fault before it runs again
 * @vcpu:	the L1 vCPU entering the L2 (in L1's context still)
 * @l2:		the L2
 * @token:	the L2 vCPU (hv_guest_state.vcpu_token)
 *
 * The L2 vCPU's last fault went to L1 for want of a leaf in L1's tree.
 * If L1's tree now has one (L1 handled the fault), the shadow leaf goes
 * in now, through the fault path, instead of after one more entry, exit
 * and fault.  Nothing changes when L1 did not map it: the L2 faults as it
 * would have.  An L1 that never maps what it is shown costs one walk of
 * its tree per entry.  Takes @l2->lock; may sleep.
 */
void khn_fault_ahead(struct kvm_vcpu *vcpu, struct khn_l2 *l2, u32 token)
{
	struct khn_ahead *a = &l2->ahead[token % KHN_AHEAD_SLOTS];
	struct khn_nfault nf = { .vcpu = vcpu, .l2 = l2, .ahead = true };
	enum khn_fault_outcome o;
	int idx;

	might_sleep();
	if (!READ_ONCE(a->access))
		return;
	khn_l2_lock_fault(l2);
	if (!a->access || a->token != token) {
		mutex_unlock(&l2->lock);
		return;
	}
	nf.access = a->access;
	nf.l2_ra = a->l2_ra;
	WRITE_ONCE(a->access, 0);
	nf.ifetch = nf.access == KHN_ACC_EXEC;
	nf.writing = nf.access == KHN_ACC_WRITE;
	nf.dsisr = KHN_DSISR_NOHPTE | (nf.writing ? KHN_DSISR_ISSTORE : 0);
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	o = khn_fault_locked(&nf);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	mutex_unlock(&l2->lock);
	khn_stat_inc(&l2->vm->stats, o == KHN_FAULT_RESOLVED ?
		     KHN_STAT_AHEAD_MAPPED : KHN_STAT_AHEAD_MISSED);
}

static const enum khn_stat khn_fault_stat[] = {
	[KHN_FAULT_RESOLVED]	= KHN_STAT_FAULT_RESOLVED,
	[KHN_FAULT_REFLECTED]	= KHN_STAT_FAULT_REFLECTED,
	[KHN_FAULT_RETRY]	= KHN_STAT_FAULT_RETRY,
	[KHN_FAULT_MMIO]	= KHN_STAT_FAULT_MMIO,
	[KHN_FAULT_NOMEM]	= KHN_STAT_FAULT_NOMEM,
};

/**
 * khn_nested_page_fault() - an HDSI or HISI of a running L2
 * @vcpu:	the vCPU, in its L2 (vcpu->arch.nested set); fault_dar,
 *		fault_dsisr and fault_gpa describe the fault (for an HISI,
 *		fault_dar is the PC)
 *
 * Walks L1's tree for the L2; a translation L1 has is faulted into L0
 * and installed in the shadow tree, anything else goes to L1 with the
 * status bits the hardware would have given it.  Kept out of line and
 * global: the e2e harness counts its calls with a kprobe.
 *
 * Return: RESUME_GUEST (resolved, retry, or MMIO emulated in the kernel),
 * RESUME_HOST (reflect, or vcpu->mmio_needed: L0's userspace emulates an
 * MMIO access, khn_h_enter_nested() finishes the exit), or -ENOMEM: L0
 * has no memory for the shadow (khn_h_enter_nested() answers H_NO_MEM).
 */
noinline int khn_nested_page_fault(struct kvm_vcpu *vcpu)
{
	struct khn_nfault nf = {
		.vcpu = vcpu,
		.l2 = khn_l2_of_vcpu(vcpu),
		.ifetch = vcpu->arch.trap == BOOK3S_INTERRUPT_H_INST_STORAGE,
		.writing = vcpu->arch.fault_dsisr & KHN_DSISR_ISSTORE,
		.dsisr = vcpu->arch.fault_dsisr,
	};
	struct khn_l2 *l2 = nf.l2;
	enum khn_fault_outcome o;
	int r, idx;

	nf.access = nf.ifetch ? KHN_ACC_EXEC :
		    nf.writing ? KHN_ACC_WRITE : KHN_ACC_READ;
	nf.l2_ra = vcpu->arch.fault_gpa & ~0xF000000000000FFFULL;
	if (!(vcpu->arch.fault_dsisr & KHN_DSISR_PRTABLE_FAULT))
		nf.l2_ra |= vcpu->arch.fault_dar & 0xFFF;

	khn_l2_lock_fault(l2);
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	o = khn_fault_locked(&nf);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (nf.l1s)
		khn_ahead_note(l2, vcpu->arch.nested_vcpu_id, &nf);
	mutex_unlock(&l2->lock);

	switch (o) {
	case KHN_FAULT_RESOLVED:
	case KHN_FAULT_RETRY:
		r = RESUME_GUEST;
		break;
	case KHN_FAULT_MMIO:
		r = khn_l2_mmio(vcpu, l2, nf.xl.l1_ra);
		if (!is_kvmppc_resume_guest(r) && !vcpu->mmio_needed)
			o = KHN_FAULT_REFLECTED;
		break;
	case KHN_FAULT_NOMEM:
		r = -ENOMEM;
		break;
	default:
		r = RESUME_HOST;
		break;
	}
	khn_stat_inc(&l2->vm->stats, khn_fault_stat[o]);
	trace_khn_fault(l2->kng.l1_lpid, vcpu->arch.fault_gpa, nf.xl.l1_ra,
			nf.shift, o);
	return r;
}

/* The tree of a shadow LPID of the VM; kvm->mmu_lock held. */
static struct khn_shadow *khn_tree_of(void *arg, u32 lpid)
{
	struct khn_vm *vm = arg;
	struct khn_l2 *l2;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	l2 = xa_load(&vm->by_shadow, lpid);
	return l2 ? &l2->sh : NULL;
}

/**
 * khn_rmap_drop_range() - L1's mapping of an L1-real range is going away
 * @vm:		the L1 VM; its kvm->mmu_lock held
 * @gpa:	first L1-real address
 * @hpa:	host real address it was mapped to
 * @size:	bytes
 *
 * Every shadow leaf made from the range goes, and is flushed, before L0
 * frees or reuses the host page.
 */
void khn_rmap_drop_range(struct khn_vm *vm, u64 gpa, u64 hpa, u64 size)
{
	struct khn_rmap_trees trees = { .lookup = khn_tree_of, .arg = vm };
	size_t before;
	u64 start, end;
	long n;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	if (!khn_rmap_l1_span(gpa, size, PAGE_SIZE, &start, &end))
		return;
	before = vm->nrmap.bytes;
	n = khn_rmap_unmap_l1(&vm->nrmap, start, end, &trees);
	khn_nrmap_account(vm, before);
	if (n > 0)
		khn_stat_add(&vm->stats, KHN_STAT_RMAP_UNMAP, n);
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_drop_range);

/**
 * khn_rmap_rc() - R/C bits changed on L1's mapping of an L1-real range
 * @vm:		the L1 VM; its kvm->mmu_lock held
 * @gpa:	an L1-real address in the mapping
 * @nbytes:	bytes of the mapping (1 << its shift; kvm-hv gives 1 for a
 *		base page)
 * @clr:	R/C bits cleared
 * @set:	R/C bits set
 */
void khn_rmap_rc(struct khn_vm *vm, u64 gpa, u64 nbytes, u64 clr, u64 set)
{
	struct khn_rmap_trees trees = { .lookup = khn_tree_of, .arg = vm };
	u64 start, end;

	lockdep_assert_held(&vm->kvm->mmu_lock);
	if (!khn_rmap_l1_span(gpa, nbytes, PAGE_SIZE, &start, &end))
		return;
	khn_rmap_rc_l1(&vm->nrmap, start, end, clr, set, &trees);
}
EXPORT_SYMBOL_IF_KUNIT(khn_rmap_rc);

/* L0's leaf for an L1-real address; kvm->mmu_lock held. */
static int khn_audit_l0_leaf(void *ctx, u64 l1_ra, u64 *pte,
			     unsigned int *shift)
{
	struct kvm *kvm = ctx;
	unsigned int hshift = 0;
	pte_t *ptep;

	lockdep_assert_held(&kvm->mmu_lock);
	ptep = find_kvm_secondary_pte(kvm, l1_ra, &hshift);
	if (!ptep || !pte_present(READ_ONCE(*ptep)))
		return -ENOENT;
	*pte = pte_val(READ_ONCE(*ptep));
	*shift = hshift ? hshift : PAGE_SHIFT;
	return 0;
}

/* The range is inside one usable memslot; kvm->srcu held. */
static bool khn_audit_l1_mem(void *ctx, u64 l1_ra, u64 size)
{
	struct kvm_memory_slot *slot;
	u64 first = l1_ra >> PAGE_SHIFT;
	u64 last = (l1_ra + size - 1) >> PAGE_SHIFT;

	slot = gfn_to_memslot(ctx, first);
	return slot && !(slot->flags & KVM_MEMSLOT_INVALID) &&
	       last < slot->base_gfn + slot->npages;
}

/*
 * khn_vm_audit() - check every shadow leaf of a VM against L0 (khn/audit.h)
 * @vm:		the VM
 * @a:		the result
 *
 * Takes kvm->srcu and kvm->mmu_lock for the whole walk: a debugging aid,
 * run on demand (debugfs), not on any path a guest drives.
 */
static void khn_vm_audit(struct khn_vm *vm, struct khn_audit *a)
{
	struct kvm *kvm = vm->kvm;
	const struct khn_audit_ops ops = {
		.l0_leaf = khn_audit_l0_leaf,
		.l1_mem = khn_audit_l1_mem,
		.ctx = kvm,
	};
	struct khn_l2 *l2;
	unsigned long idx;
	int srcu;

	khn_audit_init(a);
	srcu = srcu_read_lock(&kvm->srcu);
	spin_lock(&kvm->mmu_lock);
	xa_for_each(&vm->by_shadow, idx, l2)
		khn_audit_tree(a, &l2->sh, &vm->nrmap, &ops);
	khn_audit_rmap_total(a, &vm->nrmap);
	spin_unlock(&kvm->mmu_lock);
	srcu_read_unlock(&kvm->srcu, srcu);
}

/*
 * Reading the audit file runs the shadow auditor (khn/audit.h) on the VM:
 * "leaves=N violations=M trees=T rmap_entries=E", then one line per rule
 * broken and one per violation kept.  Root-only, and it holds
 * kvm->mmu_lock for the whole walk: a test and debugging aid.
 */
static int khn_vm_audit_show(struct seq_file *m, void *unused)
{
	struct khn_vm *vm = m->private;
	const struct khn_audit_violation *v;
	struct khn_audit *a;
	unsigned int i;

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	khn_vm_audit(vm, a);
	seq_printf(m, "leaves=%lu violations=%lu trees=%lu rmap_entries=%lu\n",
		   a->leaves, a->violations, a->trees,
		   READ_ONCE(vm->nrmap.nr_entries));
	seq_printf(m, "sizes 4k=%lu 64k=%lu 2m=%lu 1g=%lu\n",
		   a->by_size[KHN_AUDIT_4K], a->by_size[KHN_AUDIT_64K],
		   a->by_size[KHN_AUDIT_2M], a->by_size[KHN_AUDIT_1G]);
	for (i = 0; i < KHN_AUDIT_NR; i++)
		if (a->by_rule[i])
			seq_printf(m, "rule %s %lu\n", khn_audit_rule_name(i),
				   a->by_rule[i]);
	for (i = 0; i < a->nr_kept; i++) {
		v = &a->kept[i];
		seq_printf(m, "violation %s lpid=%u l2_ra=0x%llx l1_ra=0x%llx shift=%u\n",
			   khn_audit_rule_name(v->rule), v->lpid, v->l2_ra,
			   v->l1_ra, v->shift);
	}
	kfree(a);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_vm_audit);

/**
 * khn_mmu_debugfs_add() - the VM's "audit" file in its debugfs directory
 * @vm:		the VM; the file reads it until @dir is removed
 * @dir:	the VM's directory, or NULL (then nothing is made)
 */
void khn_mmu_debugfs_add(struct khn_vm *vm, struct dentry *dir)
{
	if (dir)
		debugfs_create_file("audit", 0400, dir, vm, &khn_vm_audit_fops);
}
