// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hv-nested-test.ko: every KUnit suite of the project, for kernels
 * built with KUnit (the ppc64le POWER9 test kernel).  The arch-neutral
 * suites in tests/core/ also run built in on UML.
 */

#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for kvm-hv-nested");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
