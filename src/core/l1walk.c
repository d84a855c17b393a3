// SPDX-License-Identifier: GPL-2.0-only
/*
 * L1's partition table and partition-scoped radix tree, read for an L2:
 * the PTCR and PATE checks, and the walk L2-real -> L1-real.
 *
 * All of this reads memory L1 owns and may rewrite at any moment.  Each
 * entry is read once, as one 8-byte big-endian load through struct
 * khn_l1_mem, into a local, and every decision is taken on that copy.  The
 * walk descends only through a directory entry that passed every check, at
 * most KHN_WALK_MAX_LEVELS levels, so no tree makes it long; the address
 * of every read is the sum of a checked, aligned base and a bounded index,
 * and the read callback refuses anything outside L1 memory.
 */

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include <kunit/visibility.h>

#include "khn/l1walk.h"
#include "khn/radix.h"

/* PATE doubleword 1 bits the ISA reserves (1:3, 52:58) */
#define KHN_PATE1_RSVD		(GENMASK_ULL(62, 60) | GENMASK_ULL(11, 5))
/* The smallest tree the RTS field encodes (RTS = 0) */
#define KHN_VA_BITS_MIN		31

static bool khn_aligned(u64 addr, unsigned int shift)
{
	return !(addr & (BIT_ULL(shift) - 1));
}

static u64 khn_ptcr_table_bytes(u64 ptcr)
{
	return BIT_ULL(12 + (ptcr & KHN_PTCR_PATS));
}

/**
 * khn_ptcr_valid() - may L1 register this partition table?
 * @ptcr: the PTCR value L1 passed to H_SET_PARTITION_TABLE
 *
 * 0 is valid here (a table of 4K at L1-real 0); that it also means "no
 * table" in the hypercall ABI is the hypercall layer's business.
 *
 * Return: true if no reserved bit is set, PATS <= %KHN_PATS_MAX and the
 * base is aligned to the table size, 2^(12 + PATS) bytes.
 */
bool khn_ptcr_valid(u64 ptcr)
{
	if (ptcr & KHN_PTCR_RSVD)
		return false;
	if ((ptcr & KHN_PTCR_PATS) > KHN_PATS_MAX)
		return false;
	return khn_aligned(ptcr & KHN_PTCR_PATB, 12 + (ptcr & KHN_PTCR_PATS));
}
EXPORT_SYMBOL_IF_KUNIT(khn_ptcr_valid);

/* Is a 2^@va_bits tree under a 2^@root_bits-entry root walkable? */
static bool khn_tree_size_ok(unsigned int va_bits, unsigned int root_bits)
{
	/* Within these bounds every root entry spans at least a page */
	BUILD_BUG_ON(KHN_VA_BITS_MIN - KHN_NLS_MAX < KHN_SHIFT_4K);

	return va_bits >= KHN_VA_BITS_MIN && va_bits <= KHN_RTS_BITS_MAX &&
	       root_bits >= KHN_NLS_MIN && root_bits <= KHN_NLS_MAX;
}

/* Is @pate (decoded by us or not) safe to start a walk from? */
static bool khn_pate_walkable(const struct khn_pate *pate)
{
	return khn_tree_size_ok(pate->va_bits, pate->root_bits) &&
	       khn_aligned(pate->root, pate->root_bits + 3);
}

/* Is the process table an L2 could use through this entry well formed? */
static bool khn_prtb_ok(u64 dw1)
{
	unsigned int prts = dw1 & KHN_PATE1_PRTS;

	return prts <= KHN_PATS_MAX &&
	       khn_aligned(dw1 & KHN_PATE1_PRTB, 12 + prts);
}

/**
 * khn_pate_decode() - check and decode a partition table entry
 * @dw0: doubleword 0 (CPU order)
 * @dw1: doubleword 1 (CPU order)
 * @pate: filled on success, zeroed on failure
 *
 * Accepts only what an L2 of a radix L1 can have: HR and GR both set, no
 * reserved bit, a tree of 2^31 to 2^52 bytes, a root of 2^%KHN_NLS_MIN to
 * 2^%KHN_NLS_MAX entries aligned to its size (2^(RPDS + 3) bytes), and a
 * process table of at most 2^(12 + %KHN_PATS_MAX) bytes aligned to its
 * size.  An all-zero entry (LPID not set up) is refused like an HPT one.
 *
 * Return: 0, or -EINVAL if the entry is unusable (%KHN_WALK_BAD_PATE).
 */
int khn_pate_decode(u64 dw0, u64 dw1, struct khn_pate *pate)
{
	unsigned int root_bits = dw0 & KHN_PATE0_RPDS;
	unsigned int va_bits = khn_rts_bits(dw0);

	memset(pate, 0, sizeof(*pate));
	if (!(dw0 & KHN_PATE0_HR) || !(dw1 & KHN_PATE1_GR))
		return -EINVAL;
	if ((dw0 & KHN_PATE0_RSVD) || (dw1 & KHN_PATE1_RSVD))
		return -EINVAL;
	if (!khn_tree_size_ok(va_bits, root_bits) ||
	    !khn_aligned(dw0 & KHN_PATE0_RPDB, root_bits + 3))
		return -EINVAL;
	if (!khn_prtb_ok(dw1))
		return -EINVAL;

	pate->dw0 = dw0;
	pate->dw1 = dw1;
	pate->root = dw0 & KHN_PATE0_RPDB;
	pate->root_bits = root_bits;
	pate->va_bits = va_bits;
	pate->prtb = dw1 & KHN_PATE1_PRTB;
	pate->prts = 12 + (dw1 & KHN_PATE1_PRTS);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_pate_decode);

/**
 * khn_pate_read() - read and check L1's partition table entry for an L2
 * @l1: L1 memory
 * @ptcr: L1's partition table (as registered with H_SET_PARTITION_TABLE)
 * @lpid: the L2's LPID in L1's numbering
 * @pate: filled on success, zeroed on failure
 *
 * Reads the 16-byte entry with one call to @l1->read, both doublewords
 * big-endian, then khn_pate_decode().  @lpid is bounded by the table size
 * before any arithmetic on it.
 *
 * Return: 0; -EINVAL for an invalid @ptcr, an @lpid beyond the table or an
 * unusable entry; -EFAULT if the entry lies outside L1 memory.  Both are
 * %KHN_WALK_BAD_PATE to the L2; -EFAULT tells the caller that L1 pointed
 * its table at memory it does not have.
 */
int khn_pate_read(const struct khn_l1_mem *l1, u64 ptcr, u64 lpid,
		  struct khn_pate *pate)
{
	__be64 raw[2];

	memset(pate, 0, sizeof(*pate));
	if (!khn_ptcr_valid(ptcr))
		return -EINVAL;
	if (lpid >= khn_ptcr_table_bytes(ptcr) / KHN_PATE_BYTES)
		return -EINVAL;
	if (l1->read(l1->ctx, (ptcr & KHN_PTCR_PATB) + lpid * KHN_PATE_BYTES,
		     raw, sizeof(raw)))
		return -EFAULT;
	return khn_pate_decode(be64_to_cpu(raw[0]), be64_to_cpu(raw[1]), pate);
}
EXPORT_SYMBOL_IF_KUNIT(khn_pate_read);

/*
 * One walk in progress.  @table, @nls and @span describe the table at
 * @level and were checked before the walk descended into it; @entry and
 * @entry_ra are what was read (or tried) there.
 */
struct khn_walk {
	const struct khn_l1_mem *l1;
	u64 addr;		/* L2-real address being translated */
	u64 table;		/* L1-real base of the table at @level */
	unsigned int nls;	/* that table has 2^nls entries ... */
	unsigned int span;	/* ... each spanning 2^span bytes */
	unsigned int level;	/* 0 = root */
	u64 entry;		/* entry read at @level (CPU order), or 0 */
	u64 entry_ra;		/* its L1-real address */
	const struct khn_pwc_entry *from;	/* cached table it began in */
};

static void khn_walk_start(struct khn_walk *w, const struct khn_l1_mem *l1,
			   const struct khn_pate *pate, u64 addr)
{
	*w = (struct khn_walk) {
		.l1 = l1,
		.addr = addr,
		.table = pate->root,
		.nls = pate->root_bits,
		.span = pate->va_bits - pate->root_bits,
	};
}

/* Read the entry @w->addr selects in the current table */
static enum khn_walk_err khn_walk_read(struct khn_walk *w)
{
	u64 index = (w->addr >> w->span) & (BIT_ULL(w->nls) - 1);
	__be64 raw;

	w->entry = 0;
	w->entry_ra = w->table + index * sizeof(raw);
	if (w->l1->read(w->l1->ctx, w->entry_ra, &raw, sizeof(raw)))
		return KHN_WALK_READ_FAULT;
	w->entry = be64_to_cpu(raw);
	return KHN_WALK_OK;
}

/* Is there room under the current entry for one more table? */
static bool khn_pde_has_room_below(const struct khn_walk *w)
{
	return w->level + 1 < KHN_WALK_MAX_LEVELS &&
	       w->span >= KHN_NLS_MIN + KHN_SHIFT_4K;
}

/* May a table of 2^@nls entries split an entry spanning 2^@span bytes? */
static bool khn_nls_ok(unsigned int nls, unsigned int span)
{
	return nls >= KHN_NLS_MIN && nls <= KHN_NLS_MAX &&
	       nls <= span - KHN_SHIFT_4K;
}

/* Check the directory entry just read and step into the table it names */
static enum khn_walk_err khn_pde_descend(struct khn_walk *w)
{
	unsigned int nls = w->entry & KHN_RPDE_NLS;
	u64 nlb = w->entry & KHN_RPDE_NLB;

	if (w->entry & KHN_RPDE_RSVD)
		return KHN_WALK_BAD_RSVD;
	if (!khn_pde_has_room_below(w))
		return KHN_WALK_TOO_DEEP;
	if (!khn_nls_ok(nls, w->span))
		return KHN_WALK_BAD_NLS;
	if (!khn_aligned(nlb, nls + 3))
		return KHN_WALK_BAD_ALIGN;

	w->table = nlb;
	w->nls = nls;
	w->span -= nls;
	w->level++;
	return KHN_WALK_OK;
}

/* Does POWER9 translate pages of 2^@span bytes? */
static bool khn_leaf_size_ok(unsigned int span)
{
	return span == KHN_SHIFT_4K || span == KHN_SHIFT_64K ||
	       span == KHN_SHIFT_2M || span == KHN_SHIFT_1G;
}

/* Is the leaf just read well formed? */
static enum khn_walk_err khn_leaf_check(const struct khn_walk *w)
{
	if (w->entry & KHN_RPTE_RSVD)
		return KHN_WALK_BAD_RSVD;
	if (!khn_leaf_size_ok(w->span))
		return KHN_WALK_BAD_LEAF;
	if (!khn_aligned(w->entry & KHN_RPTE_RPN, w->span))
		return KHN_WALK_BAD_ALIGN;
	return KHN_WALK_OK;
}

/* Does the leaf grant @access?  (PRIV is ignored: see l1walk.h) */
static bool khn_leaf_allows(u64 pte, unsigned int access)
{
	if ((access & KHN_ACC_READ) && !(pte & (KHN_RPTE_READ | KHN_RPTE_RW)))
		return false;
	if ((access & KHN_ACC_WRITE) && !(pte & KHN_RPTE_RW))
		return false;
	if ((access & KHN_ACC_EXEC) &&
	    (!(pte & KHN_RPTE_EXEC) ||
	     (pte & KHN_RPTE_ATT) == KHN_RPTE_ATT_NIO))
		return false;
	return true;
}

/**
 * khn_pwc_flush() - forget every table a page-walk cache holds
 * @pwc:	the cache
 */
void khn_pwc_flush(struct khn_pwc *pwc)
{
	pwc->nr = 0;
	pwc->next = 0;
	pwc->last = 0;
	pwc->deepest = 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_pwc_flush);

static bool khn_pwc_covers(const struct khn_pwc_entry *c, u64 addr)
{
	return addr >> (c->span + c->nls) == c->prefix;
}

/*
 * Start @w at the deepest cached table on its address's path, if any.
 * Walks come in runs over one table: the last one is tried first, and
 * is taken at once when nothing cached lies deeper.
 */
static void khn_pwc_lookup(struct khn_pwc *pwc, struct khn_walk *w)
{
	const struct khn_pwc_entry *best = NULL, *c;
	unsigned int i;

	if (!pwc->nr)
		return;
	c = &pwc->e[pwc->last];
	if (c->level == pwc->deepest && khn_pwc_covers(c, w->addr)) {
		best = c;
	} else {
		for (i = 0; i < pwc->nr; i++) {
			c = &pwc->e[i];
			if (khn_pwc_covers(c, w->addr) &&
			    (!best || c->level > best->level))
				best = c;
		}
		if (!best)
			return;
		pwc->last = best - pwc->e;
	}
	pwc->hits++;
	w->from = best;
	w->table = best->table;
	w->nls = best->nls;
	w->span = best->span;
	w->level = best->level;
}

/*
 * Remember the table a walk ended in, when directory entries led there:
 * the walk read its entry, so the table itself lies in L1 memory.
 */
static void khn_pwc_fill(struct khn_pwc *pwc, const struct khn_walk *w,
			 enum khn_walk_err err)
{
	struct khn_pwc_entry *c;
	u64 prefix;
	unsigned int i;

	if (!w->level || err == KHN_WALK_READ_FAULT ||
	    err == KHN_WALK_BAD_PATE || err == KHN_WALK_BEYOND_RTS)
		return;
	/* ended in the table the cache gave: nothing new (the usual walk) */
	if (w->from && w->from->level == w->level)
		return;
	prefix = w->addr >> (w->span + w->nls);
	for (i = 0; i < pwc->nr; i++) {
		if (pwc->e[i].level == w->level && pwc->e[i].prefix == prefix &&
		    pwc->e[i].table == w->table) {
			pwc->last = i;
			return;
		}
	}
	if (pwc->nr < KHN_PWC_ENTRIES) {
		c = &pwc->e[pwc->nr++];
	} else {
		c = &pwc->e[pwc->next];
		pwc->next = (pwc->next + 1) % KHN_PWC_ENTRIES;
	}
	*c = (struct khn_pwc_entry) {
		.prefix = prefix,
		.table = w->table,
		.nls = w->nls,
		.span = w->span,
		.level = w->level,
	};
	pwc->last = c - pwc->e;
	/* a replaced entry may have been the deepest */
	pwc->deepest = 0;
	for (i = 0; i < pwc->nr; i++)
		pwc->deepest = max_t(unsigned int, pwc->deepest,
				     pwc->e[i].level);
}

/*
 * Walk from the root to a well-formed leaf that grants @access.  Bounded:
 * khn_pde_descend() refuses to go below level KHN_WALK_MAX_LEVELS - 1.
 */
static enum khn_walk_err khn_walk_once(struct khn_walk *w,
				       const struct khn_l1_mem *l1,
				       const struct khn_pate *pate,
				       struct khn_pwc *pwc, u64 addr,
				       unsigned int access)
{
	enum khn_walk_err err;

	khn_walk_start(w, l1, pate, addr);
	if (!khn_pate_walkable(pate))
		return KHN_WALK_BAD_PATE;
	if (addr >> pate->va_bits)
		return KHN_WALK_BEYOND_RTS;
	if (pwc)
		khn_pwc_lookup(pwc, w);

	for (;;) {
		err = khn_walk_read(w);
		if (err != KHN_WALK_OK)
			return err;
		if (!(w->entry & KHN_RPTE_V))
			return KHN_WALK_NO_ENTRY;
		if (w->entry & KHN_RPTE_L)
			break;
		err = khn_pde_descend(w);
		if (err != KHN_WALK_OK)
			return err;
	}

	err = khn_leaf_check(w);
	if (err != KHN_WALK_OK)
		return err;
	if (!khn_leaf_allows(w->entry, access))
		return KHN_WALK_PROT;
	return KHN_WALK_OK;
}

/* The R/C bits hardware sets for @access */
static u64 khn_rc_for(unsigned int access)
{
	if (!access)
		return 0;
	return KHN_RPTE_R | ((access & KHN_ACC_WRITE) ? KHN_RPTE_C : 0);
}

/* Set R/C in L1's leaf as hardware would: only if it still holds @w->entry */
static enum khn_walk_err khn_leaf_set_rc(struct khn_walk *w,
					 unsigned int access)
{
	u64 pte = w->entry | khn_rc_for(access);
	int ret;

	if (pte == w->entry)
		return KHN_WALK_OK;
	ret = w->l1->cmpxchg_be64(w->l1->ctx, w->entry_ra,
				  cpu_to_be64(w->entry), cpu_to_be64(pte));
	if (ret == -EAGAIN)
		return KHN_WALK_RETRY;
	if (ret)
		return KHN_WALK_READ_FAULT;
	w->entry = pte;
	return KHN_WALK_OK;
}

/* Status bits a failure sets in HDSISR, or in HSRR1 for a fetch */
static u32 khn_fault_status(enum khn_walk_err err, bool fetch)
{
	switch (err) {
	case KHN_WALK_OK:
	case KHN_WALK_RETRY:
		return 0;
	case KHN_WALK_NO_ENTRY:
		return fetch ? KHN_SRR1_ISI_NOPT : KHN_DSISR_NOHPTE;
	case KHN_WALK_PROT:
		return fetch ? KHN_SRR1_ISI_N_G_OR_CIP : KHN_DSISR_PROTFAULT;
	case KHN_WALK_READ_FAULT:
		return KHN_DSISR_PRTABLE_FAULT;
	default:
		return KHN_DSISR_UNSUPP_MMU;
	}
}

static int khn_walk_errno(enum khn_walk_err err)
{
	switch (err) {
	case KHN_WALK_OK:
		return 0;
	case KHN_WALK_NO_ENTRY:
		return -ENOENT;
	case KHN_WALK_PROT:
		return -EACCES;
	case KHN_WALK_READ_FAULT:
		return -EFAULT;
	case KHN_WALK_RETRY:
		return -EAGAIN;
	default:
		return -EINVAL;
	}
}

static int khn_walk_fail(const struct khn_walk *w, enum khn_walk_err err,
			 unsigned int access, struct khn_fault *fault)
{
	u32 status = khn_fault_status(err, access & KHN_ACC_EXEC);

	*fault = (struct khn_fault) {
		.err = err,
		.addr = w->addr,
		.level = w->level,
		.entry = w->entry,
		.entry_ra = w->entry_ra,
	};
	if (access & KHN_ACC_EXEC)
		fault->srr1 = status;
	else if (status && (access & KHN_ACC_WRITE))
		fault->dsisr = status | KHN_DSISR_ISSTORE;
	else
		fault->dsisr = status;
	return khn_walk_errno(err);
}

/**
 * khn_l1_walk() - translate an L2-real address through L1's tree
 * @l1: L1 memory
 * @pate: the L2's entry, from khn_pate_read() or khn_pate_decode()
 * @pwc: the L2's page-walk cache, or NULL: the walk starts at the deepest
 *	 table it holds for @addr, and it learns the table the walk ends in
 * @addr: L2-real address
 * @access: KHN_ACC_* rights the access needs (0: no permission check)
 * @set_rc: set R, and C for a write, in L1's leaf as hardware would
 * @xl: the translation, filled on success only
 * @fault: why not, filled on failure only
 *
 * Each entry is one big-endian 8-byte read through @l1->read; see
 * l1walk.h for the trees, leaves and permissions accepted.  With @set_rc,
 * a permitted access whose leaf lacks R (or C) updates it with
 * @l1->cmpxchg_be64; if L1 changed the leaf meanwhile, the whole walk is
 * redone (the leaf may now be gone or forbid the access), up to
 * %KHN_L1WALK_RC_TRIES times.  A denied access never sets R/C.
 *
 * Return: 0; or -ENOENT (no entry), -EACCES (protection), -EINVAL
 * (malformed tree, address beyond the tree, unusable @pate), -EFAULT (a
 * table, or the leaf's R/C update, outside L1 memory), -EAGAIN
 * (%KHN_WALK_RETRY) with @fault describing it.
 */
int khn_l1_walk(const struct khn_l1_mem *l1, const struct khn_pate *pate,
		struct khn_pwc *pwc, u64 addr, unsigned int access,
		bool set_rc, struct khn_xlate *xl, struct khn_fault *fault)
{
	enum khn_walk_err err;
	struct khn_walk w;
	unsigned int tries;

	for (tries = 0; tries < KHN_L1WALK_RC_TRIES; tries++) {
		err = khn_walk_once(&w, l1, pate, pwc, addr, access);
		if (pwc)
			khn_pwc_fill(pwc, &w, err);
		if (err != KHN_WALK_OK || !set_rc)
			break;
		err = khn_leaf_set_rc(&w, access);
		if (err != KHN_WALK_RETRY)
			break;
	}
	if (err != KHN_WALK_OK)
		return khn_walk_fail(&w, err, access, fault);

	*xl = (struct khn_xlate) {
		.l1_ra = (w.entry & KHN_RPTE_RPN) |
			 (addr & (BIT_ULL(w.span) - 1)),
		.shift = w.span,
		.pte = w.entry,
		.pte_ra = w.entry_ra,
		.level = w.level,
	};
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(khn_l1_walk);
