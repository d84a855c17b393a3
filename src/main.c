// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hv-nested: the L0 hypervisor for nested HV on POWER9 radix guests,
 * as a module that registers with the patched kvm-hv.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/cpu_has_feature.h>
#include <asm/mmu.h>

#include "khn/glue.h"
#include "khn/hostcheck.h"
#include "khn/lifecycle.h"
#include "khn/stats.h"

static void khn_read_host_caps(struct khn_host_caps *caps)
{
	caps->hv_mode = cpu_has_feature(CPU_FTR_HVMODE);
	caps->isa_300 = cpu_has_feature(CPU_FTR_ARCH_300);
	caps->radix = radix_enabled();
}

static int __init khn_init(void)
{
	struct khn_host_caps caps;
	enum khn_host_verdict v;
	int ret;

	khn_read_host_caps(&caps);
	v = khn_host_check(&caps);
	if (v != KHN_HOST_OK) {
		pr_err("not loading: %s\n", khn_host_verdict_str(v));
		return -ENODEV;
	}

	/* Before registering: every VM gets its table entry and debugfs. */
	ret = khn_vms_init();
	if (ret)
		return ret;
	khn_debugfs_init();
	khn_glue_debugfs_init();
	ret = kvmhv_register_nested_ops(&khn_nested_ops);
	if (ret) {
		khn_debugfs_exit();
		khn_vms_exit();
		pr_err("not loading: kvm-hv refused the nested ops (%d%s)\n",
		       ret, ret == -EBUSY ? ": stop running VMs first" : "");
		return ret;
	}
	pr_info("serving nested HV for kvm-hv\n");
	return 0;
}

static void __exit khn_exit(void)
{
	kvmhv_unregister_nested_ops(&khn_nested_ops);
	khn_debugfs_exit();
	khn_vms_exit();
}

module_init(khn_init);
module_exit(khn_exit);

MODULE_DESCRIPTION("L0 nested HV for POWER9 radix guests, over kvm-hv");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: kvm-hv");
