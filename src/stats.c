// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observability: the names of the per-VM counters and of the module-wide
 * live-object counts, their debugfs files, and the trace events
 * (src/trace.h).  Documentation/observability.rst describes all three.
 *
 *   /sys/kernel/debug/kvm-hv-nested/live			module-wide
 *   /sys/kernel/debug/kvm-hv-nested/vm-<pid>-<id>/stats	one per VM
 *   /sys/kernel/debug/kvm-hv-nested/vm-<pid>-<id>/audit	runs the auditor
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "khn/audit.h"
#include "khn/glue.h"
#include "khn/stats.h"
#include "khn/vm.h"

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
	[KHN_STAT_MMIO_LOAD_RESTART]	= "mmio_load_restart",
	[KHN_STAT_L0_RC_SET]		= "l0_rc_set",
	[KHN_STAT_TLB_INVALIDATE]	= "tlb_invalidate",
	[KHN_STAT_RPT_INVALIDATE]	= "rpt_invalidate",
	[KHN_STAT_HW_FLUSH]		= "hw_flush",
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

/**
 * khn_stats_debugfs_init() - create /sys/kernel/debug/kvm-hv-nested/live
 *
 * Call after khn_debugfs_init(); khn_debugfs_exit() removes the file with
 * the directory.  Best effort, like the rest of debugfs.
 */
void khn_stats_debugfs_init(void)
{
	struct dentry *root = khn_debugfs_root();

	if (IS_ERR_OR_NULL(root))
		return;
	debugfs_create_file("live", 0444, root, NULL, &khn_live_fops);
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

/*
 * Reading the audit file runs the shadow auditor (khn/audit.h) on the VM:
 * "leaves=N violations=M trees=T rmap_entries=E", then one line per rule
 * broken and one per violation kept.  Root-only, and it holds
 * kvm->mmu_lock for the whole walk: a test and debugging aid.
 */
static int khn_vm_audit_show(struct seq_file *m, void *unused)
{
	struct khn_vm *vm = m->private;
	const struct khn_audit_violation *v;
	struct khn_audit *a;
	unsigned int i;

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	khn_vm_audit(vm, a);
	seq_printf(m, "leaves=%lu violations=%lu trees=%lu rmap_entries=%lu\n",
		   a->leaves, a->violations, a->trees,
		   READ_ONCE(vm->nrmap.nr_entries));
	seq_printf(m, "sizes 4k=%lu 64k=%lu 2m=%lu 1g=%lu\n",
		   a->by_size[KHN_AUDIT_4K], a->by_size[KHN_AUDIT_64K],
		   a->by_size[KHN_AUDIT_2M], a->by_size[KHN_AUDIT_1G]);
	for (i = 0; i < KHN_AUDIT_NR; i++)
		if (a->by_rule[i])
			seq_printf(m, "rule %s %lu\n", khn_audit_rule_name(i),
				   a->by_rule[i]);
	for (i = 0; i < a->nr_kept; i++) {
		v = &a->kept[i];
		seq_printf(m, "violation %s lpid=%u l2_ra=0x%llx l1_ra=0x%llx shift=%u\n",
			   khn_audit_rule_name(v->rule), v->lpid, v->l2_ra,
			   v->l1_ra, v->shift);
	}
	kfree(a);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(khn_vm_audit);

/*
 * The pid in a VM's directory name: the VM creator's.  KVM records it in
 * kvm->userspace_pid only after kvm_arch_init_vm() (where kvm-hv calls the
 * module's vm_init), so until then take the creating task's, which is the
 * value KVM will record, and the pid of KVM's own <pid>-<fd> directory.
 */
static pid_t khn_vm_pid(const struct kvm *kvm)
{
	return kvm->userspace_pid ?: task_pid_nr(current);
}

/**
 * khn_vm_debugfs_add() - create kvm-hv-nested/vm-<pid>-<id>/{stats,audit}
 * @vm: the VM; @vm->kvm and @vm->id must be set.  <pid> is
 *	@vm->kvm->userspace_pid, or the calling task's pid while KVM has not
 *	set it yet (during VM creation: the same value)
 *
 * Sets @vm->debugfs (NULL when debugfs is unavailable: the VM runs all
 * the same).  The files read @vm until khn_vm_debugfs_remove(), which
 * must therefore run before @vm is freed.
 */
void khn_vm_debugfs_add(struct khn_vm *vm)
{
	struct dentry *root = khn_debugfs_root();
	struct dentry *dir;
	char name[32];

	vm->debugfs = NULL;
	if (IS_ERR_OR_NULL(root))
		return;
	snprintf(name, sizeof(name), "vm-%d-%u", khn_vm_pid(vm->kvm), vm->id);
	dir = debugfs_create_dir(name, root);
	if (IS_ERR(dir)) {
		pr_warn_ratelimited("no debugfs directory %s (%ld)\n", name,
				    PTR_ERR(dir));
		return;
	}
	debugfs_create_file("stats", 0444, dir, &vm->stats,
			    &khn_vm_stats_fops);
	debugfs_create_file("audit", 0400, dir, vm, &khn_vm_audit_fops);
	vm->debugfs = dir;
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_debugfs_add);

/**
 * khn_vm_debugfs_remove() - remove what khn_vm_debugfs_add() created
 * @vm: the VM
 *
 * Waits for readers of the stats file to finish; later reads of a file
 * still open fail with -EIO and never touch @vm.  Safe when
 * khn_vm_debugfs_add() created nothing, and when called twice.
 */
void khn_vm_debugfs_remove(struct khn_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
	vm->debugfs = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(khn_vm_debugfs_remove);
