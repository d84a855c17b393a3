// SPDX-License-Identifier: GPL-2.0-only
/*
 * The l1sim harness: see harness.h for the contract, l1sim.c for how the
 * fake L1 works.
 */
#define _GNU_SOURCE
/* __u64 is unsigned long long, as u64 below, on ppc64 too */
#define __SANE_USERSPACE_TYPES__
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "harness.h"

/* --------------------------------------------------------------- output --- */

const char *out_tag = "l1sim";
const char *mode;
int verbose;
int n_groups, n_passed, n_failed;
int group_fails;
char group_name[64];

/*
 * No floating point anywhere near KVM_RUN: the vCPU thread's FP registers
 * do not always survive it (see kvm_run_checked()).  Times are integer ms.
 */
static u64 group_t0;

void group_begin(const char *name)
{
	snprintf(group_name, sizeof(group_name), "%s", name);
	group_fails = 0;
	group_t0 = now_ms();
}

bool check_msg(bool ok, const char *msg)
{
	if (!ok) {
		group_fails++;
		out("#   FAIL: %s", msg);
	} else if (verbose) {
		out("#   ok: %s", msg);
	}
	return ok;
}

bool group_end(void)
{
	bool ok = group_fails == 0;

	n_groups++;
	if (ok)
		n_passed++;
	else
		n_failed++;
	if (verbose)
		out("#   %s took %llu ms", group_name, now_ms() - group_t0);
	out("%s %d %s", ok ? "ok" : "not ok", n_groups, group_name);
	return ok;
}

/* ---------------------------------------------------------------- hcall --- */

const char *rc_name(long rc)
{
	switch (rc) {
	case KHN_H_SUCCESS:		return "H_SUCCESS";
	case KHN_H_HARDWARE:		return "H_HARDWARE";
	case KHN_H_FUNCTION:		return "H_FUNCTION";
	case KHN_H_PRIVILEGE:		return "H_PRIVILEGE";
	case KHN_H_PARAMETER:		return "H_PARAMETER";
	case KHN_H_BAD_MODE:		return "H_BAD_MODE";
	case KHN_H_NOT_AVAILABLE:	return "H_NOT_AVAILABLE";
	case KHN_H_P2:			return "H_P2";
	case KHN_H_P3:			return "H_P3";
	case KHN_H_P4:			return "H_P4";
	case KHN_H_P5:			return "H_P5";
	case KHN_H_UNSUPPORTED:		return "H_UNSUPPORTED";
	case -7:			return "H_NOT_FOUND";
	case -9:			return "H_NO_MEM";
	case -10:			return "H_AUTHORITY";
	case HC_NO_RETURN:		return "no return";
	case TRAP_EXTERNAL:		return "trap 0x500";
	case TRAP_HDEC:			return "trap 0x980";
	case TRAP_SYSCALL:		return "trap 0xc00";
	case TRAP_HDSI:			return "trap 0xe00";
	case 0xe20:			return "trap 0xe20 (HISI)";
	case 0xe40:			return "trap 0xe40 (HEA)";
	case 0xf80:			return "trap 0xf80 (HFAC)";
	default:			return "?";
	}
}

long tb_hz = 512000000;
int n_timeouts;
static int alarm_fired;		/* set by the handler: atomic accesses only */

void on_alarm(int sig)
{
	(void)sig;
	__atomic_store_n(&alarm_fired, 1, __ATOMIC_SEQ_CST);
}

u64 mftb(void)
{
	u64 tb;

	asm volatile("mfspr %0, 268" : "=r" (tb));
	return tb;
}

u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

u64 bswap_if(const struct vm *vm, u64 v)
{
	return vm->l1_be ? __builtin_bswap64(v) : v;
}

u32 bswap32_if(const struct vm *vm, u32 v)
{
	return vm->l1_be ? __builtin_bswap32(v) : v;
}

void *l1(const struct vm *vm, u64 ra)
{
	return vm->mem + ra;
}

/* A 64-bit word of L1 data, in L1's byte order. */
u64 l1_ld(const struct vm *vm, u64 ra)
{
	u64 v;

	memcpy(&v, l1(vm, ra), 8);
	return bswap_if(vm, v);
}

void l1_st(struct vm *vm, u64 ra, u64 v)
{
	v = bswap_if(vm, v);
	memcpy(l1(vm, ra), &v, 8);
}

/* Radix tree and partition table entries are big-endian. */
void be_st(struct vm *vm, u64 ra, u64 v)
{
	v = htobe64(v);
	memcpy(l1(vm, ra), &v, 8);
}

/* Instructions: L1 code in L1's byte order, L2 code little-endian. */
void put_code(struct vm *vm, u64 ra, const u32 *start, const u32 *end, bool be)
{
	u32 *dst = l1(vm, ra);

	for (; start < end; start++, dst++)
		*dst = be ? __builtin_bswap32(*start) : *start;
}

/*
 * KVM_RUN as a bare "sc", with canaries in non-volatile floating-point and
 * vector registers around it (f14, f31, v20): the kernel must give the
 * vCPU thread its own values back, whatever the guest ran.  Returns the
 * ioctl's result (-1 and errno on error); counts lost canaries.
 */
int n_runs, n_fp_lost, n_enter_runs, n_enter_lost;
static u64 run_nr;		/* the hcall this run makes */
char fp_lost_first[200], fp_lost_nrs[400];

struct canary {
	u64 f14, f31, v20[2];
};

/* Syscall nr(a0, a1) as a bare "sc" with *c in f14/f31/v20 around it. */
static long sc_canary(long nr, long a0, long a1, struct canary *c, bool *failed)
{
	register long r0 asm("r0") = nr;
	register long r3 asm("r3") = a0;
	register long r4 asm("r4") = a1;
	register long r5 asm("r5") = 0;
	struct canary in = *c;	/* lxvd2x: any alignment */
	long cr;

	asm volatile("lfd	14, 0(%[in])\n"
		     "lfd	31, 8(%[in])\n"
		     "lxvd2x	52, %[o16], %[in]\n"
		     "sc\n"
		     "mfcr	%[cr]\n"
		     "stfd	14, 0(%[back])\n"
		     "stfd	31, 8(%[back])\n"
		     "stxvd2x	52, %[o16], %[back]\n"
		     : "+r" (r0), "+r" (r3), "+r" (r4), "+r" (r5), [cr] "=&r" (cr)
		     : [in] "b" (&in), [back] "b" (c), [o16] "b" (16L)
		     : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer",
		       "fr14", "fr31", "v20", "memory");
	*failed = cr & 0x10000000;	/* cr0.SO: r3 is the errno */
	return r3;
}

static void canary_fill(struct canary *c, u64 n)
{
	c->f14 = 0x4014000000000000ULL | n;	/* bit patterns, not values */
	c->f31 = 0xc031000000000000ULL | n;
	c->v20[0] = 0x1122334455667788ULL ^ n;
	c->v20[1] = ~n;
}

/*
 * KVM_RUN with canaries in non-volatile floating-point and vector
 * registers (f14, f31, v20): the kernel must give the vCPU thread its own
 * values back, whatever the guest ran.  Returns the ioctl's result (-1
 * and errno on error); counts lost canaries.
 */
static int kvm_run_checked(int fd)
{
	struct canary want, c;
	bool failed;
	long r;

	n_runs++;
	n_enter_runs += run_nr == KHN_H_ENTER_NESTED;
	canary_fill(&want, n_runs);
	c = want;
	r = sc_canary(SYS_ioctl, fd, KVM_RUN, &c, &failed);
	if (memcmp(&want, &c, sizeof(c))) {
		size_t l = strlen(fp_lost_nrs);

		n_enter_lost += run_nr == KHN_H_ENTER_NESTED;
		if (l < sizeof(fp_lost_nrs) - 64)
			snprintf(fp_lost_nrs + l, sizeof(fp_lost_nrs) - l, " %s/%llx", group_name,
				 run_nr);
		if (!n_fp_lost++)
			snprintf(fp_lost_first, sizeof(fp_lost_first),
				 "(first: run %d, hcall 0x%llx: f14 %016llx f31 %016llx v20 %016llx %016llx)",
				 n_runs, run_nr, c.f14, c.f31, c.v20[0], c.v20[1]);
	}
	if (failed) {
		errno = r;
		return -1;
	}
	return r;
}

/* The same canaries around plain syscalls: how many lost them. */
int canary_control(int n)
{
	struct canary want, c;
	int i, lost = 0;
	bool failed;

	for (i = 0; i < n; i++) {
		canary_fill(&want, i);
		c = want;
		sc_canary(i & 1 ? SYS_sched_yield : SYS_getppid, 0, 0, &c, &failed);
		lost += !!memcmp(&want, &c, sizeof(c));
	}
	return lost;
}

/*
 * Run the vCPU once.  A run that takes longer than timeout_s seconds is
 * interrupted by SIGALRM and marks the VM broken.
 */
int vcpu_run(struct vm *vm, int timeout_s)
{
	struct itimerval it = { .it_value = { .tv_sec = timeout_s } };
	struct itimerval off = { 0 };
	int r, err;

	if (vm->fail_fd > 0 && pwrite(vm->fail_fd, "1", 1, 0) != 1) {
		snprintf(vm->why, sizeof(vm->why), "make-it-fail: %m");
		return -1;
	}
	__atomic_store_n(&alarm_fired, 0, __ATOMIC_SEQ_CST);
	setitimer(ITIMER_REAL, &it, NULL);
	r = kvm_run_checked(vm->vcpu_fd);
	err = errno;
	/* a pre-opened fd: turning it off allocates nothing */
	if (vm->fail_fd > 0 && pwrite(vm->fail_fd, "0", 1, 0) != 1)
		vm->broken = true;
	setitimer(ITIMER_REAL, &off, NULL);
	if (r < 0) {
		if (err == EINTR && __atomic_load_n(&alarm_fired, __ATOMIC_SEQ_CST)) {
			snprintf(vm->why, sizeof(vm->why), "KVM_RUN did not return within %d s",
				 timeout_s);
			n_timeouts++;
		} else {
			snprintf(vm->why, sizeof(vm->why), "KVM_RUN: %s", strerror(err));
		}
		vm->broken = true;
		return -1;
	}
	return 0;
}

/*
 * One hypercall made by L1 with MSR msr (0: the default, SF|ME and L1's
 * endianness): nr in r3, args in r4.., run to the trampoline's return.
 * Returns r3 of the hcall, or HC_NO_RETURN with vm->why saying what
 * happened instead (an interrupt, an exit of another kind, a timeout);
 * the exit's nr/args stay in vm->exit_*.
 */
long hcall_msr(struct vm *vm, u64 msr, u64 nr, int nargs, const u64 *args)
{
	struct kvm_regs regs;
	int i;

	vm->exit_nr = 0;
	vm->exit_reason = 0;
	vm->l2why[0] = 0;
	memset(vm->exit_args, 0, sizeof(vm->exit_args));
	if (vm->broken) {
		snprintf(vm->why, sizeof(vm->why), "VM unusable after an earlier failure");
		return HC_NO_RETURN;
	}
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0) {
		snprintf(vm->why, sizeof(vm->why), "KVM_GET_REGS: %m");
		return HC_NO_RETURN;
	}
	regs.pc = vm->touch ? L1_TOUCH : L1_TRAMP;
	regs.msr = msr ? msr : MSR_SF | MSR_ME | (vm->l1_be ? 0 : MSR_LE);
	regs.gpr[3] = nr;
	for (i = 0; i < 9; i++)
		regs.gpr[4 + i] = i < nargs ? args[i] : 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(vm->why, sizeof(vm->why), "KVM_SET_REGS: %m");
		return HC_NO_RETURN;
	}
	/*
	 * After a KVM_EXIT_PAPR_HCALL, the next KVM_RUN loads r3..r12 from
	 * run->papr_hcall: make them say the same as the registers.
	 */
	vm->run->papr_hcall.ret = nr;
	for (i = 0; i < 9; i++)
		vm->run->papr_hcall.args[i] = regs.gpr[4 + i];

	run_nr = nr;
	if (vcpu_run(vm, RUN_TIMEOUT))
		return HC_NO_RETURN;
	while (vm->run->exit_reason == KVM_EXIT_MMIO) {
		struct kvm_run *run = vm->run;
		u32 len = run->mmio.len <= 8 ? run->mmio.len : 8;

		vm->mmio_n++;
		vm->mmio_addr = run->mmio.phys_addr;
		vm->mmio_len = run->mmio.len;
		vm->mmio_write = run->mmio.is_write;
		vm->mmio_data = 0;
		if (run->mmio.is_write)
			memcpy(&vm->mmio_data, run->mmio.data, len);
		else
			memcpy(run->mmio.data, &vm->mmio_load, len);
		if (vcpu_run(vm, RUN_TIMEOUT))
			return HC_NO_RETURN;
	}
	vm->exit_reason = vm->run->exit_reason;
	if (vm->run->exit_reason != KVM_EXIT_PAPR_HCALL) {
		snprintf(vm->why, sizeof(vm->why), "KVM exit reason %u instead of an hcall",
			 vm->run->exit_reason);
		return HC_NO_RETURN;
	}
	vm->exit_nr = vm->run->papr_hcall.nr;
	memcpy(vm->exit_args, vm->run->papr_hcall.args, sizeof(vm->exit_args));
	if (vm->exit_nr == MARK_RET)
		return (long)vm->exit_args[0];
	if (vm->exit_nr == MARK_INTR)
		snprintf(vm->why, sizeof(vm->why),
			 "L1 took interrupt 0x%llx (srr0 0x%llx srr1 0x%llx)",
			 vm->exit_args[2], vm->exit_args[0], vm->exit_args[1]);
	else
		snprintf(vm->why, sizeof(vm->why), "hcall 0x%llx exited to userspace",
			 vm->exit_nr);
	return HC_NO_RETURN;
}

long hcall(struct vm *vm, u64 nr, int nargs, const u64 *args)
{
	return hcall_msr(vm, 0, nr, nargs, args);
}

bool expect_rc(struct vm *vm, const char *what, long got, long want)
{
	const char *more = got == HC_NO_RETURN ? vm->why : got >= 0x100 ? vm->l2why : "";

	return check(got == want, "%s: got %ld (%s%s%s), want %ld (%s)", what, got,
		     rc_name(got), more[0] ? "; " : "", more, want, rc_name(want));
}

/* ------------------------------------------------------------------- VM --- */

void vm_close(struct vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->mem)
		munmap(vm->mem, MEM_SIZE);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
}

/* vm_fail(vm, fmt, ...): say why in vm->why, evaluate to -1 */
#define vm_fail(vm, fmt, ...) ({					\
	snprintf((vm)->why, sizeof((vm)->why), fmt, ##__VA_ARGS__);	\
	-1;								\
})

/*
 * Create the VM: HV, radix with GTSE, nested HV enabled (unless !nested),
 * 64 MiB at L1 real 0, one vCPU with PAPR, LPCR[ILE] as L1's byte order,
 * the trampoline and an interrupt stub at every vector.
 * Returns 0, or -1 with vm->why set.
 */
int vm_open(struct vm *vm, bool nested, bool l1_be)
{
	struct kvm_userspace_memory_region slot = { 0 };
	struct kvm_ppc_mmuv3_cfg mmu = {
		.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE,
		.process_table = PATB_HR | L1_PRTB,	/* PATB_GR: same bit; 4K */
	};
	struct kvm_enable_cap cap = { 0 };
	u64 lpcr;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (u64)&lpcr };
	int r;
	u64 v;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->vcpu_fd = -1;
	vm->l1_be = l1_be;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return vm_fail(vm, "open /dev/kvm: %m");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm->vm_fd < 0)
		return vm_fail(vm, "KVM_CREATE_VM(KVM_VM_PPC_HV): %m");
	if (nested) {
		cap.cap = KVM_CAP_PPC_NESTED_HV;
		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
			return vm_fail(vm, "KVM_ENABLE_CAP(KVM_CAP_PPC_NESTED_HV): %m");
	}
	if (ioctl(vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &mmu))
		return vm_fail(vm, "KVM_PPC_CONFIGURE_V3_MMU(radix, GTSE): %m");
	/* H_RPT_INVALIDATE is below MAX_HCALL_OPCODE: off unless enabled */
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_PPC_ENABLE_HCALL;
	cap.args[0] = KHN_H_RPT_INVALIDATE;
	cap.args[1] = 1;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		return vm_fail(vm, "KVM_CAP_PPC_ENABLE_HCALL(H_RPT_INVALIDATE): %m");

	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		vm->mem = NULL;
	if (!vm->mem)
		return vm_fail(vm, "mmap guest memory: %m");
	slot.memory_size = MEM_SIZE;
	slot.userspace_addr = (u64)vm->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot))
		return vm_fail(vm, "KVM_SET_USER_MEMORY_REGION: %m");

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return vm_fail(vm, "KVM_CREATE_VCPU: %m");
	r = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0)
		return vm_fail(vm, "KVM_GET_VCPU_MMAP_SIZE: %m");
	vm->run_size = r;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		vm->run = NULL;
	if (!vm->run)
		return vm_fail(vm, "mmap kvm_run: %m");
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_PPC_PAPR;
	if (ioctl(vm->vcpu_fd, KVM_ENABLE_CAP, &cap))
		return vm_fail(vm, "KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR): %m");
	if (ioctl(vm->vcpu_fd, KVM_GET_ONE_REG, &reg))
		return vm_fail(vm, "KVM_GET_ONE_REG(LPCR): %m");
	lpcr = l1_be ? lpcr & ~LPCR_ILE : lpcr | LPCR_ILE;
	if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg))
		return vm_fail(vm, "KVM_SET_ONE_REG(LPCR): %m");

	put_code(vm, L1_TRAMP, l1_tramp, l1_tramp_end, l1_be);
	put_code(vm, L1_TOUCH, l1_touch, l1_touch_end, l1_be);
	for (v = L1_VEC_FIRST; v <= L1_VEC_LAST; v += 0x20) {
		u32 *li6;

		put_code(vm, v, l1_vec, l1_vec_end, l1_be);
		li6 = l1(vm, v + 4 * L1_VEC_PATCH);
		*li6 = bswap32_if(vm, bswap32_if(vm, *li6) | (u32)v);
	}
	put_code(vm, L1_L2CODE, l2_code, l2_code_end, false);

	be_st(vm, L1_PRTB, RTS_52 | L1_P_ROOT | 13);
	be_st(vm, L1_P_ROOT, PTE_VALID | L1_P_PUD | 9);
	be_st(vm, L1_P_PUD, PTE_VALID | L1_P_PMD | 9);
	be_st(vm, L1_P_PMD, PTE_VALID | L1_P_PTE | 5);
	be_st(vm, L1_P_PTE, PTE_VALID | PTE_LEAF | 0 | PTE_R | PTE_C | PTE_RD | PTE_EX);
	return 0;
}

/* L1's decrementer fires in secs seconds (it only matters with MSR[EE]). */
void l1_dec(struct vm *vm, int secs)
{
	u64 expiry = mftb() + (u64)secs * tb_hz;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_DEC_EXPIRY, .addr = (u64)&expiry };

	if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg))
		out("# KVM_SET_ONE_REG(DEC_EXPIRY): %m");
}

/* ------------------------------------------------------------- L2 setup --- */

/* Map L2 real l2ra (64K page, below 2 MiB) to L1 real l1ra; 0: unmap. */
void l2_map(struct vm *vm, u64 l2ra, u64 l1ra, u64 flags)
{
	u64 i = (l2ra >> 16) & 0x1f;

	be_st(vm, L1_PTE + i * 8, l1ra ? PTE_VALID | PTE_LEAF | l1ra | flags : 0);
}

/* Partition table with LPID 1's tree: L2 code and data pages mapped. */
void l2_tree(struct vm *vm)
{
	memset(l1(vm, L1_PTBL), 0, 0x1000);
	memset(l1(vm, L1_ROOT), 0, 0x10000);
	memset(l1(vm, L1_L2PROC), 0, 0x1000);
	memset(l1(vm, L1_L2PROOT), 0, 0x10000);
	memset(l1(vm, L1_L2PDIR), 0, 0x3000);
	memset(l1(vm, L1_PUD), 0, 0x3000);
	be_st(vm, L1_ROOT, PTE_VALID | L1_PUD | 9);
	be_st(vm, L1_PUD, PTE_VALID | L1_PMD | 9);
	be_st(vm, L1_PMD, PTE_VALID | L1_PTE | 5);
	l2_map(vm, L2_CODE, L1_L2CODE, PTE_RWX);
	l2_map(vm, L2_DATA, L1_DATA_A, PTE_RWX);
	be_st(vm, L1_PTBL + L2_LPID * 16, PATB_HR | RTS_52 | L1_ROOT | 13);
	/* dw1: the L2's process table (L2 real, 4K), GR as for any radix L2 */
	be_st(vm, L1_PTBL + L2_LPID * 16 + 8, PATB_HR | L2_PRTB);

	/* the L2's tables, where L1 maps them, and PID 1's EA -> L2_DATA */
	l2_map(vm, L2_PRTB, L1_L2PROC, PTE_RWX);
	l2_map(vm, L2_PROOT, L1_L2PROOT, PTE_RWX);
	l2_map(vm, L2_PDIR, L1_L2PDIR, PTE_RWX);
	be_st(vm, L1_L2PROC + L2_PID * 16, RTS_52 | L2_PROOT | 13);
	be_st(vm, L1_L2PROOT, PTE_VALID | L2_PDIR | 9);
	be_st(vm, L1_L2PDIR, PTE_VALID | (L2_PDIR + 0x1000) | 9);
	be_st(vm, L1_L2PDIR + 0x1000, PTE_VALID | (L2_PDIR + 0x2000) | 5);
	be_st(vm, L1_L2PDIR + 0x2000 + ((L2_EA >> 16) & 0x1f) * 8,
	      PTE_VALID | PTE_LEAF | L2_DATA | PTE_R | PTE_C | PTE_RD | PTE_WR);
}

void l2_default(struct l2 *s, u64 version, u64 entry)
{
	memset(s, 0, sizeof(*s));
	s->gs.version = version;
	s->gs.lpid = L2_LPID;
	s->gs.vcpu_token = 0;
	s->gs.hdec_expiry = mftb() + 60 * tb_hz;
	s->gs.ppr = PPR_DEFAULT;
	s->regs.nip = L2_CODE + entry;
	s->regs.msr = MSR_SF | MSR_ME | MSR_LE;
}

void gs_store(struct vm *vm, u64 ra, const struct khn_hv_guest_state *gs)
{
	struct khn_hv_guest_state g = *gs;
	u64 *w = (u64 *)&g;
	size_t i;

	g.version = bswap_if(vm, g.version);
	g.lpid = bswap32_if(vm, g.lpid);
	g.vcpu_token = bswap32_if(vm, g.vcpu_token);
	for (i = KHN_HV_GUEST_STATE_WORDS_START / 8; i < sizeof(g) / 8; i++)
		w[i] = bswap_if(vm, w[i]);
	memcpy(l1(vm, ra), &g, sizeof(g));
}

void gs_load(const struct vm *vm, u64 ra, struct khn_hv_guest_state *g)
{
	u64 *w = (u64 *)g;
	size_t i;

	memcpy(g, l1(vm, ra), sizeof(*g));
	g->version = bswap_if(vm, g->version);
	g->lpid = bswap32_if(vm, g->lpid);
	g->vcpu_token = bswap32_if(vm, g->vcpu_token);
	for (i = KHN_HV_GUEST_STATE_WORDS_START / 8; i < sizeof(*g) / 8; i++)
		w[i] = bswap_if(vm, w[i]);
}

void regs_store(struct vm *vm, u64 ra, const struct khn_pt_regs *regs)
{
	size_t i;

	for (i = 0; i < KHN_PT_REGS_WORDS; i++)
		l1_st(vm, ra + i * 8, ((const u64 *)regs)[i]);
}

void regs_load(const struct vm *vm, u64 ra, struct khn_pt_regs *regs)
{
	size_t i;

	for (i = 0; i < KHN_PT_REGS_WORDS; i++)
		((u64 *)regs)[i] = l1_ld(vm, ra + i * 8);
}

int n_reentries;

/*
 * H_ENTER_NESTED with the state in s, re-entering after an exit L1 would
 * simply retry (an L0 external interrupt, 0x500, or 0: L0 stopped the run
 * early); s gets what L0 wrote back.
 */
long l2_enter_stored(struct vm *vm, struct l2 *s)
{
	long rc = HC_NO_RETURN;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		rc = HCALL(vm, KHN_H_ENTER_NESTED, L1_GS, L1_REGS);
		if (rc != TRAP_EXTERNAL && rc != 0)
			break;
		n_reentries++;
	}
	gs_load(vm, L1_GS, &s->gs);
	regs_load(vm, L1_REGS, &s->regs);
	snprintf(vm->l2why, sizeof(vm->l2why),
		 "L2 nip 0x%llx msr 0x%llx hdar 0x%llx hdsisr 0x%llx asdr 0x%llx heir 0x%llx",
		 s->regs.nip, s->regs.msr, s->gs.hdar, s->gs.hdsisr, s->gs.asdr, s->gs.heir);
	return rc;
}

long l2_enter(struct vm *vm, struct l2 *s)
{
	s->expiry_written = s->gs.hdec_expiry;
	gs_store(vm, L1_GS, &s->gs);
	regs_store(vm, L1_REGS, &s->regs);
	return l2_enter_stored(vm, s);
}

/* Run routine entry of the L2 with r4/r5/r7 set; returns the trap. */
long l2_call(struct vm *vm, struct l2 *s, u64 entry, u64 r4, u64 r5, u64 r7)
{
	l2_default(s, KHN_HV_GUEST_STATE_V2, entry);
	s->regs.gpr[4] = r4;
	s->regs.gpr[5] = r5;
	s->regs.gpr[7] = r7;
	return l2_enter(vm, s);
}

u64 host_ld(const struct vm *vm, u64 ra)
{
	u64 v;

	memcpy(&v, l1(vm, ra), 8);
	return le64toh(v);	/* the L2 is little-endian */
}

void host_st(struct vm *vm, u64 ra, u64 v)
{
	v = htole64(v);
	memcpy(l1(vm, ra), &v, 8);
}

u64 tlbie_instr(int ric, int prs, int r)
{
	return TLBIE_RIC(ric) | TLBIE_PRS(prs) | TLBIE_R(r);
}

bool expect_load(struct vm *vm, const char *what, u64 l2ra, u64 want)
{
	struct l2 s;
	long rc = l2_call(vm, &s, L2_OFF(l2_load), 0, 0, l2ra);

	if (!expect_rc(vm, what, rc, TRAP_SYSCALL))
		return false;
	return check(s.regs.gpr[6] == want, "%s: L2 loaded 0x%llx from 0x%llx, want 0x%llx",
		     what, s.regs.gpr[6], l2ra, want);
}

/* ------------------------------------------------------------ lifecycle --- */

bool module_loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

int insmod(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

int rmmod(void)
{
	return syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? -errno : 0;
}

long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * The module's live-object counters: lines "<name> <value>".  Returns the
 * number of non-zero values (listed in bad), or -1 when the file is absent.
 */
int live_nonzero(char *bad, size_t len)
{
	static const char * const paths[] = {
		"/sys/kernel/debug/kvm-hv-nested/live",
		"/sys/kernel/debug/" MODNAME "/live",
	};
	char name[64];
	long long v;
	int n = 0;
	size_t i, used = 0;
	FILE *f = NULL;

	for (i = 0; !f && i < ARRAY_SIZE(paths); i++)
		f = fopen(paths[i], "r");
	if (!f)
		return -1;
	bad[0] = 0;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (v && used < len) {
			used += snprintf(bad + used, len - used, " %s=%lld", name, v);
			n++;
		}
	}
	fclose(f);
	return n;
}

/* ---------------------------------------------------------------- procfs --- */

long read_long(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			v = strtol(line, NULL, 0);
			break;
		}
		if (!strncmp(line, key, strlen(key))) {
			char *c = strchr(line, ':');

			if (c)
				v = strtol(c + 1, NULL, 0);
			break;
		}
	}
	fclose(f);
	return v;
}

/* ------------------------------------------------------------- auditor --- */

/* One audit file into *a (summed); 0, or -1 with a->first saying why. */
/* Sum one audit file's text into *a; 0, or -1 without its header line. */
static int audit_parse(char *text, const char *path, struct audit *a)
{
	long leaves, violations, trees, rmap;
	char *line, *save = NULL;
	int header = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "leaves=%ld violations=%ld trees=%ld rmap_entries=%ld",
			   &leaves, &violations, &trees, &rmap) == 4) {
			a->leaves += leaves;
			a->violations += violations;
			a->trees += trees;
			a->rmap_entries += rmap;
			header = 1;
		} else if (!strncmp(line, "violation ", 10) && !a->first[0]) {
			snprintf(a->first, sizeof(a->first), "%.190s", line);
		}
	}
	if (!header) {
		snprintf(a->first, sizeof(a->first), "%.150s: no leaves=.. line", path);
		return -1;
	}
	return 0;
}

/* Read an audit file from its start (which runs the auditor again). */
static int audit_fd(int fd, const char *path, struct audit *a)
{
	static char text[64 << 10];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	if (n < 0) {
		snprintf(a->first, sizeof(a->first), "%.150s: %m", path);
		return -1;
	}
	text[n] = 0;
	return audit_parse(text, path, a);
}

static int audit_one(const char *path, struct audit *a)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		snprintf(a->first, sizeof(a->first), "%.150s: %m", path);
		return -1;
	}
	r = audit_fd(fd, path, a);
	close(fd);
	return r;
}

int audit_again(int *fd, struct audit *a)
{
	char prefix[32], path[512] = "";
	struct dirent *d;
	DIR *dir;

	memset(a, 0, sizeof(*a));
	if (*fd >= 0 && !audit_fd(*fd, "audit", a))
		return 1;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	memset(a, 0, sizeof(*a));
	snprintf(prefix, sizeof(prefix), "vm-%d-", getpid());
	dir = opendir(AUDIT_DIR);
	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, prefix, strlen(prefix))) {
			if (path[0]) {	/* more than one VM: no shortcut */
				closedir(dir);
				return audit_read(0, a);
			}
			snprintf(path, sizeof(path), AUDIT_DIR "/%s/audit", d->d_name);
		}
	closedir(dir);
	if (!path[0])
		return 0;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 || audit_fd(*fd, path, a)) {
		if (!a->first[0])
			snprintf(a->first, sizeof(a->first), "%.150s: %m", path);
		return -1;
	}
	return 1;
}

long vm_stat(const char *name)
{
	char prefix[32], path[512], line[128];
	size_t len = strlen(name);
	struct dirent *d;
	long sum = -1;
	DIR *dir;
	FILE *f;

	snprintf(prefix, sizeof(prefix), "vm-%d-", getpid());
	dir = opendir(AUDIT_DIR);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), AUDIT_DIR "/%s/stats", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, name, len) && line[len] == ' ')
				sum = (sum < 0 ? 0 : sum) + strtol(line + len + 1, NULL, 0);
		fclose(f);
	}
	closedir(dir);
	return sum;
}

int audit_read(int pid, struct audit *a)
{
	char prefix[32], path[512];
	struct dirent *d;
	DIR *dir;
	int r = 0;

	memset(a, 0, sizeof(*a));
	snprintf(prefix, sizeof(prefix), "vm-%d-", pid ? pid : getpid());
	dir = opendir(AUDIT_DIR);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), AUDIT_DIR "/%s/audit", d->d_name);
		if (audit_one(path, a)) {
			r = -1;
			break;
		}
		a->files++;
	}
	closedir(dir);
	return r ? r : a->files;
}
