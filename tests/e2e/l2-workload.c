// SPDX-License-Identifier: GPL-2.0-only
/*
 * l2-workload: memory mapping and invalidation exerciser for a nested (L2) guest.
 *
 * Every operation here ends up as a partition-scoped or process-scoped page
 * table update that the L1 hypervisor has to shadow for L2: first-touch
 * faults, copy-on-write breaks after fork(), MADV_DONTNEED zapping,
 * mprotect() downgrades, munmap()/MAP_FIXED remaps and MAP_SHARED pages seen
 * by two processes.  A stale shadow translation shows up as a word that does
 * not hold the value we last wrote, so every byte written is read back.
 *
 * The data pattern is a pure function of (seed, offset), which keeps runs
 * deterministic and lets any process recompute what a word must contain.
 *
 * Output is meant for a serial console: one line per pass, at most
 * MAX_PRINTED mismatch reports, and a final machine-readable line:
 *   L2-WORKLOAD: PASS passes=P forks=F bytes_written=N bytes_verified=N
 *   L2-WORKLOAD: FAIL errors=E passes=P forks=F bytes_written=N bytes_verified=N
 * With -t the passes go on until that many seconds have passed (an
 * operator scenario runs underneath), each printing "pass N ok t=Ss".
 * Exit status is 0 on PASS, 1 on FAIL and 2 on bad usage.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

typedef unsigned long long u64;

#define MIB		(1024ULL * 1024ULL)
#define DEF_MIB		64
#define MAX_MIB		16384
#define DEF_PASSES	4
#define MAX_PASSES	100000
#define DEF_FORKS	4
#define MAX_FORKS	64
#define MAX_PRINTED	10
#define MAX_SECONDS	86400

/* splitmix64 constants */
#define GAMMA		0x9e3779b97f4a7c15ULL
#define MIX1		0xbf58476d1ce4e5b9ULL
#define MIX2		0x94d049bb133111ebULL
#define BASE_SEED	0x4c32574f524b4c44ULL

/* The final line is parsed by the test harness; keep these formats stable. */
#define PASS_FMT	"L2-WORKLOAD: PASS passes=%u forks=%llu bytes_written=%llu bytes_verified=%llu\n"
#define FAIL_FMT	"L2-WORKLOAD: FAIL errors=%llu passes=%u forks=%llu bytes_written=%llu bytes_verified=%llu\n"
#define MISMATCH_FMT	"l2-workload: MISMATCH %s pid=%d addr=%p off=0x%zx expected=0x%016llx got=0x%016llx\n"

struct counters {
	u64 written;
	u64 verified;
	u64 pages;
	u64 errors;
};

/*
 * Kept in a MAP_SHARED page so that children can hand their counters back
 * to the parent and so that the cap on printed mismatches is global rather
 * than per process.  Slot MAX_FORKS is used by the shared-mapping child.
 */
struct shared_state {
	unsigned int printed;
	struct counters child[MAX_FORKS + 1];
};

static struct counters cnt;
static struct shared_state *shared;
static u64 nforks;
static size_t page_size;
static sigjmp_buf fault_jmp;
static const u64 *fault_expect;

/*
 * The compiler must not keep region contents in registers across a fill and
 * the following verify: the point is to make the (virtual) MMU do the work.
 */
static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

static u64 mix64(u64 z)
{
	z = (z ^ (z >> 30)) * MIX1;
	z = (z ^ (z >> 27)) * MIX2;
	return z ^ (z >> 31);
}

/* Expected value of word @idx (byte offset idx * 8) for @seed. */
static u64 pattern(u64 seed, size_t idx)
{
	return mix64(seed + (idx + 1) * GAMMA);
}

static u64 child_seed(u64 seed, unsigned int slot)
{
	return mix64(seed ^ (0xc0c0c0c0ULL + slot));
}

static u64 pages_in(size_t len)
{
	return (len + page_size - 1) / page_size;
}

/* Page-aligned @n eighths of @size; main() guarantees this is non-zero. */
static size_t eighths(size_t size, unsigned int n)
{
	return (size / 8 * n) & ~(page_size - 1);
}

static void sys_fail(const char *what)
{
	printf("l2-workload: ERROR %s: %s\n", what, strerror(errno));
	cnt.errors++;
}

static void mismatch(const char *what, const u64 *base, size_t idx, u64 exp, u64 got)
{
	unsigned int n;

	cnt.errors++;
	n = __atomic_fetch_add(&shared->printed, 1, __ATOMIC_RELAXED);
	if (n < MAX_PRINTED)
		printf(MISMATCH_FMT, what, (int)getpid(), (const void *)&base[idx],
		       idx * sizeof(u64), exp, got);
	else if (n == MAX_PRINTED)
		printf("l2-workload: further mismatches not printed\n");
}

/* Fill bytes [off, off + len) of @base; both are multiples of 8. */
static void fill(u64 *base, size_t off, size_t len, u64 seed)
{
	size_t i, end = (off + len) / sizeof(u64);

	for (i = off / sizeof(u64); i < end; i++)
		base[i] = pattern(seed, i);
	barrier();
	cnt.written += len;
	cnt.pages += pages_in(len);
}

static void verify(const char *what, const u64 *base, size_t off, size_t len, u64 seed)
{
	size_t i, end = (off + len) / sizeof(u64);
	u64 exp;

	barrier();
	for (i = off / sizeof(u64); i < end; i++) {
		exp = pattern(seed, i);
		if (base[i] != exp)
			mismatch(what, base, i, exp, base[i]);
	}
	cnt.verified += len;
}

static void verify_zero(const char *what, const u64 *base, size_t off, size_t len)
{
	size_t i, end = (off + len) / sizeof(u64);

	barrier();
	for (i = off / sizeof(u64); i < end; i++) {
		if (base[i])
			mismatch(what, base, i, 0, base[i]);
	}
	cnt.verified += len;
}

/* Hand this child's counters to the parent and leave without atexit work. */
static void child_exit(unsigned int slot)
{
	shared->child[slot] = cnt;
	fflush(stdout);
	_exit(cnt.errors ? 1 : 0);
}

/* Flush before fork so buffered output is not printed twice. */
static pid_t start_child(unsigned int slot)
{
	pid_t pid;

	memset(&shared->child[slot], 0, sizeof(shared->child[slot]));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		sys_fail("fork");
		return pid;
	}
	if (pid == 0)
		memset(&cnt, 0, sizeof(cnt));
	else
		nforks++;
	return pid;
}

/*
 * Collect a child's counters.  A child that died without recording an error
 * (killed by a signal, say) still counts as one error.
 */
static void reap(pid_t pid, unsigned int slot)
{
	struct counters *c = &shared->child[slot];
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			sys_fail("waitpid");
			return;
		}
	}
	cnt.written += c->written;
	cnt.verified += c->verified;
	cnt.pages += c->pages;
	cnt.errors += c->errors;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status))
		printf("l2-workload: ERROR child %d killed by signal %d\n",
		       (int)pid, WTERMSIG(status));
	else
		printf("l2-workload: ERROR child %d exited with status %d\n",
		       (int)pid, WEXITSTATUS(status));
	if (!c->errors)
		cnt.errors++;
}

/*
 * Each child writes its own slice, which breaks COW for just those pages,
 * and checks that the rest still holds the parent's data.  Afterwards the
 * parent must see none of the children's writes.
 */
static void test_cow(u64 *base, size_t size, u64 seed, unsigned int forks)
{
	size_t nwords = size / sizeof(u64), slice = nwords / forks, lo, hi;
	pid_t pids[MAX_FORKS];
	unsigned int c, started = 0;

	for (c = 0; c < forks; c++) {
		pids[c] = start_child(c);
		if (pids[c] < 0)
			break;
		started++;
		if (pids[c] > 0)
			continue;
		lo = c * slice;
		hi = c == forks - 1 ? nwords : lo + slice;
		fill(base, lo * sizeof(u64), (hi - lo) * sizeof(u64), child_seed(seed, c));
		verify("cow-child-slice", base, lo * sizeof(u64), (hi - lo) * sizeof(u64),
		       child_seed(seed, c));
		verify("cow-child-rest", base, 0, lo * sizeof(u64), seed);
		verify("cow-child-rest", base, hi * sizeof(u64), size - hi * sizeof(u64), seed);
		child_exit(c);
	}
	for (c = 0; c < started; c++)
		reap(pids[c], c);
	verify("cow-parent", base, 0, size, seed);
}

/* Zapped private anonymous pages must come back as fresh zero pages. */
static bool test_dontneed(u64 *base, size_t size, u64 seed)
{
	size_t off = eighths(size, 1), len = eighths(size, 2);

	if (madvise((char *)base + off, len, MADV_DONTNEED)) {
		sys_fail("madvise(MADV_DONTNEED)");
		return false;
	}
	verify_zero("dontneed-zero", base, off, len);
	fill(base, off, len, seed);
	verify("dontneed-refill", base, off, len, seed);
	return true;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	siglongjmp(fault_jmp, si->si_addr == (const void *)fault_expect ? 1 : 2);
}

/*
 * A write to a page that was just made read-only must fault: if the
 * downgrade was not propagated to the shadow translation, the store lands.
 */
static void probe_write_fault(u64 *target)
{
	struct sigaction sa, old;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	fault_expect = target;
	if (sigaction(SIGSEGV, &sa, &old)) {
		sys_fail("sigaction");
		return;
	}
	r = sigsetjmp(fault_jmp, 1);
	if (r == 0) {
		*target = ~*target;
		barrier();
		printf("l2-workload: ERROR write to read-only page at %p did not fault\n",
		       (void *)target);
		cnt.errors++;
	} else if (r == 2) {
		printf("l2-workload: ERROR write fault at unexpected address (wanted %p)\n",
		       (void *)target);
		cnt.errors++;
	}
	if (sigaction(SIGSEGV, &old, NULL))
		sys_fail("sigaction restore");
}

static bool test_mprotect(u64 *base, size_t size, u64 seed)
{
	size_t off = eighths(size, 5), len = eighths(size, 2);
	char *p = (char *)base + off;

	if (mprotect(p, len, PROT_READ)) {
		sys_fail("mprotect(PROT_READ)");
		return false;
	}
	verify("mprotect-ro", base, off, len, seed);
	probe_write_fault((u64 *)(p + len / 2));
	if (mprotect(p, len, PROT_READ | PROT_WRITE)) {
		sys_fail("mprotect(PROT_READ|PROT_WRITE)");
		return false;
	}
	/* The faulted store above must not have landed. */
	verify("mprotect-rw", base, off, len, seed);
	fill(base, off, len, seed);
	verify("mprotect-refill", base, off, len, seed);
	return true;
}

/* Punch a hole in the middle and map fresh pages back at the same address. */
static bool test_hole(u64 *base, size_t size, u64 seed)
{
	size_t off = eighths(size, 3), len = eighths(size, 2);
	char *want = (char *)base + off;
	void *p;

	if (munmap(want, len)) {
		sys_fail("munmap(hole)");
		return false;
	}
	p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	if (p == MAP_FAILED) {
		sys_fail("mmap(MAP_FIXED)");
		return false;
	}
	if (p != want) {
		printf("l2-workload: ERROR MAP_FIXED returned %p, wanted %p\n", p, (void *)want);
		cnt.errors++;
		return false;
	}
	verify_zero("hole-zero", base, off, len);
	fill(base, off, len, seed);
	verify("hole-refill", base, off, len, seed);
	return true;
}

/*
 * The parent's writes must be visible to the child and the child's writes
 * to the parent: both map the same physical pages.
 */
static bool test_shared(size_t size, u64 seed)
{
	size_t len = eighths(size, 2), half = len / 2;
	u64 pseed = child_seed(seed, MAX_FORKS + 1);
	u64 cseed = child_seed(seed, MAX_FORKS);
	u64 *p;
	pid_t pid;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		sys_fail("mmap(MAP_SHARED)");
		return false;
	}
	verify_zero("shared-zero", p, 0, len);
	fill(p, 0, half, pseed);
	pid = start_child(MAX_FORKS);
	if (pid == 0) {
		verify("shared-child-sees-parent", p, 0, half, pseed);
		fill(p, 0, len, cseed);
		verify("shared-child", p, 0, len, cseed);
		child_exit(MAX_FORKS);
	}
	if (pid > 0) {
		reap(pid, MAX_FORKS);
		verify("shared-parent-sees-child", p, 0, len, cseed);
	}
	if (munmap(p, len))
		sys_fail("munmap(shared)");
	return pid > 0;
}

static struct timespec t_start;

/* Whole seconds of CLOCK_MONOTONIC since main() started. */
static u64 elapsed_s(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - t_start.tv_sec - (now.tv_nsec < t_start.tv_nsec);
}

/* Returns false if a system call failed and further passes are pointless. */
static bool run_pass(unsigned int pass, unsigned int passes, size_t size, unsigned int forks,
		     bool inject)
{
	u64 seed = mix64(BASE_SEED + pass * GAMMA);
	u64 errors = cnt.errors;
	size_t off;
	u64 *base;
	bool ok;

	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		sys_fail("mmap(region)");
		return false;
	}
	fill(base, 0, size, seed);
	if (inject) {
		/* Last eighth: no sub-range test rewrites it, so it stays corrupt. */
		off = size - size / 16 + 3;
		printf("l2-workload: injecting corruption at offset 0x%zx\n", off);
		((unsigned char *)base)[off] ^= 0x5a;
	}
	verify("fill", base, 0, size, seed);
	test_cow(base, size, seed, forks);
	ok = test_dontneed(base, size, seed) &&
	     test_mprotect(base, size, seed) &&
	     test_hole(base, size, seed) &&
	     test_shared(size, seed);
	if (ok)
		verify("final", base, 0, size, seed);
	if (munmap(base, size)) {
		sys_fail("munmap(region)");
		ok = false;
	}
	/* passes == 0: continuous mode, the total is not known yet. */
	if (cnt.errors == errors && passes)
		printf("l2-workload: pass %u/%u ok\n", pass + 1, passes);
	else if (cnt.errors == errors)
		printf("l2-workload: pass %u ok t=%llus\n", pass + 1, elapsed_s());
	else
		printf("l2-workload: pass %u FAIL errors=%llu t=%llus\n", pass + 1,
		       cnt.errors - errors, elapsed_s());
	return ok;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: l2-workload [-m MiB] [-p passes] [-t seconds] [-f forks] [-X]\n"
		"  -m MiB     resident size per pass, 1..%d (default %d)\n"
		"  -p passes  number of passes, 1..%d (default %d)\n"
		"  -t seconds continuous: run passes until this many seconds have\n"
		"             passed and at least -p passes are done, 1..%d\n"
		"  -f forks   copy-on-write children per pass, 1..%d (default %d)\n"
		"  -X         inject a corruption, for testing the checker\n"
		"  -T         print the timebase register and exit\n"
		"  -h         show this help\n",
		MAX_MIB, DEF_MIB, MAX_PASSES, DEF_PASSES, MAX_SECONDS, MAX_FORKS, DEF_FORKS);
}

/*
 * The timebase register.  Each level's starts near 0 with its QEMU (KVM's
 * TB offset); scripts/e2e/run adds the levels' readings up to L0's clock.
 * Under QEMU's -icount it counts instructions, not host time: the
 * deterministic figures of make perf.
 */
static unsigned long long timebase(void)
{
	unsigned long long tb;

	asm volatile("mftb %0" : "=r"(tb));
	return tb;
}

/* Strict decimal in [1, max]: no sign, no junk, no overflow. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	unsigned long mib = DEF_MIB, passes = DEF_PASSES, forks = DEF_FORKS, secs = 0;
	unsigned int pass, done = 0;
	bool inject = false;
	long pg;
	size_t size;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	while ((opt = getopt(argc, argv, "m:p:t:f:XTh")) != -1) {
		switch (opt) {
		case 'T':
			printf("%llu\n", timebase());
			return 0;
		case 'm':
			if (!parse_uint(optarg, MAX_MIB, &mib))
				goto bad;
			break;
		case 'p':
			if (!parse_uint(optarg, MAX_PASSES, &passes))
				goto bad;
			break;
		case 't':
			if (!parse_uint(optarg, MAX_SECONDS, &secs))
				goto bad;
			break;
		case 'f':
			if (!parse_uint(optarg, MAX_FORKS, &forks))
				goto bad;
			break;
		case 'X':
			inject = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;

	pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0 || (pg & (pg - 1))) {
		printf("l2-workload: ERROR bad page size %ld\n", pg);
		return 1;
	}
	page_size = pg;
	/* Guards 32-bit size_t, and keeps every eighth of the region page-sized. */
	if (mib > SIZE_MAX / MIB || mib * MIB < 16 * page_size) {
		fprintf(stderr, "l2-workload: -m %lu does not fit this system\n", mib);
		goto bad;
	}
	size = mib * MIB;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		sys_fail("mmap(shared state)");
		return 1;
	}

	printf("l2-workload: start mib=%lu passes=%lu seconds=%lu forks=%lu page_size=%zu%s\n",
	       mib, passes, secs, forks, page_size, inject ? " inject=1" : "");
	/*
	 * Continuous mode stops at a pass boundary only, so every pass
	 * verifies the whole region it wrote, however long the run.
	 */
	for (pass = 0; secs ? pass < passes || elapsed_s() < secs : pass < passes; pass++) {
		if (!run_pass(pass, secs ? 0 : passes, size, forks, inject && pass == 0))
			break;
		done++;
		if (pass == UINT_MAX - 1)
			break;
	}

	printf("l2-workload: pages_touched=%llu\n", cnt.pages);
	if (cnt.errors)
		printf(FAIL_FMT, cnt.errors, done, nforks, cnt.written, cnt.verified);
	else
		printf(PASS_FMT, done, nforks, cnt.written, cnt.verified);
	fflush(stdout);
	return cnt.errors ? 1 : 0;

bad:
	print_usage(stderr);
	return 2;
}
