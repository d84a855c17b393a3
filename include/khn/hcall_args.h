/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The argument checks of the nested hypercalls that need no VM: each
 * returns the PAPR status L1 gets for the values it passed, before L0
 * looks anything up.  The hypercall layer (src/hcall.c, src/run.c) calls
 * them first; KUnit drives every error path here.
 */
#ifndef _KHN_HCALL_ARGS_H
#define _KHN_HCALL_ARGS_H

#include <linux/types.h>

long khn_set_ptcr_check(u64 ptcr, u64 *table_bytes);
long khn_enter_token_check(u64 vcpu_token, unsigned int nr_cpus);
long khn_copy_target_check(u64 l1_lpid, u64 pid);
long khn_tlbie_scope_check(u64 p1);
long khn_enter_lpid_check(u64 ptcr, u64 l1_lpid);

#endif /* _KHN_HCALL_ARGS_H */
