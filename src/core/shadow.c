// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shadow partition-scoped radix tree of an L2: L2-real -> L0-real, in
 * L0 memory, walked by the hardware for the L2's shadow LPID.  The locking
 * rule is in khn/shadow.h.
 *
 * Every operation is a visitor of one walker, walk_table(): map (which
 * creates and collapses tables, and breaks a bigger leaf in its way),
 * unmap, lookup, update_rc, the leaf iterator, and the reporting and
 * freeing of detached subtrees.
 *
 * A table below the root is allocated twice its hardware size: the second
 * half holds the origin of each leaf of the first half (origin_of()).
 *
 * Removal goes through a struct sh_zap, which holds what has been cut out of the tree until it is
 * flushed, so that tables are freed only after the page-walk cache flush.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

#include "khn/l1walk.h"
#include "khn/radix.h"
#include "khn/shadow.h"

#define SH_LEVELS		4	/* the root and three levels below it */
#define SH_LEAF_LEVEL_MIN	1	/* no leaf in the root (512G) */
#define SH_ZAP_TABLES		8	/* detached subtrees held before a flush */

/**
 * struct sh_geom - the shape of one kind of tree
 * @bits:	log2 of the number of entries of a table, per level (root first)
 * @shift:	log2 of the bytes one entry maps, per level
 */
struct sh_geom {
	u8 bits[SH_LEVELS];
	u8 shift[SH_LEVELS];
};

static const struct sh_geom sh_geoms[] = {
	[KHN_GEOM_4K]	= { { 13, 9, 9, 9 }, { 39, 30, 21, 12 } },
	[KHN_GEOM_64K]	= { { 13, 9, 9, 5 }, { 39, 30, 21, 16 } },
};

static const struct sh_geom *sh_geom(const struct khn_shadow *sh)
{
	return &sh_geoms[sh->geom];
}

static size_t table_bytes(const struct sh_geom *g, unsigned int level)
{
	return sizeof(__be64) << g->bits[level];
}

/* What is allocated for a table: a level that can hold leaves has origins. */
static size_t table_alloc_bytes(const struct sh_geom *g, unsigned int level)
{
	return table_bytes(g, level) << (level >= SH_LEAF_LEVEL_MIN);
}

/*
 * The origin slot of the entry @ptep of a table of @level, or NULL for the
 * root.  Only the library reads it, under the tree's lock.
 */
static u64 *origin_of(const struct khn_shadow *sh, __be64 *ptep,
		      unsigned int level)
{
	if (level < SH_LEAF_LEVEL_MIN)
		return NULL;
	return (u64 *)(ptep + (1UL << sh_geom(sh)->bits[level]));
}

/* ---- entries: the only place that converts to and from big-endian ---- */

static u64 pte_load(const __be64 *ptep)
{
	return be64_to_cpu(READ_ONCE(*ptep));
}

static void pte_store(__be64 *ptep, u64 pte)
{
	WRITE_ONCE(*ptep, cpu_to_be64(pte));
}

static bool pte_valid(u64 pte)
{
	return pte & KHN_RPTE_V;
}

static bool pte_is_table(u64 pte, unsigned int level)
{
	return (pte & (KHN_RPTE_V | KHN_RPTE_L)) == KHN_RPTE_V &&
	       level < SH_LEVELS - 1;
}

static u64 table_pte(const struct khn_shadow *sh, __be64 *table,
		     unsigned int table_level)
{
	return KHN_RPTE_V | (sh->mm->virt_to_phys(table) & KHN_RPDE_NLB) |
	       FIELD_PREP(KHN_RPDE_NLS, sh_geom(sh)->bits[table_level]);
}

static __be64 *pte_follow(const struct khn_shadow *sh, u64 pte)
{
	return sh->mm->phys_to_virt(pte & KHN_RPDE_NLB);
}

static u64 leaf_pte(u64 pa, u64 attrs)
{
	return KHN_RPTE_V | KHN_RPTE_L | (pa & KHN_RPTE_RPN) | attrs;
}

static bool table_empty(const struct khn_shadow *sh, const __be64 *table,
			unsigned int level)
{
	unsigned long i, n = 1UL << sh_geom(sh)->bits[level];

	for (i = 0; i < n; i++)
		if (READ_ONCE(table[i]))
			return false;
	return true;
}

/* ---- the walker ---- */

/* Which entries a walk shows its visitor */
#define WALK_LEAF	BIT(0)	/* a leaf or an invalid entry */
#define WALK_TABLE_PRE	BIT(1)	/* a directory, before its table is walked */
#define WALK_TABLE_POST	BIT(2)	/* a directory, after its table was walked */
/*
 * Entries that read 0 are not shown at all: for walks whose visitors act
 * only on valid entries.  A mostly empty 8192-entry root then costs one
 * load per entry instead of one visit, which is most of the auditor's
 * time and of a whole-tree unmap.
 */
#define WALK_SKIP_ZERO	BIT(3)

/**
 * struct sh_visit - one entry, as a visitor sees it
 * @ptep:	the entry; the visitor may rewrite it
 * @old:	its value (CPU order) when the visit began
 * @addr:	first L2-real address the entry maps
 * @origin:	its origin slot (NULL in the root)
 * @level:	level of the table holding it (0: root)
 * @shift:	the entry maps 1 << @shift bytes
 * @flag:	which visit this is: one WALK_* bit
 */
struct sh_visit {
	__be64 *ptep;
	u64 old;
	u64 *origin;
	u64 addr;
	unsigned int level;
	unsigned int shift;
	unsigned int flag;
};

struct sh_walker;

/*
 * A visitor returns 0 to go on, anything else to stop the walk; the walk
 * then returns that value.
 */
typedef int (*sh_visit_fn)(const struct sh_walker *w,
			   const struct sh_visit *v);

/**
 * struct sh_walker - one walk
 * @sh:		the tree
 * @start:	first address whose entries are visited
 * @end:	one past the last; start < end <= 2^52
 * @flags:	the WALK_* visits wanted
 * @cb:		the visitor
 * @arg:	the visitor's state
 */
struct sh_walker {
	const struct khn_shadow *sh;
	u64 start;
	u64 end;
	unsigned int flags;
	sh_visit_fn cb;
	void *arg;
};

static int walk_table(const struct sh_walker *w, __be64 *table,
		      unsigned int level, u64 base);

/*
 * Visit one entry; descend if it is (or the visitor made it) a directory.
 * After a visit the entry is read again: a visitor that turns an empty
 * entry or a leaf into a directory (map) gets the walk into it, one that
 * clears a directory or makes it a leaf (unmap, collapse) keeps the walk
 * out.
 */
static int walk_entry(const struct sh_walker *w, __be64 *ptep,
		      unsigned int level, u64 addr)
{
	struct sh_visit v = {
		.ptep = ptep,
		.old = pte_load(ptep),
		.origin = origin_of(w->sh, ptep, level),
		.addr = addr,
		.level = level,
		.shift = sh_geom(w->sh)->shift[level],
	};
	bool table = pte_is_table(v.old, level);
	int ret;

	if (table && (w->flags & WALK_TABLE_PRE))
		v.flag = WALK_TABLE_PRE;
	else if (!table && (w->flags & WALK_LEAF))
		v.flag = WALK_LEAF;
	if (v.flag) {
		ret = w->cb(w, &v);
		if (ret)
			return ret;
		v.old = pte_load(ptep);
		table = pte_is_table(v.old, level);
	}
	if (!table)
		return 0;

	ret = walk_table(w, pte_follow(w->sh, v.old), level + 1, addr);
	if (ret || !(w->flags & WALK_TABLE_POST))
		return ret;
	v.flag = WALK_TABLE_POST;
	return w->cb(w, &v);
}

/* Visit the entries of @table (at @level, mapping from @base) in range. */
static int walk_table(const struct sh_walker *w, __be64 *table,
		      unsigned int level, u64 base)
{
	const struct sh_geom *g = sh_geom(w->sh);
	unsigned int shift = g->shift[level];
	u64 span = 1ULL << (shift + g->bits[level]);
	u64 first = max(w->start, base) - base;
	u64 last = min(w->end, base + span) - 1 - base;
	unsigned long i;
	int ret;

	for (i = first >> shift; i <= last >> shift; i++) {
		if ((w->flags & WALK_SKIP_ZERO) && !READ_ONCE(table[i]))
			continue;
		ret = walk_entry(w, &table[i], level, base + ((u64)i << shift));
		if (ret)
			return ret;
	}
	return 0;
}

/* Walk the tree over [start, end). */
static int walk_range(const struct khn_shadow *sh, u64 start, u64 end,
		      unsigned int flags, sh_visit_fn cb, void *arg)
{
	struct sh_walker w = {
		.sh = sh, .start = start, .end = end,
		.flags = flags, .cb = cb, .arg = arg,
	};

	return walk_table(&w, sh->root, 0, 0);
}

/* Walk all of @table, a table of @level mapping from @base. */
static int walk_subtree(const struct khn_shadow *sh, __be64 *table,
			unsigned int level, u64 base, unsigned int flags,
			sh_visit_fn cb, void *arg)
{
	const struct sh_geom *g = sh_geom(sh);
	struct sh_walker w = {
		.sh = sh, .start = base,
		.end = base + (1ULL << (g->shift[level] + g->bits[level])),
		.flags = flags, .cb = cb, .arg = arg,
	};

	return walk_table(&w, table, level, base);
}

/* ---- removal: cut out now, flush, then free ---- */

/**
 * struct sh_zap - what has been cut out of a tree and not yet flushed
 * @sh:		the tree
 * @fn:		told of each removed leaf (may be NULL)
 * @arg:	for @fn
 * @leaves:	leaves removed so far
 * @flush_lpid:	more than KHN_SHADOW_FLUSH_PAGES_MAX pages: flush the LPID
 * @nr_pages:	pages in @pages (unused once @flush_lpid)
 * @pages:	the pages to flush, address | shift
 * @nr_tables:	subtrees in @tables
 * @tables:	detached subtrees, freed after the next PWC flush
 * @tables.table: the subtree's top table
 * @tables.level: its level
 */
struct sh_zap {
	struct khn_shadow *sh;
	khn_unmapped_fn fn;
	void *arg;
	unsigned long leaves;
	bool flush_lpid;
	unsigned int nr_pages;
	u64 pages[KHN_SHADOW_FLUSH_PAGES_MAX];
	unsigned int nr_tables;
	struct {
		__be64 *table;
		unsigned int level;
	} tables[SH_ZAP_TABLES];
};

/* The origin of the leaf a visit shows (there is none in the root). */
static u64 visit_origin(const struct sh_visit *v)
{
	return v->origin ? *v->origin : 0;
}

/* A leaf (already cleared, or unreachable) has gone: count and report it. */
static void leaf_gone(struct khn_shadow *sh, const struct sh_visit *v)
{
	sh->nr_leaves--;
	if (sh->notify)
		sh->notify(sh->notify_arg, v->addr, v->old, v->shift,
			   visit_origin(v));
}

/* A leaf (already cleared, or unreachable) has gone; flush it later. */
static void zap_leaf(struct sh_zap *z, const struct sh_visit *v)
{
	u64 addr = v->addr;
	unsigned int shift = v->shift;

	leaf_gone(z->sh, v);
	z->leaves++;
	if (z->fn)
		z->fn(z->arg, addr, v->old, shift, visit_origin(v));
	if (z->flush_lpid)
		return;
	if (z->nr_pages == ARRAY_SIZE(z->pages))
		z->flush_lpid = true;
	else
		z->pages[z->nr_pages++] = addr | shift;
}

static int zap_report_visit(const struct sh_walker *w,
			    const struct sh_visit *v)
{
	if (pte_valid(v->old))
		zap_leaf(w->arg, v);
	return 0;
}

static int free_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	struct khn_shadow *sh = w->arg;

	sh->mm->free_table(pte_follow(sh, v->old),
			   table_alloc_bytes(sh_geom(sh), v->level + 1));
	sh->nr_tables--;
	return 0;
}

/* Free the detached subtrees: only after a PWC (or LPID) flush. */
static void zap_free_tables(struct sh_zap *z)
{
	struct khn_shadow *sh = z->sh;
	unsigned int i;

	for (i = 0; i < z->nr_tables; i++) {
		__be64 *table = z->tables[i].table;
		unsigned int level = z->tables[i].level;

		walk_subtree(sh, table, level, 0,
			     WALK_TABLE_POST | WALK_SKIP_ZERO, free_visit,
			     sh);
		sh->mm->free_table(table, table_alloc_bytes(sh_geom(sh), level));
		sh->nr_tables--;
	}
	z->nr_tables = 0;
}

/*
 * Cut the directory entry @v out of the tree: one store makes the whole
 * subtree unreachable for the hardware.  Its leaves are reported now (the
 * subtree is only read: the hardware may still walk it until the PWC
 * flush); its tables are freed after the flush.
 */
static void zap_detach(struct sh_zap *z, const struct sh_visit *v)
{
	struct khn_shadow *sh = z->sh;
	__be64 *table = pte_follow(sh, v->old);

	pte_store(v->ptep, 0);
	walk_subtree(sh, table, v->level + 1, v->addr,
		     WALK_LEAF | WALK_SKIP_ZERO, zap_report_visit, z);
	if (z->nr_tables == ARRAY_SIZE(z->tables)) {
		sh->tlb->flush_pwc(sh->tlb->ctx, sh->lpid);
		zap_free_tables(z);
	}
	z->tables[z->nr_tables].table = table;
	z->tables[z->nr_tables].level = v->level + 1;
	z->nr_tables++;
}

/* Flush what was removed, then free the detached tables. */
static void zap_finish(struct sh_zap *z)
{
	const struct khn_tlb_ops *tlb = z->sh->tlb;
	u32 lpid = z->sh->lpid;
	unsigned int i;

	if (z->flush_lpid) {
		tlb->flush_lpid(tlb->ctx, lpid);
	} else {
		for (i = 0; i < z->nr_pages; i++)
			tlb->flush_page(tlb->ctx, lpid,
					z->pages[i] & ~(u64)(SZ_4K - 1),
					z->pages[i] & (SZ_4K - 1));
		if (z->nr_tables)
			tlb->flush_pwc(tlb->ctx, lpid);
	}
	zap_free_tables(z);
}

static int unmap_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	struct sh_zap *z = w->arg;

	switch (v->flag) {
	case WALK_LEAF:
		if (pte_valid(v->old)) {
			pte_store(v->ptep, 0);
			zap_leaf(z, v);
			*v->origin = 0;
		}
		break;
	case WALK_TABLE_PRE:
		/* wholly inside the range: cut it out at once */
		if (v->addr >= w->start && v->addr + BIT_ULL(v->shift) <= w->end)
			zap_detach(z, v);
		break;
	case WALK_TABLE_POST:
		/* partly inside: drop it if nothing is left in it */
		if (table_empty(z->sh, pte_follow(z->sh, v->old), v->level + 1))
			zap_detach(z, v);
		break;
	}
	return 0;
}

static bool range_ok(u64 start, u64 end)
{
	return start < end && IS_ALIGNED(start | end, SZ_4K) &&
	       end <= KHN_SHADOW_VA_END;
}

/* ---- map ---- */

/**
 * struct sh_map - state of one khn_shadow_map()
 * @sh:		the tree
 * @pte:	the leaf to install
 * @origin:	its origin
 * @level:	the level it goes in
 */
struct sh_map {
	struct khn_shadow *sh;
	u64 pte;
	u64 origin;
	unsigned int level;
};

static void flush_page(const struct khn_shadow *sh, u64 addr,
		       unsigned int shift)
{
	sh->tlb->flush_page(sh->tlb->ctx, sh->lpid, addr, shift);
}

/*
 * A leaf above the new leaf's level: break it (clear, flush, report), so
 * that the directory made in its place holds only leaves with origins of
 * their own.  The rest of the big page faults in again as it is used.
 */
static void map_break(struct khn_shadow *sh, const struct sh_visit *v)
{
	pte_store(v->ptep, 0);
	flush_page(sh, v->addr, v->shift);
	leaf_gone(sh, v);
	*v->origin = 0;
}

/*
 * An empty entry, or a bigger leaf, above the new leaf's level: link a new,
 * empty table there.  The leaf is broken only once the table is had, so
 * -ENOMEM leaves it as it was.
 */
static int map_new_table(struct khn_shadow *sh, const struct sh_visit *v)
{
	unsigned int level = v->level + 1;
	__be64 *table = sh->mm->zalloc_table(sh->mm_ctx,
					     table_alloc_bytes(sh_geom(sh),
							       level), false);

	if (!table)
		return -ENOMEM;
	sh->nr_tables++;
	if (pte_valid(v->old))
		map_break(sh, v);
	sh->mm->sync();
	pte_store(v->ptep, table_pte(sh, table, level));
	return 0;
}

/* At the leaf's level: install it over nothing, a leaf, or a table. */
static int map_set_leaf(struct sh_map *m, const struct sh_visit *v)
{
	struct khn_shadow *sh = m->sh;

	if (v->flag == WALK_TABLE_PRE) {
		/* collapse: cut the table out, flush, free, then the leaf */
		struct sh_zap z = { .sh = sh };

		zap_detach(&z, v);
		zap_finish(&z);
	} else if (pte_valid(v->old)) {
		if (v->old == m->pte && *v->origin == m->origin)
			return 0;
		/* replace: break, flush, make */
		map_break(sh, v);
	}
	*v->origin = m->origin;
	pte_store(v->ptep, m->pte);
	sh->nr_leaves++;
	return 0;
}

static int map_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	struct sh_map *m = w->arg;

	if (v->level == m->level)
		return map_set_leaf(m, v);
	if (v->flag == WALK_TABLE_PRE)
		return 0;
	return map_new_table(m->sh, v);
}

/*
 * The map most faults make: every directory down to the leaf's level is
 * there and the entry there is not valid (or is this very leaf).  One
 * descent, no visitor.  False leaves the map to the walker: a directory
 * to make, a leaf to break, a table to collapse.
 */
static bool map_direct(struct khn_shadow *sh, u64 addr, unsigned int level,
		       u64 pte, u64 origin)
{
	const struct sh_geom *g = sh_geom(sh);
	__be64 *table = sh->root, *ptep;
	unsigned int l = 0;
	u64 old;
	u64 *org;

	for (;;) {
		ptep = &table[(addr >> g->shift[l]) & (BIT_ULL(g->bits[l]) - 1)];
		old = pte_load(ptep);
		if (l == level)
			break;
		if (!pte_is_table(old, l))
			return false;
		table = pte_follow(sh, old);
		l++;
	}
	org = origin_of(sh, ptep, l);
	if (pte_valid(old))
		return old == pte && *org == origin;
	*org = origin;
	pte_store(ptep, pte);
	sh->nr_leaves++;
	return true;
}

/* Level of a leaf of 1 << @shift bytes, or -1 if the geometry has none. */
static int leaf_level(const struct khn_shadow *sh, unsigned int shift)
{
	unsigned int level;

	for (level = SH_LEAF_LEVEL_MIN; level < SH_LEVELS; level++)
		if (sh_geom(sh)->shift[level] == shift)
			return level;
	return -1;
}

/**
 * khn_shadow_init() - create an empty shadow tree
 * @sh:		the tree to initialise
 * @mm:		L0 memory for its tables
 * @mm_ctx:	passed to @mm->zalloc_table
 * @tlb:	invalidation for its shadow LPID
 * @lpid:	the shadow LPID
 * @geom:	its shape
 *
 * Allocates the root (2^13 entries, 64 KiB), telling zalloc_table it may
 * sleep.
 *
 * Return: 0, -EINVAL for a missing ops struct or an unknown geometry,
 * -ENOMEM.
 */
int khn_shadow_init(struct khn_shadow *sh, const struct khn_mm_ops *mm,
		    void *mm_ctx, const struct khn_tlb_ops *tlb, u32 lpid,
		    enum khn_geom geom)
{
	if (!mm || !tlb || (unsigned int)geom >= ARRAY_SIZE(sh_geoms))
		return -EINVAL;
	*sh = (struct khn_shadow) {
		.mm = mm, .mm_ctx = mm_ctx, .tlb = tlb, .lpid = lpid,
		.geom = geom,
	};
	sh->root = mm->zalloc_table(mm_ctx, table_alloc_bytes(sh_geom(sh), 0),
				    true);
	if (!sh->root)
		return -ENOMEM;
	sh->nr_tables = 1;
	mm->sync();
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_init);

/**
 * khn_shadow_table_bytes() - what zalloc_table is asked for at a level
 * @sh:		the tree
 * @level:	1 to %KHN_SHADOW_LEVELS - 1 (below the root); 0, the root
 *
 * A caller that sets tables aside before its lock needs, for one
 * khn_shadow_map(), at most one table of each level below the root.
 *
 * Return: bytes, or 0 for a level the tree does not have.
 */
size_t khn_shadow_table_bytes(const struct khn_shadow *sh,
			      unsigned int level)
{
	return level < SH_LEVELS ? table_alloc_bytes(sh_geom(sh), level) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_table_bytes);

/**
 * khn_shadow_destroy() - free a whole shadow tree
 * @sh:	the tree (its LPID no longer in use by any vCPU)
 *
 * Every leaf and table goes; the LPID is flushed once, before any table
 * is freed.  Calling it again is a no-op.
 */
void khn_shadow_destroy(struct khn_shadow *sh)
{
	struct sh_zap z = { .sh = sh, .flush_lpid = true };

	if (!sh->root)
		return;
	walk_range(sh, 0, KHN_SHADOW_VA_END,
		   WALK_LEAF | WALK_TABLE_PRE | WALK_TABLE_POST | WALK_SKIP_ZERO,
		   unmap_visit, &z);
	zap_finish(&z);
	sh->mm->free_table(sh->root, table_alloc_bytes(sh_geom(sh), 0));
	sh->root = NULL;
	sh->nr_tables--;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_destroy);

/**
 * khn_shadow_pate0() - partition table entry doubleword 0 for the tree
 * @sh:	the tree
 *
 * Return: HR | RTS (52 bits) | root real address | RPDS (13), CPU order.
 */
u64 khn_shadow_pate0(const struct khn_shadow *sh)
{
	unsigned int rts = KHN_SHADOW_VA_BITS - 31;

	return KHN_PATE0_HR |
	       FIELD_PREP(KHN_PATE0_RTS1, rts >> 3) |
	       FIELD_PREP(KHN_PATE0_RTS2, rts & 7) |
	       (sh->mm->virt_to_phys(sh->root) & KHN_PATE0_RPDB) |
	       FIELD_PREP(KHN_PATE0_RPDS, sh_geom(sh)->bits[0]);
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_pate0);

/**
 * khn_shadow_fit_shift() - largest leaf the tree can hold within a size
 * @sh:		the tree
 * @shift:	log2 of the largest page allowed: the smaller of L1's leaf
 *		and L0's backing page
 *
 * Return: the page shift of the largest leaf of @sh's geometry no larger
 * than 1 << @shift, or 0 if even the smallest is larger (a 4K page in a
 * 64K-geometry tree).
 */
unsigned int khn_shadow_fit_shift(const struct khn_shadow *sh,
				  unsigned int shift)
{
	unsigned int level;

	for (level = SH_LEAF_LEVEL_MIN; level < SH_LEVELS; level++)
		if (sh_geom(sh)->shift[level] <= shift)
			return sh_geom(sh)->shift[level];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_fit_shift);

/**
 * khn_shadow_set_notify() - be told of every leaf the tree loses
 * @sh:		the tree
 * @fn:		called for each leaf removed by any operation, including
 *		replacement, collapse, break and destroy (NULL: nobody)
 * @arg:	for @fn
 */
void khn_shadow_set_notify(struct khn_shadow *sh, khn_unmapped_fn fn,
			   void *arg)
{
	sh->notify = fn;
	sh->notify_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_set_notify);

/**
 * khn_shadow_map() - install one leaf
 * @sh:		the tree
 * @addr:	L2-real address, aligned to 1 << @shift, below 2^52
 * @pa:		L0-real address, aligned to 1 << @shift
 * @shift:	leaf size: one of the geometry's leaf sizes
 * @attrs:	R, C, ATT and EAA bits of the leaf (KHN_SHADOW_ATTRS)
 * @origin:	the caller's tag for the leaf, reported when it is removed
 *
 * Missing directories are created (zeroed and synced before they are
 * linked).  Over a leaf of the same size: break-before-make (nothing is
 * done if the leaf and its origin are identical).  Over a smaller table:
 * collapse (the table is cut out, its pages flushed, the PWC flushed, the
 * subtree freed, then the leaf written).  Inside a bigger leaf: the big
 * leaf is broken (cleared, flushed, reported), then the directories down
 * to the new leaf are made.  Every leaf removed is reported to the tree's
 * notifier.
 *
 * Return: 0, -EINVAL for a bad argument (nothing done), -ENOMEM (the tree
 * is consistent: directories made before the failure stay, empty, and a
 * big leaf in the way stays).
 */
int khn_shadow_map(struct khn_shadow *sh, u64 addr, u64 pa,
		   unsigned int shift, u64 attrs, u64 origin)
{
	int level = leaf_level(sh, shift);
	struct sh_map m = {
		.sh = sh, .pte = leaf_pte(pa, attrs), .origin = origin,
	};

	if (level < 0 || !IS_ALIGNED(addr | pa, BIT_ULL(shift)) ||
	    addr >= KHN_SHADOW_VA_END || (pa & ~KHN_RPTE_RPN) ||
	    (attrs & ~KHN_SHADOW_ATTRS))
		return -EINVAL;
	m.level = level;
	if (map_direct(sh, addr, level, m.pte, origin))
		return 0;
	return walk_range(sh, addr, addr + BIT_ULL(shift),
			  WALK_LEAF | WALK_TABLE_PRE, map_visit, &m);
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_map);

/**
 * khn_shadow_unmap() - remove every leaf overlapping a range
 * @sh:		the tree
 * @start:	first L2-real address, 4K-aligned
 * @end:	one past the last, 4K-aligned, > @start, <= 2^52
 * @fn:		told of each removed leaf (may be NULL), before any flush
 * @arg:	for @fn
 *
 * A leaf partly in the range is removed whole.  Tables left empty are
 * freed; a table wholly in the range is cut out with one store.  Each
 * removed page is flushed, or the whole LPID once if more than
 * KHN_SHADOW_FLUSH_PAGES_MAX were removed; tables are freed after the PWC
 * flush.  All flushes are done when this returns.
 *
 * Return: the number of leaves removed, or -EINVAL for a bad range
 * (nothing done).
 */
long khn_shadow_unmap(struct khn_shadow *sh, u64 start, u64 end,
		      khn_unmapped_fn fn, void *arg)
{
	struct sh_zap z = { .sh = sh, .fn = fn, .arg = arg };

	if (!range_ok(start, end))
		return -EINVAL;
	walk_range(sh, start, end,
		   WALK_LEAF | WALK_TABLE_PRE | WALK_TABLE_POST | WALK_SKIP_ZERO,
		   unmap_visit, &z);
	zap_finish(&z);
	return z.leaves;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_unmap);

/**
 * struct sh_found - the leaf a lookup found
 * @pte:	the leaf (CPU order)
 * @shift:	its page shift
 * @origin:	its origin
 */
struct sh_found {
	u64 pte;
	unsigned int shift;
	u64 origin;
};

static int lookup_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	struct sh_found *f = w->arg;

	if (!pte_valid(v->old))
		return 0;
	f->pte = v->old;
	f->shift = v->shift;
	f->origin = visit_origin(v);
	return 1;
}

/**
 * khn_shadow_lookup() - the leaf translating an address
 * @sh:		the tree
 * @addr:	L2-real address
 * @pte:	the leaf (CPU order), if found; may be NULL
 * @shift:	its page shift, if found; may be NULL
 * @origin:	its origin, if found; may be NULL
 *
 * Return: 0, -ENOENT if no leaf covers @addr, -EINVAL if @addr >= 2^52.
 */
int khn_shadow_lookup(const struct khn_shadow *sh, u64 addr, u64 *pte,
		      unsigned int *shift, u64 *origin)
{
	struct sh_found f = {};

	if (addr >= KHN_SHADOW_VA_END)
		return -EINVAL;
	if (walk_range(sh, addr, addr + 1, WALK_LEAF, lookup_visit, &f) != 1)
		return -ENOENT;
	if (pte)
		*pte = f.pte;
	if (shift)
		*shift = f.shift;
	if (origin)
		*origin = f.origin;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_lookup);

static int first_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	u64 *addr = w->arg;

	if (!pte_valid(v->old))
		return 0;
	*addr = v->addr;
	return 1;
}

/**
 * khn_shadow_next_leaf() - the first leaf that maps @from or beyond
 * @sh:		the tree
 * @from:	L2-real address to start at
 * @addr:	the (first) address of the leaf found: below @from if the
 *		leaf covers @from
 *
 * For work done in steps with the tree's lock dropped between them.
 *
 * Return: 0, or -ENOENT if no leaf maps anything at or after @from.
 */
int khn_shadow_next_leaf(const struct khn_shadow *sh, u64 from, u64 *addr)
{
	if (!sh->root || from >= KHN_SHADOW_VA_END)
		return -ENOENT;
	if (walk_range(sh, from, KHN_SHADOW_VA_END, WALK_LEAF | WALK_SKIP_ZERO,
		       first_visit, addr) != 1)
		return -ENOENT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_next_leaf);

/**
 * struct sh_each - state of one khn_shadow_walk_leaves()
 * @fn:		the caller's visitor
 * @arg:	for @fn
 */
struct sh_each {
	khn_leaf_fn fn;
	void *arg;
};

static int each_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	const struct sh_each *e = w->arg;

	if (!pte_valid(v->old))
		return 0;
	return e->fn(e->arg, v->addr, v->old, v->shift, visit_origin(v));
}

/**
 * khn_shadow_walk_leaves() - visit every valid leaf, in address order
 * @sh:		the tree (not changed by the walk: @fn must not change it)
 * @fn:		the visitor
 * @arg:	for @fn
 *
 * Return: 0 after the last leaf, or the first nonzero value @fn returned.
 */
int khn_shadow_walk_leaves(const struct khn_shadow *sh, khn_leaf_fn fn,
			   void *arg)
{
	struct sh_each e = { .fn = fn, .arg = arg };

	if (!sh->root)
		return 0;
	return walk_range(sh, 0, KHN_SHADOW_VA_END, WALK_LEAF | WALK_SKIP_ZERO,
			  each_visit, &e);
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_walk_leaves);

/**
 * struct sh_rc - state of one khn_shadow_update_rc()
 * @sh:		the tree
 * @clr:	R/C bits to clear
 * @set:	R/C bits to set
 */
struct sh_rc {
	struct khn_shadow *sh;
	u64 clr;
	u64 set;
};

static int rc_visit(const struct sh_walker *w, const struct sh_visit *v)
{
	struct sh_rc *rc = w->arg;
	u64 pte = (v->old & ~rc->clr) | rc->set;

	if (!pte_valid(v->old))
		return 0;
	if (pte != v->old) {
		/* same translation: no break needed, but the TLB keeps R/C */
		pte_store(v->ptep, pte);
		if (v->old & rc->clr)
			flush_page(rc->sh, v->addr, v->shift);
	}
	return 1;
}

/**
 * khn_shadow_update_rc() - change R/C in the leaf covering an address
 * @sh:		the tree
 * @addr:	L2-real address
 * @clr:	bits among KHN_RPTE_R | KHN_RPTE_C to clear
 * @set:	bits among KHN_RPTE_R | KHN_RPTE_C to set (after clearing)
 *
 * The page is flushed if a bit was cleared, so that the next reference
 * or change faults (DSISR_SET_RC) instead of using the cached
 * translation.
 *
 * Return: 0, -ENOENT if no leaf covers @addr, -EINVAL for other bits or
 * @addr >= 2^52.
 */
int khn_shadow_update_rc(struct khn_shadow *sh, u64 addr, u64 clr, u64 set)
{
	struct sh_rc rc = { .sh = sh, .clr = clr, .set = set };
	const u64 rc_bits = KHN_RPTE_R | KHN_RPTE_C;

	if ((clr | set) & ~rc_bits || addr >= KHN_SHADOW_VA_END)
		return -EINVAL;
	if (walk_range(sh, addr, addr + 1, WALK_LEAF, rc_visit, &rc) != 1)
		return -ENOENT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_shadow_update_rc);

/* How restrictive a storage attribute is: the shadow takes the stronger */
static unsigned int att_strength(u64 pte)
{
	switch (pte & KHN_RPTE_ATT) {
	case KHN_RPTE_ATT_SAO:
		return 1;	/* cacheable, strongly ordered */
	case KHN_RPTE_ATT_TIO:
		return 2;	/* caching inhibited */
	case KHN_RPTE_ATT_NIO:
		return 3;	/* caching inhibited and guarded */
	default:
		return 0;	/* normal memory */
	}
}

static bool may_read(u64 pte)
{
	return pte & (KHN_RPTE_READ | KHN_RPTE_RW);
}

/**
 * khn_combine_attrs() - a shadow leaf's attributes from both levels
 * @l1_pte:	L1's leaf for the L2-real address (radix format)
 * @l0_pte:	L0's leaf for the L1-real address (radix format)
 * @access:	KHN_ACC_* (khn/l1walk.h) of the access being served; for a
 *		write the caller has already set C at both levels
 *
 * Permissions are what both levels allow: read if both allow reading (READ
 * or RW), execute if both allow it, privileged-only if either says so.
 * Write needs RW at both levels and, besides, the access to be a write or
 * C to be set at both: a page neither level has seen changed is mapped
 * read-only, so the first store faults to L0, which records the change at
 * both levels (whatever the hardware's own R/C behaviour).
 * R is set if both levels have R; C if both have C and the leaf is
 * writable.  A missing R or C makes the hardware fault (DSISR_SET_RC) on
 * the reference or change, which L0 then reports to both levels.
 * ATT is the stronger of the two: normal < SAO < tolerant I/O <
 * non-idempotent I/O.
 *
 * Return: R, C, ATT and EAA bits for khn_shadow_map(); a writable leaf has
 * both READ and RW.
 */
u64 khn_combine_attrs(u64 l1_pte, u64 l0_pte, unsigned int access)
{
	u64 both = l1_pte & l0_pte;
	bool write = (both & KHN_RPTE_RW) &&
		     ((access & KHN_ACC_WRITE) || (both & KHN_RPTE_C));
	u64 attrs = both & (KHN_RPTE_EXEC | KHN_RPTE_R);

	if (write)
		attrs |= KHN_RPTE_RW | KHN_RPTE_READ | (both & KHN_RPTE_C);
	else if (may_read(l1_pte) && may_read(l0_pte))
		attrs |= KHN_RPTE_READ;
	attrs |= (l1_pte | l0_pte) & KHN_RPTE_PRIV;
	attrs |= att_strength(l1_pte) >= att_strength(l0_pte) ?
		 l1_pte & KHN_RPTE_ATT : l0_pte & KHN_RPTE_ATT;
	return attrs;
}
EXPORT_SYMBOL_IF_KUNIT(khn_combine_attrs);
