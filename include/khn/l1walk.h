/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading L1's partition table and walking L1's partition-scoped radix tree
 * for an L2: L2-real -> L1-real.  L1 is untrusted: every entry is checked,
 * every read goes through struct khn_l1_mem and is bounds-checked there,
 * and the walk is bounded whatever L1 writes.
 *
 * What the checks accept (ISA v3.0B Book III radix, POWER9 limits):
 *   - a tree of 2^31 .. 2^52 bytes (RTS 0 .. 21: every size the ISA encodes
 *     up to POWER9's 52-bit real addresses);
 *   - a root of 2^5 .. 2^16 entries, any table of 2^KHN_NLS_MIN ..
 *     2^KHN_NLS_MAX entries whose entries still span at least 4K, every
 *     table aligned to its size, at most KHN_WALK_MAX_LEVELS levels;
 *   - a leaf at any level whose span is 4K, 64K, 2M or 1G (the page sizes
 *     POWER9 translates), with its RPN aligned to that size.  In the
 *     standard trees (13-9-9-9 and 13-9-9-5) that is 1G at level 1, 2M at
 *     level 2, 4K or 64K at level 3; a leaf in the root (512G) is refused;
 *   - permissions from the EAA bits: a read needs READ or RW, a write RW,
 *     an instruction fetch EXEC and a leaf that is not guarded
 *     (ATT = non-idempotent I/O).  The privilege bit is ignored: it
 *     restricts problem-state accesses in process-scoped translation and
 *     has no meaning for partition-scoped translation (as in QEMU's POWER9
 *     model and the in-tree nested walker); a leaf with only PRIV set
 *     grants nothing.
 */
#ifndef _KHN_L1WALK_H
#define _KHN_L1WALK_H

#include <linux/types.h>

/**
 * struct khn_l1_mem - access to L1 memory (guest real addresses)
 * @read:	copy @len bytes at L1-real @ra into @buf.  Must fail with
 *		-EFAULT, touching nothing, if any byte lies outside L1 memory
 * @write:	copy @len bytes from @buf to L1-real @ra.  Must fail with
 *		-EFAULT if any byte lies outside L1 memory; the bytes before
 *		that one may have been written (kvm_write_guest() does), so
 *		khn_gcopy(), the one user, checks its pieces by @read first.
 *		The walks never write
 * @cmpxchg_be64: atomically replace the big-endian doubleword at L1-real
 *		@ra (8-byte aligned) with @new if it still holds @old.
 *		Return 0, -EAGAIN if it changed, -EFAULT outside L1 memory.
 *		Used to set R/C in L1's leaf the way hardware would.  (Not
 *		"cmpxchg64": the kernel's cmpxchg64() macro would expand
 *		every call l1->cmpxchg64(...).)
 * @ctx:	passed to every callback
 */
struct khn_l1_mem {
	int (*read)(void *ctx, u64 ra, void *buf, size_t len);
	int (*write)(void *ctx, u64 ra, const void *buf, size_t len);
	int (*cmpxchg_be64)(void *ctx, u64 ra, __be64 old, __be64 new);
	void *ctx;
};

/**
 * struct khn_pate - a decoded, checked radix partition table entry
 * @dw0:	doubleword 0 as read (CPU order)
 * @dw1:	doubleword 1 as read (CPU order)
 * @root:	L1-real address of the root page directory
 * @root_bits:	log2 of the number of root entries (RPDS)
 * @va_bits:	address bits the tree translates (RTS + 31)
 * @prtb:	L1-real address of the L2's process table
 * @prts:	log2 of the process table size in bytes (12 + PRTS)
 */
struct khn_pate {
	u64 dw0;
	u64 dw1;
	u64 root;
	unsigned int root_bits;
	unsigned int va_bits;
	u64 prtb;
	unsigned int prts;
};

/**
 * enum khn_walk_err - why a walk of L1's tree stopped
 * @KHN_WALK_OK:		translated
 * @KHN_WALK_NO_ENTRY:		an entry on the path is not valid
 * @KHN_WALK_PROT:		the leaf forbids the access
 * @KHN_WALK_BAD_RSVD:		reserved bits set in an entry
 * @KHN_WALK_BAD_ALIGN:		next-level base not aligned to its table size,
 *				or leaf RPN not aligned to its page size
 * @KHN_WALK_BAD_NLS:		next-level size out of range
 * @KHN_WALK_TOO_DEEP:		directory where the address bits are used up
 * @KHN_WALK_BAD_LEAF:		leaf of a size the ISA does not allow there
 * @KHN_WALK_BEYOND_RTS:	address beyond the tree's size
 * @KHN_WALK_READ_FAULT:	a table lies outside L1 memory
 * @KHN_WALK_BAD_PATE:		partition table entry unusable (HPT, sizes,
 *				alignment, outside L1 memory, LPID out of range)
 * @KHN_WALK_RETRY:		L1 changed the leaf under every attempt to set
 *				R/C (KHN_L1WALK_RC_TRIES): nothing to reflect,
 *				let the access fault again
 */
enum khn_walk_err {
	KHN_WALK_OK,
	KHN_WALK_NO_ENTRY,
	KHN_WALK_PROT,
	KHN_WALK_BAD_RSVD,
	KHN_WALK_BAD_ALIGN,
	KHN_WALK_BAD_NLS,
	KHN_WALK_TOO_DEEP,
	KHN_WALK_BAD_LEAF,
	KHN_WALK_BEYOND_RTS,
	KHN_WALK_READ_FAULT,
	KHN_WALK_BAD_PATE,
	KHN_WALK_RETRY,
};

/* How many times khn_l1_walk() re-walks when its R/C update loses a race */
#define KHN_L1WALK_RC_TRIES	4

/*
 * Access kinds for khn_l1_walk(): the rights the access needs.  An access
 * with KHN_ACC_EXEC is an instruction fetch (HISI), any other a data access
 * (HDSI); 0 translates without a permission check.
 */
#define KHN_ACC_READ	0x1
#define KHN_ACC_WRITE	0x2
#define KHN_ACC_EXEC	0x4

/**
 * struct khn_fault - a failed walk, ready to reflect to L1
 * @err:	the reason
 * @addr:	the L2-real address that faulted (HDAR / ASDR for L1)
 * @dsisr:	HDSISR bits for a data access (KHN_DSISR_*, incl. ISSTORE);
 *		0 for an instruction fetch
 * @srr1:	HSRR1 bits for an instruction fetch; 0 for a data access
 * @level:	tree level of the offending entry (0 = root)
 * @entry:	the offending entry (CPU order), 0 if none was read
 * @entry_ra:	L1-real address of @entry, or of the doubleword that could
 *		not be read (%KHN_WALK_READ_FAULT); 0 if the walk read nothing
 *
 * The status bits: no entry: %KHN_DSISR_NOHPTE / %KHN_SRR1_ISI_NOPT;
 * protection: %KHN_DSISR_PROTFAULT / %KHN_SRR1_ISI_N_G_OR_CIP (the ISA's
 * no-execute-or-guarded bit, what a radix leaf without EXEC raises);
 * a malformed tree or an address beyond it: %KHN_DSISR_UNSUPP_MMU; a
 * table outside L1 memory: %KHN_DSISR_PRTABLE_FAULT.  HSRR1 carries the
 * last two at the DSISR positions, as hardware does.  A data fault adds
 * %KHN_DSISR_ISSTORE for a write.  %KHN_WALK_RETRY sets none.
 */
struct khn_fault {
	enum khn_walk_err err;
	u64 addr;
	u32 dsisr;
	u64 srr1;
	unsigned int level;
	u64 entry;
	u64 entry_ra;
};

/**
 * struct khn_xlate - a successful walk
 * @l1_ra:	L1-real address @addr translates to
 * @shift:	page shift of L1's leaf (12, 16, 21 or 30)
 * @pte:	L1's leaf as read (CPU order), after any R/C update
 * @pte_ra:	L1-real address of that leaf
 * @level:	tree level of the leaf
 */
struct khn_xlate {
	u64 l1_ra;
	unsigned int shift;
	u64 pte;
	u64 pte_ra;
	unsigned int level;
};

/* Tables a struct khn_pwc remembers */
#define KHN_PWC_ENTRIES	16

/**
 * struct khn_pwc_entry - one directory table of L1's tree, as last walked
 * @prefix:	the L2-real address bits above @span + @nls: every address
 *		with them is translated through @table
 * @table:	L1-real base of the table
 * @nls:	log2 of its entries
 * @span:	log2 of the bytes each of its entries maps
 * @level:	its level in the tree (0 = root; never cached)
 */
struct khn_pwc_entry {
	u64 prefix;
	u64 table;
	u8 nls;
	u8 span;
	u8 level;
};

/**
 * struct khn_pwc - a page-walk cache of one L2's partition-scoped tree
 * @e:		the tables, each reached through directory entries that were
 *		valid and well formed when read
 * @nr:		entries of @e in use
 * @next:	the entry the next fill replaces once all are in use
 * @last:	the entry the last walk started from or ended in: tried first
 * @deepest:	the deepest level of the entries in use: an entry there
 *		that matches cannot be bettered, and ends the lookup
 * @hits:	walks that started below the root
 *
 * Hardware caches the directory levels of a walk the same way, and L1
 * must flush them (tlbie with RIC 1 or 2) when it changes or frees a
 * directory entry it made valid; until then a walk may start below it.
 * The owner flushes the whole cache (khn_pwc_flush()) on every
 * invalidation L1 asks for the L2 and whenever the L2's partition table
 * entry is re-read.  Leaves are never cached: every walk reads its leaf.
 * Not locked: the owner serialises walks and flushes.
 */
struct khn_pwc {
	struct khn_pwc_entry e[KHN_PWC_ENTRIES];
	unsigned int nr;
	unsigned int next;
	unsigned int last;
	unsigned int deepest;
	unsigned long hits;
};

void khn_pwc_flush(struct khn_pwc *pwc);

int khn_pate_read(const struct khn_l1_mem *l1, u64 ptcr, u64 lpid,
		  struct khn_pate *pate);
int khn_pate_decode(u64 dw0, u64 dw1, struct khn_pate *pate);
bool khn_ptcr_valid(u64 ptcr);

int khn_l1_walk(const struct khn_l1_mem *l1, const struct khn_pate *pate,
		struct khn_pwc *pwc, u64 addr, unsigned int access,
		bool set_rc, struct khn_xlate *xl, struct khn_fault *fault);

#endif /* _KHN_L1WALK_H */
