/* SPDX-License-Identifier: GPL-2.0-only */
/* Placeholder for the H_COPY_TOFROM_GUEST core (being written). */
#ifndef _KHN_GCOPY_H
#define _KHN_GCOPY_H

#include <linux/types.h>
#include "khn/l1walk.h"

long khn_gcopy_check(u64 eaddr, u64 to, u64 from, u64 n);
long khn_gcopy(const struct khn_l1_mem *l1, const struct khn_pate *pate,
	       u32 pid, u64 eaddr, void *buf, u64 n, bool store);

#endif
