// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argument checks of the nested hypercalls (see khn/hcall_args.h).
 */

#include <linux/bits.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "khn/guests.h"
#include "khn/hcall_args.h"
#include "khn/l1walk.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/tlbinv.h"

/**
 * khn_set_ptcr_check() - may L1 register this partition table?
 * @ptcr:	r4 of H_SET_PARTITION_TABLE; 0 withdraws the table
 * @table_bytes: set to the table's size (0 for @ptcr 0) on success
 *
 * Beyond the ISA's rules (khn_ptcr_valid()), a table may not have more
 * entries than an L1 may have nested guests (%KHN_GUESTS_MAX): PATS <= 4.
 * That the table lies in L1 memory is the caller's check.
 *
 * Return: %KHN_H_SUCCESS or %KHN_H_PARAMETER.
 */
long khn_set_ptcr_check(u64 ptcr, u64 *table_bytes)
{
	u64 bytes;

	*table_bytes = 0;
	if (!ptcr)
		return KHN_H_SUCCESS;
	if (!khn_ptcr_valid(ptcr))
		return KHN_H_PARAMETER;
	bytes = BIT_ULL(12 + (ptcr & KHN_PTCR_PATS));
	if (bytes / KHN_PATE_BYTES > KHN_GUESTS_MAX)
		return KHN_H_PARAMETER;
	*table_bytes = bytes;
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_set_ptcr_check);

/**
 * khn_enter_token_check() - the vCPU token of H_ENTER_NESTED
 * @vcpu_token:	hv_guest_state.vcpu_token; indexes L0's per-L2 CPU history
 * @nr_cpus:	size of that history (NR_CPUS)
 *
 * Return: %KHN_H_SUCCESS or %KHN_H_PARAMETER.
 */
long khn_enter_token_check(u64 vcpu_token, unsigned int nr_cpus)
{
	return vcpu_token < nr_cpus ? KHN_H_SUCCESS : KHN_H_PARAMETER;
}
EXPORT_SYMBOL_IF_KUNIT(khn_enter_token_check);

/**
 * khn_copy_target_check() - the L2 and PID of H_COPY_TOFROM_GUEST
 * @l1_lpid:	r4: L1's LPID of the L2
 * @pid:	r5: the process whose address space is accessed
 *
 * Return: %KHN_H_SUCCESS, or %KHN_H_PARAMETER for an LPID no nested guest
 * can have or a PID wider than the 32 bits of the PIDR.
 */
long khn_copy_target_check(u64 l1_lpid, u64 pid)
{
	if (l1_lpid >= KHN_GUESTS_MAX || pid > U32_MAX)
		return KHN_H_PARAMETER;
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_copy_target_check);

/**
 * khn_tlbie_scope_check() - the scope of an H_TLB_INVALIDATE
 * @p1:		r4: RIC, PRS and R as in a tlbie
 *
 * H_TLB_INVALIDATE is L1 emulating a hypervisor tlbie on its L2s'
 * partition-scoped translations; a process-scoped tlbie is not
 * hypervisor privileged, so L1 never needs L0 for one (its L2 issues it,
 * or uses H_RPT_INVALIDATE).  The in-tree L0 refuses it the same way.
 *
 * Return: %KHN_H_SUCCESS, or %KHN_H_PARAMETER when PRS is set.
 */
long khn_tlbie_scope_check(u64 p1)
{
	return (p1 & KHN_TLBIE_P1_PRS) ? KHN_H_PARAMETER : KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_tlbie_scope_check);

/**
 * khn_enter_lpid_check() - the L2 LPID of an H_ENTER_NESTED
 * @ptcr:	the partition table L1 registered (not 0)
 * @l1_lpid:	hv_guest_state.lpid
 *
 * An L2 must have an entry in L1's partition table: the LPID is below
 * the number of entries the registered table holds.
 *
 * Return: %KHN_H_SUCCESS or %KHN_H_PARAMETER.
 */
long khn_enter_lpid_check(u64 ptcr, u64 l1_lpid)
{
	u64 entries = BIT_ULL(12 + (ptcr & KHN_PTCR_PATS)) / KHN_PATE_BYTES;

	return l1_lpid < entries ? KHN_H_SUCCESS : KHN_H_PARAMETER;
}
EXPORT_SYMBOL_IF_KUNIT(khn_enter_lpid_check);
