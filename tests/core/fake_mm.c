// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fakes of L0's hardware for the KUnit suites: counted table memory, a
 * recording TLB, a shared event log, and an independent tree recount.
 * See fake_mm.h.
 */

#include <linux/bitfield.h>
#include <linux/compiler.h>
#include <linux/align.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "khn/radix.h"
#include "fake_mm.h"

/**
 * struct khn_fake_mm - the fake memory's global state
 * @stats:	counters since the last reset
 * @fail_in:	allocations until the injected failure (0: none armed)
 * @log_len:	events kept in @log
 * @log_total:	events seen since the last clear
 * @log:	the first KHN_FAKE_LOG_MAX events since the last clear
 *
 * Everything here is protected by khn_fake_lock.
 */
struct khn_fake_mm {
	struct khn_fake_mm_stats stats;
	unsigned int fail_in;
	unsigned int log_len;
	unsigned long log_total;
	struct khn_fake_event log[KHN_FAKE_LOG_MAX];
};

static DEFINE_SPINLOCK(khn_fake_lock);
static struct khn_fake_mm khn_fake;

/* Append to the log; khn_fake_lock held. */
static void log_event(enum khn_fake_ev ev, u32 lpid, u64 addr,
		      unsigned int shift, size_t size)
{
	if (khn_fake.log_len < KHN_FAKE_LOG_MAX)
		khn_fake.log[khn_fake.log_len++] = (struct khn_fake_event) {
			.ev = ev, .lpid = lpid, .addr = addr,
			.shift = shift, .size = size,
		};
	khn_fake.log_total++;
}

static void log_locked(enum khn_fake_ev ev, u32 lpid, u64 addr,
		       unsigned int shift, size_t size)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	log_event(ev, lpid, addr, shift, size);
	spin_unlock_irqrestore(&khn_fake_lock, flags);
}

/*
 * kmalloc() of a power of two is aligned to its size
 * (Documentation/core-api/memory-allocation.rst), which is what a radix
 * table needs; an exact-size object also lets KASAN catch an overrun.
 */
static void *fake_zalloc_table(void *ctx, size_t size, bool may_sleep)
{
	unsigned long flags;
	bool fail = false;
	void *table;

	spin_lock_irqsave(&khn_fake_lock, flags);
	if (khn_fake.fail_in && !--khn_fake.fail_in) {
		fail = true;
		khn_fake.stats.failed++;
		log_event(KHN_FAKE_ALLOC_FAIL, 0, 0, 0, size);
	}
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	if (fail)
		return NULL;

	table = kzalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (!table)
		return NULL;
	if (WARN_ON_ONCE(!IS_ALIGNED((unsigned long)table, size))) {
		kfree(table);
		return NULL;
	}

	spin_lock_irqsave(&khn_fake_lock, flags);
	khn_fake.stats.allocs++;
	khn_fake.stats.last_ctx = ctx;
	khn_fake.stats.live++;
	khn_fake.stats.bytes_live += size;
	log_event(KHN_FAKE_ALLOC, 0, virt_to_phys(table), 0, size);
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	return table;
}

static void fake_free_table(void *table, size_t size)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	khn_fake.stats.frees++;
	khn_fake.stats.live--;
	khn_fake.stats.bytes_live -= size;
	log_event(KHN_FAKE_FREE, 0, virt_to_phys(table), 0, size);
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	kfree(table);
}

static u64 fake_virt_to_phys(void *va)
{
	return virt_to_phys(va);
}

static void *fake_phys_to_virt(u64 pa)
{
	return phys_to_virt(pa);
}

static void fake_sync(void)
{
	barrier();
	log_locked(KHN_FAKE_SYNC, 0, 0, 0, 0);
}

/*
 * The fake memory: tables from kmalloc (GFP_ATOMIC), real kernel
 * virt <-> phys (what a directory stores must lead back to the table),
 * sync a compiler barrier.  One global state: see fake_mm.h.
 */
const struct khn_mm_ops khn_fake_mm_ops = {
	.zalloc_table = fake_zalloc_table,
	.free_table = fake_free_table,
	.virt_to_phys = fake_virt_to_phys,
	.phys_to_virt = fake_phys_to_virt,
	.sync = fake_sync,
};

/**
 * khn_fake_mm_reset() - zero the fake memory's counters, disarm failure
 *	injection, clear the log
 *
 * Tables still live are forgotten, not freed: call it in a suite's init,
 * when none should be.
 */
void khn_fake_mm_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	memset(&khn_fake, 0, sizeof(khn_fake));
	spin_unlock_irqrestore(&khn_fake_lock, flags);
}

/**
 * khn_fake_mm_fail_nth() - make one future allocation fail
 * @n:	1 fails the next zalloc_table, 2 the one after, ...; 0 disarms
 *
 * Only one failure: the allocations after it succeed again.
 */
void khn_fake_mm_fail_nth(unsigned int n)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	khn_fake.fail_in = n;
	spin_unlock_irqrestore(&khn_fake_lock, flags);
}

/**
 * khn_fake_mm_get_stats() - read the fake memory's counters
 * @st:	where to copy them
 */
void khn_fake_mm_get_stats(struct khn_fake_mm_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	*st = khn_fake.stats;
	spin_unlock_irqrestore(&khn_fake_lock, flags);
}

/**
 * khn_fake_mm_live() - tables allocated and not yet freed
 *
 * Return: the count since the last khn_fake_mm_reset().
 */
unsigned long khn_fake_mm_live(void)
{
	struct khn_fake_mm_stats st;

	khn_fake_mm_get_stats(&st);
	return st.live;
}

/**
 * khn_fake_log_clear() - start a new event log (counters are kept)
 */
void khn_fake_log_clear(void)
{
	unsigned long flags;

	spin_lock_irqsave(&khn_fake_lock, flags);
	khn_fake.log_len = 0;
	khn_fake.log_total = 0;
	spin_unlock_irqrestore(&khn_fake_lock, flags);
}

/**
 * khn_fake_log_len() - events kept in the log
 *
 * Return: at most KHN_FAKE_LOG_MAX.
 */
unsigned int khn_fake_log_len(void)
{
	return READ_ONCE(khn_fake.log_len);
}

/**
 * khn_fake_log_total() - events since the log was cleared
 *
 * Return: the count, including those past the log's end.
 */
unsigned long khn_fake_log_total(void)
{
	return READ_ONCE(khn_fake.log_total);
}

/**
 * khn_fake_log_get() - one event of the log
 * @i:	its index, from 0 (the oldest)
 * @e:	where to copy it
 *
 * Return: false if the log holds no event @i.
 */
bool khn_fake_log_get(unsigned int i, struct khn_fake_event *e)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&khn_fake_lock, flags);
	ok = i < khn_fake.log_len;
	if (ok)
		*e = khn_fake.log[i];
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	return ok;
}

/**
 * khn_fake_log_find() - where an event is in the log
 * @ev:		its kind
 * @nth:	0 for the first event of that kind, 1 for the second, ...
 *
 * Return: its index, or -1 if the log holds fewer such events.
 */
int khn_fake_log_find(enum khn_fake_ev ev, unsigned int nth)
{
	unsigned long flags;
	unsigned int i;
	int found = -1;

	spin_lock_irqsave(&khn_fake_lock, flags);
	for (i = 0; i < khn_fake.log_len; i++) {
		if (khn_fake.log[i].ev == ev && !nth--) {
			found = i;
			break;
		}
	}
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	return found;
}

/**
 * khn_fake_log_count() - how many events of a kind the log holds
 * @ev:	the kind
 *
 * Return: the count among the events kept.
 */
unsigned int khn_fake_log_count(enum khn_fake_ev ev)
{
	unsigned long flags;
	unsigned int i, n = 0;

	spin_lock_irqsave(&khn_fake_lock, flags);
	for (i = 0; i < khn_fake.log_len; i++)
		n += khn_fake.log[i].ev == ev;
	spin_unlock_irqrestore(&khn_fake_lock, flags);
	return n;
}

static void fake_flush_page(void *ctx, u32 lpid, u64 addr, unsigned int shift)
{
	struct khn_fake_tlb *t = ctx;

	if (t->on_flush_page)
		t->on_flush_page(t, lpid, addr, shift);
	t->nr_page++;
	t->last_lpid = lpid;
	t->last_addr = addr;
	t->last_shift = shift;
	log_locked(KHN_FAKE_FLUSH_PAGE, lpid, addr, shift, 0);
}

static void fake_flush_pwc(void *ctx, u32 lpid)
{
	struct khn_fake_tlb *t = ctx;

	t->nr_pwc++;
	t->last_lpid = lpid;
	log_locked(KHN_FAKE_FLUSH_PWC, lpid, 0, 0, 0);
}

static void fake_flush_lpid(void *ctx, u32 lpid)
{
	struct khn_fake_tlb *t = ctx;

	t->nr_lpid++;
	t->last_lpid = lpid;
	log_locked(KHN_FAKE_FLUSH_LPID, lpid, 0, 0, 0);
}

/**
 * khn_fake_tlb_init() - a fresh recording TLB
 * @t:	the fake; all counters zero, no hook, ops.ctx = @t
 */
void khn_fake_tlb_init(struct khn_fake_tlb *t)
{
	*t = (struct khn_fake_tlb) {
		.ops = {
			.flush_page = fake_flush_page,
			.flush_pwc = fake_flush_pwc,
			.flush_lpid = fake_flush_lpid,
			.ctx = t,
		},
	};
}

static int leaf_shift_index(unsigned int shift)
{
	switch (shift) {
	case KHN_SHIFT_4K:
		return 0;
	case KHN_SHIFT_64K:
		return 1;
	case KHN_SHIFT_2M:
		return 2;
	case KHN_SHIFT_1G:
		return 3;
	}
	return -1;
}

/*
 * Count a table of 2^@bits entries, each mapping 2^@shift bytes, from the
 * entries themselves (NLS of each directory): nothing is taken from the
 * library but the root and its size.
 */
static void count_table(const struct khn_shadow *sh, const __be64 *table,
			unsigned int bits, unsigned int shift,
			unsigned int depth, struct khn_fake_tree *t)
{
	unsigned long i;

	t->tables++;
	for (i = 0; i < (1UL << bits); i++) {
		u64 pte = be64_to_cpu(READ_ONCE(table[i]));
		unsigned int nls;
		int idx;
		u64 nlb;

		if (!(pte & KHN_RPTE_V))
			continue;
		if (pte & KHN_RPTE_L) {
			idx = leaf_shift_index(shift);
			if ((pte & KHN_RPTE_RSVD) || idx < 0 ||
			    !IS_ALIGNED(pte & KHN_RPTE_RPN, 1ULL << shift)) {
				t->bad++;
				continue;
			}
			t->leaves++;
			t->leaves_by_shift[idx]++;
			continue;
		}
		nls = FIELD_GET(KHN_RPDE_NLS, pte);
		nlb = pte & KHN_RPDE_NLB;
		if ((pte & KHN_RPDE_RSVD) || nls < KHN_NLS_MIN ||
		    depth + 1 >= KHN_WALK_MAX_LEVELS ||
		    shift < KHN_SHIFT_4K + nls ||
		    !IS_ALIGNED(nlb, sizeof(__be64) << nls)) {
			t->bad++;
			continue;
		}
		count_table(sh, sh->mm->phys_to_virt(nlb), nls, shift - nls,
			    depth + 1, t);
	}
}

/**
 * khn_fake_tree_count() - recount a shadow tree by walking it
 * @sh:	the tree (its root and khn_shadow_pate0() are all that is used)
 * @t:	the counts and the number of malformed entries
 *
 * Independent of the library's walker, so a test can compare with
 * @sh->nr_tables and @sh->nr_leaves.
 */
void khn_fake_tree_count(const struct khn_shadow *sh, struct khn_fake_tree *t)
{
	u64 pate0;
	unsigned int bits;

	*t = (struct khn_fake_tree) {};
	if (!sh->root)
		return;
	pate0 = khn_shadow_pate0(sh);
	bits = FIELD_GET(KHN_PATE0_RPDS, pate0);
	count_table(sh, sh->root, bits, khn_rts_bits(pate0) - bits, 0, t);
}
