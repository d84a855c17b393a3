// SPDX-License-Identifier: GPL-2.0-only
/* Placeholder until the debugfs statistics land. */
#include "khn/vm.h"

atomic_long_t khn_live[KHN_LIVE_NR];

void khn_vm_debugfs_add(struct khn_vm *vm)
{
}

void khn_vm_debugfs_remove(struct khn_vm *vm)
{
}
