/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The guest-visible images L1 hands to H_ENTER_NESTED: the L2's
 * hypervisor state (struct hv_guest_state, versions 1 and 2) and the L2's
 * register image (a ppc64 kernel struct pt_regs).  L1 writes both in its
 * own byte order, so these structures describe placement only: the values
 * are raw and khn_gstate_decode() in include/khn/gstate.h turns them into
 * native ones.
 *
 * The layout is frozen here with a CHECK_OFFSET line per field, offsets
 * written as numbers: the arch-neutral build (UML) checks it as well as
 * the ppc64 one, and src/abi_check.c checks on ppc64 that every offset and
 * size equals the kernel's own <asm/hvcall.h> and <asm/ptrace.h>.
 */
#ifndef _UAPI_KHN_HV_GUEST_STATE_H
#define _UAPI_KHN_HV_GUEST_STATE_H

#include <linux/types.h>

/* The versions of struct hv_guest_state an L1 may pass. */
#define KHN_HV_GUEST_STATE_V1		1
#define KHN_HV_GUEST_STATE_V2		2
/* The newest version this L0 serves (the kernel's HV_GUEST_STATE_VERSION). */
#define KHN_HV_GUEST_STATE_VERSION	KHN_HV_GUEST_STATE_V2

/**
 * struct khn_hv_guest_state - the L2 hypervisor state in L1 memory
 * @version:	layout version, always the first field; selects the size
 * @lpid:	L1's LPID for the L2 guest
 * @vcpu_token:	L1's identifier of the L2 vCPU
 * @lpcr:	LPCR for the L2
 * @pcr:	processor compatibility register
 * @amor:	authority mask override register
 * @dpdes:	directed privileged doorbell exception state
 * @hfscr:	hypervisor facility status and control
 * @tb_offset:	timebase offset of the L2 relative to L1
 * @dawr0:	data address watchpoint 0
 * @dawrx0:	data address watchpoint 0 extension
 * @ciabr:	completed instruction address breakpoint
 * @hdec_expiry: timebase value (L1's) at which the L2 must exit
 * @purr:	processor utilisation of resources register
 * @spurr:	scaled PURR
 * @ic:		instruction counter
 * @vtb:	virtual timebase
 * @hdar:	hypervisor data address register (set on exit)
 * @hdsisr:	hypervisor data storage interrupt status (set on exit)
 * @heir:	hypervisor emulation instruction register (set on exit)
 * @asdr:	access segment descriptor register (set on exit)
 * @srr0:	SRR0, set late on entry
 * @srr1:	SRR1, set late on entry
 * @sprg:	SPRG0..3
 * @pidr:	process ID register
 * @cfar:	come-from address register
 * @ppr:	program priority register; the last field of version 1
 * @dawr1:	data address watchpoint 1 (version 2 only)
 * @dawrx1:	data address watchpoint 1 extension; the last field of version 2
 *
 * Every field is L1-endian.  A version 1 L1 supplies only the bytes up to
 * and including @ppr; nothing past %KHN_HV_GUEST_STATE_V1_SIZE may be read
 * from or written to its memory.
 */
struct khn_hv_guest_state {
	__u64 version;
	__u32 lpid;
	__u32 vcpu_token;
	__u64 lpcr;
	__u64 pcr;
	__u64 amor;
	__u64 dpdes;
	__u64 hfscr;
	__s64 tb_offset;
	__u64 dawr0;
	__u64 dawrx0;
	__u64 ciabr;
	__u64 hdec_expiry;
	__u64 purr;
	__u64 spurr;
	__u64 ic;
	__u64 vtb;
	__u64 hdar;
	__u64 hdsisr;
	__u64 heir;
	__u64 asdr;
	__u64 srr0;
	__u64 srr1;
	__u64 sprg[4];
	__u64 pidr;
	__u64 cfar;
	__u64 ppr;
	__u64 dawr1;
	__u64 dawrx1;
};

/* Bytes of each version: up to the end of its last field. */
#define KHN_HV_GUEST_STATE_V1_SIZE	232	/* offsetofend(ppr) */
#define KHN_HV_GUEST_STATE_V2_SIZE	248	/* offsetofend(dawrx1) */

/*
 * The first field whose value is a 64-bit word: everything from here to the
 * end of a version is a run of u64, which is how the byte-swap walks it.
 */
#define KHN_HV_GUEST_STATE_WORDS_START	16	/* offsetof(lpcr) */

/* Number of 64-bit words in the ppc64 struct pt_regs image. */
#define KHN_PT_REGS_WORDS		48

/**
 * struct khn_pt_regs - the L2 register image in L1 memory
 * @gpr:	general purpose registers r0..r31
 * @nip:	next instruction address (the L2's PC)
 * @msr:	machine state register
 * @orig_gpr3:	r3 at syscall entry (L1 kernel bookkeeping)
 * @ctr:	count register
 * @link:	link register
 * @xer:	fixed-point exception register
 * @ccr:	condition register
 * @softe:	soft-interrupt state (L1 kernel bookkeeping)
 * @trap:	interrupt vector of the exit
 * @dar:	data address register
 * @dsisr:	data storage interrupt status register
 * @result:	syscall result (L1 kernel bookkeeping)
 * @ppr:	program priority register
 * @tail:	L1 kernel words after @ppr (exit_result, kuap/amr, iamr),
 *		round-tripped by L0 and never interpreted
 *
 * This is the ppc64 kernel's struct pt_regs: L1 passes its own, every
 * word 64 bits wide and L1-endian, and H_ENTER_NESTED reads and writes
 * back the whole %KHN_PT_REGS_SIZE bytes.
 */
struct khn_pt_regs {
	__u64 gpr[32];
	__u64 nip;
	__u64 msr;
	__u64 orig_gpr3;
	__u64 ctr;
	__u64 link;
	__u64 xer;
	__u64 ccr;
	__u64 softe;
	__u64 trap;
	__u64 dar;
	__u64 dsisr;
	__u64 result;
	__u64 ppr;
	__u64 tail[3];
};

#define KHN_PT_REGS_SIZE		384	/* KHN_PT_REGS_WORDS * 8 */

/*
 * The frozen layout, checked wherever the kernel builds this header (the
 * ppc64 module and the UML KUnit kernel alike).
 */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/stddef.h>

#define CHECK_OFFSET(type, field, off)					\
	static_assert(offsetof(struct type, field) == (off),		\
		      "offset of " #type "." #field " is frozen")

CHECK_OFFSET(khn_hv_guest_state, version, 0);
CHECK_OFFSET(khn_hv_guest_state, lpid, 8);
CHECK_OFFSET(khn_hv_guest_state, vcpu_token, 12);
CHECK_OFFSET(khn_hv_guest_state, lpcr, 16);
CHECK_OFFSET(khn_hv_guest_state, pcr, 24);
CHECK_OFFSET(khn_hv_guest_state, amor, 32);
CHECK_OFFSET(khn_hv_guest_state, dpdes, 40);
CHECK_OFFSET(khn_hv_guest_state, hfscr, 48);
CHECK_OFFSET(khn_hv_guest_state, tb_offset, 56);
CHECK_OFFSET(khn_hv_guest_state, dawr0, 64);
CHECK_OFFSET(khn_hv_guest_state, dawrx0, 72);
CHECK_OFFSET(khn_hv_guest_state, ciabr, 80);
CHECK_OFFSET(khn_hv_guest_state, hdec_expiry, 88);
CHECK_OFFSET(khn_hv_guest_state, purr, 96);
CHECK_OFFSET(khn_hv_guest_state, spurr, 104);
CHECK_OFFSET(khn_hv_guest_state, ic, 112);
CHECK_OFFSET(khn_hv_guest_state, vtb, 120);
CHECK_OFFSET(khn_hv_guest_state, hdar, 128);
CHECK_OFFSET(khn_hv_guest_state, hdsisr, 136);
CHECK_OFFSET(khn_hv_guest_state, heir, 144);
CHECK_OFFSET(khn_hv_guest_state, asdr, 152);
CHECK_OFFSET(khn_hv_guest_state, srr0, 160);
CHECK_OFFSET(khn_hv_guest_state, srr1, 168);
CHECK_OFFSET(khn_hv_guest_state, sprg, 176);
CHECK_OFFSET(khn_hv_guest_state, pidr, 208);
CHECK_OFFSET(khn_hv_guest_state, cfar, 216);
CHECK_OFFSET(khn_hv_guest_state, ppr, 224);
CHECK_OFFSET(khn_hv_guest_state, dawr1, 232);
CHECK_OFFSET(khn_hv_guest_state, dawrx1, 240);
static_assert(sizeof(struct khn_hv_guest_state) ==
	      KHN_HV_GUEST_STATE_V2_SIZE, "v2 is the whole structure");

CHECK_OFFSET(khn_pt_regs, gpr, 0);
CHECK_OFFSET(khn_pt_regs, nip, 256);
CHECK_OFFSET(khn_pt_regs, msr, 264);
CHECK_OFFSET(khn_pt_regs, orig_gpr3, 272);
CHECK_OFFSET(khn_pt_regs, ctr, 280);
CHECK_OFFSET(khn_pt_regs, link, 288);
CHECK_OFFSET(khn_pt_regs, xer, 296);
CHECK_OFFSET(khn_pt_regs, ccr, 304);
CHECK_OFFSET(khn_pt_regs, softe, 312);
CHECK_OFFSET(khn_pt_regs, trap, 320);
CHECK_OFFSET(khn_pt_regs, dar, 328);
CHECK_OFFSET(khn_pt_regs, dsisr, 336);
CHECK_OFFSET(khn_pt_regs, result, 344);
CHECK_OFFSET(khn_pt_regs, ppr, 352);
CHECK_OFFSET(khn_pt_regs, tail, 360);
static_assert(sizeof(struct khn_pt_regs) == KHN_PT_REGS_SIZE);
static_assert(sizeof(struct khn_pt_regs) == KHN_PT_REGS_WORDS * 8);

#undef CHECK_OFFSET
#endif /* __KERNEL__ */

#endif /* _UAPI_KHN_HV_GUEST_STATE_H */
