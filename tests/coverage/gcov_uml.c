// SPDX-License-Identifier: GPL-2.0-only
/*
 * Built into the UML KUnit kernel by scripts/coverage only (through
 * KHN_KUNIT_UML_EXTRA), never into a test run or the module.
 *
 * UML's CONFIG_GCOV links the host's libgcov into the kernel, which
 * writes the .gcda files from a destructor at exit.  With gcc >= 7 that
 * destructor lands in a .fini_array.NNNNN section that UML's linker
 * script does not gather, so it never runs and no .gcda file appears.
 * Write the counters out ourselves when KUnit halts the kernel.
 */

#include <linux/init.h>
#include <linux/notifier.h>
#include <linux/reboot.h>

/* libgcov (host): write every object's counters to its .gcda file */
void __gcov_dump(void);

static int khn_gcov_dump(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	__gcov_dump();
	return NOTIFY_DONE;
}

static struct notifier_block khn_gcov_nb = {
	.notifier_call = khn_gcov_dump,
};

static int __init khn_gcov_init(void)
{
	return register_reboot_notifier(&khn_gcov_nb);
}
late_initcall(khn_gcov_init);
