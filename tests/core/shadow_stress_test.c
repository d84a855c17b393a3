// SPDX-License-Identifier: GPL-2.0-only
/*
 * Concurrency stress of the shadow trees and the nested reverse map under
 * their documented locking rule: kthreads doing random map, unmap, lookup,
 * update_rc, and rmap-driven invalidation and R/C changes on two shared
 * trees (one of each geometry) kept in step with one reverse map
 * (khn/rmap.h), all under one spinlock (the L1's kvm->mmu_lock), then the
 * invariants: counters equal a recount by an independent walk, one rmap
 * entry per leaf, the auditor finds nothing (L0 is an identity map), no
 * table or rmap byte left after teardown.  On the
 * ppc64le test kernel, lockdep and KASAN also check that nothing sleeps
 * under the lock and nothing touches freed memory.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>

#include "khn/audit.h"
#include "khn/nrmap.h"
#include "khn/radix.h"
#include "khn/rmap.h"
#include "khn/shadow.h"
#include "fake_mm.h"

#define STRESS_THREADS	4
#define STRESS_ITERS	5000		/* per thread, at most */
#define STRESS_MSECS	1200		/* and no longer than this */
#define STRESS_TREES	2		/* tree i is L2 LPID i in the rmap */
#define STRESS_WINDOW	(32 * SZ_1M)	/* small leaves go in two of these */

/**
 * struct stress - what the threads share
 * @lock:	the one lock of the rule (kvm->mmu_lock in the module)
 * @sh:		the trees: 4K geometry, 64K geometry
 * @tlb:	their recording TLBs
 * @rm:		the reverse map of both
 * @deadline:	jiffies after which threads stop
 * @bad:	results the contract does not allow, seen by the threads
 * @maps:	successful maps
 * @removed:	leaves removed by unmap and by invalidation
 * @checks:	in-flight recounts done
 */
struct stress {
	spinlock_t lock;	/* serialises every call on @sh and @rm */
	struct khn_shadow sh[STRESS_TREES];
	struct khn_fake_tlb tlb[STRESS_TREES];
	struct khn_nrmap rm;
	unsigned long deadline;
	atomic_t bad;
	atomic_long_t maps;
	atomic_long_t removed;
	atomic_long_t checks;
};

/**
 * struct stress_thread - one thread
 * @st:		the shared state
 * @done:	completed when the thread ends
 * @seed:	its random seed
 * @ops:	operations it did
 */
struct stress_thread {
	struct stress *st;
	struct completion done;
	u64 seed;
	unsigned long ops;
};

static u32 rnd(struct rnd_state *r, u32 n)
{
	return prandom_u32_state(r) % n;
}

/* A leaf size of the tree's geometry: mostly base pages, some 2M, few 1G */
static unsigned int pick_shift(const struct khn_shadow *sh, struct rnd_state *r)
{
	u32 x = rnd(r, 100);

	if (x < 3)
		return KHN_SHIFT_1G;
	if (x < 40)
		return KHN_SHIFT_2M;
	return sh->geom == KHN_GEOM_4K ? KHN_SHIFT_4K : KHN_SHIFT_64K;
}

/* An address in one of the two windows (at 0 and at 1G), aligned */
static u64 pick_addr(struct rnd_state *r, unsigned int shift)
{
	u64 base = rnd(r, 2) ? SZ_1G : 0;

	if (shift >= KHN_SHIFT_1G)
		return base;
	return base + round_down((u64)rnd(r, STRESS_WINDOW), BIT_ULL(shift));
}

static void stress_bad(struct stress *st, const char *what, long ret)
{
	if (atomic_inc_return(&st->bad) <= 5)
		pr_err("khn-shadow-stress: %s gave %ld\n", what, ret);
}

static bool counts_match(const struct khn_shadow *sh)
{
	struct khn_fake_tree t;

	khn_fake_tree_count(sh, &t);
	return !t.bad && t.tables == sh->nr_tables && t.leaves == sh->nr_leaves;
}

/* The trees' notifier, as the module's: the rmap follows every removal. */
static void stress_leaf_gone(void *arg, u64 addr, u64 pte, unsigned int shift,
			     u64 origin)
{
	struct khn_shadow *sh = arg;
	struct stress *st = container_of(sh, struct stress, sh[sh->lpid]);

	khn_rmap_leaf_gone(&st->rm, sh->lpid, addr, shift, origin);
}

static struct khn_shadow *stress_tree(void *arg, u32 lpid)
{
	struct stress *st = arg;

	return lpid < STRESS_TREES ? &st->sh[lpid] : NULL;
}

/* L0 of the stress: L1-real = host-real, 1G pages, everything allowed. */
static int stress_l0_leaf(void *ctx, u64 l1_ra, u64 *pte, unsigned int *shift)
{
	*pte = KHN_RPTE_V | KHN_RPTE_L | (l1_ra & ~(u64)(SZ_1G - 1)) |
	       KHN_RPTE_R | KHN_RPTE_C | KHN_RPTE_READ | KHN_RPTE_RW |
	       KHN_RPTE_EXEC;
	*shift = KHN_SHIFT_1G;
	return 0;
}

static bool stress_l1_mem(void *ctx, u64 l1_ra, u64 size)
{
	return l1_ra + size <= 2ULL * SZ_1G;
}

static const struct khn_audit_ops stress_audit_ops = {
	.l0_leaf = stress_l0_leaf,
	.l1_mem = stress_l1_mem,
};

/* One entry per leaf, and the auditor finds nothing; lock held. */
static bool rmap_in_step(struct stress *st, struct khn_audit *a)
{
	unsigned int i;

	khn_audit_init(a);
	for (i = 0; i < STRESS_TREES; i++)
		khn_audit_tree(a, &st->sh[i], &st->rm, &stress_audit_ops);
	khn_audit_rmap_total(a, &st->rm);
	return !a->violations &&
	       st->rm.nr_entries == st->sh[0].nr_leaves + st->sh[1].nr_leaves;
}

/* One random operation, under the lock. */
static void stress_one(struct stress *st, struct rnd_state *r)
{
	unsigned int tree = rnd(r, STRESS_TREES);
	struct khn_shadow *sh = &st->sh[tree];
	unsigned int shift = pick_shift(sh, r);
	u64 addr = pick_addr(r, shift);
	u64 pa = shift >= KHN_SHIFT_1G ? rnd(r, 2) * (u64)SZ_1G :
		 round_down((u64)rnd(r, SZ_512M), BIT_ULL(shift));
	u64 len = round_up((u64)rnd(r, SZ_4M) + 1, SZ_4K);
	u64 attrs = KHN_RPTE_READ | (rnd(r, 2) ? KHN_RPTE_RW | KHN_RPTE_C : 0) |
		    (rnd(r, 2) ? KHN_RPTE_R : 0);
	const struct khn_rmap_trees trees = { .lookup = stress_tree, .arg = st };
	unsigned int op = rnd(r, 16), got_shift;
	struct khn_audit a;
	long ret;
	u64 pte;

	spin_lock(&st->lock);
	switch (op) {
	case 0 ... 5:
		ret = khn_rmap_map(&st->rm, sh, addr, pa, shift, attrs, pa,
				   GFP_ATOMIC);
		if (!ret)
			atomic_long_inc(&st->maps);
		if (ret && ret != -ENOMEM)
			stress_bad(st, "map", ret);
		break;
	case 6 ... 7:
		ret = khn_shadow_unmap(sh, addr, addr + len, NULL, NULL);
		if (ret < 0)
			stress_bad(st, "unmap", ret);
		else
			atomic_long_add(ret, &st->removed);
		break;
	case 8 ... 10:
		addr += rnd(r, BIT(shift));
		ret = khn_shadow_lookup(sh, addr, &pte, &got_shift, NULL);
		if (ret == -ENOENT)
			break;
		if (ret || (pte & (KHN_RPTE_V | KHN_RPTE_L)) !=
			   (KHN_RPTE_V | KHN_RPTE_L) ||
		    khn_shadow_fit_shift(sh, got_shift) != got_shift)
			stress_bad(st, "lookup", ret ? ret : got_shift);
		break;
	case 11 ... 12:
		ret = khn_shadow_update_rc(sh, addr, rnd(r, 2) ? KHN_RPTE_C : 0,
					   rnd(r, 2) ? KHN_RPTE_R : 0);
		if (ret && ret != -ENOENT)
			stress_bad(st, "update_rc", ret);
		break;
	case 13:
		ret = khn_rmap_unmap_l1(&st->rm, pa, pa + len, &trees);
		if (ret < 0)
			stress_bad(st, "rmap unmap", ret);
		else
			atomic_long_add(ret, &st->removed);
		break;
	case 14:
		ret = khn_rmap_rc_l1(&st->rm, pa, pa + len, KHN_RPTE_C, 0,
				     &trees);
		if (ret < 0)
			stress_bad(st, "rmap rc", ret);
		break;
	default:
		atomic_long_inc(&st->checks);
		if (!counts_match(&st->sh[0]) || !counts_match(&st->sh[1]))
			stress_bad(st, "recount", 0);
		if (!rmap_in_step(st, &a))
			stress_bad(st, "audit", a.violations);
		break;
	}
	spin_unlock(&st->lock);
}

static int stress_thread_fn(void *data)
{
	struct stress_thread *t = data;
	struct rnd_state r;
	unsigned long i;

	prandom_seed_state(&r, t->seed);
	for (i = 0; i < STRESS_ITERS && time_before(jiffies, t->st->deadline);
	     i++) {
		stress_one(t->st, &r);
		cond_resched();
	}
	t->ops = i;
	kthread_complete_and_exit(&t->done, 0);
}

static int stress_test_init(struct kunit *test)
{
	khn_fake_mm_reset();
	return 0;
}

static void concurrent_ops_under_one_lock_keep_invariants(struct kunit *test)
{
	struct stress_thread *th;
	struct khn_fake_tree t;
	struct khn_audit a;
	struct task_struct *task;
	unsigned long ops = 0;
	struct stress *st;
	unsigned int i;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	th = kunit_kcalloc(test, STRESS_THREADS, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, th);
	spin_lock_init(&st->lock);
	khn_nrmap_init(&st->rm);
	for (i = 0; i < STRESS_TREES; i++) {
		khn_fake_tlb_init(&st->tlb[i]);
		KUNIT_ASSERT_EQ(test, khn_shadow_init(&st->sh[i], &khn_fake_mm_ops, NULL,
						      &st->tlb[i].ops, i,
						      i ? KHN_GEOM_64K : KHN_GEOM_4K),
				0);
		khn_shadow_set_notify(&st->sh[i], stress_leaf_gone, &st->sh[i]);
	}

	st->deadline = jiffies + msecs_to_jiffies(STRESS_MSECS);
	for (i = 0; i < STRESS_THREADS; i++) {
		th[i].st = st;
		th[i].seed = 0x6b686e00 + i;
		init_completion(&th[i].done);
		task = kthread_run(stress_thread_fn, &th[i], "khn-stress/%u", i);
		if (IS_ERR(task)) {
			/* no thread: let the wait below end */
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			complete(&th[i].done);
		}
	}
	for (i = 0; i < STRESS_THREADS; i++) {
		wait_for_completion(&th[i].done);
		ops += th[i].ops;
	}
	kunit_info(test, "%lu ops: %ld maps, %ld leaves removed, %ld recounts\n",
		   ops, atomic_long_read(&st->maps),
		   atomic_long_read(&st->removed), atomic_long_read(&st->checks));

	KUNIT_EXPECT_EQ(test, atomic_read(&st->bad), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&st->maps), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&st->removed), 0L);
	KUNIT_EXPECT_TRUE(test, rmap_in_step(st, &a));
	KUNIT_EXPECT_GT(test, a.leaves, 0UL);
	KUNIT_EXPECT_EQ(test, a.violations, 0UL);
	kunit_info(test, "auditor: %lu leaves checked, %lu violations\n",
		   a.leaves, a.violations);
	for (i = 0; i < STRESS_TREES; i++) {
		khn_fake_tree_count(&st->sh[i], &t);
		KUNIT_EXPECT_EQ(test, t.bad, 0UL);
		KUNIT_EXPECT_EQ(test, t.tables, st->sh[i].nr_tables);
		KUNIT_EXPECT_EQ(test, t.leaves, st->sh[i].nr_leaves);
		khn_shadow_destroy(&st->sh[i]);
		KUNIT_EXPECT_EQ(test, st->sh[i].nr_tables, 0UL);
		KUNIT_EXPECT_EQ(test, st->sh[i].nr_leaves, 0UL);
	}
	KUNIT_EXPECT_EQ(test, khn_fake_mm_live(), 0UL);

	/* the trees' leaves took their entries with them */
	KUNIT_EXPECT_EQ(test, st->rm.nr_entries, 0UL);
	KUNIT_EXPECT_EQ(test, st->rm.bytes, (size_t)0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&st->rm.xa));
	khn_nrmap_destroy(&st->rm);
}

static struct kunit_case stress_test_cases[] = {
	KUNIT_CASE(concurrent_ops_under_one_lock_keep_invariants),
	{}
};

static struct kunit_suite stress_test_suite = {
	.name = "khn-shadow-stress",
	.init = stress_test_init,
	.test_cases = stress_test_cases,
};

kunit_test_suite(stress_test_suite);
