/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The L2 programs of l1fuzz (fuzz-guest.S), copied into every L2's code
 * page; each is an array of instruction words ended by the next symbol.
 * fz_hc: "sc 1" with r3..r12 as L1 set them, then MARK_L2 with r4 = r3.
 * fz_touch: load r7, store r5 to r8, load r9.  fz_illegal: an illegal
 * instruction.  fz_hvspr: mtspr LPCR.  fz_tlbie_prs, fz_tlbie_lpid: tlbie
 * RB=r7 RS=r8, process scope / partition scope RIC 2.  fz_mtmsrd: MSR = r5,
 * load r7.  fz_spin: count in r8 until hdec.
 */
#ifndef _L1SIM_FUZZ_GUEST_H
#define _L1SIM_FUZZ_GUEST_H

extern const unsigned int fz_hc[], fz_touch[], fz_illegal[], fz_hvspr[], fz_tlbie_prs[];
extern const unsigned int fz_tlbie_lpid[], fz_mtmsrd[], fz_spin[], fz_progs_end[];

#endif /* _L1SIM_FUZZ_GUEST_H */
