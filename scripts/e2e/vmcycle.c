// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmcycle - create and destroy KVM-HV VMs with nested HV enabled, the way
 * an L1's QEMU does, without booting anything in them.
 *
 * L0's /init runs it between an insmod and an rmmod of kvm-hv-nested.ko
 * (the load/run/unload cycles of the e2e module mode): each VM goes
 * through the module's vm_init, enable_nested and vm_destroy, and gets
 * and loses its debugfs directory.  Packed into the L0 initramfs by
 * scripts/e2e/mkinitramfs.
 *
 * usage: vmcycle [-n VMS] [-d DEBUGFS_DIR]
 *   -n   VMs alive at once (default 2), each with one vCPU
 *   -d   the module's debugfs directory (default
 *        /sys/kernel/debug/kvm-hv-nested): vm-<our pid>-* entries are
 *        counted while the VMs live and after they are gone
 * Prints one line:
 *   vmcycle: vms=N nested=N vcpus=N dirs_alive=N dirs_after=N
 * Exit status 0 when every VM, nested enable and vCPU was created, 1
 * otherwise, 2 on bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#define MAX_VMS 16

/* Entries vm-<pid>-* of @dir, or -1 when @dir cannot be read. */
static int count_dirs(const char *dir, pid_t pid)
{
	char prefix[32];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(prefix, sizeof(prefix), "vm-%d-", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while ((d = readdir(dp)))
		if (!strncmp(d->d_name, prefix, strlen(prefix)))
			n++;
	closedir(dp);
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = "/sys/kernel/debug/kvm-hv-nested";
	int vmfd[MAX_VMS], vcpufd[MAX_VMS];
	int nvms = 2, vms = 0, nested = 0, vcpus = 0;
	int alive, after, kvm, opt, i;

	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		switch (opt) {
		case 'n':
			nvms = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || nvms < 1 || nvms > MAX_VMS)
		goto usage;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "vmcycle: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < nvms; i++) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_NESTED_HV };

		vcpufd[i] = -1;
		vmfd[i] = ioctl(kvm, KVM_CREATE_VM, KVM_VM_PPC_HV);
		if (vmfd[i] < 0) {
			fprintf(stderr, "vmcycle: KVM_CREATE_VM: %s\n",
				strerror(errno));
			continue;
		}
		vms++;
		if (ioctl(vmfd[i], KVM_ENABLE_CAP, &cap) == 0)
			nested++;
		else
			fprintf(stderr, "vmcycle: KVM_CAP_PPC_NESTED_HV: %s\n",
				strerror(errno));
		vcpufd[i] = ioctl(vmfd[i], KVM_CREATE_VCPU, 0);
		if (vcpufd[i] >= 0)
			vcpus++;
		else
			fprintf(stderr, "vmcycle: KVM_CREATE_VCPU: %s\n",
				strerror(errno));
	}
	alive = count_dirs(dir, getpid());
	for (i = 0; i < nvms; i++) {
		if (vcpufd[i] >= 0)
			close(vcpufd[i]);
		if (vmfd[i] >= 0)
			close(vmfd[i]);
	}
	/* the last close destroys each VM synchronously */
	after = count_dirs(dir, getpid());
	close(kvm);
	printf("vmcycle: vms=%d nested=%d vcpus=%d dirs_alive=%d dirs_after=%d\n",
	       vms, nested, vcpus, alive, after);
	return vms == nvms && nested == nvms && vcpus == nvms ? 0 : 1;
usage:
	fprintf(stderr, "usage: vmcycle [-n VMS] [-d DEBUGFS_DIR]\n");
	return 2;
}
