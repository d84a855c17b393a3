/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The nested guests (L2s) of one L1: a table keyed by the LPID L1 gave
 * the L2, each entry reference counted and owning a shadow LPID from L0's
 * allocator plus a payload (shadow tree, cached partition-table entry).
 *
 * Locking rule: membership of the table (insert, erase, lookup-and-ref)
 * is serialised by the xarray's own spinlock, xa_lock(&guests->xa), and
 * nothing else.  It is never held while calling out (ops, remove_all's
 * callback), and nothing here takes it from a callback, so callers may
 * hold their own locks around these calls as long as they never take
 * them inside the ops.
 *
 * Lifetime rule: a guest in the table holds one reference for the table;
 * every khn_guest_get() adds one that the caller drops with
 * khn_guest_put().  Unlinking (khn_guest_unlink(), khn_guests_remove_all())
 * sets @dead and drops the table's reference, so a guest a caller holds
 * stays valid until that caller's put, however the table changes.  The
 * last put releases the payload, then returns the shadow LPID: the shadow
 * is gone before its LPID can be handed to anyone else.
 */
#ifndef _KHN_GUESTS_H
#define _KHN_GUESTS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/xarray.h>

/*
 * L2 LPIDs an L1 may use: 0 .. 4095.  The ABI's limit (PTCR PRTS of at
 * most 2^12 entries); the caller also checks an LPID against the size of
 * the partition table L1 actually registered.
 */
#define KHN_GUESTS_MAX		4096

struct khn_guest;

/**
 * struct khn_guests_ops - what a guest table needs from its owner
 * @alloc_lpid:	take a free shadow LPID from L0's allocator; the LPID
 *		(>= 0) or a negative errno.  May sleep.
 * @free_lpid:	give back an LPID from @alloc_lpid
 * @init:	optional: set up @gp->priv for a new guest (its @shadow_lpid
 *		is set) before anyone else can see it; 0 or a negative errno.
 *		May sleep.
 * @release:	optional: tear down @gp->priv; called once, on the last
 *		put, for every guest whose @init succeeded (or with no @init)
 * @ctx:	passed to the callbacks
 *
 * None is called with the table's lock held.
 */
struct khn_guests_ops {
	int (*alloc_lpid)(void *ctx);
	void (*free_lpid)(void *ctx, u32 lpid);
	int (*init)(void *ctx, struct khn_guest *gp);
	void (*release)(void *ctx, struct khn_guest *gp);
	void *ctx;
};

/**
 * struct khn_guests - the nested guests of one L1
 * @xa:		L1's LPID -> struct khn_guest; its xa_lock is the lock
 *		of the locking rule above
 * @ops:	shadow LPIDs and payload
 * @nr_live:	guests allocated and not yet freed: in the table, or
 *		unlinked but still referenced
 * @max_live:	most guests @nr_live may count (each holds a shadow LPID
 *		of the host's); see khn_guests_set_limit()
 */
struct khn_guests {
	struct xarray xa;
	const struct khn_guests_ops *ops;
	atomic_t nr_live;
	unsigned int max_live;
};

/**
 * struct khn_guest - one nested guest (L2)
 * @owner:		the table it was created in (outlives it)
 * @l1_lpid:		the LPID L1 uses for it
 * @shadow_lpid:	the LPID the hardware uses for it, from @alloc_lpid
 * @ref:		references: the table's while linked, plus one per
 *			khn_guest_get()
 * @dead:		set (under the table's lock) when unlinked; never
 *			cleared.  Read with khn_guest_dead().
 * @priv:		payload, owned by the ops' @init / @release
 * @reap:		khn_guests_remove_all()'s list of what it unlinked;
 *			used by it alone
 */
struct khn_guest {
	struct khn_guests *owner;
	u32 l1_lpid;
	u32 shadow_lpid;
	refcount_t ref;
	bool dead;
	void *priv;
	struct list_head reap;
};

void khn_guests_init(struct khn_guests *g, const struct khn_guests_ops *ops);
void khn_guests_set_limit(struct khn_guests *g, unsigned int max);
void khn_guests_destroy(struct khn_guests *g);
struct khn_guest *khn_guest_get(struct khn_guests *g, unsigned long l1_lpid,
				bool create);
void khn_guest_put(struct khn_guest *gp);
int khn_guest_unlink(struct khn_guests *g, struct khn_guest *gp);

/**
 * typedef khn_guest_fn - told of each guest khn_guests_remove_all() unlinked
 * @gp:		the guest: unlinked, @dead set, still referenced
 * @arg:	the caller's argument
 *
 * Called without the table's lock: may sleep, and may call any function
 * of this header on the same table.
 */
typedef void (*khn_guest_fn)(struct khn_guest *gp, void *arg);

unsigned int khn_guests_remove_all(struct khn_guests *g, khn_guest_fn fn,
				   void *arg);
unsigned int khn_guests_count(struct khn_guests *g);

/**
 * khn_guest_dead() - whether a guest has been unlinked from its table
 * @gp: a guest the caller holds a reference to
 *
 * A dead guest is still valid memory until the caller's put, but a new
 * khn_guest_get() of its L1 LPID finds another guest (or none): callers
 * that cache a guest re-check this before trusting the cache.
 *
 * Return: true once unlinked.
 */
static inline bool khn_guest_dead(const struct khn_guest *gp)
{
	return READ_ONCE(gp->dead);
}

#endif /* _KHN_GUESTS_H */
