// SPDX-License-Identifier: GPL-2.0-only
/*
 * insmod1 - load a kernel module with exactly one finit_module() call.
 *
 * busybox insmod retries a failed finit_module() with init_module(), so a
 * module whose init fails runs its init twice. In the e2e chain that doubles
 * L1's H_SET_PARTITION_TABLE when L0 refuses nesting, and L0's hcall counts
 * would then not describe one load. Packed into the initramfs by
 * scripts/e2e/mkinitramfs; usage: insmod1 MODULE.ko [param=value ...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: insmod1 MODULE.ko [param=value ...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "insmod1: parameters too long\n");
			return 2;
		}
		len += (size_t)n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "insmod1: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_finit_module, fd, params, 0) != 0) {
		fprintf(stderr, "insmod1: can't insert '%s': %s\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
