/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The L2 programs of l1fuzz (fuzz.c): data for the host, copied into the
 * L2 code page (little-endian) at FZ_L2_PROGS; each ends, when it ends at
 * all, with "li 3,MARK_L2; sc 1".  Registers come from the pt_regs image
 * L1 passes to H_ENTER_NESTED.  The L2's interrupt vectors hold guest.S's
 * l1_vec stub (MARK_INTR), so an interrupt the L2 takes itself also comes
 * back to L1 as an "sc 1".
 */
#include "guest.h"

	.machine power9
	.section .rodata
	.balign	4
	.globl	fz_hc, fz_touch, fz_illegal, fz_hvspr, fz_tlbie_prs, fz_tlbie_lpid
	.globl	fz_mtmsrd, fz_spin, fz_progs_end

/* every hypercall: r3..r12 as L1 set them; L0 or L1 answers */
fz_hc:
	sc	1
	mr	4, 3
	li	3, MARK_L2
	sc	1
	b	.
/* load from r7, store r5 to r8, load from r9 */
fz_touch:
	ld	6, 0(7)
	std	5, 0(8)
	ld	10, 0(9)
	li	3, MARK_L2
	sc	1
	b	.
/* an illegal instruction: a program interrupt in the L2 */
fz_illegal:
	.long	0
	li	3, MARK_L2
	sc	1
	b	.
/* a hypervisor SPR (LPCR) from the L2: an emulation assist for L0 */
fz_hvspr:
	mtspr	318, 5
	li	3, MARK_L2
	sc	1
	b	.
/* tlbie RB=r7 RS=r8, process scope, then partition scope with RIC 2 */
fz_tlbie_prs:
	tlbie	7, 8, 0, 1, 1
	eieio
	tlbsync
	ptesync
	li	3, MARK_L2
	sc	1
	b	.
fz_tlbie_lpid:
	tlbie	7, 8, 2, 0, 1
	eieio
	tlbsync
	ptesync
	li	3, MARK_L2
	sc	1
	b	.
/* MSR := r5, then a load from r7 */
fz_mtmsrd:
	mtmsrd	5
	ld	6, 0(7)
	li	3, MARK_L2
	sc	1
	b	.
/* count in r8 until hdec */
fz_spin:
	addi	8, 8, 1
	b	fz_spin
fz_progs_end:

	.section .note.GNU-stack, "", @progbits
