/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The radix tree formats of ISA v3.0B Book III (partition table entry,
 * page directory entry, page table entry, PTCR), as CPU-order u64 values.
 * In memory every entry is big-endian; the library converts at its
 * 8-byte loads and stores and nowhere else.  Bit comments give the ISA's
 * (MSB = 0) numbering.
 */
#ifndef _KHN_RADIX_H
#define _KHN_RADIX_H

#include <linux/bits.h>
#include <linux/types.h>

/* PTCR: the partition table L1 registers with H_SET_PARTITION_TABLE */
#define KHN_PTCR_PATB		GENMASK_ULL(59, 12)	/* 4:51 table base */
#define KHN_PTCR_PATS		GENMASK_ULL(4, 0)	/* 59:63 2^(12+PATS) bytes */
#define KHN_PTCR_RSVD		(GENMASK_ULL(63, 60) | GENMASK_ULL(11, 5))
#define KHN_PATS_MAX		24			/* ISA: PATS <= 24 */
#define KHN_PATE_BYTES		16

/* Partition table entry, doubleword 0 (radix: HR = 1) */
#define KHN_PATE0_HR		BIT_ULL(63)		/* 0: host radix */
#define KHN_PATE0_RTS1		GENMASK_ULL(62, 61)	/* 1:2 tree size, high */
#define KHN_PATE0_RPDB		GENMASK_ULL(59, 8)	/* 4:55 root base */
#define KHN_PATE0_RTS2		GENMASK_ULL(7, 5)	/* 56:58 tree size, low */
#define KHN_PATE0_RPDS		GENMASK_ULL(4, 0)	/* 59:63 root: 2^RPDS entries */
#define KHN_PATE0_RSVD		BIT_ULL(60)		/* 3 */
/* doubleword 1 */
#define KHN_PATE1_GR		BIT_ULL(63)		/* 0: guest radix */
#define KHN_PATE1_PRTB		GENMASK_ULL(59, 12)	/* 4:51 process table base */
#define KHN_PATE1_PRTS		GENMASK_ULL(4, 0)	/* 59:63 2^(12+PRTS) bytes */

/* Any radix tree entry */
#define KHN_RPTE_V		BIT_ULL(63)		/* 0: valid */
#define KHN_RPTE_L		BIT_ULL(62)		/* 1: leaf */

/* Page directory entry (L = 0) */
#define KHN_RPDE_NLB		GENMASK_ULL(59, 8)	/* 4:55 next level base */
#define KHN_RPDE_NLS		GENMASK_ULL(4, 0)	/* 59:63 2^NLS entries */
#define KHN_RPDE_RSVD		(GENMASK_ULL(61, 60) | GENMASK_ULL(7, 5))

/* Page table entry (L = 1) */
#define KHN_RPTE_SW		(BIT_ULL(61) | GENMASK_ULL(11, 9)) /* 2, 52:54 */
#define KHN_RPTE_RSVD		(GENMASK_ULL(60, 57) | BIT_ULL(6)) /* 3:6, 57 */
#define KHN_RPTE_RPN		GENMASK_ULL(56, 12)	/* 7:51 real page number */
#define KHN_RPTE_R		BIT_ULL(8)		/* 55: referenced */
#define KHN_RPTE_C		BIT_ULL(7)		/* 56: changed */
#define KHN_RPTE_ATT		GENMASK_ULL(5, 4)	/* 58:59 attributes */
#define KHN_RPTE_ATT_NORMAL	0x00ULL			/* cacheable memory */
#define KHN_RPTE_ATT_SAO	0x10ULL			/* strong access order */
#define KHN_RPTE_ATT_NIO	0x20ULL			/* non-idempotent I/O */
#define KHN_RPTE_ATT_TIO	0x30ULL			/* tolerant I/O */
#define KHN_RPTE_PRIV		BIT_ULL(3)		/* 60: privileged only */
#define KHN_RPTE_READ		BIT_ULL(2)		/* 61: read */
#define KHN_RPTE_RW		BIT_ULL(1)		/* 62: read/write */
#define KHN_RPTE_EXEC		BIT_ULL(0)		/* 63: execute */
#define KHN_RPTE_EAA		GENMASK_ULL(3, 0)

/* Geometry limits */
#define KHN_NLS_MIN		5	/* ISA: a directory has >= 32 entries */
#define KHN_NLS_MAX		16	/* larger tables are refused (POWER9: <= 13) */
#define KHN_RTS_BITS_MAX	52	/* POWER9: 52-bit partition-scoped trees */
#define KHN_WALK_MAX_LEVELS	5	/* more levels than that is a bad tree */

/* Page shifts a radix leaf may have */
#define KHN_SHIFT_4K		12
#define KHN_SHIFT_64K		16
#define KHN_SHIFT_2M		21
#define KHN_SHIFT_1G		30

/* Reflected-fault status bits (DSISR for HDSI, same positions in SRR1 for HISI) */
#define KHN_DSISR_NOHPTE	0x40000000U	/* no translation */
#define KHN_DSISR_PROTFAULT	0x08000000U	/* protection */
#define KHN_DSISR_ISSTORE	0x02000000U	/* access was a store */
#define KHN_DSISR_UNSUPP_MMU	0x00080000U	/* malformed tree / config */
#define KHN_DSISR_PRTABLE_FAULT	0x00020000U	/* table read failed */
#define KHN_SRR1_ISI_NOPT	0x40000000ULL
#define KHN_SRR1_ISI_N_G_OR_CIP	0x10000000ULL
#define KHN_SRR1_ISI_PROT	0x08000000ULL

/**
 * khn_rts_bits() - address bits covered by a radix tree
 * @pate0: partition table entry doubleword 0 (CPU order)
 *
 * Return: RTS + 31, i.e. log2 of the tree's address space.
 */
static inline unsigned int khn_rts_bits(u64 pate0)
{
	u64 rts = (((pate0 & KHN_PATE0_RTS1) >> 61) << 3) |
		  ((pate0 & KHN_PATE0_RTS2) >> 5);

	return (unsigned int)rts + 31;
}

#endif /* _KHN_RADIX_H */
