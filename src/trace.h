/* SPDX-License-Identifier: GPL-2.0-only */
/* Placeholder until the trace events land: the calls compile to nothing. */
#ifndef _KHN_TRACE_STUB_H
#define _KHN_TRACE_STUB_H

#include <linux/types.h>

static inline void trace_khn_enter(u32 vcpu_id, u32 l1_lpid, u32 shadow_lpid,
				   u64 nip, u64 msr) { }
static inline void trace_khn_exit(u32 vcpu_id, u32 l1_lpid, u32 trap, int ret,
				  u64 nip) { }
static inline void trace_khn_fault(u32 l1_lpid, u64 l2_ra, u64 l1_ra,
				   u32 shift, int outcome) { }
static inline void trace_khn_flush(u32 shadow_lpid, u32 flags, u64 start,
				   u64 end, u64 pages) { }

#endif
