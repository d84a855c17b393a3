// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested reverse map: L1-real page -> the shadow leaves derived from
 * it.  The locking rule and the memory layout are in khn/nrmap.h.
 *
 * An xarray slot, at index (L1-real address of the start of the range
 * backing a shadow leaf) >> 12, holds either
 *  - one entry as a value entry:  bits 0-1  size code (4K, 64K, 2M, 1G),
 *                                 bits 2-41 L2-real address >> 12,
 *                                 bits 42-62 LPID (below 2^21);
 *  - or a struct nrmap_node of any number of entries.
 * Each slot is changed through slot_scan() (remove, visit) or
 * khn_nrmap_add(), which keep @nr_entries and @bytes exact.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "khn/nrmap.h"
#include "khn/radix.h"

#define NR_RA_END		BIT_ULL(KHN_RTS_BITS_MAX)
#define NR_CODE_BITS		2
#define NR_PFN_BITS		(KHN_RTS_BITS_MAX - KHN_SHIFT_4K)
#define NR_LPID_SHIFT		(NR_CODE_BITS + NR_PFN_BITS)
#define NR_INLINE_LPID_BITS	21	/* 63 value bits - 42 */

/* Shadow leaf sizes, in size-code order */
static const unsigned int nr_shifts[] = {
	KHN_SHIFT_4K, KHN_SHIFT_64K, KHN_SHIFT_2M, KHN_SHIFT_1G,
};

/**
 * struct nrmap_ent - one shadow leaf derived from an L1 page
 * @l2_ra:	its L2-real address
 * @lpid:	L1's LPID of its L2
 * @shift:	its page shift
 */
struct nrmap_ent {
	u64 l2_ra;
	u32 lpid;
	u32 shift;
};

/**
 * struct nrmap_node - the entries of an L1 page that needs more than a
 *	value entry
 * @nr:		entries in @ent
 * @cap:	room in @ent: as many as fit in the kmalloc bucket
 * @ent:	the entries
 */
struct nrmap_node {
	u32 nr;
	u32 cap;
	struct nrmap_ent ent[];
};

static int shift_code(unsigned int shift)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nr_shifts); i++)
		if (nr_shifts[i] == shift)
			return i;
	return -1;
}

static bool ent_fits_value(const struct nrmap_ent *e)
{
	return IS_ENABLED(CONFIG_64BIT) && e->lpid < BIT(NR_INLINE_LPID_BITS);
}

static void *ent_to_value(const struct nrmap_ent *e)
{
	u64 v = ((u64)e->lpid << NR_LPID_SHIFT) |
		((e->l2_ra >> KHN_SHIFT_4K) << NR_CODE_BITS) |
		shift_code(e->shift);

	return xa_mk_value((unsigned long)v);
}

static struct nrmap_ent value_to_ent(const void *entry)
{
	u64 v = xa_to_value(entry);

	return (struct nrmap_ent) {
		.l2_ra = ((v >> NR_CODE_BITS) & GENMASK_ULL(NR_PFN_BITS - 1, 0))
			 << KHN_SHIFT_4K,
		.lpid = v >> NR_LPID_SHIFT,
		.shift = nr_shifts[v & GENMASK(NR_CODE_BITS - 1, 0)],
	};
}

static bool ent_equal(const struct nrmap_ent *a, const struct nrmap_ent *b)
{
	return a->l2_ra == b->l2_ra && a->lpid == b->lpid &&
	       a->shift == b->shift;
}

/* Entries a node of @nr entries has room for: all its bucket holds. */
static unsigned int node_cap(unsigned int nr)
{
	size_t bytes = kmalloc_size_roundup(struct_size_t(struct nrmap_node,
							  ent, nr));

	return (bytes - sizeof(struct nrmap_node)) / sizeof(struct nrmap_ent);
}

static size_t node_size(unsigned int cap)
{
	return kmalloc_size_roundup(struct_size_t(struct nrmap_node, ent, cap));
}

/* A node holding @ents[0..nr) with room for at least @want. */
static struct nrmap_node *node_new(struct khn_nrmap *rm,
				   const struct nrmap_ent *ents,
				   unsigned int nr, unsigned int want, gfp_t gfp)
{
	unsigned int cap = node_cap(want);
	struct nrmap_node *node;

	if (rm->spare && rm->spare->cap >= want) {
		node = rm->spare;
		rm->spare = NULL;
		cap = node->cap;
	} else {
		if (!gfp)	/* the spare or nothing */
			return NULL;
		node = kmalloc(struct_size(node, ent, cap), gfp | __GFP_ACCOUNT);
		if (!node)
			return NULL;
	}
	node->nr = nr;
	node->cap = cap;
	memcpy(node->ent, ents, nr * sizeof(*ents));
	rm->bytes += node_size(cap);
	return node;
}

static void node_free(struct khn_nrmap *rm, struct nrmap_node *node)
{
	rm->bytes -= node_size(node->cap);
	kfree(node);
}

/**
 * khn_nrmap_node_bytes() - memory of the container of an L1 page
 * @nr:	entries the page has had at most (a container grows, one
 *	kmalloc bucket at a time, and keeps its size until the page is
 *	back to one entry)
 *
 * Return: the bytes counted in &khn_nrmap.bytes for it.
 */
size_t khn_nrmap_node_bytes(unsigned int nr)
{
	return node_size(node_cap(nr));
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_node_bytes);

/**
 * khn_nrmap_reserve() - make room for an L1 page's first entry, sleeping
 * @rm:		the map
 * @l1_ra:	the L1-real address a later khn_nrmap_add() will give
 * @gfp:	may sleep: called before the caller takes its lock
 *
 * An L1 page with no entry yet gets its xarray slot now, so that adding
 * its (value) entry under the caller's spinlock allocates nothing.  The
 * xarray locks itself, so this needs not the caller's lock.  Pair with
 * khn_nrmap_release().
 *
 * Return: 0, or -ENOMEM.
 */
int khn_nrmap_reserve(struct khn_nrmap *rm, u64 l1_ra, gfp_t gfp)
{
	if (l1_ra >= NR_RA_END)
		return -EINVAL;
	return xa_reserve(&rm->xa, l1_ra >> KHN_SHIFT_4K, gfp);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_reserve);

/**
 * khn_nrmap_release() - give back a reservation khn_nrmap_add() did not use
 * @rm:		the map
 * @l1_ra:	as given to khn_nrmap_reserve()
 *
 * A slot that now holds an entry is left alone.
 */
void khn_nrmap_release(struct khn_nrmap *rm, u64 l1_ra)
{
	if (l1_ra < NR_RA_END)
		xa_release(&rm->xa, l1_ra >> KHN_SHIFT_4K);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_release);

/* khn_nrmap_spare_need() of a slot that holds @entry (NULL: none) */
static unsigned int slot_need(const struct khn_nrmap *rm, const void *entry,
			      u32 lpid)
{
	const struct nrmap_ent e = { .lpid = lpid };
	const struct nrmap_node *node;
	unsigned int need;

	if (!entry) {
		need = ent_fits_value(&e) ? 0 : 1;
	} else if (xa_is_value(entry)) {
		need = 2;
	} else {
		node = entry;
		need = node->nr < node->cap ? 0 : node->nr + 1;
	}
	if (need && rm->spare && rm->spare->cap >= need)
		need = 0;
	return need;
}

/**
 * khn_nrmap_spare_need() - what the next add to an L1 page needs
 * @rm:		the map; the caller's lock held
 * @l1_ra:	the page
 * @lpid:	the entry's LPID (whether it fits a value entry)
 *
 * Return: 0 when adding an entry needs no new container (none needed, the
 * page's container has room, or the spare is big enough), else the
 * entries the page's new container must hold.
 */
unsigned int khn_nrmap_spare_need(struct khn_nrmap *rm, u64 l1_ra, u32 lpid)
{
	if (l1_ra >= NR_RA_END)
		return 0;
	return slot_need(rm, xa_load(&rm->xa, l1_ra >> KHN_SHIFT_4K), lpid);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_spare_need);

/**
 * khn_nrmap_add_ready() - can the next add to an L1 page take no memory?
 * @rm:		the map; the caller's lock held
 * @l1_ra:	the page
 * @lpid:	the entry's LPID
 *
 * True when the page's xarray slot exists (it holds an entry, or lies in
 * an xarray node already there) and khn_nrmap_spare_need() asks for no
 * container: a khn_nrmap_add() without gfp then allocates nothing, so the
 * caller needs no khn_nrmap_reserve() first -- provided no
 * khn_nrmap_release() runs between the two (it may free the node): the
 * caller's lock must cover the releases too.
 *
 * Return: true or false.
 */
bool khn_nrmap_add_ready(struct khn_nrmap *rm, u64 l1_ra, u32 lpid)
{
	XA_STATE(xas, &rm->xa, l1_ra >> KHN_SHIFT_4K);
	void *entry;
	bool slot;

	if (l1_ra >= NR_RA_END)
		return false;
	/* one descent: the slot's node, and what the slot holds */
	rcu_read_lock();
	entry = xas_load(&xas);
	slot = entry ||
	       (!xas_invalid(&xas) && xas.xa_node && !xas.xa_node->shift);
	rcu_read_unlock();
	return slot && !slot_need(rm, xa_is_zero(entry) ? NULL : entry, lpid);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_add_ready);

/**
 * khn_nrmap_spare_new() - a container for a spare, outside the lock
 * @need:	entries it must hold (khn_nrmap_spare_need())
 * @gfp:	may sleep
 *
 * Return: the container, or NULL.
 */
struct nrmap_node *khn_nrmap_spare_new(unsigned int need, gfp_t gfp)
{
	struct nrmap_node *node;

	node = kmalloc(khn_nrmap_node_bytes(need), gfp | __GFP_ACCOUNT);
	if (node) {
		node->nr = 0;
		node->cap = node_cap(need);
	}
	return node;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_spare_new);

/**
 * khn_nrmap_spare_set() - keep the bigger of the spare and @node
 * @rm:		the map; the caller's lock held
 * @node:	from khn_nrmap_spare_new()
 *
 * Return: the container not kept, for khn_nrmap_spare_free() once the
 * lock is dropped (NULL when there was none).
 */
struct nrmap_node *khn_nrmap_spare_set(struct khn_nrmap *rm,
				       struct nrmap_node *node)
{
	struct nrmap_node *old = rm->spare;

	if (old && node && old->cap >= node->cap)
		return node;
	rm->spare = node;
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_spare_set);

/**
 * khn_nrmap_spare_free() - free a container khn_nrmap_spare_set() gave back
 * @node:	the container, or NULL
 */
void khn_nrmap_spare_free(struct nrmap_node *node)
{
	kfree(node);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_spare_free);

/**
 * khn_nrmap_init() - an empty reverse map
 * @rm:	the map
 */
void khn_nrmap_init(struct khn_nrmap *rm)
{
	xa_init_flags(&rm->xa, XA_FLAGS_ACCOUNT);
	rm->nr_entries = 0;
	rm->bytes = 0;
	rm->spare = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_init);

/**
 * khn_nrmap_destroy() - free every entry
 * @rm:	the map; empty and reusable afterwards
 *
 * For VM destroy, when nothing else can reach the map: unlike the other
 * calls it runs without the caller's lock, and reschedules between
 * entries (a map can hold millions).  May sleep.
 */
void khn_nrmap_destroy(struct khn_nrmap *rm)
{
	unsigned long index;
	void *entry;

	xa_for_each(&rm->xa, index, entry) {
		if (!xa_is_value(entry))
			node_free(rm, entry);
		cond_resched();
	}
	xa_destroy(&rm->xa);
	rm->nr_entries = 0;
	kfree(rm->spare);
	rm->spare = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_destroy);

/**
 * khn_nrmap_add() - record that a shadow leaf is derived from L1 memory
 * @rm:		the map
 * @l1_ra:	L1-real address backing the start of the leaf, aligned to
 *		1 << @shift
 * @lpid:	L1's LPID of the L2
 * @l2_ra:	L2-real address of the leaf, aligned to 1 << @shift
 * @shift:	the leaf's page shift: 12, 16, 21 or 30
 * @gfp:	for the allocations (atomic under a spinlock); 0: allocate
 *		nothing, only the spare (khn_nrmap_spare_set()) may hold a
 *		new container, and the page's slot must have been reserved
 *		(khn_nrmap_reserve())
 *
 * An entry identical to one the page has already is not added again.
 *
 * Return: 0, -EINVAL for a bad argument, -ENOMEM (the map is unchanged).
 */
int khn_nrmap_add(struct khn_nrmap *rm, u64 l1_ra, u32 lpid, u64 l2_ra,
		  unsigned int shift, gfp_t gfp)
{
	struct nrmap_ent e = { .l2_ra = l2_ra, .lpid = lpid, .shift = shift };
	unsigned long index = l1_ra >> KHN_SHIFT_4K;
	XA_STATE(xas, &rm->xa, index);
	struct nrmap_node *node, *old;
	struct nrmap_ent two[2];
	void *entry, *prev;
	unsigned int i;

	if (shift_code(shift) < 0 || !IS_ALIGNED(l1_ra | l2_ra, BIT_ULL(shift)) ||
	    l1_ra >= NR_RA_END || l2_ra >= NR_RA_END)
		return -EINVAL;

	/* The usual add, a value into an empty slot: one descent. */
	do {
		xas_lock(&xas);
		entry = xas_load(&xas);
		if (xa_is_zero(entry))
			entry = NULL;
		if (!entry && ent_fits_value(&e))
			xas_store(&xas, ent_to_value(&e));
		xas_unlock(&xas);
	} while (xas_nomem(&xas, gfp));
	if (!entry && ent_fits_value(&e)) {
		if (xas_error(&xas))
			return xas_error(&xas);
	} else if (!entry) {
		node = node_new(rm, &e, 1, 1, gfp);
		if (!node)
			return -ENOMEM;
		prev = xa_store(&rm->xa, index, node, gfp);
		if (xa_is_err(prev)) {
			node_free(rm, node);
			return xa_err(prev);
		}
	} else if (xa_is_value(entry)) {
		two[0] = value_to_ent(entry);
		if (ent_equal(&two[0], &e))
			return 0;
		two[1] = e;
		node = node_new(rm, two, 2, 2, gfp);
		if (!node)
			return -ENOMEM;
		xa_store(&rm->xa, index, node, gfp);	/* a used slot: no memory */
	} else {
		node = entry;
		for (i = 0; i < node->nr; i++)
			if (ent_equal(&node->ent[i], &e))
				return 0;
		if (node->nr == node->cap) {
			old = node;
			node = node_new(rm, old->ent, old->nr, old->nr + 1, gfp);
			if (!node)
				return -ENOMEM;
			xa_store(&rm->xa, index, node, gfp);
			node_free(rm, old);
		}
		node->ent[node->nr++] = e;
	}
	rm->nr_entries++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_add);

/**
 * struct nrmap_scan - which entries of a slot a scan selects, and what to
 *	do with them
 * @shift:	select only entries of this page shift (0: any)
 * @lpid:	select only entries of this LPID (with @by_lpid)
 * @by_lpid:	filter on @lpid
 * @l2_ra:	select only entries of this L2-real address (with @by_l2_ra)
 * @by_l2_ra:	filter on @l2_ra
 * @remove:	remove the selected entries
 * @fn:		told of each selected entry (may be NULL)
 * @arg:	for @fn
 */
struct nrmap_scan {
	unsigned int shift;
	u32 lpid;
	bool by_lpid;
	u64 l2_ra;
	bool by_l2_ra;
	bool remove;
	khn_nrmap_fn fn;
	void *arg;
};

static bool scan_selects(const struct nrmap_scan *s, const struct nrmap_ent *e)
{
	return (!s->shift || e->shift == s->shift) &&
	       (!s->by_lpid || e->lpid == s->lpid) &&
	       (!s->by_l2_ra || e->l2_ra == s->l2_ra);
}

/* The slot at @index keeps @ents[0..kept) of what @node (or NULL) held. */
static void slot_keep(struct khn_nrmap *rm, unsigned long index,
		      struct nrmap_node *node, struct nrmap_ent *ents,
		      unsigned int kept)
{
	if (!kept) {
		xa_erase(&rm->xa, index);
	} else if (kept == 1 && ent_fits_value(&ents[0])) {
		/* the slot is occupied: storing into it allocates nothing */
		xa_store(&rm->xa, index, ent_to_value(&ents[0]), 0);
	} else {
		/*
		 * Only a node can hold more than one, or a big LPID.  It keeps
		 * its size: removal runs under the caller's spinlock, where
		 * nothing is allocated, and the page may well grow again.
		 */
		node->nr = kept;
		return;
	}
	if (node)
		node_free(rm, node);
}

/* Visit, and maybe remove, the selected entries of one slot. */
static unsigned long slot_scan(struct khn_nrmap *rm, unsigned long index,
			       void *entry, const struct nrmap_scan *s)
{
	struct nrmap_node *node = NULL;
	struct nrmap_ent one, *ents;
	unsigned int i, n, kept = 0;
	unsigned long found = 0;

	if (xa_is_value(entry)) {
		one = value_to_ent(entry);
		ents = &one;
		n = 1;
	} else {
		node = entry;
		ents = node->ent;
		n = node->nr;
	}
	for (i = 0; i < n; i++) {
		if (scan_selects(s, &ents[i])) {
			found++;
			if (s->fn)
				s->fn(s->arg, (u64)index << KHN_SHIFT_4K,
				      ents[i].lpid, ents[i].l2_ra,
				      ents[i].shift);
			if (s->remove)
				continue;
		}
		ents[kept++] = ents[i];
	}
	if (s->remove && found) {
		rm->nr_entries -= found;
		slot_keep(rm, index, node, ents, kept);
	}
	return found;
}

/**
 * khn_nrmap_del() - forget the shadow leaf of one L2 address
 * @rm:		the map
 * @l1_ra:	L1-real address given to khn_nrmap_add()
 * @lpid:	L1's LPID of the L2
 * @l2_ra:	L2-real address of the leaf
 * @shift:	its page shift
 *
 * Return: true if the entry was there and is removed.
 */
bool khn_nrmap_del(struct khn_nrmap *rm, u64 l1_ra, u32 lpid, u64 l2_ra,
		   unsigned int shift)
{
	const struct nrmap_scan s = {
		.shift = shift, .lpid = lpid, .by_lpid = true,
		.l2_ra = l2_ra, .by_l2_ra = true, .remove = true,
	};
	unsigned long index = l1_ra >> KHN_SHIFT_4K;
	void *entry;

	if (!shift || l1_ra >= NR_RA_END)
		return false;
	entry = xa_load(&rm->xa, index);
	return entry && slot_scan(rm, index, entry, &s);
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_del);

/**
 * khn_nrmap_for_range() - the shadow leaves derived from an L1 range
 * @rm:		the map
 * @start:	first L1-real address, 4K-aligned
 * @end:	one past the last, 4K-aligned, > @start, <= 2^52
 * @remove:	remove the entries found
 * @fn:		told of each entry found (may be NULL)
 * @arg:	for @fn
 *
 * Finds every entry whose L1 range [l1_ra, l1_ra + (1 << shift)) overlaps
 * [@start, @end), including a big one that begins before @start (it can
 * only begin at @start rounded down to its size, so at most three slots
 * are looked at besides those in the range).
 *
 * Return: the number of entries found, -EINVAL for a bad range.
 */
long khn_nrmap_for_range(struct khn_nrmap *rm, u64 start, u64 end,
			 bool remove, khn_nrmap_fn fn, void *arg)
{
	struct nrmap_scan s = { .remove = remove, .fn = fn, .arg = arg };
	unsigned long index, found = 0;
	unsigned int i;
	void *entry;
	u64 begin;

	if (start >= end || !IS_ALIGNED(start | end, SZ_4K) || end > NR_RA_END)
		return -EINVAL;

	for (i = 1; i < ARRAY_SIZE(nr_shifts); i++) {
		begin = round_down(start, BIT_ULL(nr_shifts[i]));
		if (begin == start)
			continue;
		index = begin >> KHN_SHIFT_4K;
		entry = xa_load(&rm->xa, index);
		if (!entry)
			continue;
		s.shift = nr_shifts[i];
		found += slot_scan(rm, index, entry, &s);
	}

	s.shift = 0;
	xa_for_each_range(&rm->xa, index, entry, start >> KHN_SHIFT_4K,
			  (end - 1) >> KHN_SHIFT_4K)
		found += slot_scan(rm, index, entry, &s);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(khn_nrmap_for_range);
