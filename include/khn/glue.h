/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kvm-hv glue: the ops table kvm-hv-nested registers with the patched
 * kvm-hv (scripts/0001-*.patch, Documentation/hook-contract.rst), and the
 * counters every op keeps.
 */
#ifndef _KHN_GLUE_H
#define _KHN_GLUE_H

#include <linux/atomic.h>
#include <asm/kvm_hv_nested_ops.h>

/**
 * enum khn_op - one counter per kvm-hv entry point
 * @KHN_OP_VM_INIT:		kvmhv_nested_ops.vm_init
 * @KHN_OP_VM_DESTROY:		kvmhv_nested_ops.vm_destroy
 * @KHN_OP_ENABLE_NESTED:	kvmhv_nested_ops.enable_nested
 * @KHN_OP_RELEASE_ALL:		kvmhv_nested_ops.release_all_nested
 * @KHN_OP_H_SET_PARTITION_TABLE: kvmhv_nested_ops.h_set_partition_table
 * @KHN_OP_H_ENTER_NESTED:	kvmhv_nested_ops.h_enter_nested
 * @KHN_OP_H_TLB_INVALIDATE:	kvmhv_nested_ops.h_tlb_invalidate
 * @KHN_OP_H_COPY_TOFROM_GUEST:	kvmhv_nested_ops.h_copy_tofrom_guest
 * @KHN_OP_H_RPT_INVALIDATE:	kvmhv_nested_ops.h_rpt_invalidate_nested
 * @KHN_OP_NESTED_EXIT:		kvmhv_nested_ops.nested_exit
 * @KHN_OP_SET_PTCR:		kvmhv_nested_ops.set_ptcr
 * @KHN_OP_RMAP_INSERT:		kvmhv_nested_ops.rmap_insert
 * @KHN_OP_RMAP_REMOVE_RANGE:	kvmhv_nested_ops.rmap_remove_range
 * @KHN_OP_RMAP_UPDATE_RC:	kvmhv_nested_ops.rmap_update_rc
 * @KHN_OP_NR:			number of counters
 */
enum khn_op {
	KHN_OP_VM_INIT,
	KHN_OP_VM_DESTROY,
	KHN_OP_ENABLE_NESTED,
	KHN_OP_RELEASE_ALL,
	KHN_OP_H_SET_PARTITION_TABLE,
	KHN_OP_H_ENTER_NESTED,
	KHN_OP_H_TLB_INVALIDATE,
	KHN_OP_H_COPY_TOFROM_GUEST,
	KHN_OP_H_RPT_INVALIDATE,
	KHN_OP_NESTED_EXIT,
	KHN_OP_SET_PTCR,
	KHN_OP_RMAP_INSERT,
	KHN_OP_RMAP_REMOVE_RANGE,
	KHN_OP_RMAP_UPDATE_RC,
	KHN_OP_NR,
};

extern const struct kvmhv_nested_ops khn_nested_ops;

u64 khn_op_count(enum khn_op op);
const char *khn_op_name(enum khn_op op);
void khn_glue_debugfs_init(void);

#endif /* _KHN_GLUE_H */
