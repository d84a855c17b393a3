/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest side of l1sim (guest.S): the hypercall numbers it shares with
 * the host, and the addresses of its routines.  The host copies them into
 * L1 memory; none runs in the host.
 */
#ifndef _L1SIM_GUEST_H
#define _L1SIM_GUEST_H

/* Hypercall numbers kvm-hv passes to userspace: above MAX_HCALL_OPCODE. */
#define MARK_RET	0x6c01	/* trampoline: r4 = r3 of the hcall under test */
#define MARK_INTR	0x6c02	/* L1 took an interrupt: r4 srr0, r5 srr1, r6 vector */
#define MARK_L2		0x6c03	/* L2's own "sc 1": r3 of the L2 */
#define MARK_ECHO	0x6c04	/* vm-setup: a plain exit to userspace */

/* Word of l1_vec whose low 16 bits the host sets to the vector. */
#define L1_VEC_PATCH	2

#ifndef __ASSEMBLER__
/*
 * L1: the hcall trampoline ("sc 1", then the result to the host), and the
 * interrupt stub copied to every vector.  L2: store/load/"sc 1" (r4 the
 * address, r5 the value), load (r7), store (r7, r5), a loop counting in
 * r8 for ever, and one counting r8 up to r9 before its "sc 1".  Each
 * routine is one array of instruction words, ended by the next symbol.
 * l2_hcall makes the L2's own "sc 1" with r3..r9 as the host set them
 * (a hypercall L0 serves itself returns to the L2), then reports its r3
 * in r4 with MARK_L2; l2_ppr reports its PPR in r6; l2_lhau loads the
 * halfword at r7 + 2 into r9, sign-extended, and adds 2 to r7.
 */
extern const unsigned int l1_tramp[], l1_tramp_end[], l1_vec[], l1_vec_end[];
extern const unsigned int l1_touch[], l1_touch_end[];
extern const unsigned int l2_code[], l2_rw[], l2_load[], l2_store[], l2_spin[];
extern const unsigned int l2_count[], l2_hcall[], l2_ppr[], l2_lhau[];
extern const unsigned int l2_code_end[];
#endif

#endif /* _L1SIM_GUEST_H */
