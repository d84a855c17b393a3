/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SPR bits the nested-entry sanitisation rules look at (MSR, LPCR,
 * HFSCR, DAWRX, CIABR, PCR, AMOR), as CPU-order u64 values with the same
 * values as <asm/reg.h>.  They are ABI facts of ISA v3.0B Book III, kept
 * free of arch headers so the arch-neutral core and its UML tests use the
 * values the ppc64 build does.  Bit comments give the ISA's (MSB = 0)
 * numbering.
 */
#ifndef _KHN_SPRS_H
#define _KHN_SPRS_H

#include <linux/bits.h>
#include <linux/types.h>

/* MSR */
#define KHN_MSR_SF		BIT_ULL(63)		/* 0: 64-bit mode */
#define KHN_MSR_HV		BIT_ULL(60)		/* 3: hypervisor state */
#define KHN_MSR_TS_T		BIT_ULL(34)		/* 29: transactional */
#define KHN_MSR_TS_S		BIT_ULL(33)		/* 30: suspended */
#define KHN_MSR_TS_MASK		(KHN_MSR_TS_T | KHN_MSR_TS_S) /* 29:30 TS */
#define KHN_MSR_TS_N		0ULL			/* non-transactional */
#define KHN_MSR_TM		BIT_ULL(32)		/* 31: TM available */
#define KHN_MSR_VEC		BIT_ULL(25)		/* 38: VMX available */
#define KHN_MSR_VSX		BIT_ULL(23)		/* 40: VSX available */
#define KHN_MSR_S		BIT_ULL(22)		/* 41: secure state */
#define KHN_MSR_EE		BIT_ULL(15)		/* 48: external irq enable */
#define KHN_MSR_PR		BIT_ULL(14)		/* 49: problem state */
#define KHN_MSR_FP		BIT_ULL(13)		/* 50: FP available */
#define KHN_MSR_ME		BIT_ULL(12)		/* 51: machine check enable */
#define KHN_MSR_IR		BIT_ULL(5)		/* 58: instruction relocate */
#define KHN_MSR_DR		BIT_ULL(4)		/* 59: data relocate */
#define KHN_MSR_RI		BIT_ULL(1)		/* 62: recoverable interrupt */
#define KHN_MSR_LE		BIT_ULL(0)		/* 63: little-endian */

/* LPCR */
#define KHN_LPCR_VPM0		BIT_ULL(63)		/* 0 */
#define KHN_LPCR_VPM1		BIT_ULL(62)		/* 1 */
#define KHN_LPCR_ISL		BIT_ULL(61)		/* 2: ignore SLB large page */
#define KHN_LPCR_DPFD		GENMASK_ULL(54, 52)	/* 9:11 default prefetch depth */
#define KHN_LPCR_VRMASD		GENMASK_ULL(51, 47)	/* 12:16 VRMA page size */
#define KHN_LPCR_PECE_HVEE	BIT_ULL(46)		/* 17: wake on HV interrupts */
#define KHN_LPCR_HAIL		BIT_ULL(26)		/* 37: HV AIL (ISA v3.1) */
#define KHN_LPCR_ILE		BIT_ULL(25)		/* 38: interrupt little-endian */
#define KHN_LPCR_AIL		GENMASK_ULL(24, 23)	/* 39:40 alt. interrupt location */
#define KHN_LPCR_AIL_0		0ULL			/* interrupts at 0x0 */
#define KHN_LPCR_AIL_3		GENMASK_ULL(24, 23)	/* at 0xc000000000004000 */
#define KHN_LPCR_UPRT		BIT_ULL(22)		/* 41: use process table */
#define KHN_LPCR_HR		BIT_ULL(20)		/* 43: host radix */
#define KHN_LPCR_ONL		BIT_ULL(18)		/* 45: online (PURR counts) */
#define KHN_LPCR_LD		BIT_ULL(17)		/* 46: large decrementer */
#define KHN_LPCR_PECE		GENMASK_ULL(16, 12)	/* 47:51 powersave exit causes */
#define KHN_LPCR_MER		BIT_ULL(11)		/* 52: mediated external */
#define KHN_LPCR_GTSE		BIT_ULL(10)		/* 53: guest translation shootdown */
#define KHN_LPCR_TC		BIT_ULL(9)		/* 54: translation control (HPT) */
#define KHN_LPCR_HEIC		BIT_ULL(4)		/* 59: HV external irq control */
#define KHN_LPCR_LPES		GENMASK_ULL(3, 2)	/* 60:61 environment selector */
#define KHN_LPCR_HVICE		BIT_ULL(1)		/* 62: HV virtualization irq */
#define KHN_LPCR_HDICE		BIT_ULL(0)		/* 63: HV decrementer irq */

/*
 * HFSCR (facility bits numbered as in FSCR).  The interrupt cause field
 * says which facility an HFAC interrupt was for.
 */
#define KHN_HFSCR_INTR_CAUSE	GENMASK_ULL(63, 56)	/* 0:7 */
#define KHN_HFSCR_PREFIX	BIT_ULL(13)		/* 50 */
#define KHN_HFSCR_MSGP		BIT_ULL(10)		/* 53 */
#define KHN_HFSCR_TAR		BIT_ULL(8)		/* 55 */
#define KHN_HFSCR_EBB		BIT_ULL(7)		/* 56 */
#define KHN_HFSCR_TM		BIT_ULL(5)		/* 58 */
#define KHN_HFSCR_BHRB		BIT_ULL(4)		/* 59 */
#define KHN_HFSCR_PM		BIT_ULL(3)		/* 60 */
#define KHN_HFSCR_DSCR		BIT_ULL(2)		/* 61 */
#define KHN_HFSCR_VECVSX	BIT_ULL(1)		/* 62 */
#define KHN_HFSCR_FP		BIT_ULL(0)		/* 63 */

/* DAWRX0/DAWRX1: the privilege-match bits are 61:63 */
#define KHN_DAWRX_DW		BIT_ULL(6)		/* 57: match stores */
#define KHN_DAWRX_DR		BIT_ULL(5)		/* 58: match loads */
#define KHN_DAWRX_WT		BIT_ULL(4)		/* 59: translation enabled */
#define KHN_DAWRX_WTI		BIT_ULL(3)		/* 60: ignore translation */
#define KHN_DAWRX_HYP		BIT_ULL(2)		/* 61: match in HV state */
#define KHN_DAWRX_KERNEL	BIT_ULL(1)		/* 62: match privileged */
#define KHN_DAWRX_USER		BIT_ULL(0)		/* 63: match problem state */

/*
 * PPR: the thread priority PRI (11:13).  A privileged (non-hypervisor)
 * program can set at most "high" (6); "very high" (7) is the
 * hypervisor's.
 */
#define KHN_PPR_PRI		GENMASK_ULL(52, 50)	/* 11:13 */
#define KHN_PPR_PRI_HIGH	6ULL
#define KHN_PPR_PRI_VERY_HIGH	7ULL

/* CIABR: PRIV (62:63) selects the privilege state that matches; 0 = none */
#define KHN_CIABR_PRIV		GENMASK_ULL(1, 0)
#define KHN_CIABR_PRIV_USER	1ULL
#define KHN_CIABR_PRIV_SUPER	2ULL
#define KHN_CIABR_PRIV_HYPER	3ULL

/*
 * PCR: feature-disable bits at the top, compatibility levels at the
 * bottom.  A compatibility bit set makes the processor behave as that
 * level, so setting more bits is always more restrictive.  Every other
 * bit is reserved and is written as 1, so a future feature stays off.
 */
#define KHN_PCR_VEC_DIS		BIT_ULL(63)		/* 0 */
#define KHN_PCR_VSX_DIS		BIT_ULL(62)		/* 1 */
#define KHN_PCR_TM_DIS		BIT_ULL(61)		/* 2 */
#define KHN_PCR_MMA_DIS		BIT_ULL(60)		/* 3 */
#define KHN_PCR_HIGH_BITS	(KHN_PCR_MMA_DIS | KHN_PCR_VEC_DIS |	\
				 KHN_PCR_VSX_DIS | KHN_PCR_TM_DIS)
#define KHN_PCR_ARCH_300	BIT_ULL(4)		/* 59: v3.00 */
#define KHN_PCR_ARCH_207	BIT_ULL(3)		/* 60: v2.07 */
#define KHN_PCR_ARCH_206	BIT_ULL(2)		/* 61: v2.06 */
#define KHN_PCR_ARCH_205	BIT_ULL(1)		/* 62: v2.05 */
#define KHN_PCR_LOW_BITS	(KHN_PCR_ARCH_207 | KHN_PCR_ARCH_206 |	\
				 KHN_PCR_ARCH_205 | KHN_PCR_ARCH_300)
#define KHN_PCR_MASK		(~(KHN_PCR_HIGH_BITS | KHN_PCR_LOW_BITS)) /* reserved */

/*
 * AMOR: all ones lets the guest OS change every AMR key; L0 runs an L2
 * with it so.  No <asm/reg.h> counterpart: a value, not a bit.
 */
#define KHN_AMOR_ALL		(~0ULL)

#endif /* _KHN_SPRS_H */
