/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace events of kvm-hv-nested (TRACE_SYSTEM kvm_hv_nested): L2 entry and
 * exit, shadow faults, shadow flushes.  See Documentation/observability.rst.
 *
 * src/stats.c instantiates them (CREATE_TRACE_POINTS).  This header is
 * read again by <trace/define_trace.h> through TRACE_INCLUDE_PATH ".",
 * which resolves against the -I$(src)/src that Kbuild gives stats.o: the
 * module is built out of tree, from a copy under build/obj/module.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_hv_nested

#ifndef _KHN_TRACE_DEFS_H
#define _KHN_TRACE_DEFS_H

/**
 * enum khn_fault_outcome - how a shadow fault ended (trace_khn_fault())
 * @KHN_FAULT_RESOLVED:	L0 inserted the shadow entry; L2 resumes
 * @KHN_FAULT_REFLECTED: the fault was handed to L1 (HDSI/HISI)
 * @KHN_FAULT_RETRY:	raced or transient; L2 retries the access
 * @KHN_FAULT_MMIO:	a data access to L1 MMIO that L0 emulated
 * @KHN_FAULT_NOMEM:	L0 could not get memory for the shadow: the run
 *			ends and H_ENTER_NESTED answers H_NO_MEM
 */
enum khn_fault_outcome {
	KHN_FAULT_RESOLVED = 0,
	KHN_FAULT_REFLECTED = 1,
	KHN_FAULT_RETRY = 2,
	KHN_FAULT_MMIO = 3,
	KHN_FAULT_NOMEM = 4,
};

#endif /* _KHN_TRACE_DEFS_H */

#if !defined(_KHN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KHN_TRACE_H

#include <linux/tracepoint.h>

#include "khn/tlbinv.h"

TRACE_DEFINE_ENUM(KHN_FAULT_RESOLVED);
TRACE_DEFINE_ENUM(KHN_FAULT_REFLECTED);
TRACE_DEFINE_ENUM(KHN_FAULT_RETRY);
TRACE_DEFINE_ENUM(KHN_FAULT_MMIO);
TRACE_DEFINE_ENUM(KHN_FAULT_NOMEM);

#define khn_show_outcome(o)					\
	__print_symbolic(o,					\
			 { KHN_FAULT_RESOLVED, "resolved" },	\
			 { KHN_FAULT_REFLECTED, "reflected" },	\
			 { KHN_FAULT_RETRY, "retry" },		\
			 { KHN_FAULT_MMIO, "mmio" },		\
			 { KHN_FAULT_NOMEM, "nomem" })

#define khn_show_tlbd(f)					\
	__print_flags(f, "|",					\
		      { KHN_TLBD_UNMAP, "UNMAP" },		\
		      { KHN_TLBD_DROP_TREE, "DROP_TREE" },	\
		      { KHN_TLBD_FLUSH_PAGES, "FLUSH_PAGES" },	\
		      { KHN_TLBD_FLUSH_PWC, "FLUSH_PWC" },	\
		      { KHN_TLBD_FLUSH_LPID, "FLUSH_LPID" },	\
		      { KHN_TLBD_REFRESH_PATE, "REFRESH_PATE" },	\
		      { KHN_TLBD_ALL_LPIDS, "ALL_LPIDS" },	\
		      { KHN_TLBD_PROCESS, "PROCESS" })

/* An L2 vCPU is about to run (H_ENTER_NESTED, after sanitising). */
TRACE_EVENT(khn_enter,
	    TP_PROTO(u32 vcpu_id, u32 l1_lpid, u32 shadow_lpid, u64 nip,
		     u64 msr),
	    TP_ARGS(vcpu_id, l1_lpid, shadow_lpid, nip, msr),

	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, l1_lpid)
			     __field(u32, shadow_lpid)
			     __field(u64, nip)
			     __field(u64, msr)),

	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->l1_lpid = l1_lpid;
			   __entry->shadow_lpid = shadow_lpid;
			   __entry->nip = nip;
			   __entry->msr = msr;),

	    TP_printk("vcpu %u l1_lpid %u shadow_lpid %u nip 0x%llx msr 0x%llx",
		      __entry->vcpu_id, __entry->l1_lpid, __entry->shadow_lpid,
		      __entry->nip, __entry->msr)
);

/*
 * Sanitisation rules that fired on one H_ENTER_NESTED (khn/sanitise.h):
 * @fired has BIT(enum khn_rule) of each rule that clamped or refused,
 * @rule the one that refused ("none" when the entry went on), @check
 * its condition and @rc the PAPR code L1 got.
 */
TRACE_EVENT(khn_sanitise,
	    TP_PROTO(u32 vcpu_id, u32 l1_lpid, unsigned long fired,
		     const char *rule, const char *check, long rc),
	    TP_ARGS(vcpu_id, l1_lpid, fired, rule, check, rc),

	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, l1_lpid)
			     __field(unsigned long, fired)
			     __field(long, rc)
			     __string(rule, rule)
			     __string(check, check)),

	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->l1_lpid = l1_lpid;
			   __entry->fired = fired;
			   __entry->rc = rc;
			   __assign_str(rule);
			   __assign_str(check);),

	    TP_printk("vcpu %u l1_lpid %u fired 0x%lx refused_by %s (%s) rc %ld",
		      __entry->vcpu_id, __entry->l1_lpid, __entry->fired,
		      __get_str(rule), __get_str(check), __entry->rc)
);

/*
 * H_ENTER_NESTED refused before the L2 ran: @why names the step or the
 * sanitise rule that refused it, @check the rule's check as written in
 * src/core/sanitise.c (KHN_CC(); empty for other steps), @rc the H_*
 * status L1 gets.  @l1_lpid is 0 when the state could not be read.
 */
TRACE_EVENT(khn_enter_refused,
	    TP_PROTO(u32 vcpu_id, u32 l1_lpid, const char *why,
		     const char *check, long rc),
	    TP_ARGS(vcpu_id, l1_lpid, why, check, rc),

	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, l1_lpid)
			     __field(long, rc)
			     __string(why, why)
			     __string(check, check)),

	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->l1_lpid = l1_lpid;
			   __entry->rc = rc;
			   __assign_str(why);
			   __assign_str(check);),

	    TP_printk("vcpu %u l1_lpid %u refused_by %s %s rc %ld",
		      __entry->vcpu_id, __entry->l1_lpid, __get_str(why),
		      __get_str(check), __entry->rc)
);

/*
 * An L2 vCPU stopped running: @trap is the interrupt vector, @ret what
 * H_ENTER_NESTED returns to L1 (or a negative errno / RESUME_* value).
 */
TRACE_EVENT(khn_exit,
	    TP_PROTO(u32 vcpu_id, u32 l1_lpid, u32 trap, int ret, u64 nip),
	    TP_ARGS(vcpu_id, l1_lpid, trap, ret, nip),

	    TP_STRUCT__entry(__field(u32, vcpu_id)
			     __field(u32, l1_lpid)
			     __field(u32, trap)
			     __field(int, ret)
			     __field(u64, nip)),

	    TP_fast_assign(__entry->vcpu_id = vcpu_id;
			   __entry->l1_lpid = l1_lpid;
			   __entry->trap = trap;
			   __entry->ret = ret;
			   __entry->nip = nip;),

	    TP_printk("vcpu %u l1_lpid %u trap 0x%x ret %d nip 0x%llx",
		      __entry->vcpu_id, __entry->l1_lpid, __entry->trap,
		      __entry->ret, __entry->nip)
);

/*
 * A shadow fault of an L2 (L1's LPID @l1_lpid) at L2-real @l2_ra: @l1_ra
 * is the L1-real address L1's tree gave (0 when the walk failed), @shift
 * the size of the shadow entry inserted (0 when none), @outcome an
 * enum khn_fault_outcome.
 */
TRACE_EVENT(khn_fault,
	    TP_PROTO(u32 l1_lpid, u64 l2_ra, u64 l1_ra, u32 shift,
		     int outcome),
	    TP_ARGS(l1_lpid, l2_ra, l1_ra, shift, outcome),

	    TP_STRUCT__entry(__field(u32, l1_lpid)
			     __field(u32, shift)
			     __field(u64, l2_ra)
			     __field(u64, l1_ra)
			     __field(int, outcome)),

	    TP_fast_assign(__entry->l1_lpid = l1_lpid;
			   __entry->shift = shift;
			   __entry->l2_ra = l2_ra;
			   __entry->l1_ra = l1_ra;
			   __entry->outcome = outcome;),

	    TP_printk("l1_lpid %u l2_ra 0x%llx l1_ra 0x%llx shift %u %s",
		      __entry->l1_lpid, __entry->l2_ra, __entry->l1_ra,
		      __entry->shift, khn_show_outcome(__entry->outcome))
);

/*
 * A TLB-invalidation decision applied to the shadow of @shadow_lpid:
 * @flags are KHN_TLBD_* (include/khn/tlbinv.h), [@start, @end) the
 * L2-real range, @pages how many pages were dropped or flushed.
 */
TRACE_EVENT(khn_flush,
	    TP_PROTO(u32 shadow_lpid, u32 flags, u64 start, u64 end,
		     u64 pages),
	    TP_ARGS(shadow_lpid, flags, start, end, pages),

	    TP_STRUCT__entry(__field(u32, shadow_lpid)
			     __field(u32, flags)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u64, pages)),

	    TP_fast_assign(__entry->shadow_lpid = shadow_lpid;
			   __entry->flags = flags;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->pages = pages;),

	    TP_printk("shadow_lpid %u flags %s start 0x%llx end 0x%llx pages %llu",
		      __entry->shadow_lpid, khn_show_tlbd(__entry->flags),
		      __entry->start, __entry->end, __entry->pages)
);

#endif /* _KHN_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
