// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observability: the names of the per-VM counters and of the module-wide
 * live-object counts, their debugfs files, and the trace events
 * (src/trace.h).  Documentation/observability.rst describes all three.
 * The bottom layer of src/: it knows counters, not VMs.
 *
 *   /sys/kernel/debug/kvm-hv-nested/			the root, made here
 *   /sys/kernel/debug/kvm-hv-nested/live		module-wide
 *   /sys/kernel/debug/kvm-hv-nested/<dir>/stats	one counter block
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "khn/stats.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static const char * const khn_stat_names[] = {
	[KHN_STAT_SET_PTCR]		= "set_ptcr",
	[KHN_STAT_SET_PTCR_USER]	= "set_ptcr_user",
	[KHN_STAT_ENTER]		= "enter",
	[KHN_STAT_ENTER_REFUSED]	= "enter_refused",
	[KHN_STAT_ENTER_INTERRUPTED]	= "enter_interrupted",
	[KHN_STAT_EXIT_HDEC]		= "exit_hdec",
	[KHN_STAT_EXIT_EXTERNAL]	= "exit_external",
	[KHN_STAT_EXIT_HDSI]		= "exit_hdsi",
	[KHN_STAT_EXIT_HISI]		= "exit_hisi",
	[KHN_STAT_EXIT_HCALL]		= "exit_hcall",
	[KHN_STAT_EXIT_HFAC]		= "exit_hfac",
	[KHN_STAT_EXIT_HEAI]		= "exit_heai",
	[KHN_STAT_EXIT_DOORBELL]	= "exit_doorbell",
	[KHN_STAT_EXIT_OTHER]		= "exit_other",
	[KHN_STAT_FAULT_RESOLVED]	= "fault_resolved",
	[KHN_STAT_FAULT_REFLECTED]	= "fault_reflected",
	[KHN_STAT_FAULT_RETRY]		= "fault_retry",
	[KHN_STAT_FAULT_MMIO]		= "fault_mmio",
	[KHN_STAT_FAULT_NOMEM]		= "fault_nomem",
	[KHN_STAT_FAULT_ONE_HOLD]	= "fault_one_hold",
	[KHN_STAT_AHEAD_MAPPED]		= "ahead_mapped",
	[KHN_STAT_AHEAD_MISSED]		= "ahead_missed",
	[KHN_STAT_WALK_CACHED]		= "walk_cached",
	[KHN_STAT_WALK_FULL]		= "walk_full",
	[KHN_STAT_L1_COPY_FAST]		= "l1_copy_fast",
	[KHN_STAT_L1_COPY_SLOW]		= "l1_copy_slow",
	[KHN_STAT_L2_LOCK_CONTENDED]	= "l2_lock_contended",
	[KHN_STAT_L1_COPY_LOCK_WAIT]	= "l1_copy_lock_wait",
	[KHN_STAT_MMIO_LOAD_RESTART]	= "mmio_load_restart",
	[KHN_STAT_L0_RC_SET]		= "l0_rc_set",
	[KHN_STAT_TLB_INVALIDATE]	= "tlb_invalidate",
	[KHN_STAT_RPT_INVALIDATE]	= "rpt_invalidate",
	[KHN_STAT_HW_FLUSH]		= "hw_flush",
	[KHN_STAT_FLUSH_DEFERRED]	= "flush_deferred",
	[KHN_STAT_RMAP_UNMAP]		= "rmap_unmap",
	[KHN_STAT_COPY]			= "copy",
	[KHN_STAT_GUESTS_CREATED]	= "guests_created",
	[KHN_STAT_GUESTS_FREED]		= "guests_freed",
};

static_assert(ARRAY_SIZE(khn_stat_names) == KHN_STAT_NR);

static const char * const khn_live_names[] = {
	[KHN_LIVE_VMS]			= "vms",
	[KHN_LIVE_L2S]			= "l2s",
	[KHN_LIVE_SHADOW_TABLES]	= "shadow_tables",
	[KHN_LIVE_LPIDS]		= "lpids",
	[KHN_LIVE_NRMAP_BYTES]		= "nrmap_bytes",
};

static_assert(ARRAY_SIZE(khn_live_names) == KHN_LIVE_NR);

atomic_long_t khn_live[KHN_LIVE_NR];
EXPORT_SYMBOL_IF_KUNIT(khn_live);

/**
 * khn_stat_name() - the name of a per-VM counter, as shown in debugfs
 * @i: the counter
 *
 * Return: a constant string, never NULL; "unknown" when @i is out of range.
 */
const char *khn_stat_name(enum khn_stat i)
{
	if ((unsigned int)i >= KHN_STAT_NR || !khn_stat_names[i])
		return "unknown";
	return khn_stat_names[i];
}
EXPORT_SYMBOL_IF_KUNIT(khn_stat_name);

/**
 * khn_live_name() - the name of a live-object count, as shown in debugfs
 * @i: the count
 *
 * Return: a constant string, never NULL; "unknown" when @i is out of range.
 */
const char *khn_live_name(enum khn_live i)
{
	if ((unsigned int)i >= KHN_LIVE_NR || !khn_live_names[i])
		return "unknown";
	return khn_live_names[i];
}
EXPORT_SYMBOL_IF_KUNIT(khn_live_name);

static int khn_live_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < KHN_LIVE_NR; i++)
		seq_printf(m, "%s %ld\n", khn_live_name(i),
			   atomic_long_read(&khn_live[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_live);

/* The module's debugfs directory; kvm-hv-nested, not KBUILD_MODNAME. */
#define KHN_DEBUGFS_NAME "kvm-hv-nested"

static struct dentry *khn_debugfs_dir;

/**
 * khn_debugfs_root() - the module's debugfs directory
 *
 * Return: /sys/kernel/debug/kvm-hv-nested, or NULL (or an ERR_PTR) when
 * debugfs is unavailable or khn_debugfs_init() has not run.
 */
struct dentry *khn_debugfs_root(void)
{
	return khn_debugfs_dir;
}
EXPORT_SYMBOL_IF_KUNIT(khn_debugfs_root);

/**
 * khn_debugfs_init() - create /sys/kernel/debug/kvm-hv-nested/live
 *
 * Best effort, like the rest of debugfs: the module loads without it.
 */
void khn_debugfs_init(void)
{
	khn_debugfs_dir = debugfs_create_dir(KHN_DEBUGFS_NAME, NULL);
	debugfs_create_file("live", 0444, khn_debugfs_dir, NULL,
			    &khn_live_fops);
}

/**
 * khn_debugfs_exit() - remove the directory and everything in it
 */
void khn_debugfs_exit(void)
{
	debugfs_remove_recursive(khn_debugfs_dir);
	khn_debugfs_dir = NULL;
}

static int khn_vm_stats_show(struct seq_file *m, void *unused)
{
	struct khn_stats *s = m->private;
	unsigned int i;

	for (i = 0; i < KHN_STAT_NR; i++)
		seq_printf(m, "%s %lld\n", khn_stat_name(i),
			   (long long)atomic64_read(&s->c[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_vm_stats);

/**
 * khn_stats_dir_add() - create kvm-hv-nested/@name/stats for a counter block
 * @stats:	the counters, read live by the file until it is removed
 * @name:	the directory's name
 *
 * Return: the directory, for more files and for khn_stats_dir_remove();
 * NULL when debugfs is unavailable (the counters count all the same).
 */
struct dentry *khn_stats_dir_add(struct khn_stats *stats, const char *name)
{
	struct dentry *root = khn_debugfs_root();
	struct dentry *dir;

	if (IS_ERR_OR_NULL(root))
		return NULL;
	dir = debugfs_create_dir(name, root);
	if (IS_ERR(dir)) {
		pr_warn_ratelimited("no debugfs directory %s (%ld)\n", name,
				    PTR_ERR(dir));
		return NULL;
	}
	debugfs_create_file("stats", 0444, dir, stats, &khn_vm_stats_fops);
	return dir;
}

/**
 * khn_stats_dir_remove() - remove a directory of khn_stats_dir_add()
 * @dir:	the directory, or NULL
 *
 * Waits for readers of its files to finish; later reads of a file still
 * open fail with -EIO and never touch the counters.
 */
void khn_stats_dir_remove(struct dentry *dir)
{
	debugfs_remove_recursive(dir);
}

