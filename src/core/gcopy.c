// SPDX-License-Identifier: GPL-2.0-only
/*
 * H_COPY_TOFROM_GUEST, the L2 side: copy between an L0 buffer and an L2
 * effective address range.
 *
 * Two translations, both by khn_l1_walk(), both over memory that L1 or
 * the L2 may rewrite at any moment:
 *   EA -> L2-real: the L2's process-scoped tree for the PID, rooted in
 *	the L2's process table.  Every table it reads is at an L2-real
 *	address, so the walk is handed a struct khn_l1_mem whose read first
 *	translates L2-real -> L1-real (khn_l2_mem_read()): one walker,
 *	composed with itself, not a second one.
 *   L2-real -> L1-real: L1's partition-scoped tree for the L2.
 * Both are bounded (khn_l1_walk() descends at most KHN_WALK_MAX_LEVELS
 * levels), so a copy reads at most a fixed number of doublewords per
 * page, and a copy is at most KHN_GCOPY_CHUNKS pieces of a page each.
 *
 * Nothing sets R or C: L1 and the L2 see no side effect of a copy but
 * the bytes.  Every page of the range is translated, and for a store
 * checked to be in L1 memory, before the first byte moves, so a store
 * that fails writes nothing (unless L1's memory changes between the check
 * and the write: see khn_gcopy()).
 */

#include <linux/build_bug.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <asm/byteorder.h>
#include <kunit/visibility.h>

#include "khn/gcopy.h"
#include "khn/l1walk.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/sprs.h"

/*
 * Pages a copy of at most KHN_GCOPY_MAX bytes touches: every page is 4K
 * or larger and aligned, so each piece but the last ends on a 4K boundary
 * of the effective address.
 */
#define KHN_GCOPY_CHUNKS	(KHN_GCOPY_MAX / SZ_4K + 1)

/* Is [@start, @start + @n) below 2^@bits, its end computed without wrapping? */
static bool khn_range_below(u64 start, u64 n, unsigned int bits)
{
	u64 end;

	return !check_add_overflow(start, n, &end) && end <= BIT_ULL(bits);
}

/* The checks on the L2 side, shared by khn_gcopy_check() and khn_gcopy() */
static long khn_gcopy_check_ea(u64 eaddr, u64 n)
{
	if (eaddr >> KHN_GCOPY_EA_BITS)
		return KHN_H_PARAMETER;
	if (n > KHN_GCOPY_MAX)
		return KHN_H_PARAMETER;
	if (!khn_range_below(eaddr, n, KHN_GCOPY_EA_BITS))
		return KHN_H_PARAMETER;
	return KHN_H_SUCCESS;
}

/**
 * khn_gcopy_check() - check the arguments of an H_COPY_TOFROM_GUEST
 * @eaddr:	L2 effective address (r6)
 * @to:		L1-real buffer for a load from L2 (r7), or 0
 * @from:	L1-real buffer for a store into L2 (r8), or 0
 * @n:		byte count (r9)
 *
 * Refused: both or neither of @to and @from; any of the top 12 bits of
 * @eaddr set; @n above %KHN_GCOPY_MAX; a range [@eaddr, @eaddr + @n) that
 * passes 2^52, or an L1 buffer range that wraps past 2^64.  Whether the
 * L1 buffer is L1 memory is found out by the copy itself (H_NOT_FOUND, as
 * for any access that fails).  @n = 0 is valid: it copies nothing.
 *
 * Return: %KHN_H_SUCCESS or %KHN_H_PARAMETER.
 */
long khn_gcopy_check(u64 eaddr, u64 to, u64 from, u64 n)
{
	u64 l1_buf = to ?: from;
	u64 end;

	if (!to == !from)
		return KHN_H_PARAMETER;
	if (check_add_overflow(l1_buf, n, &end))
		return KHN_H_PARAMETER;
	return khn_gcopy_check_ea(eaddr, n);
}
EXPORT_SYMBOL_IF_KUNIT(khn_gcopy_check);

/*
 * One copy in progress.  @l2 is L2 memory as the process-scoped walk sees
 * it: L2-real addresses, read through @l1 after L1's tree for the L2
 * (@pate) translates them.
 */
struct khn_gcopy {
	struct khn_l1_mem l2;
	const struct khn_l1_mem *l1;
	const struct khn_pate *pate;
};

/*
 * L2-real -> L1-real through L1's partition-scoped tree.  @room: bytes
 * from @l2_ra to the end of L1's page, over which the translation holds.
 */
static bool khn_l2_real_xlate(const struct khn_gcopy *c, u64 l2_ra,
			      unsigned int access, u64 *l1_ra, u64 *room)
{
	struct khn_fault fault;
	struct khn_xlate xl;

	if (khn_l1_walk(c->l1, c->pate, NULL, l2_ra, access, false, &xl, &fault))
		return false;
	*l1_ra = xl.l1_ra;
	*room = BIT_ULL(xl.shift) - (l2_ra & (BIT_ULL(xl.shift) - 1));
	return true;
}

/*
 * The read of @c->l2: L2-real memory, page by page of L1's tree.  The
 * walk reads one aligned doubleword at a time, so this loops once, but it
 * would be right for any range.  Each pass moves at least one byte.
 */
static int khn_l2_mem_read(void *ctx, u64 l2_ra, void *buf, size_t len)
{
	const struct khn_gcopy *c = ctx;
	u8 *p = buf;
	u64 l1_ra, room;
	size_t part;

	while (len) {
		if (!khn_l2_real_xlate(c, l2_ra, KHN_ACC_READ, &l1_ra, &room))
			return -EFAULT;
		part = min_t(u64, len, room);
		if (c->l1->read(c->l1->ctx, l1_ra, p, part))
			return -EFAULT;
		p += part;
		l2_ra += part;
		len -= part;
	}
	return 0;
}

/*
 * R/C updates of @c->l2: never asked for (every walk here passes
 * set_rc = false); refused rather than left NULL, so that a future caller
 * that asks gets a fault, not a crash.
 */
static int khn_l2_mem_cmpxchg_be64(void *ctx, u64 l2_ra, __be64 old,
				   __be64 new)
{
	return -EFAULT;
}

/*
 * The root of the process-scoped tree for @pid, as a struct khn_pate so
 * that khn_l1_walk() walks it.  Only reserved bits are checked here: the
 * walk refuses (KHN_WALK_BAD_PATE) a size, root or alignment it cannot
 * walk, an all-zero entry (no root) included.
 */
static bool khn_prte_read(const struct khn_gcopy *c, u32 pid,
			  struct khn_pate *tree)
{
	const struct khn_pate *pate = c->pate;
	__be64 raw;
	u64 dw0;

	/* PID bounded by the table before any arithmetic on it */
	if (pate->prts > 12 + KHN_PATS_MAX ||
	    pid >= BIT_ULL(pate->prts) / KHN_PRTE_BYTES)
		return false;
	if (c->l2.read(c->l2.ctx, pate->prtb + (u64)pid * KHN_PRTE_BYTES,
		       &raw, sizeof(raw)))
		return false;
	dw0 = be64_to_cpu(raw);
	if (dw0 & KHN_PRTE0_RSVD)
		return false;
	*tree = (struct khn_pate) {
		.dw0 = dw0,
		.root = dw0 & KHN_PATE0_RPDB,
		.root_bits = dw0 & KHN_PATE0_RPDS,
		.va_bits = khn_rts_bits(dw0),
	};
	return true;
}

/* A piece of the copy: L1-real bytes behind one stretch of the range */
struct khn_gcopy_chunk {
	u64 l1_ra;
	u64 len;
};

/*
 * Translate all of [@eaddr, @eaddr + @n) for @access into @chunks, each
 * within one page of both trees.  Return the number of chunks, 0 if any
 * byte does not translate.
 */
static unsigned int khn_gcopy_plan(const struct khn_gcopy *c,
				   const struct khn_pate *tree, u64 eaddr,
				   u64 n, unsigned int access,
				   struct khn_gcopy_chunk *chunks)
{
	unsigned int nr = 0;
	struct khn_fault fault;
	struct khn_xlate xl;
	u64 l1_ra, room, len;

	while (n) {
		if (WARN_ON_ONCE(nr == KHN_GCOPY_CHUNKS))
			return 0;
		if (khn_l1_walk(&c->l2, tree, NULL, eaddr, access, false, &xl,
				&fault))
			return 0;
		/* xl.l1_ra is L2-real here: the tree is the L2's own */
		if (!khn_l2_real_xlate(c, xl.l1_ra, access, &l1_ra, &room))
			return 0;
		len = min3(n, room,
			   BIT_ULL(xl.shift) - (eaddr & (BIT_ULL(xl.shift) - 1)));
		chunks[nr++] = (struct khn_gcopy_chunk) { l1_ra, len };
		eaddr += len;
		n -= len;
	}
	return nr;
}

/*
 * Is every chunk L1 memory?  Reads the first and last byte of each: a
 * chunk lies in one L1 page, and L1 memory comes in whole pages (the
 * fake's in one piece), so that settles the bytes between.
 */
static bool khn_gcopy_probe(const struct khn_l1_mem *l1,
			    const struct khn_gcopy_chunk *chunks,
			    unsigned int nr)
{
	unsigned int i;
	u8 byte;

	for (i = 0; i < nr; i++) {
		if (l1->read(l1->ctx, chunks[i].l1_ra, &byte, 1) ||
		    l1->read(l1->ctx, chunks[i].l1_ra + chunks[i].len - 1,
			     &byte, 1))
			return false;
	}
	return true;
}

/**
 * khn_gcopy() - copy between an L0 buffer and an L2's address space
 * @l1:		L1 memory
 * @pate:	the L2's partition table entry, from khn_pate_read()
 * @pid:	the process whose address space @eaddr is in (0: the L2's
 *		kernel).  The caller refuses an r5 of 2^32 or more rather
 *		than truncating it
 * @eaddr:	L2 effective address, top 12 bits clear
 * @buf:	@n bytes of L0 memory: filled from the L2 by a load, copied
 *		into the L2 by a store
 * @n:		byte count, at most %KHN_GCOPY_MAX
 * @store:	true: @buf -> L2 (L1's "from" buffer); false: L2 -> @buf
 *
 * The process-scoped leaf must grant a load READ or RW and a store RW;
 * its PRIV bit is no reason to refuse (L1, the hypervisor, is asking).
 * L1's partition-scoped leaf must grant the same for the data, and READ
 * for every table of the process-scoped walk.  No R or C bit is set in
 * either tree.  A PID beyond the process table (2^(12 + PRTS) bytes, 16
 * per PID), a process table entry with reserved bits set or a root the
 * walk cannot use, and any failed walk or access are %KHN_H_NOT_FOUND.
 *
 * The whole range is translated before any byte is copied, page by page
 * (each page may have its own translation in either tree).  A failed
 * store writes nothing to the L2: each page is also checked to be L1
 * memory first, and only an L1 write that fails after that check (L1's
 * memory map changed under the copy) can leave the pages before it
 * written.  A failed load leaves @buf's contents unspecified; the caller
 * copies @buf to L1 only on %KHN_H_SUCCESS.  @n = 0 copies nothing and
 * succeeds without reading anything.
 *
 * Return: %KHN_H_SUCCESS; %KHN_H_PARAMETER if @eaddr or @n fails
 * khn_gcopy_check()'s checks; %KHN_H_NOT_FOUND as above.
 */
long khn_gcopy(const struct khn_l1_mem *l1, const struct khn_pate *pate,
	       u32 pid, u64 eaddr, void *buf, u64 n, bool store)
{
	unsigned int access = store ? KHN_ACC_WRITE : KHN_ACC_READ;
	struct khn_gcopy_chunk chunks[KHN_GCOPY_CHUNKS];
	struct khn_gcopy c = {
		.l2 = {
			.read = khn_l2_mem_read,
			.cmpxchg_be64 = khn_l2_mem_cmpxchg_be64,
			.ctx = &c,
		},
		.l1 = l1,
		.pate = pate,
	};
	struct khn_pate tree;
	unsigned int nr, i;
	u8 *p = buf;
	long rc;

	BUILD_BUG_ON(KHN_GCOPY_MAX % SZ_4K);

	rc = khn_gcopy_check_ea(eaddr, n);
	if (rc != KHN_H_SUCCESS || !n)
		return rc;
	if (!khn_prte_read(&c, pid, &tree))
		return KHN_H_NOT_FOUND;
	nr = khn_gcopy_plan(&c, &tree, eaddr, n, access, chunks);
	if (!nr)
		return KHN_H_NOT_FOUND;
	if (store && !khn_gcopy_probe(l1, chunks, nr))
		return KHN_H_NOT_FOUND;

	for (i = 0; i < nr; i++) {
		if (store)
			rc = l1->write(l1->ctx, chunks[i].l1_ra, p,
				       chunks[i].len);
		else
			rc = l1->read(l1->ctx, chunks[i].l1_ra, p,
				      chunks[i].len);
		if (rc)
			return KHN_H_NOT_FOUND;
		p += chunks[i].len;
	}
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_gcopy);

/**
 * khn_gfetch() - the instruction image at an L2's NIP, as its MMU finds it
 * @l1:		L1's memory
 * @pate:	L1's partition-table entry for the L2
 * @pidr:	the L2's PIDR
 * @msr:	the L2's MSR.  IR on: the quadrant of @nip (its top two bits)
 *		picks the PID, 0 for the kernel's quadrant 3, @pidr for
 *		quadrant 0; quadrants 1 and 2 are the hypervisor's.  IR off:
 *		@nip less its top four bits is L2-real (real addressing).
 * @nip:	the instruction's address, word aligned
 * @buf:	receives @n bytes in memory order
 * @n:		4, or 8 for a prefixed instruction
 *
 * An HDSI gives L0 no image of the instruction that faulted.  To emulate
 * an L2's access to an L1 region L0's userspace emulates, L0 reads it
 * through the L2's translation in software, as H_COPY_TOFROM_GUEST does
 * (the hardware's quadrant access does not work under QEMU's TCG).  Only
 * read permission is asked: the L2 has just executed it.
 *
 * Return: %KHN_H_SUCCESS, %KHN_H_PARAMETER for a bad @n or @nip alignment,
 * %KHN_H_NOT_FOUND when the address has no translation or no L1 memory.
 */
long khn_gfetch(const struct khn_l1_mem *l1, const struct khn_pate *pate,
		u32 pidr, u64 msr, u64 nip, void *buf, unsigned int n)
{
	struct khn_gcopy c = {
		.l2 = {
			.read = khn_l2_mem_read,
			.cmpxchg_be64 = khn_l2_mem_cmpxchg_be64,
			.ctx = &c,
		},
		.l1 = l1,
		.pate = pate,
	};
	u64 ra = nip & ~GENMASK_ULL(63, 60);
	long rc;

	if ((n != 4 && n != 8) || (nip & 3))
		return KHN_H_PARAMETER;
	if (!(msr & KHN_MSR_IR)) {
		if (!khn_range_below(ra, n, KHN_GCOPY_EA_BITS) ||
		    khn_l2_mem_read(&c, ra, buf, n))
			return KHN_H_NOT_FOUND;
		return KHN_H_SUCCESS;
	}
	switch (nip >> 62) {
	case 0:
		break;
	case 3:
		pidr = 0;
		break;
	default:
		return KHN_H_NOT_FOUND;
	}
	rc = khn_gcopy(l1, pate, pidr, nip & ~GENMASK_ULL(63, 62), buf, n,
		       false);
	return rc == KHN_H_SUCCESS ? rc : KHN_H_NOT_FOUND;
}
EXPORT_SYMBOL_IF_KUNIT(khn_gfetch);
