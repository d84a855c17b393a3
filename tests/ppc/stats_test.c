// SPDX-License-Identifier: GPL-2.0-only
/*
 * The observability of src/stats.c: every counter has a name, and the
 * debugfs files (kvm-hv-nested/live, kvm-hv-nested/vm-<pid>-<id>/stats)
 * show the values, read back through the VFS as a reader would see them.
 * Needs debugfs mounted on /sys/kernel/debug (scripts/kunit/init.c).
 */

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>

#include "khn/stats.h"
#include "khn/lifecycle.h"
#include "khn/mmu.h"
#include "khn/vm.h"

#define KHN_DEBUGFS "/sys/kernel/debug/kvm-hv-nested"
#define KHN_READ_MAX 4096

/*
 * Read a whole seq_file-backed debugfs file.  kernel_read() refuses
 * debugfs files (their proxy has ->read, not ->read_iter), so drive the
 * seq_file that the open set up directly.  Return: the text, or an
 * ERR_PTR from the open.
 */
static char *khn_read_file(struct kunit *test, const char *path)
{
	struct kiocb kiocb;
	struct iov_iter iter;
	struct kvec kv;
	struct file *f;
	size_t len = 0;
	ssize_t n;
	char *buf;

	buf = kunit_kzalloc(test, KHN_READ_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return ERR_CAST(f);
	init_sync_kiocb(&kiocb, f);
	do {
		kv.iov_base = buf + len;
		kv.iov_len = KHN_READ_MAX - 1 - len;
		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, kv.iov_len);
		n = seq_read_iter(&kiocb, &iter);
		if (n > 0)
			len += n;
	} while (n > 0 && len < KHN_READ_MAX - 1);
	filp_close(f, NULL);
	KUNIT_EXPECT_GE_MSG(test, n, 0, "reading %s", path);
	KUNIT_EXPECT_LT_MSG(test, len, KHN_READ_MAX - 1, "%s too long", path);
	buf[len] = '\0';
	return buf;
}

/*
 * Check that @text is exactly one "<name> <value>" line per entry, in
 * order: names from @name, values from @want.
 */
static void khn_expect_lines(struct kunit *test, char *text, unsigned int nr,
			     const char *(*name)(unsigned int i),
			     const long long *want)
{
	unsigned int i = 0;
	char *line, *val;
	long long v;

	while ((line = strsep(&text, "\n")) && *line) {
		KUNIT_ASSERT_LT_MSG(test, i, nr, "extra line '%s'", line);
		val = strchr(line, ' ');
		KUNIT_ASSERT_NOT_NULL_MSG(test, val, "line '%s'", line);
		*val++ = '\0';
		KUNIT_EXPECT_STREQ(test, line, name(i));
		KUNIT_ASSERT_EQ_MSG(test, kstrtoll(val, 10, &v), 0,
				    "value '%s' of %s", val, line);
		KUNIT_EXPECT_EQ_MSG(test, v, want[i], "%s", line);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, nr);
	/* nothing after the last line */
	KUNIT_EXPECT_TRUE(test, !text || !*text);
}

static const char *khn_stat_name_u(unsigned int i)
{
	return khn_stat_name(i);
}

static const char *khn_live_name_u(unsigned int i)
{
	return khn_live_name(i);
}

static void khn_expect_names(struct kunit *test, unsigned int nr,
			     const char *(*name)(unsigned int i))
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NOT_NULL(test, name(i));
		KUNIT_EXPECT_GT_MSG(test, strlen(name(i)), 0, "entry %u", i);
		KUNIT_EXPECT_STRNEQ_MSG(test, name(i), "unknown", "entry %u", i);
		/* one word: the files are "<name> <value>" lines */
		KUNIT_EXPECT_NULL_MSG(test, strpbrk(name(i), " \t\n"),
				      "entry %u", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ_MSG(test, name(i), name(j),
						"entries %u and %u", j, i);
	}
	KUNIT_EXPECT_STREQ(test, name(nr), "unknown");
	KUNIT_EXPECT_STREQ(test, name(-1U), "unknown");
}

static void stat_names_are_complete(struct kunit *test)
{
	khn_expect_names(test, KHN_STAT_NR, khn_stat_name_u);
}

static void live_names_are_complete(struct kunit *test)
{
	khn_expect_names(test, KHN_LIVE_NR, khn_live_name_u);
	KUNIT_EXPECT_STREQ(test, khn_live_name(KHN_LIVE_VMS), "vms");
	KUNIT_EXPECT_STREQ(test, khn_live_name(KHN_LIVE_L2S), "l2s");
	KUNIT_EXPECT_STREQ(test, khn_live_name(KHN_LIVE_SHADOW_TABLES),
			   "shadow_tables");
	KUNIT_EXPECT_STREQ(test, khn_live_name(KHN_LIVE_LPIDS), "lpids");
	KUNIT_EXPECT_STREQ(test, khn_live_name(KHN_LIVE_NRMAP_BYTES),
			   "nrmap_bytes");
}

/* Run @fn(@arg) when the test ends, however it ends. */
static int khn_defer(struct kunit *test, kunit_action_t *fn, void *arg)
{
	return kunit_add_action_or_reset(test, fn, arg);
}

/* Distinct, recognisable, and large enough to need every digit printed. */
static long khn_live_delta(unsigned int i)
{
	return 1000000007L * (i + 1) + i;
}

static void khn_live_undo(void *unused)
{
	unsigned int i;

	for (i = 0; i < KHN_LIVE_NR; i++)
		khn_live_add(i, -khn_live_delta(i));
}

static void khn_live_redo(void *unused)
{
	unsigned int i;

	for (i = 0; i < KHN_LIVE_NR; i++)
		khn_live_add(i, khn_live_delta(i));
}

/*
 * The counts are the module's own: add to them and take the addition
 * back (also when an assertion ends the test early), so whatever the
 * module counted meanwhile survives.
 */
static void live_file_reads_back(struct kunit *test)
{
	long long want[KHN_LIVE_NR];
	unsigned int i;
	char *text;

	for (i = 0; i < KHN_LIVE_NR; i++)
		khn_live_add(i, khn_live_delta(i));
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_live_undo, NULL), 0);
	for (i = 0; i < KHN_LIVE_NR; i++)
		want[i] = atomic_long_read(&khn_live[i]);
	text = khn_read_file(test, KHN_DEBUGFS "/live");
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, text,
					 "open " KHN_DEBUGFS "/live");
	khn_expect_lines(test, text, KHN_LIVE_NR, khn_live_name_u, want);
}

static void live_file_shows_negative(struct kunit *test)
{
	long long want[KHN_LIVE_NR];
	unsigned int i;
	char *text;

	/* a leak shows up as a positive count; an imbalance as a negative one */
	for (i = 0; i < KHN_LIVE_NR; i++)
		khn_live_add(i, -khn_live_delta(i));
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_live_redo, NULL), 0);
	for (i = 0; i < KHN_LIVE_NR; i++)
		want[i] = atomic_long_read(&khn_live[i]);
	text = khn_read_file(test, KHN_DEBUGFS "/live");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, text);
	khn_expect_lines(test, text, KHN_LIVE_NR, khn_live_name_u, want);
}

struct khn_fake_vm {
	struct kvm kvm;
	struct khn_vm vm;
};

static void khn_fake_vm_remove(void *vm)
{
	khn_vm_debugfs_remove(vm);
}

/* A VM as far as stats.c sees one: no kvm-hv behind it. */
static struct khn_vm *khn_fake_vm(struct kunit *test, pid_t pid,
				  unsigned int id)
{
	struct khn_fake_vm *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->kvm.userspace_pid = pid;
	f->vm.kvm = &f->kvm;
	f->vm.id = id;
	return &f->vm;
}

static void vm_stats_file_reads_back(struct kunit *test)
{
	/* an id no real VM of this boot reaches */
	const unsigned int id = 0xfffffff0;
	long long want[KHN_STAT_NR];
	struct khn_vm *vm;
	unsigned int i;
	char path[96];
	char *text;

	vm = khn_fake_vm(test, 4242, id);
	for (i = 0; i < KHN_STAT_NR; i++) {
		want[i] = 3000000000LL + 1000LL * i;
		khn_stat_add(&vm->stats, i, want[i]);
	}
	khn_stat_inc(&vm->stats, KHN_STAT_ENTER);
	want[KHN_STAT_ENTER]++;

	khn_vm_debugfs_add(vm);
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_fake_vm_remove, vm), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm->debugfs);
	snprintf(path, sizeof(path), KHN_DEBUGFS "/vm-4242-%u/stats", id);
	text = khn_read_file(test, path);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, text, "open %s", path);
	khn_expect_lines(test, text, KHN_STAT_NR, khn_stat_name_u, want);

	/* counters are read live, not copied at creation */
	khn_stat_inc(&vm->stats, KHN_STAT_COPY);
	want[KHN_STAT_COPY]++;
	text = khn_read_file(test, path);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, text);
	khn_expect_lines(test, text, KHN_STAT_NR, khn_stat_name_u, want);

	khn_vm_debugfs_remove(vm);
	KUNIT_EXPECT_NULL(test, vm->debugfs);
	KUNIT_EXPECT_EQ(test, PTR_ERR(khn_read_file(test, path)),
			(long)-ENOENT);
	/* removing twice (and again at cleanup) is harmless */
	khn_vm_debugfs_remove(vm);
}

/* Two VMs of one process differ by id; each file shows its own VM. */
static void vm_dirs_are_per_vm(struct kunit *test)
{
	struct khn_vm *a, *b;
	char *text;

	a = khn_fake_vm(test, 4243, 0xfffffff1);
	b = khn_fake_vm(test, 4243, 0xfffffff2);
	khn_stat_add(&a->stats, KHN_STAT_HW_FLUSH, 11);
	khn_stat_add(&b->stats, KHN_STAT_HW_FLUSH, 22);
	khn_vm_debugfs_add(a);
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_fake_vm_remove, a), 0);
	khn_vm_debugfs_add(b);
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_fake_vm_remove, b), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a->debugfs);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->debugfs);
	KUNIT_EXPECT_PTR_NE(test, a->debugfs, b->debugfs);

	text = khn_read_file(test, KHN_DEBUGFS "/vm-4243-4294967281/stats");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, text);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nhw_flush 11\n"));
	text = khn_read_file(test, KHN_DEBUGFS "/vm-4243-4294967282/stats");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, text);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\nhw_flush 22\n"));

	khn_vm_debugfs_remove(a);
	text = khn_read_file(test, KHN_DEBUGFS "/vm-4243-4294967281/stats");
	KUNIT_EXPECT_EQ(test, PTR_ERR(text), (long)-ENOENT);
	text = khn_read_file(test, KHN_DEBUGFS "/vm-4243-4294967282/stats");
	KUNIT_EXPECT_FALSE(test, IS_ERR(text));
}

/*
 * At vm_init time KVM has not set kvm->userspace_pid yet: the directory
 * takes the creating task's pid, the one KVM is about to record.
 */
static void vm_dir_pid_before_kvm_sets_it(struct kunit *test)
{
	struct khn_vm *vm;
	char path[96];
	char *text;

	vm = khn_fake_vm(test, 0, 0xfffffff3);
	khn_vm_debugfs_add(vm);
	KUNIT_ASSERT_EQ(test, khn_defer(test, khn_fake_vm_remove, vm), 0);
	snprintf(path, sizeof(path), KHN_DEBUGFS "/vm-%d-%u/stats",
		 task_pid_nr(current), 0xfffffff3);
	text = khn_read_file(test, path);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(text), "open %s", path);
	text = khn_read_file(test, KHN_DEBUGFS "/vm-0-4294967283/stats");
	KUNIT_EXPECT_TRUE(test, IS_ERR(text));
}

static struct kunit_case stats_test_cases[] = {
	KUNIT_CASE(stat_names_are_complete),
	KUNIT_CASE(live_names_are_complete),
	KUNIT_CASE(live_file_reads_back),
	KUNIT_CASE(live_file_shows_negative),
	KUNIT_CASE(vm_stats_file_reads_back),
	KUNIT_CASE(vm_dirs_are_per_vm),
	KUNIT_CASE(vm_dir_pid_before_kvm_sets_it),
	{}
};

static struct kunit_suite stats_test_suite = {
	.name = "khn-stats",
	.test_cases = stats_test_cases,
};

kunit_test_suite(stats_test_suite);
