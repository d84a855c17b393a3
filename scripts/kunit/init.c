// SPDX-License-Identifier: GPL-2.0-only
/*
 * PID 1 of the scripts/kunit/ppc initramfs (static, ppc64le).
 *
 * Loads every module listed in /modules.list in order (finit_module, KUnit
 * suites of a module run synchronously while it loads), then prints the
 * debugfs KTAP of every KUnit suite that appeared while loading them,
 * framed by "khn-ktap-begin <suite>" / "khn-ktap-end <suite>", and powers
 * off.  Suites that were already present at boot (built-in ones) are not
 * printed: the host parses only the modules' results.
 *
 * A line "run PROGRAM [ARG...]" in /modules.list runs PROGRAM at that point
 * of the sequence and waits for it (e.g. tests that need kvm-hv loaded
 * without, then with, kvm-hv-nested.ko).
 *
 * Lines for the host script:
 *   khn-init: loaded <path>
 *   khn-init: FAILED to load <path>: <errno text>
 *   khn-init: run <program> [args]
 *   khn-init: ran <program>: exit <status> | signal <n> | FAILED: <errno text>
 *   khn-init: done
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define KUNIT_DIR "/sys/kernel/debug/kunit"
#define MAX_SUITES 1024

static char *boot_suites[MAX_SUITES];
static int nr_boot_suites;

static void cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("khn-init: cannot open %s: %m\n", path);
		return;
	}
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			break;
	close(fd);
}

static void quiet_console(void)
{
	int fd = open("/proc/sys/kernel/printk", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "1\n", 2) != 2)
			printf("khn-init: cannot lower console loglevel\n");
		close(fd);
	}
}

/* "run PROGRAM [ARG...]": run it with stdout/stderr on the console, wait. */
static void run(char *cmd)
{
	char *argv[32], *save = NULL, *w;
	int argc = 0, status;
	pid_t pid;

	for (w = strtok_r(cmd, " \t", &save); w && argc < 31; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (!argc)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("khn-init: ran %s: FAILED: %m\n", argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("khn-init: ran %s: FAILED: %m\n", argv[0]);
		return;
	}
	if (WIFEXITED(status))
		printf("khn-init: ran %s: exit %d\n", argv[0], WEXITSTATUS(status));
	else
		printf("khn-init: ran %s: signal %d\n", argv[0], WTERMSIG(status));
}

static int is_boot_suite(const char *name)
{
	int i;

	for (i = 0; i < nr_boot_suites; i++)
		if (!strcmp(boot_suites[i], name))
			return 1;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(void)
{
	struct dirent **ents;
	char line[512], path[1024];
	int i, n;
	FILE *f;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	n = scandir(KUNIT_DIR, &ents, not_dot, by_name);
	for (i = 0; i < n; i++) {
		if (nr_boot_suites < MAX_SUITES)
			boot_suites[nr_boot_suites++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);

	f = fopen("/modules.list", "r");
	if (!f)
		printf("khn-init: no /modules.list: %m\n");
	while (f && fgets(line, sizeof(line), f)) {
		int fd;

		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "run ", 4)) {
			printf("khn-init: %s\n", line);
			run(line + 4);
			continue;
		}
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("khn-init: FAILED to load %s: %m\n", line);
			continue;
		}
		if (syscall(SYS_finit_module, fd, "", 0) != 0)
			printf("khn-init: FAILED to load %s: %m\n", line);
		else
			printf("khn-init: loaded %s\n", line);
		close(fd);
	}

	/* keep kernel messages from splitting KTAP lines while dumping */
	quiet_console();
	n = scandir(KUNIT_DIR, &ents, not_dot, by_name);
	if (n < 0)
		printf("khn-init: cannot list " KUNIT_DIR ": %m\n");
	for (i = 0; i < n; i++) {
		const char *s = ents[i]->d_name;

		if (!is_boot_suite(s)) {
			snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", s);
			printf("khn-ktap-begin %s\n", s);
			cat(path);
			printf("khn-ktap-end %s\n", s);
		}
		free(ents[i]);
	}
	printf("khn-init: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
