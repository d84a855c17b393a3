/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading and writing the H_ENTER_NESTED images (struct hv_guest_state and
 * the pt_regs image, uapi/khn/hv_guest_state.h) for an L1 of either byte
 * order.  Arch-neutral: the callers copy L1 memory into a buffer (or out
 * of one), which may be the structure itself, converted in place (for an
 * L1 of L0's byte order, nothing moves), and pass whether L1 runs in the
 * other byte order than L0; the
 * code here only checks, byte-swaps and places fields, so every error
 * path is tested on UML.
 *
 * Which byte order L1 uses is not guessed from the data: it is L1's
 * MSR[LE] at the hypercall, as the in-tree L0 does (khn_l1_needs_byteswap()).
 * A version field that only makes sense byte-reversed is an unknown
 * version, answered with H_PARAMETER.
 *
 * The errors are those the in-tree L0 gives for H_ENTER_NESTED, so an L1
 * cannot tell the two apart:
 *  - a version with no known size (0, 3, anything whose low 32 bits are
 *    not 1 or 2), or an image L0 cannot read in full: %KHN_H_PARAMETER;
 *  - a version whose low 32 bits are 1 or 2 but that is larger than
 *    %KHN_HV_GUEST_STATE_VERSION: %KHN_H_P2, after both images were read.
 * So the caller reports an unreadable pt_regs image (%KHN_H_PARAMETER)
 * before a %KHN_H_P2 from khn_gstate_decode().
 */
#ifndef _KHN_GSTATE_H
#define _KHN_GSTATE_H

#include <linux/types.h>
#include <asm/byteorder.h>

#include "khn/hv_guest_state.h"
#include "khn/sprs.h"	/* KHN_MSR_LE: the byte order an L1 vCPU runs in */

/* L0's own byte order, from the compiler: UML has no CPU_LITTLE_ENDIAN. */
#ifdef __LITTLE_ENDIAN
#define KHN_HOST_LE	true
#else
#define KHN_HOST_LE	false
#endif

/**
 * struct khn_gstate - an L2's hypervisor state, checked and native-endian
 * @hv:		every field in L0's byte order; @hv.version is 1 or 2, and
 *		the fields past that version's size are zero after decode
 * @version:	%KHN_HV_GUEST_STATE_V1 or %KHN_HV_GUEST_STATE_V2: how many
 *		bytes L1 supplied and may be written back
 * @l1_swapped:	L1 runs in the other byte order; encode swaps back
 */
struct khn_gstate {
	struct khn_hv_guest_state hv;
	unsigned int version;
	bool l1_swapped;
};

/**
 * khn_l1_needs_byteswap() - does L1 write its images in the other byte order
 * @l1_msr:	L1's MSR at the H_ENTER_NESTED hypercall
 *
 * Return: true when L1's MSR[LE] differs from L0's own byte order.
 */
static inline bool khn_l1_needs_byteswap(u64 l1_msr)
{
	return !!(l1_msr & KHN_MSR_LE) != KHN_HOST_LE;
}

unsigned int khn_hv_guest_state_size(u64 version);
int khn_gstate_decode(const void *buf, size_t len, bool l1_swapped,
		      struct khn_gstate *gs);
int khn_gstate_encode(const struct khn_gstate *gs, void *buf, size_t len);
int khn_pt_regs_decode(const void *buf, size_t len, bool l1_swapped,
		       struct khn_pt_regs *regs);
int khn_pt_regs_encode(const struct khn_pt_regs *regs, bool l1_swapped,
		       void *buf, size_t len);

#endif /* _KHN_GSTATE_H */
