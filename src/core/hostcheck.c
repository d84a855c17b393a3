// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load-time decision whether this host can serve nested HV.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "khn/hostcheck.h"

/**
 * khn_host_check() - decide whether the host can be an L0 for nested HV
 * @caps: the host's capabilities
 *
 * The checks run from the most fundamental to the most specific, so the
 * verdict names the first thing an administrator has to change.
 *
 * Return: %KHN_HOST_OK or the first reason the host cannot serve.
 */
enum khn_host_verdict khn_host_check(const struct khn_host_caps *caps)
{
	if (!caps->isa_300)
		return KHN_HOST_NO_ISA300;
	if (!caps->hv_mode)
		return KHN_HOST_NO_HV;
	if (!caps->radix)
		return KHN_HOST_NO_RADIX;
	return KHN_HOST_OK;
}
EXPORT_SYMBOL_IF_KUNIT(khn_host_check);

/**
 * khn_host_verdict_str() - the message printed when refusing to load
 * @v: a verdict from khn_host_check()
 *
 * Return: a constant string, never NULL.
 */
const char *khn_host_verdict_str(enum khn_host_verdict v)
{
	switch (v) {
	case KHN_HOST_OK:
		return "host can serve nested HV";
	case KHN_HOST_NO_ISA300:
		return "needs a POWER9 or later CPU (ISA v3.00)";
	case KHN_HOST_NO_HV:
		return "needs a kernel in hypervisor mode (bare metal, not an LPAR)";
	case KHN_HOST_NO_RADIX:
		return "needs the radix MMU (host booted in hash mode; remove disable_radix)";
	}
	return "unknown host verdict";
}
EXPORT_SYMBOL_IF_KUNIT(khn_host_verdict_str);
