// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-visible layouts of uapi/khn/hv_guest_state.h against the
 * kernel's own, at build time.  uapi/khn/hv_guest_state.h freezes every
 * offset as a number so the arch-neutral build checks it too; this file,
 * built only for ppc64, proves those numbers are the ones the in-tree L0
 * and every Linux L1 use.  It holds no code.
 */

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <asm/byteorder.h>
#include <asm/hvcall.h>
#include <asm/ptrace.h>
#include <asm/reg.h>

#include "khn/gstate.h"

/* Written out, one line a field: the layout is the point of this file. */
static_assert(offsetof(struct khn_hv_guest_state, version) ==
	      offsetof(struct hv_guest_state, version));
static_assert(offsetof(struct khn_hv_guest_state, lpid) ==
	      offsetof(struct hv_guest_state, lpid));
static_assert(offsetof(struct khn_hv_guest_state, vcpu_token) ==
	      offsetof(struct hv_guest_state, vcpu_token));
static_assert(offsetof(struct khn_hv_guest_state, lpcr) ==
	      offsetof(struct hv_guest_state, lpcr));
static_assert(offsetof(struct khn_hv_guest_state, pcr) ==
	      offsetof(struct hv_guest_state, pcr));
static_assert(offsetof(struct khn_hv_guest_state, amor) ==
	      offsetof(struct hv_guest_state, amor));
static_assert(offsetof(struct khn_hv_guest_state, dpdes) ==
	      offsetof(struct hv_guest_state, dpdes));
static_assert(offsetof(struct khn_hv_guest_state, hfscr) ==
	      offsetof(struct hv_guest_state, hfscr));
static_assert(offsetof(struct khn_hv_guest_state, tb_offset) ==
	      offsetof(struct hv_guest_state, tb_offset));
static_assert(offsetof(struct khn_hv_guest_state, dawr0) ==
	      offsetof(struct hv_guest_state, dawr0));
static_assert(offsetof(struct khn_hv_guest_state, dawrx0) ==
	      offsetof(struct hv_guest_state, dawrx0));
static_assert(offsetof(struct khn_hv_guest_state, ciabr) ==
	      offsetof(struct hv_guest_state, ciabr));
static_assert(offsetof(struct khn_hv_guest_state, hdec_expiry) ==
	      offsetof(struct hv_guest_state, hdec_expiry));
static_assert(offsetof(struct khn_hv_guest_state, purr) ==
	      offsetof(struct hv_guest_state, purr));
static_assert(offsetof(struct khn_hv_guest_state, spurr) ==
	      offsetof(struct hv_guest_state, spurr));
static_assert(offsetof(struct khn_hv_guest_state, ic) ==
	      offsetof(struct hv_guest_state, ic));
static_assert(offsetof(struct khn_hv_guest_state, vtb) ==
	      offsetof(struct hv_guest_state, vtb));
static_assert(offsetof(struct khn_hv_guest_state, hdar) ==
	      offsetof(struct hv_guest_state, hdar));
static_assert(offsetof(struct khn_hv_guest_state, hdsisr) ==
	      offsetof(struct hv_guest_state, hdsisr));
static_assert(offsetof(struct khn_hv_guest_state, heir) ==
	      offsetof(struct hv_guest_state, heir));
static_assert(offsetof(struct khn_hv_guest_state, asdr) ==
	      offsetof(struct hv_guest_state, asdr));
static_assert(offsetof(struct khn_hv_guest_state, srr0) ==
	      offsetof(struct hv_guest_state, srr0));
static_assert(offsetof(struct khn_hv_guest_state, srr1) ==
	      offsetof(struct hv_guest_state, srr1));
static_assert(offsetof(struct khn_hv_guest_state, sprg) ==
	      offsetof(struct hv_guest_state, sprg));
static_assert(offsetof(struct khn_hv_guest_state, pidr) ==
	      offsetof(struct hv_guest_state, pidr));
static_assert(offsetof(struct khn_hv_guest_state, cfar) ==
	      offsetof(struct hv_guest_state, cfar));
static_assert(offsetof(struct khn_hv_guest_state, ppr) ==
	      offsetof(struct hv_guest_state, ppr));
static_assert(offsetof(struct khn_hv_guest_state, dawr1) ==
	      offsetof(struct hv_guest_state, dawr1));
static_assert(offsetof(struct khn_hv_guest_state, dawrx1) ==
	      offsetof(struct hv_guest_state, dawrx1));

static_assert(sizeof_field(struct khn_hv_guest_state, lpid) ==
	      sizeof_field(struct hv_guest_state, lpid));
static_assert(sizeof_field(struct khn_hv_guest_state, vcpu_token) ==
	      sizeof_field(struct hv_guest_state, vcpu_token));

/* hv_guest_state_size() is not a constant expression: use its definition. */
static_assert(KHN_HV_GUEST_STATE_V1_SIZE ==
	      offsetofend(struct hv_guest_state, ppr));
static_assert(KHN_HV_GUEST_STATE_V2_SIZE ==
	      offsetofend(struct hv_guest_state, dawrx1));
static_assert(sizeof(struct khn_hv_guest_state) ==
	      sizeof(struct hv_guest_state));
static_assert(KHN_HV_GUEST_STATE_VERSION == HV_GUEST_STATE_VERSION);

static_assert(offsetof(struct khn_pt_regs, gpr) ==
	      offsetof(struct pt_regs, gpr));
static_assert(offsetof(struct khn_pt_regs, nip) ==
	      offsetof(struct pt_regs, nip));
static_assert(offsetof(struct khn_pt_regs, msr) ==
	      offsetof(struct pt_regs, msr));
static_assert(offsetof(struct khn_pt_regs, orig_gpr3) ==
	      offsetof(struct pt_regs, orig_gpr3));
static_assert(offsetof(struct khn_pt_regs, ctr) ==
	      offsetof(struct pt_regs, ctr));
static_assert(offsetof(struct khn_pt_regs, link) ==
	      offsetof(struct pt_regs, link));
static_assert(offsetof(struct khn_pt_regs, xer) ==
	      offsetof(struct pt_regs, xer));
static_assert(offsetof(struct khn_pt_regs, ccr) ==
	      offsetof(struct pt_regs, ccr));
static_assert(offsetof(struct khn_pt_regs, softe) ==
	      offsetof(struct pt_regs, softe));
static_assert(offsetof(struct khn_pt_regs, trap) ==
	      offsetof(struct pt_regs, trap));
static_assert(offsetof(struct khn_pt_regs, dar) ==
	      offsetof(struct pt_regs, dar));
static_assert(offsetof(struct khn_pt_regs, dsisr) ==
	      offsetof(struct pt_regs, dsisr));
static_assert(offsetof(struct khn_pt_regs, result) ==
	      offsetof(struct pt_regs, result));
static_assert(offsetof(struct khn_pt_regs, ppr) ==
	      offsetof(struct pt_regs, ppr));
static_assert(offsetof(struct khn_pt_regs, tail) ==
	      offsetof(struct pt_regs, exit_result));
/* The in-tree L0 copies sizeof(struct pt_regs) bytes each way. */
static_assert(sizeof(struct khn_pt_regs) == sizeof(struct pt_regs));
/* Its byte-swap treats the image as unsigned longs: 64-bit on ppc64. */
static_assert(sizeof(unsigned long) == sizeof(u64));

static_assert(KHN_MSR_LE == MSR_LE);
#ifdef CONFIG_CPU_LITTLE_ENDIAN
static_assert(KHN_HOST_LE);
#else
static_assert(!KHN_HOST_LE);
#endif
