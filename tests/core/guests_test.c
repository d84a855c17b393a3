// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nested-guest table: lookup and creation by L1's LPID, the LPID
 * limit, shadow LPIDs given back on the last put, removal while
 * referenced, remove_all with callbacks that use the table, and a
 * concurrent run (meant for KASAN + lockdep) that must leak nothing.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "khn/guests.h"

#define PAYLOAD_MAGIC	0xa5a50000u

/**
 * struct fake_lpids - a shadow LPID allocator and payload that count
 * @ida:		LPIDs handed out (freeing one not handed out warns)
 * @live:		LPIDs allocated and not yet freed
 * @allocs:		successful alloc_lpid calls
 * @inits:		successful init calls
 * @releases:		release calls
 * @fail_alloc:		if non-zero, alloc_lpid returns it
 * @fail_init:		if non-zero, init returns it
 * @race:		if set, the next init creates its own LPID first
 * @racer:		the guest that racing init created (referenced)
 * @g:			the table, for @race
 */
struct fake_lpids {
	struct ida ida;
	atomic_t live;
	atomic_t allocs;
	atomic_t inits;
	atomic_t releases;
	int fail_alloc;
	int fail_init;
	bool race;
	struct khn_guest *racer;
	struct khn_guests *g;
};

/* Unlink the guest of an LPID, as the module does: a reference, then unlink */
static int remove_lpid(struct khn_guests *g, unsigned long l1_lpid)
{
	struct khn_guest *gp = khn_guest_get(g, l1_lpid, false);
	int err;

	if (IS_ERR(gp))
		return PTR_ERR(gp);
	err = khn_guest_unlink(g, gp);
	khn_guest_put(gp);
	return err;
}

static int fake_alloc_lpid(void *ctx)
{
	struct fake_lpids *f = ctx;
	int lpid;

	if (f->fail_alloc)
		return f->fail_alloc;
	lpid = ida_alloc_range(&f->ida, 1, 4095, GFP_KERNEL);
	if (lpid >= 0) {
		atomic_inc(&f->live);
		atomic_inc(&f->allocs);
	}
	return lpid;
}

static void fake_free_lpid(void *ctx, u32 lpid)
{
	struct fake_lpids *f = ctx;

	ida_free(&f->ida, lpid);
	atomic_dec(&f->live);
}

static int fake_init(void *ctx, struct khn_guest *gp)
{
	struct fake_lpids *f = ctx;
	u32 *payload;

	if (f->fail_init)
		return f->fail_init;
	if (f->race) {
		/* Someone else creates the same LPID while this one is new */
		f->race = false;
		f->racer = khn_guest_get(f->g, gp->l1_lpid, true);
	}
	payload = kmalloc(sizeof(*payload), GFP_KERNEL);
	if (!payload)
		return -ENOMEM;
	*payload = gp->l1_lpid ^ PAYLOAD_MAGIC;
	gp->priv = payload;
	atomic_inc(&f->inits);
	return 0;
}

static void fake_release(void *ctx, struct khn_guest *gp)
{
	struct fake_lpids *f = ctx;

	kfree(gp->priv);
	gp->priv = NULL;
	atomic_inc(&f->releases);
}

/**
 * struct guests_ctx - per-test state
 * @f:		the fake allocator
 * @ops:	ops over @f
 * @g:		the table under test
 */
struct guests_ctx {
	struct fake_lpids f;
	struct khn_guests_ops ops;
	struct khn_guests g;
};

static int guests_test_init(struct kunit *test)
{
	struct guests_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	ida_init(&c->f.ida);
	c->f.g = &c->g;
	c->ops = (struct khn_guests_ops) {
		.alloc_lpid = fake_alloc_lpid,
		.free_lpid = fake_free_lpid,
		.init = fake_init,
		.release = fake_release,
		.ctx = &c->f,
	};
	khn_guests_init(&c->g, &c->ops);
	test->priv = c;
	return 0;
}

static void guests_test_exit(struct kunit *test)
{
	struct guests_ctx *c = test->priv;

	khn_guests_destroy(&c->g);
	ida_destroy(&c->f.ida);
}

/* The payload a guest's init wrote is intact (KASAN: and not freed) */
static bool payload_ok(struct khn_guest *gp)
{
	u32 *payload = gp->priv;

	return payload && *payload == (gp->l1_lpid ^ PAYLOAD_MAGIC);
}

static void get_creates_then_finds_the_same_guest(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *a, *b;

	a = khn_guest_get(&c->g, 5, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_EQ(test, a->l1_lpid, 5);
	KUNIT_EXPECT_GE(test, a->shadow_lpid, 1);
	KUNIT_EXPECT_FALSE(test, khn_guest_dead(a));
	KUNIT_EXPECT_TRUE(test, payload_ok(a));

	b = khn_guest_get(&c->g, 5, false);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	b = khn_guest_get(&c->g, 5, true);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 1);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 1);

	khn_guest_put(a);
	khn_guest_put(a);
	khn_guest_put(a);
	/* The table still holds it */
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 1);
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 5, false), a);
	khn_guest_put(a);
}

static void get_without_create_finds_nothing(struct kunit *test)
{
	struct guests_ctx *c = test->priv;

	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 0, false),
			    ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);
}

static void lpids_past_4095_are_refused_before_use(struct kunit *test)
{
	static const unsigned long bad[] = {
		KHN_GUESTS_MAX, KHN_GUESTS_MAX + 1, (unsigned long)-1,
		(unsigned long)(u32)-1, 1ul << 31, ULONG_MAX / 2,
	};
	struct guests_ctx *c = test->priv;
	struct khn_guest *gp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, bad[i], true),
				    ERR_PTR(-EINVAL));
		KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, bad[i], false),
				    ERR_PTR(-EINVAL));
		KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, bad[i]),
				-EINVAL);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);

	/* Both ends of the range are fine */
	gp = khn_guest_get(&c->g, KHN_GUESTS_MAX - 1, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
	KUNIT_EXPECT_EQ(test, gp->l1_lpid, KHN_GUESTS_MAX - 1);
	khn_guest_put(gp);
	gp = khn_guest_get(&c->g, 0, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
	khn_guest_put(gp);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 2);
}

/*
 * Issue 8: one L1 could take every host LPID.  Past the table's limit a
 * new guest is refused with -ENOSPC before an LPID is taken; existing
 * guests are still found; an unlinked guest counts until its last put
 * (it still holds its LPID).
 */
static void limit_refuses_a_new_guest_before_taking_an_lpid(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *a, *b, *gp;

	KUNIT_EXPECT_EQ(test, c->g.max_live, KHN_GUESTS_MAX);
	khn_guests_set_limit(&c->g, KHN_GUESTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, c->g.max_live, KHN_GUESTS_MAX);
	khn_guests_set_limit(&c->g, 2);

	a = khn_guest_get(&c->g, 10, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b = khn_guest_get(&c->g, 20, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 30, true),
			    ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 2);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 2);

	/* The guests L1 has are still its own */
	gp = khn_guest_get(&c->g, 20, true);
	KUNIT_EXPECT_PTR_EQ(test, gp, b);
	khn_guest_put(gp);

	/* Unlinked but referenced: its LPID is still taken */
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 20), 0);
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 30, true),
			    ERR_PTR(-ENOSPC));
	khn_guest_put(b);
	gp = khn_guest_get(&c->g, 30, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 2);
	khn_guest_put(gp);
	khn_guest_put(a);
}

/*
 * Told of each guest remove_all unlinks: asks for a reschedule, and counts
 * the times the previous request was served (schedule() clears it) before
 * this guest's turn.
 */
static void ask_resched(struct khn_guest *gp, void *arg)
{
	int *served = arg;

	if (served[1] && !test_tsk_need_resched(current))
		served[0]++;
	served[1] = 1;
	set_tsk_need_resched(current);
}

/*
 * Issue 8: remove_all looped over every guest of an L1 (and each put may
 * tear down a whole shadow tree) without a resched point.  The test
 * kernels are PREEMPT_NONE: only an explicit cond_resched() serves a
 * reschedule request between two guests.
 */
static void remove_all_reschedules_between_guests(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *gp;
	int served[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		gp = khn_guest_get(&c->g, i, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
		khn_guest_put(gp);
	}
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, ask_resched, served),
			8);
	KUNIT_EXPECT_EQ(test, served[0], 7);
	cond_resched();
	KUNIT_EXPECT_FALSE(test, test_tsk_need_resched(current));
}

static void last_put_returns_shadow_lpid_and_payload(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *gp;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		gp = khn_guest_get(&c->g, i * 200, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
		khn_guest_put(gp);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 16);
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 200), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 15);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 1);
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, NULL, NULL), 15);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);
}

static void alloc_failure_leaves_nothing_behind(struct kunit *test)
{
	struct guests_ctx *c = test->priv;

	c->f.fail_alloc = -ENOSPC;
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 9, true),
			    ERR_PTR(-ENOSPC));
	c->f.fail_alloc = 0;
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 9, false),
			    ERR_PTR(-ENOENT));
}

static void init_failure_gives_the_lpid_back(struct kunit *test)
{
	struct guests_ctx *c = test->priv;

	c->f.fail_init = -ENOMEM;
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 9, true),
			    ERR_PTR(-ENOMEM));
	c->f.fail_init = 0;
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);
}

static void racing_creators_share_one_guest(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *gp;

	c->f.race = true;
	gp = khn_guest_get(&c->g, 8, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(c->f.racer));
	/* The one linked first wins; the loser's copy is undone */
	KUNIT_EXPECT_PTR_EQ(test, gp, c->f.racer);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.allocs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 1);
	KUNIT_EXPECT_TRUE(test, payload_ok(gp));
	khn_guest_put(gp);
	khn_guest_put(c->f.racer);
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 8), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
}

static void removed_guest_lives_until_last_put(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *old, *new;

	old = khn_guest_get(&c->g, 3, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(old));
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 3), 0);
	KUNIT_EXPECT_TRUE(test, khn_guest_dead(old));
	KUNIT_EXPECT_TRUE(test, payload_ok(old));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 0);
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 3), -ENOENT);
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 3, false),
			    ERR_PTR(-ENOENT));

	/* The LPID can be used again; the old shadow LPID is still taken */
	new = khn_guest_get(&c->g, 3, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(new));
	KUNIT_EXPECT_PTR_NE(test, new, old);
	KUNIT_EXPECT_NE(test, new->shadow_lpid, old->shadow_lpid);
	KUNIT_EXPECT_FALSE(test, khn_guest_dead(new));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 2);

	khn_guest_put(old);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases), 1);
	KUNIT_EXPECT_PTR_EQ(test, khn_guest_get(&c->g, 3, false), new);
	khn_guest_put(new);
	khn_guest_put(new);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 1);
}

static void count_dead(struct khn_guest *gp, void *arg)
{
	atomic_t *n = arg;

	if (khn_guest_dead(gp) && payload_ok(gp))
		atomic_inc(n);
}

static void remove_all_keeps_held_guests_valid(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *gp, *held[2];
	atomic_t seen = ATOMIC_INIT(0);
	unsigned int i;

	for (i = 0; i < 10; i++) {
		gp = khn_guest_get(&c->g, i, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
		if (i == 2)
			held[0] = gp;
		else if (i == 7)
			held[1] = gp;
		else
			khn_guest_put(gp);
	}
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, count_dead, &seen),
			10);
	KUNIT_EXPECT_EQ(test, atomic_read(&seen), 10);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 2);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, khn_guest_dead(held[i]));
		KUNIT_EXPECT_TRUE(test, payload_ok(held[i]));
		khn_guest_put(held[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, NULL, NULL), 0);
}

/**
 * struct reenter_ctx - a remove_all callback that uses the table
 * @g:		the table
 * @calls:	callback calls
 * @created:	guests the callback created
 * @found_old:	lookups of unlinked LPIDs that found something
 */
struct reenter_ctx {
	struct khn_guests *g;
	unsigned int calls;
	unsigned int created;
	unsigned int found_old;
};

static void reenter_table(struct khn_guest *gp, void *arg)
{
	struct reenter_ctx *r = arg;
	struct khn_guest *other;

	r->calls++;
	/* Everything was unlinked before the first callback */
	other = khn_guest_get(r->g, (gp->l1_lpid + 1) % 4, false);
	if (!IS_ERR(other)) {
		r->found_old++;
		khn_guest_put(other);
	}
	other = khn_guest_get(r->g, gp->l1_lpid + 100, true);
	if (!IS_ERR(other)) {
		r->created++;
		khn_guest_put(other);
	}
	remove_lpid(r->g, gp->l1_lpid);
}

static void remove_all_callback_may_use_the_table(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct reenter_ctx r = { .g = &c->g };
	struct khn_guest *gp;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		gp = khn_guest_get(&c->g, i, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
		khn_guest_put(gp);
	}
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, reenter_table, &r),
			4);
	KUNIT_EXPECT_EQ(test, r.calls, 4);
	KUNIT_EXPECT_EQ(test, r.created, 4);
	KUNIT_EXPECT_EQ(test, r.found_old, 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 4);
	for (i = 0; i < 4; i++) {
		gp = khn_guest_get(&c->g, i + 100, false);
		KUNIT_ASSERT_FALSE(test, IS_ERR(gp));
		khn_guest_put(gp);
	}
	KUNIT_EXPECT_EQ(test, khn_guests_remove_all(&c->g, NULL, NULL), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
}

#define STRESS_THREADS	4
#define STRESS_LPIDS	8
#define STRESS_HELD	4
#define STRESS_MSECS	400

/**
 * struct stress_thread - one thread of the concurrent test
 * @g:		the table
 * @deadline:	jiffies after which it stops
 * @ops:	operations done
 * @bad:	guests seen with a wrong LPID or payload
 * @unlinked:	guests its remove_all calls unlinked
 * @done:	completed when it exits
 */
struct stress_thread {
	struct khn_guests *g;
	unsigned long deadline;
	unsigned long ops;
	unsigned long bad;
	unsigned long unlinked;
	struct completion done;
};

static void stress_check(struct khn_guest *gp, void *arg)
{
	struct stress_thread *t = arg;

	if (!khn_guest_dead(gp) || !payload_ok(gp))
		t->bad++;
}

static int stress_thread_fn(void *data)
{
	struct stress_thread *t = data;
	struct khn_guest *held[STRESS_HELD] = {};
	struct khn_guest *gp;
	unsigned int i, op, lpid;

	while (time_before(jiffies, t->deadline)) {
		op = get_random_u32_below(16);
		lpid = get_random_u32_below(STRESS_LPIDS);
		i = get_random_u32_below(STRESS_HELD);
		if (op < 8) {
			gp = khn_guest_get(t->g, lpid, op < 6);
			if (!IS_ERR(gp)) {
				if (gp->l1_lpid != lpid || !payload_ok(gp))
					t->bad++;
				if (held[i])
					khn_guest_put(held[i]);
				held[i] = gp;
			}
		} else if (op < 12) {
			if (held[i]) {
				if (!payload_ok(held[i]))
					t->bad++;
				khn_guest_put(held[i]);
				held[i] = NULL;
			}
		} else if (op < 15) {
			remove_lpid(t->g, lpid);
		} else {
			t->unlinked += khn_guests_remove_all(t->g,
							     stress_check, t);
		}
		t->ops++;
		cond_resched();
	}
	for (i = 0; i < STRESS_HELD; i++)
		if (held[i])
			khn_guest_put(held[i]);
	kthread_complete_and_exit(&t->done, 0);
}

static void concurrent_use_leaks_no_guest(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct stress_thread *th;
	struct task_struct *task;
	unsigned long ops = 0, unlinked = 0, bad = 0;
	unsigned int i, started = 0;

	th = kunit_kcalloc(test, STRESS_THREADS, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	for (i = 0; i < STRESS_THREADS; i++) {
		th[i].g = &c->g;
		th[i].deadline = jiffies + msecs_to_jiffies(STRESS_MSECS);
		init_completion(&th[i].done);
		task = kthread_run(stress_thread_fn, &th[i], "khn-guests/%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		wait_for_completion(&th[i].done);
		ops += th[i].ops;
		unlinked += th[i].unlinked;
		bad += th[i].bad;
	}
	KUNIT_ASSERT_EQ(test, started, STRESS_THREADS);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_GT(test, ops, 100);
	KUNIT_EXPECT_GT(test, atomic_read(&c->f.allocs), STRESS_LPIDS);

	khn_guests_remove_all(&c->g, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->g.nr_live), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->f.releases),
			atomic_read(&c->f.inits));
	kunit_info(test, "%lu ops, %d guests created, %lu unlinked by remove_all\n",
		   ops, atomic_read(&c->f.allocs), unlinked);
}

/* Unlinking a guest leaves a newer one of the same LPID in place. */
static void unlink_removes_only_that_guest(struct kunit *test)
{
	struct guests_ctx *c = test->priv;
	struct khn_guest *a, *b;

	a = khn_guest_get(&c->g, 5, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_EQ(test, remove_lpid(&c->g, 5), 0);
	b = khn_guest_get(&c->g, 5, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, khn_guest_unlink(&c->g, a), -ENOENT);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 1U);
	KUNIT_EXPECT_EQ(test, khn_guest_unlink(&c->g, b), 0);
	KUNIT_EXPECT_EQ(test, khn_guests_count(&c->g), 0U);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(b->dead));
	khn_guest_put(a);
	khn_guest_put(b);
}

static struct kunit_case guests_test_cases[] = {
	KUNIT_CASE(get_creates_then_finds_the_same_guest),
	KUNIT_CASE(get_without_create_finds_nothing),
	KUNIT_CASE(lpids_past_4095_are_refused_before_use),
	KUNIT_CASE(limit_refuses_a_new_guest_before_taking_an_lpid),
	KUNIT_CASE(last_put_returns_shadow_lpid_and_payload),
	KUNIT_CASE(remove_all_reschedules_between_guests),
	KUNIT_CASE(alloc_failure_leaves_nothing_behind),
	KUNIT_CASE(init_failure_gives_the_lpid_back),
	KUNIT_CASE(racing_creators_share_one_guest),
	KUNIT_CASE(removed_guest_lives_until_last_put),
	KUNIT_CASE(unlink_removes_only_that_guest),
	KUNIT_CASE(remove_all_keeps_held_guests_valid),
	KUNIT_CASE(remove_all_callback_may_use_the_table),
	KUNIT_CASE(concurrent_use_leaks_no_guest),
	{}
};

static struct kunit_suite guests_test_suite = {
	.name = "khn-guests",
	.init = guests_test_init,
	.exit = guests_test_exit,
	.test_cases = guests_test_cases,
};

kunit_test_suite(guests_test_suite);
