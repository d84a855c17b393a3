/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The code l1sim runs as L1 and as L2 (see guest.h).  Assembled into the
 * host binary as data, little-endian; the host copies it into L1 memory
 * (byte-reversed for a big-endian L1).
 */
#include "guest.h"

	.section .rodata
	.balign	4
	.globl	l1_tramp, l1_tramp_end, l1_touch, l1_touch_end, l1_vec, l1_vec_end
	.globl	l2_code, l2_rw, l2_load, l2_store, l2_spin, l2_count, l2_hcall
	.globl	l2_ppr, l2_lhau, l2_code_end

l1_tramp:
	sc	1
	mr	4, 3
	li	3, MARK_RET
	sc	1
	b	.
l1_tramp_end:

/*
 * l1_tramp, after L1 rewrites the doublewords r4 and r5 point to with
 * what they hold: L0 maps those L1 pages for L1, writable.
 */
l1_touch:
	ld	0, 0(4)
	std	0, 0(4)
	ld	0, 0(5)
	std	0, 0(5)
	sc	1
	mr	4, 3
	li	3, MARK_RET
	sc	1
	b	.
l1_touch_end:

l1_vec:
	mfsrr0	4
	mfsrr1	5
	li	6, 0		/* word L1_VEC_PATCH: the vector */
	li	3, MARK_INTR
	sc	1
	b	.
l1_vec_end:

l2_code:
l2_rw:
	std	5, 0(4)
	ld	6, 0(4)
	li	3, MARK_L2
	sc	1
	b	.
l2_load:
	ld	6, 0(7)
	li	3, MARK_L2
	sc	1
	b	.
l2_store:
	std	5, 0(7)
	li	3, MARK_L2
	sc	1
	b	.
l2_spin:
	addi	8, 8, 1
	b	l2_spin
l2_count:
	addi	8, 8, 1
	cmpd	8, 9
	bne	l2_count
	li	3, MARK_L2
	sc	1
	b	.
l2_hcall:
	sc	1
	mr	4, 3
	li	3, MARK_L2
	sc	1
	b	.
l2_ppr:
	mfspr	6, 896
	li	3, MARK_L2
	sc	1
	b	.
l2_lhau:
	lhau	9, 2(7)
	li	3, MARK_L2
	sc	1
	b	.
l2_code_end:

	.section .note.GNU-stack, "", @progbits
