/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-VM counters of the nested-HV implementation, read from debugfs
 * (kvm-hv-nested/vm-<pid>-<n>/stats).  Lock-free: every counter is an
 * atomic64, bumped from hypercall, exit and MMU-notifier paths alike.
 */
#ifndef _KHN_STATS_H
#define _KHN_STATS_H

#include <linux/atomic.h>
#include <linux/types.h>

enum khn_stat {
	KHN_STAT_SET_PTCR,		/* H_SET_PARTITION_TABLE accepted */
	KHN_STAT_SET_PTCR_USER,		/* PTCR set by userspace (one-reg) */
	KHN_STAT_ENTER,			/* H_ENTER_NESTED calls */
	KHN_STAT_ENTER_REFUSED,		/* ... answered with an error */
	KHN_STAT_ENTER_INTERRUPTED,	/* ... ended by a signal: H_INTERRUPT */
	KHN_STAT_EXIT_HDEC,		/* L2 exits, by cause */
	KHN_STAT_EXIT_EXTERNAL,
	KHN_STAT_EXIT_HDSI,
	KHN_STAT_EXIT_HISI,
	KHN_STAT_EXIT_HCALL,
	KHN_STAT_EXIT_HFAC,
	KHN_STAT_EXIT_HEAI,
	KHN_STAT_EXIT_DOORBELL,
	KHN_STAT_EXIT_OTHER,
	KHN_STAT_FAULT_RESOLVED,	/* shadow entry inserted by L0 */
	KHN_STAT_FAULT_REFLECTED,	/* HDSI/HISI handed to L1 */
	KHN_STAT_FAULT_RETRY,		/* raced or transient: L2 retries */
	KHN_STAT_FAULT_MMIO,		/* L2 access to L1 MMIO emulated by L0 */
	KHN_STAT_FAULT_NOMEM,		/* no memory for the shadow: H_NO_MEM */
	KHN_STAT_FAULT_ONE_HOLD,	/* ... installed under one mmu_lock hold */
	KHN_STAT_AHEAD_MAPPED,		/* L1-bound fault mapped at re-entry */
	KHN_STAT_AHEAD_MISSED,		/* ... L1 had not mapped it */
	KHN_STAT_WALK_CACHED,		/* L1 walks begun below the root */
	KHN_STAT_WALK_FULL,		/* ... and at the root */
	KHN_STAT_L1_COPY_FAST,		/* L1 memory copied through L0's PTE */
	KHN_STAT_L1_COPY_SLOW,		/* ... through kvm_read/write_guest() */
	KHN_STAT_L2_LOCK_CONTENDED,	/* fault paths that waited for the L2 */
	KHN_STAT_L1_COPY_LOCK_WAIT,	/* L1 copies that waited for mmu_lock */
	KHN_STAT_MMIO_LOAD_RESTART,	/* ... a load: L1 restarts its hcall */
	KHN_STAT_L0_RC_SET,		/* R/C set in L0's PTE for L1, in place */
	KHN_STAT_TLB_INVALIDATE,	/* H_TLB_INVALIDATE calls */
	KHN_STAT_RPT_INVALIDATE,	/* nested H_RPT_INVALIDATE calls */
	KHN_STAT_HW_FLUSH,		/* hardware TLB/PWC flushes issued */
	KHN_STAT_FLUSH_DEFERRED,	/* ... asked while the L2 ran nowhere */
	KHN_STAT_RMAP_UNMAP,		/* shadow leaves dropped for L1 changes */
	KHN_STAT_COPY,			/* H_COPY_TOFROM_GUEST calls */
	KHN_STAT_GUESTS_CREATED,	/* nested guests created */
	KHN_STAT_GUESTS_FREED,		/* ... and freed */
	KHN_STAT_NR,
};

/**
 * struct khn_stats - one VM's counters
 * @c: indexed by enum khn_stat
 */
struct khn_stats {
	atomic64_t c[KHN_STAT_NR];
};

static inline void khn_stat_add(struct khn_stats *s, enum khn_stat i, long n)
{
	atomic64_add(n, &s->c[i]);
}

static inline void khn_stat_inc(struct khn_stats *s, enum khn_stat i)
{
	atomic64_inc(&s->c[i]);
}

const char *khn_stat_name(enum khn_stat i);

/*
 * Module-wide counts of live objects, read from debugfs
 * (kvm-hv-nested/live): all must be zero once every VM is gone.
 */
enum khn_live {
	KHN_LIVE_VMS,			/* struct khn_vm */
	KHN_LIVE_L2S,			/* struct khn_l2 */
	KHN_LIVE_SHADOW_TABLES,		/* shadow tree tables */
	KHN_LIVE_LPIDS,			/* shadow LPIDs held */
	KHN_LIVE_NRMAP_BYTES,		/* nested rmap memory */
	KHN_LIVE_NR,
};

extern atomic_long_t khn_live[KHN_LIVE_NR];

static inline void khn_live_add(enum khn_live i, long n)
{
	atomic_long_add(n, &khn_live[i]);
}

const char *khn_live_name(enum khn_live i);

struct dentry;

void khn_debugfs_init(void);
void khn_debugfs_exit(void);
struct dentry *khn_debugfs_root(void);
struct dentry *khn_stats_dir_add(struct khn_stats *stats, const char *name);
void khn_stats_dir_remove(struct dentry *dir);

#endif /* _KHN_STATS_H */
