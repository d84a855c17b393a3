/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The nested reverse map of one L1: for each L1-real page, the shadow
 * leaves (L2 LPID + L2-real address + size) derived from it, so that when
 * L1's own mapping of that page changes, exactly those shadows are dropped
 * or get their R/C updated.
 *
 * Locking rule: serialised by the caller (the L1 VM's kvm->mmu_lock), like
 * the shadow trees it indexes: no two calls on one map at the same time,
 * and a visitor must not call back into the map it visits.  The caller's
 * lock is a spinlock: set memory aside before taking it -- the page's
 * slot (khn_nrmap_reserve()) and the container its next entry needs
 * (khn_nrmap_spare_need(), khn_nrmap_spare_new() and
 * khn_nrmap_spare_set()) -- and khn_nrmap_add() with @gfp 0 allocates
 * nothing: when the page gained entries in between and the spare is too
 * small, it fails and the caller tops up again.  Entries only
 * ever describe shadows that exist or existed; a stale entry costs a no-op
 * unmap, never a wrong one.
 *
 * Memory: charged to the memory cgroup of the task that adds the entry
 * (__GFP_ACCOUNT, XA_FLAGS_ACCOUNT); an L1 page with one entry whose LPID is below 2^21 (the usual
 * case) keeps it in its xarray slot (a value entry, no allocation); any
 * other page has a container of 16-byte entries after an 8-byte header,
 * sized to its kmalloc bucket (khn_nrmap_node_bytes()).
 */
#ifndef _KHN_NRMAP_H
#define _KHN_NRMAP_H

#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct nrmap_node;

/**
 * struct khn_nrmap - reverse map of one L1
 * @xa:		L1 page frame number (4K units) -> entries of that page
 * @nr_entries:	entries held
 * @bytes:	memory held by entries and their containers (kmalloc
 *		buckets; the xarray's own nodes are not counted)
 * @visiting:	the entry a removing walk (khn_rmap_unmap_l1()) is visiting,
 *		which that walk removes itself: khn_rmap_leaf_gone() leaves
 *		it alone.  Valid while @in_walk.
 * @visiting.l1_ra: its L1-real address
 * @visiting.l2_ra: its L2-real address
 * @visiting.lpid: its LPID
 * @in_walk:	a removing walk is running
 * @spare:	a container set aside outside the caller's lock
 *		(khn_nrmap_spare_set()); khn_nrmap_add() takes it before it
 *		would allocate.  Not counted in @bytes until taken
 */
struct khn_nrmap {
	struct xarray xa;
	unsigned long nr_entries;
	size_t bytes;
	struct {
		u64 l1_ra;
		u64 l2_ra;
		u32 lpid;
	} visiting;
	bool in_walk;
	struct nrmap_node *spare;
};

/**
 * typedef khn_nrmap_fn - visitor of khn_nrmap_for_range()
 * @arg:	the caller's argument
 * @l1_ra:	L1-real address of the start of the range backing the leaf
 * @lpid:	L1's LPID of the L2 whose shadow is derived from the range
 * @l2_ra:	L2-real address of the shadow leaf
 * @shift:	page shift of the shadow leaf
 */
typedef void (*khn_nrmap_fn)(void *arg, u64 l1_ra, u32 lpid, u64 l2_ra,
			     unsigned int shift);

void khn_nrmap_init(struct khn_nrmap *rm);
int khn_nrmap_reserve(struct khn_nrmap *rm, u64 l1_ra, gfp_t gfp);
void khn_nrmap_release(struct khn_nrmap *rm, u64 l1_ra);
unsigned int khn_nrmap_spare_need(struct khn_nrmap *rm, u64 l1_ra, u32 lpid);
bool khn_nrmap_add_ready(struct khn_nrmap *rm, u64 l1_ra, u32 lpid);
struct nrmap_node *khn_nrmap_spare_new(unsigned int need, gfp_t gfp);
struct nrmap_node *khn_nrmap_spare_set(struct khn_nrmap *rm,
				       struct nrmap_node *node);
void khn_nrmap_spare_free(struct nrmap_node *node);
void khn_nrmap_destroy(struct khn_nrmap *rm);
int khn_nrmap_add(struct khn_nrmap *rm, u64 l1_ra, u32 lpid, u64 l2_ra,
		  unsigned int shift, gfp_t gfp);
bool khn_nrmap_del(struct khn_nrmap *rm, u64 l1_ra, u32 lpid, u64 l2_ra,
		   unsigned int shift);
long khn_nrmap_for_range(struct khn_nrmap *rm, u64 start, u64 end,
			 bool remove, khn_nrmap_fn fn, void *arg);
size_t khn_nrmap_node_bytes(unsigned int nr);

#endif /* _KHN_NRMAP_H */
