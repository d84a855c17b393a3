/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * H_COPY_TOFROM_GUEST: L1 asks L0 to copy between its own memory and an
 * L2's effective address space.  Arch-neutral: the L2 effective address
 * is translated in software, by the L2's process-scoped tree and then
 * L1's partition-scoped tree for that L2, both read through
 * struct khn_l1_mem.  The hypercall layer finds the L2 (r4), moves the
 * bytes between L1's buffer (r7 or r8) and an L0 buffer, and calls
 * khn_gcopy() for the L2 side.
 *
 * The ABI (PAPR nested API):
 *   r4 = L1's LPID of the L2, r5 = PID, r6 = L2 effective address,
 *   r7 = "to": L1-real buffer receiving a load from L2 (0 for a store),
 *   r8 = "from": L1-real buffer holding a store into L2 (0 for a load),
 *   r9 = byte count.
 *   H_PARAMETER: both or neither of to/from, top 12 bits of the address
 *   set, count above %KHN_GCOPY_MAX, a range that passes 2^52 or wraps.
 *   H_NOT_FOUND: any translation or access failure.
 *
 * The address is what L1 Linux passes: the quadrant bits (0:1) stripped,
 * the quadrant chosen by the PID instead (PID 0 for the L2's kernel).
 */
#ifndef _KHN_GCOPY_H
#define _KHN_GCOPY_H

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>

struct khn_l1_mem;
struct khn_pate;

/*
 * Largest copy L0 serves.  L1 Linux copies at most a page or so (an
 * instruction, a few doublewords of an L2 stack); the bound keeps L0's
 * buffer and the number of pages a copy walks small.  A multiple of 4K.
 */
#define KHN_GCOPY_MAX		SZ_64K

/* Effective address bits L1 may pass: the top 12 must be clear */
#define KHN_GCOPY_EA_BITS	52

/*
 * Process table entry (ISA v3.0B, radix): 16 bytes, indexed by PID, at
 * the L2-real address in PATE doubleword 1 (PRTB).  Doubleword 0 has the
 * layout of PATE doubleword 0 (KHN_PATE0_RTS1/RPDB/RTS2/RPDS) except
 * that bit 0 (HR in a PATE) is reserved, like bit 3; doubleword 1 is
 * reserved for radix and never read.
 */
#define KHN_PRTE_BYTES		16
#define KHN_PRTE0_RSVD		(BIT_ULL(63) | BIT_ULL(60))	/* 0, 3 */

long khn_gcopy_check(u64 eaddr, u64 to, u64 from, u64 n);
long khn_gcopy(const struct khn_l1_mem *l1, const struct khn_pate *pate,
	       u32 pid, u64 eaddr, void *buf, u64 n, bool store);
long khn_gfetch(const struct khn_l1_mem *l1, const struct khn_pate *pate,
		u32 pidr, u64 msr, u64 nip, void *buf, unsigned int n);

#endif /* _KHN_GCOPY_H */
