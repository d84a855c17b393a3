/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fakes of L0's hardware for the KUnit suites and the benchmark:
 *
 *  - khn_fake_mm_ops: shadow-table memory (struct khn_mm_ops) from
 *    kmalloc, counted, with failure injection;
 *  - struct khn_fake_tlb: a struct khn_tlb_ops that records its calls;
 *  - one event log shared by both, so a test sees the order of syncs,
 *    allocations, frees and flushes;
 *  - khn_fake_tree_count(): an independent walk of a shadow tree that
 *    recounts its tables and leaves and checks their format.
 *
 * The fake memory is ONE global state shared by every tree that uses
 * khn_fake_mm_ops (it records, but does not use, each tree's context): a suite
 * calls khn_fake_mm_reset() in its init and checks khn_fake_mm_live() is 0
 * once its trees are destroyed.  The global state and the log are
 * protected by an internal spinlock (callable under any lock, never
 * sleeps: allocations are GFP_ATOMIC); a struct khn_fake_tlb's counters
 * are not, they rely on the tree's locking rule like the tree does.
 */
#ifndef _KHN_TESTS_FAKE_MM_H
#define _KHN_TESTS_FAKE_MM_H

#include <linux/types.h>

#include "khn/shadow.h"

/**
 * enum khn_fake_ev - kinds of events in the log
 * @KHN_FAKE_ALLOC:		zalloc_table succeeded (addr: table, size)
 * @KHN_FAKE_ALLOC_FAIL:	zalloc_table failed, injected (size)
 * @KHN_FAKE_FREE:		free_table (addr: table, size)
 * @KHN_FAKE_SYNC:		sync
 * @KHN_FAKE_FLUSH_PAGE:	flush_page (lpid, addr, shift)
 * @KHN_FAKE_FLUSH_PWC:		flush_pwc (lpid)
 * @KHN_FAKE_FLUSH_LPID:	flush_lpid (lpid)
 */
enum khn_fake_ev {
	KHN_FAKE_ALLOC,
	KHN_FAKE_ALLOC_FAIL,
	KHN_FAKE_FREE,
	KHN_FAKE_SYNC,
	KHN_FAKE_FLUSH_PAGE,
	KHN_FAKE_FLUSH_PWC,
	KHN_FAKE_FLUSH_LPID,
};

/**
 * struct khn_fake_event - one logged event
 * @ev:		what happened
 * @lpid:	the LPID of a flush
 * @addr:	the address of a flush_page, the real address of a table
 * @shift:	the page shift of a flush_page
 * @size:	the size of a table
 */
struct khn_fake_event {
	enum khn_fake_ev ev;
	u32 lpid;
	u64 addr;
	unsigned int shift;
	size_t size;
};

/* Events kept by the log; later ones are counted but not kept */
#define KHN_FAKE_LOG_MAX	64

/**
 * struct khn_fake_mm_stats - the fake memory's counters since the reset
 * @allocs:	tables allocated
 * @frees:	tables freed
 * @failed:	allocations failed by injection
 * @live:	tables allocated and not freed
 * @bytes_live:	their bytes
 * @last_ctx:	the tree context the last allocation was made for
 */
struct khn_fake_mm_stats {
	unsigned long allocs;
	unsigned long frees;
	unsigned long failed;
	void *last_ctx;
	unsigned long live;
	size_t bytes_live;
};

extern const struct khn_mm_ops khn_fake_mm_ops;

void khn_fake_mm_reset(void);
void khn_fake_mm_fail_nth(unsigned int n);
void khn_fake_mm_get_stats(struct khn_fake_mm_stats *st);
unsigned long khn_fake_mm_live(void);

void khn_fake_log_clear(void);
unsigned int khn_fake_log_len(void);
unsigned long khn_fake_log_total(void);
bool khn_fake_log_get(unsigned int i, struct khn_fake_event *e);
int khn_fake_log_find(enum khn_fake_ev ev, unsigned int nth);
unsigned int khn_fake_log_count(enum khn_fake_ev ev);

struct khn_fake_tlb;

/**
 * typedef khn_fake_flush_hook - called by a fake flush_page before it
 *	records the call
 * @t:		the fake
 * @lpid:	flush_page's arguments
 * @addr:	flush_page's arguments
 * @shift:	flush_page's arguments
 *
 * Sees the tree as the hardware would at the moment of the flush.
 */
typedef void (*khn_fake_flush_hook)(struct khn_fake_tlb *t, u32 lpid,
				    u64 addr, unsigned int shift);

/**
 * struct khn_fake_tlb - a struct khn_tlb_ops that records its calls
 * @ops:	hand &fake->ops to khn_shadow_init(); ops.ctx is the fake
 * @nr_page:	flush_page calls
 * @nr_pwc:	flush_pwc calls
 * @nr_lpid:	flush_lpid calls
 * @last_lpid:	LPID of the last call, of any kind
 * @last_addr:	address of the last flush_page
 * @last_shift:	page shift of the last flush_page
 * @on_flush_page: if set, called at each flush_page
 * @priv:	for @on_flush_page
 *
 * Every call is also appended to the shared event log.
 */
struct khn_fake_tlb {
	struct khn_tlb_ops ops;
	unsigned long nr_page;
	unsigned long nr_pwc;
	unsigned long nr_lpid;
	u32 last_lpid;
	u64 last_addr;
	unsigned int last_shift;
	khn_fake_flush_hook on_flush_page;
	void *priv;
};

void khn_fake_tlb_init(struct khn_fake_tlb *t);

/**
 * struct khn_fake_tree - what khn_fake_tree_count() found
 * @tables:	tables, root included
 * @leaves:	valid leaves
 * @leaves_by_shift: valid leaves of 4K, 64K, 2M, 1G (index 0..3)
 * @bad:	malformed entries: reserved bits, a leaf of a size the
 *		radix MMU does not have or misaligned, a directory whose
 *		size does not add up, in the last level, or misaligned
 */
struct khn_fake_tree {
	unsigned long tables;
	unsigned long leaves;
	unsigned long leaves_by_shift[4];
	unsigned long bad;
};

void khn_fake_tree_count(const struct khn_shadow *sh, struct khn_fake_tree *t);

#endif /* _KHN_TESTS_FAKE_MM_H */
