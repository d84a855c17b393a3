// SPDX-License-Identifier: GPL-2.0-only
/* Placeholder for the H_COPY_TOFROM_GUEST core (being written). */
#include <asm/hvcall.h>
#include "khn/gcopy.h"

long khn_gcopy_check(u64 eaddr, u64 to, u64 from, u64 n)
{
	return (to && from) || (!to && !from) ? H_PARAMETER : H_SUCCESS;
}

long khn_gcopy(const struct khn_l1_mem *l1, const struct khn_pate *pate,
	       u32 pid, u64 eaddr, void *buf, u64 n, bool store)
{
	return H_NOT_FOUND;
}
