/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Can this host be an L0 for nested HV?  The decision is arch-neutral so
 * that every refusal reason is unit-tested on UML; src/main.c fills the
 * capabilities from the running CPU.
 */
#ifndef _KHN_HOSTCHECK_H
#define _KHN_HOSTCHECK_H

#include <linux/types.h>

/**
 * struct khn_host_caps - what the running kernel reports about the host
 * @hv_mode:	the kernel runs in hypervisor mode (bare metal, not an LPAR)
 * @isa_300:	the CPU implements ISA v3.00 (POWER9) or later
 * @radix:	the host MMU runs in radix mode
 */
struct khn_host_caps {
	bool hv_mode;
	bool isa_300;
	bool radix;
};

/**
 * enum khn_host_verdict - result of khn_host_check()
 * @KHN_HOST_OK:		the host can be an L0 for nested HV
 * @KHN_HOST_NO_ISA300:		CPU older than POWER9
 * @KHN_HOST_NO_HV:		kernel not in hypervisor mode
 * @KHN_HOST_NO_RADIX:		host MMU in hash mode
 */
enum khn_host_verdict {
	KHN_HOST_OK,
	KHN_HOST_NO_ISA300,
	KHN_HOST_NO_HV,
	KHN_HOST_NO_RADIX,
};

enum khn_host_verdict khn_host_check(const struct khn_host_caps *caps);
const char *khn_host_verdict_str(enum khn_host_verdict v);

#endif /* _KHN_HOSTCHECK_H */
