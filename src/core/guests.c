// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested guests of one L1: lookup by L1's LPID, creation on demand,
 * reference counting and teardown.  The locking and lifetime rules are in
 * include/khn/guests.h.
 */

#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "khn/guests.h"

/**
 * khn_guests_init() - set up an empty table of nested guests
 * @g:		the table
 * @ops:	shadow LPID allocator and payload callbacks (must outlive @g)
 */
void khn_guests_init(struct khn_guests *g, const struct khn_guests_ops *ops)
{
	xa_init(&g->xa);
	g->ops = ops;
	atomic_set(&g->nr_live, 0);
	g->max_live = KHN_GUESTS_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(khn_guests_init);

/**
 * khn_guests_set_limit() - bound the number of guests of a table
 * @g:		the table
 * @max:	most guests alive at once (capped at %KHN_GUESTS_MAX)
 *
 * Every guest holds a shadow LPID from the host's allocator, shared by
 * all VMs: without a bound, one L1 could take them all.  Guests unlinked
 * but still referenced count until their last put, as their LPID does.
 * A new guest beyond the limit is refused before any allocation; the
 * guests already alive are left alone when the limit is lowered.
 */
void khn_guests_set_limit(struct khn_guests *g, unsigned int max)
{
	WRITE_ONCE(g->max_live, min_t(unsigned int, max, KHN_GUESTS_MAX));
}
EXPORT_SYMBOL_IF_KUNIT(khn_guests_set_limit);

/**
 * khn_guests_destroy() - drop every guest and free the table
 * @g: the table
 *
 * For VM destroy: unlinks every guest as khn_guests_remove_all() does.
 * Nobody may hold a reference any more: a guest still referenced after
 * this would point to a freed table, so it is reported.
 */
void khn_guests_destroy(struct khn_guests *g)
{
	khn_guests_remove_all(g, NULL, NULL);
	WARN_ON(atomic_read(&g->nr_live));
	xa_destroy(&g->xa);
}
EXPORT_SYMBOL_IF_KUNIT(khn_guests_destroy);

/* Undo a guest whose LPID is taken; @initialised: its payload too. */
static void guest_free(struct khn_guest *gp, bool initialised)
{
	struct khn_guests *g = gp->owner;

	if (initialised && g->ops->release)
		g->ops->release(g->ops->ctx, gp);
	g->ops->free_lpid(g->ops->ctx, gp->shadow_lpid);
	kfree(gp);
	atomic_dec(&g->nr_live);
}

/* A new guest, referenced by its caller and (once linked) the table. */
static struct khn_guest *guest_new(struct khn_guests *g, u32 l1_lpid)
{
	struct khn_guest *gp;
	int lpid, err;

	/* Counted first, so that racing creators cannot pass the limit */
	if (atomic_inc_return(&g->nr_live) > READ_ONCE(g->max_live)) {
		err = -ENOSPC;
		goto uncount;
	}
	err = -ENOMEM;
	gp = kzalloc(sizeof(*gp), GFP_KERNEL);
	if (!gp)
		goto uncount;
	lpid = g->ops->alloc_lpid(g->ops->ctx);
	if (lpid < 0) {
		kfree(gp);
		err = lpid;
		goto uncount;
	}
	gp->owner = g;
	gp->l1_lpid = l1_lpid;
	gp->shadow_lpid = lpid;
	refcount_set(&gp->ref, 2);
	INIT_LIST_HEAD(&gp->reap);
	if (g->ops->init) {
		err = g->ops->init(g->ops->ctx, gp);
		if (err) {
			guest_free(gp, false);
			return ERR_PTR(err);
		}
	}
	return gp;

uncount:
	atomic_dec(&g->nr_live);
	return ERR_PTR(err);
}

/* The guest at @l1_lpid with a reference taken, or NULL; under xa_lock. */
static struct khn_guest *guest_find_locked(struct khn_guests *g,
					   unsigned long l1_lpid)
{
	struct khn_guest *gp = xa_load(&g->xa, l1_lpid);

	/* The table's own reference keeps it above zero while linked */
	if (gp)
		refcount_inc(&gp->ref);
	return gp;
}

/**
 * khn_guest_get() - look up (and maybe create) the guest L1 calls @l1_lpid
 * @g:		the table
 * @l1_lpid:	L1's LPID for the guest
 * @create:	create the guest if there is none
 *
 * Creating takes a shadow LPID and runs the ops' @init before the guest
 * is linked, so a guest anyone finds is complete.  When two callers
 * create the same LPID at once, one guest is linked and both get it; the
 * other copy is undone.  May sleep when @create is true.
 *
 * Return: the guest, with a reference for the caller to put;
 * ERR_PTR(-EINVAL) if @l1_lpid is not below %KHN_GUESTS_MAX,
 * ERR_PTR(-ENOENT) if there is none and @create is false, ERR_PTR(-ENOSPC)
 * if a new guest would pass the table's limit (khn_guests_set_limit()),
 * or the error of an allocation or of the ops.
 */
struct khn_guest *khn_guest_get(struct khn_guests *g, unsigned long l1_lpid,
				bool create)
{
	struct khn_guest *gp, *old;
	int err;

	if (l1_lpid >= KHN_GUESTS_MAX)
		return ERR_PTR(-EINVAL);

	xa_lock(&g->xa);
	gp = guest_find_locked(g, l1_lpid);
	xa_unlock(&g->xa);
	if (gp)
		return gp;
	if (!create)
		return ERR_PTR(-ENOENT);

	gp = guest_new(g, l1_lpid);
	if (IS_ERR(gp))
		return gp;

	xa_lock(&g->xa);
	/* Rechecks the slot after any allocation it drops the lock for */
	err = __xa_insert(&g->xa, l1_lpid, gp, GFP_KERNEL);
	old = err == -EBUSY ? guest_find_locked(g, l1_lpid) : NULL;
	xa_unlock(&g->xa);
	if (!err)
		return gp;

	/* Lost the race (or no memory): never seen by anyone, undo it */
	guest_free(gp, true);
	return old ?: ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(khn_guest_get);

/**
 * khn_guest_put() - drop a reference to a guest
 * @gp: a guest from khn_guest_get() or a remove_all callback
 *
 * The last put (only possible once the guest is unlinked) releases the
 * payload, then returns the shadow LPID, then frees the guest.  May
 * sleep if the ops' @release or @free_lpid may.
 */
void khn_guest_put(struct khn_guest *gp)
{
	if (refcount_dec_and_test(&gp->ref))
		guest_free(gp, true);
}
EXPORT_SYMBOL_IF_KUNIT(khn_guest_put);

/**
 * khn_guest_unlink() - unlink one guest, if it is still the table's
 * @g:		the table
 * @gp:		the guest; the caller holds a reference
 *
 * The guest is marked dead and the table's reference dropped; whoever
 * still holds it keeps using it until their put, and a later
 * khn_guest_get() of its LPID creates a new guest.  Only this guest: if
 * its LPID was unlinked and created again meanwhile, the new guest stays.
 *
 * Return: 0, or -ENOENT if @gp is no longer in the table.
 */
int khn_guest_unlink(struct khn_guests *g, struct khn_guest *gp)
{
	void *old;

	xa_lock(&g->xa);
	old = __xa_cmpxchg(&g->xa, gp->l1_lpid, gp, NULL, 0);
	if (old == gp)
		WRITE_ONCE(gp->dead, true);
	xa_unlock(&g->xa);
	if (old != gp)
		return -ENOENT;
	khn_guest_put(gp);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_guest_unlink);

/**
 * khn_guests_remove_all() - unlink every guest of the table
 * @g:		the table
 * @fn:		optional: called on each unlinked guest (e.g. to flush and
 *		destroy its shadow), without the lock held
 * @arg:	passed to @fn
 *
 * For a PTCR change, L1 reset, switch to HPT and VM destroy.  Every guest
 * linked when the lock is taken is unlinked and marked dead at once, onto
 * a private list; only then, with the lock dropped, @fn is called on each
 * and the table's reference dropped.  The list is the caller's alone and
 * each guest on it is kept alive by the table's reference, so nothing a
 * callback (or another thread) does to the table can free an entry under
 * the walk.  Guests created meanwhile (by @fn or others) stay linked.
 * Reschedules between guests: may sleep.
 *
 * Return: the number of guests unlinked.
 */
unsigned int khn_guests_remove_all(struct khn_guests *g, khn_guest_fn fn,
				   void *arg)
{
	struct khn_guest *gp, *next;
	unsigned int n = 0;
	unsigned long idx;
	LIST_HEAD(reap);

	xa_lock(&g->xa);
	xa_for_each(&g->xa, idx, gp) {
		__xa_erase(&g->xa, idx);
		WRITE_ONCE(gp->dead, true);
		list_add_tail(&gp->reap, &reap);
		n++;
	}
	xa_unlock(&g->xa);

	list_for_each_entry_safe(gp, next, &reap, reap) {
		list_del_init(&gp->reap);
		if (fn)
			fn(gp, arg);
		khn_guest_put(gp);
		/* Each put may tear down a whole shadow tree */
		cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(khn_guests_remove_all);

/**
 * khn_guests_count() - how many guests are linked in the table
 * @g: the table
 *
 * A snapshot: it may be stale as soon as it is returned.
 *
 * Return: the number of linked guests (unlinked but referenced ones are
 * not counted).
 */
unsigned int khn_guests_count(struct khn_guests *g)
{
	struct khn_guest *gp;
	unsigned int n = 0;
	unsigned long idx;

	xa_lock(&g->xa);
	xa_for_each(&g->xa, idx, gp)
		n++;
	xa_unlock(&g->xa);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(khn_guests_count);
