// SPDX-License-Identifier: GPL-2.0-only
/*
 * L1's partition table and the walk of L1's partition-scoped tree: every
 * page size, permission and R/C case, every malformed tree and PATE, and
 * proof that no hostile tree makes the walk read outside L1 memory.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/math.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "fake_l1.h"
#include "khn/l1walk.h"
#include "khn/radix.h"

#define L1_BASE		SZ_16M		/* L1-real address of fake L1 memory */
#define L1_SIZE		SZ_1M
#define L1_END		(L1_BASE + L1_SIZE)
/* An L2-real address with a non-zero index at every level and offset */
#define L2_ADDR		0x000123456789abcdULL
/* Where L1's leaves point: aligned to every page size */
#define PAGE_RA		0x0000004000000000ULL
#define RWX		(KHN_RPTE_READ | KHN_RPTE_RW | KHN_RPTE_EXEC)
#define R_C		(KHN_RPTE_R | KHN_RPTE_C)

/* Smaller trees: 40-bit with 4K leaves at level 2; the smallest, 31-bit */
static const struct fake_l1_geom geom_40 = {
	.va_bits = 40, .nr_levels = 3, .nls = { 10, 9, 9 },
};

static const struct fake_l1_geom geom_31 = {
	.va_bits = 31, .nr_levels = 3, .nls = { 5, 9, 5 },
};

/* ------------------------------------------------------------------ */
/* Shared set-up                                                        */

struct walk_env {
	struct fake_l1 *l1;
	struct fake_l1_tree *tree;
	struct khn_pate pate;
	u64 addr;
	struct khn_xlate xl;
	struct khn_fault fault;
};

static struct walk_env *walk_env_create(struct kunit *test,
					const struct fake_l1_geom *geom)
{
	struct walk_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->l1 = fake_l1_create(test, L1_BASE, L1_SIZE);
	e->tree = fake_l1_tree_create(e->l1, geom);
	fake_l1_tree_pate(e->tree, &e->pate);
	return e;
}

/* A 4K tree mapping L2_ADDR with a 4K leaf: levels 0-2 directories, 3 leaf */
static struct walk_env *walk_env_4k(struct kunit *test, u64 eaa)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);

	fake_l1_map(e->tree, L2_ADDR, PAGE_RA, KHN_SHIFT_4K, eaa);
	return e;
}

static int walk(struct walk_env *e, u64 addr, unsigned int access,
		bool set_rc)
{
	e->addr = addr;
	memset(&e->xl, 0, sizeof(e->xl));
	memset(&e->fault, 0, sizeof(e->fault));
	return khn_l1_walk(&e->l1->mem, &e->pate, NULL, addr, access, set_rc,
			   &e->xl, &e->fault);
}

/* The entry on L2_ADDR's path at @level */
static u64 path_ra(struct walk_env *e, unsigned int level)
{
	return fake_l1_entry_ra(e->tree, L2_ADDR, level);
}

static u64 path_entry(struct walk_env *e, unsigned int level)
{
	return fake_l1_read64(e->l1, path_ra(e, level));
}

/* Replace the entry on L2_ADDR's path at @level; return what is now there */
static u64 set_path_entry(struct walk_env *e, unsigned int level, u64 val)
{
	fake_l1_write64(e->l1, path_ra(e, level), val);
	return val;
}

struct want_fault {
	int ret;
	enum khn_walk_err err;
	u32 dsisr;
	u64 srr1;
	unsigned int level;
	u64 entry;
	u64 entry_ra;
	unsigned long reads;
	unsigned long oob_reads;
};

static void expect_fault(struct kunit *test, const struct walk_env *e,
			 int ret, const struct want_fault *w)
{
	KUNIT_EXPECT_EQ(test, ret, w->ret);
	KUNIT_EXPECT_EQ(test, e->fault.err, w->err);
	KUNIT_EXPECT_EQ(test, e->fault.addr, e->addr);
	KUNIT_EXPECT_EQ(test, e->fault.dsisr, w->dsisr);
	KUNIT_EXPECT_EQ(test, e->fault.srr1, w->srr1);
	KUNIT_EXPECT_EQ(test, e->fault.level, w->level);
	KUNIT_EXPECT_EQ(test, e->fault.entry, w->entry);
	KUNIT_EXPECT_EQ(test, e->fault.entry_ra, w->entry_ra);
	KUNIT_EXPECT_EQ(test, e->l1->reads, w->reads);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, w->oob_reads);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs, 0);
	/* a failed walk leaves the translation alone */
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra, 0);
	KUNIT_EXPECT_EQ(test, e->xl.pte, 0);
}

/* A malformed tree found at @level in @entry, by a read */
static void expect_bad_tree(struct kunit *test, struct walk_env *e, int ret,
			    enum khn_walk_err err, unsigned int level,
			    u64 entry)
{
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EINVAL, .err = err, .dsisr = KHN_DSISR_UNSUPP_MMU,
		.level = level, .entry = entry, .entry_ra = path_ra(e, level),
		.reads = level + 1,
	});
}

/* ------------------------------------------------------------------ */
/* khn-l1walk: translations                                             */

struct size_case {
	const char *desc;
	const struct fake_l1_geom *geom;
	unsigned int shift;
	unsigned int level;
};

static const struct size_case size_cases[] = {
	{ "4K leaf, 4K tree, level 3",	 &fake_l1_geom_4k,  KHN_SHIFT_4K,  3 },
	{ "2M leaf, 4K tree, level 2",	 &fake_l1_geom_4k,  KHN_SHIFT_2M,  2 },
	{ "1G leaf, 4K tree, level 1",	 &fake_l1_geom_4k,  KHN_SHIFT_1G,  1 },
	{ "64K leaf, 64K tree, level 3", &fake_l1_geom_64k, KHN_SHIFT_64K, 3 },
	{ "2M leaf, 64K tree, level 2",	 &fake_l1_geom_64k, KHN_SHIFT_2M,  2 },
	{ "1G leaf, 64K tree, level 1",	 &fake_l1_geom_64k, KHN_SHIFT_1G,  1 },
};

KUNIT_ARRAY_PARAM_DESC(size, size_cases, desc);

static void walk_translates_every_page_size(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	struct walk_env *e = walk_env_create(test, c->geom);
	u64 leaf_ra = fake_l1_map(e->tree, L2_ADDR, PAGE_RA, c->shift,
				  RWX | R_C);

	KUNIT_ASSERT_EQ(test, walk(e, L2_ADDR, KHN_ACC_READ, true), 0);
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra,
			PAGE_RA | (L2_ADDR & (BIT_ULL(c->shift) - 1)));
	KUNIT_EXPECT_EQ(test, e->xl.shift, c->shift);
	KUNIT_EXPECT_EQ(test, e->xl.level, c->level);
	KUNIT_EXPECT_EQ(test, e->xl.pte, fake_l1_leaf(PAGE_RA, RWX | R_C));
	KUNIT_EXPECT_EQ(test, e->xl.pte_ra, leaf_ra);
	KUNIT_EXPECT_EQ(test, e->l1->reads, c->level + 1);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs, 0);
}

static void walk_translates_through_five_levels(struct kunit *test)
{
	static const struct fake_l1_geom five = {
		.va_bits = 52, .nr_levels = 5, .nls = { 8, 8, 8, 8, 8 },
	};
	struct walk_env *e = walk_env_create(test, &five);

	fake_l1_map(e->tree, L2_ADDR, PAGE_RA, KHN_SHIFT_4K, KHN_RPTE_READ);
	KUNIT_ASSERT_EQ(test, walk(e, L2_ADDR, KHN_ACC_READ, false), 0);
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra, PAGE_RA | (L2_ADDR & 0xfff));
	KUNIT_EXPECT_EQ(test, e->xl.level, KHN_WALK_MAX_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, e->l1->reads, KHN_WALK_MAX_LEVELS);
}

static void walk_translates_smaller_tree(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &geom_40);
	u64 top = BIT_ULL(40) - 1;

	fake_l1_map(e->tree, top, PAGE_RA, KHN_SHIFT_4K, KHN_RPTE_READ);
	KUNIT_EXPECT_EQ(test, e->pate.va_bits, 40);
	KUNIT_ASSERT_EQ(test, walk(e, top, KHN_ACC_READ, false), 0);
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra, PAGE_RA | 0xfff);
	KUNIT_EXPECT_EQ(test, e->xl.level, 2);
}

/* ------------------------------------------------------------------ */
/* khn-l1walk: permissions                                              */

struct perm_case {
	const char *desc;
	u64 eaa;		/* EAA and ATT bits of the leaf */
	unsigned int access;
	bool ok;
};

#define NIO	KHN_RPTE_ATT_NIO
#define TIO	KHN_RPTE_ATT_TIO
#define A_RD	KHN_ACC_READ
#define A_WR	KHN_ACC_WRITE
#define A_EX	KHN_ACC_EXEC

static const struct perm_case perm_cases[] = {
	{ "R leaf, read",		KHN_RPTE_READ,		A_RD, true },
	{ "R leaf, write",		KHN_RPTE_READ,		A_WR, false },
	{ "R leaf, exec",		KHN_RPTE_READ,		A_EX, false },
	{ "RW leaf, read",		KHN_RPTE_RW,		A_RD, true },
	{ "RW leaf, write",		KHN_RPTE_RW,		A_WR, true },
	{ "RW leaf, exec",		KHN_RPTE_RW,		A_EX, false },
	{ "X leaf, read",		KHN_RPTE_EXEC,		A_RD, false },
	{ "X leaf, write",		KHN_RPTE_EXEC,		A_WR, false },
	{ "X leaf, exec",		KHN_RPTE_EXEC,		A_EX, true },
	{ "no-access leaf, read",	0,			A_RD, false },
	{ "no-access leaf, write",	0,			A_WR, false },
	{ "no-access leaf, exec",	0,			A_EX, false },
	{ "PRIV-only leaf, read",	KHN_RPTE_PRIV,		A_RD, false },
	{ "PRIV-only leaf, write",	KHN_RPTE_PRIV,		A_WR, false },
	{ "PRIV-only leaf, exec",	KHN_RPTE_PRIV,		A_EX, false },
	{ "PRIV+R leaf, read",	KHN_RPTE_PRIV | KHN_RPTE_READ,	A_RD, true },
	{ "PRIV+RW leaf, write", KHN_RPTE_PRIV | KHN_RPTE_RW,	A_WR, true },
	{ "PRIV+X leaf, exec",	KHN_RPTE_PRIV | KHN_RPTE_EXEC,	A_EX, true },
	{ "RWX leaf, read+write",	RWX,			A_RD | A_WR, true },
	{ "R leaf, read+write",		KHN_RPTE_READ,		A_RD | A_WR, false },
	{ "no-access leaf, lookup only", 0,			0, true },
	{ "RWX guarded (NIO) leaf, exec",  RWX | NIO,		A_EX, false },
	{ "RWX guarded (NIO) leaf, write", RWX | NIO,		A_WR, true },
	{ "RWX tolerant I/O leaf, exec",   RWX | TIO,		A_EX, true },
};

KUNIT_ARRAY_PARAM_DESC(perm, perm_cases, desc);

static void walk_checks_permissions_at_every_page_size(struct kunit *test)
{
	const struct perm_case *c = test->param_value;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *s = &size_cases[i];
		struct walk_env *e = walk_env_create(test, s->geom);
		u64 leaf_ra = fake_l1_map(e->tree, L2_ADDR, PAGE_RA, s->shift,
					  c->eaa);
		u64 leaf = fake_l1_leaf(PAGE_RA, c->eaa);
		int ret = walk(e, L2_ADDR, c->access, false);

		kunit_info(test, "%s", s->desc);
		if (c->ok) {
			KUNIT_EXPECT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, e->xl.shift, s->shift);
			KUNIT_EXPECT_EQ(test, e->xl.pte, leaf);
			continue;
		}
		expect_fault(test, e, ret, &(struct want_fault) {
			.ret = -EACCES, .err = KHN_WALK_PROT,
			.dsisr = (c->access & A_EX) ? 0 :
				 KHN_DSISR_PROTFAULT |
				 ((c->access & A_WR) ? KHN_DSISR_ISSTORE : 0),
			.srr1 = (c->access & A_EX) ? KHN_SRR1_ISI_N_G_OR_CIP : 0,
			.level = s->level, .entry = leaf, .entry_ra = leaf_ra,
			.reads = s->level + 1,
		});
	}
}

/* ------------------------------------------------------------------ */
/* khn-l1walk: reference and change bits                                */

struct rc_case {
	const char *desc;
	u64 eaa;
	u64 rc_before;
	unsigned int access;
	bool set_rc;
	int ret;
	u64 rc_after;
	unsigned long stores;
};

static const struct rc_case rc_cases[] = {
	{ "read sets R",		RWX, 0,		  A_RD, true, 0, KHN_RPTE_R, 1 },
	{ "read with C only adds R",	RWX, KHN_RPTE_C,  A_RD, true, 0, R_C, 1 },
	{ "read with R stores nothing",	RWX, KHN_RPTE_R,  A_RD, true, 0,
	  KHN_RPTE_R, 0 },
	{ "write sets R and C",		RWX, 0,		  A_WR, true, 0, R_C, 1 },
	{ "write with R adds C",	RWX, KHN_RPTE_R,  A_WR, true, 0, R_C, 1 },
	{ "write with C adds R",	RWX, KHN_RPTE_C,  A_WR, true, 0, R_C, 1 },
	{ "write with R+C stores nothing", RWX, R_C,	  A_WR, true, 0, R_C, 0 },
	{ "exec sets R only",		RWX, 0,		  A_EX, true, 0, KHN_RPTE_R, 1 },
	{ "lookup sets nothing",	RWX, 0,		  0,  true, 0, 0, 0 },
	{ "read without set_rc",	RWX, 0,		  A_RD, false, 0, 0, 0 },
	{ "write without set_rc",	RWX, 0,		  A_WR, false, 0, 0, 0 },
	{ "denied write sets nothing",	KHN_RPTE_READ, 0, A_WR, true, -EACCES, 0, 0 },
	{ "denied exec sets nothing",	KHN_RPTE_RW, 0,	  A_EX, true, -EACCES, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(rc, rc_cases, desc);

static void walk_sets_rc_like_hardware(struct kunit *test)
{
	const struct rc_case *c = test->param_value;
	struct walk_env *e = walk_env_4k(test, c->eaa | c->rc_before);
	u64 after = fake_l1_leaf(PAGE_RA, c->eaa | c->rc_after);
	int ret = walk(e, L2_ADDR, c->access, c->set_rc);

	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, path_entry(e, 3), after);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs, c->stores);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchg_misses, 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 4);
	if (!ret)
		KUNIT_EXPECT_EQ(test, e->xl.pte, after);
}

static void walk_retries_rc_update_after_race(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 sw = BIT_ULL(9);	/* L1 sets a software bit meanwhile */

	e->l1->races = 1;
	e->l1->race_flip = sw;
	KUNIT_ASSERT_EQ(test, walk(e, L2_ADDR, KHN_ACC_WRITE, true), 0);
	KUNIT_EXPECT_EQ(test, e->xl.pte, fake_l1_leaf(PAGE_RA, RWX | sw | R_C));
	KUNIT_EXPECT_EQ(test, path_entry(e, 3), e->xl.pte);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchg_misses, 1);
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchgs, 1);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 2 * 4);
}

static void walk_gives_up_rc_update_after_repeated_races(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 leaf = path_entry(e, 3);
	u64 sw = BIT_ULL(9);
	int ret;

	e->l1->races = 1000;
	e->l1->race_flip = sw;
	ret = walk(e, L2_ADDR, KHN_ACC_WRITE, true);
	/* walk k read the leaf as flipped k - 1 times */
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EAGAIN, .err = KHN_WALK_RETRY, .level = 3,
		.entry = (KHN_L1WALK_RC_TRIES % 2) ? leaf : leaf ^ sw,
		.entry_ra = path_ra(e, 3), .reads = 4 * KHN_L1WALK_RC_TRIES,
	});
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchg_misses, KHN_L1WALK_RC_TRIES);
	KUNIT_EXPECT_EQ(test, path_entry(e, 3) & R_C, 0);
}

static void walk_rechecks_leaf_after_rc_race(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 leaf = path_entry(e, 3);
	int ret;

	e->l1->races = 1;
	e->l1->race_flip = KHN_RPTE_V;
	ret = walk(e, L2_ADDR, KHN_ACC_WRITE, true);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -ENOENT, .err = KHN_WALK_NO_ENTRY,
		.dsisr = KHN_DSISR_NOHPTE | KHN_DSISR_ISSTORE, .level = 3,
		.entry = leaf & ~KHN_RPTE_V, .entry_ra = path_ra(e, 3),
		.reads = 2 * 4,
	});
	KUNIT_EXPECT_EQ(test, e->l1->cmpxchg_misses, 1);
}

static void walk_rechecks_permission_after_rc_race(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, KHN_RPTE_READ | KHN_RPTE_RW);
	u64 leaf = path_entry(e, 3);
	int ret;

	e->l1->races = 1;
	e->l1->race_flip = KHN_RPTE_RW;
	ret = walk(e, L2_ADDR, KHN_ACC_WRITE, true);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EACCES, .err = KHN_WALK_PROT,
		.dsisr = KHN_DSISR_PROTFAULT | KHN_DSISR_ISSTORE, .level = 3,
		.entry = leaf & ~KHN_RPTE_RW, .entry_ra = path_ra(e, 3),
		.reads = 2 * 4,
	});
}

static void walk_reports_rc_update_outside_l1_memory(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 leaf = path_entry(e, 3);
	int ret;

	e->l1->cmpxchg_err = -EFAULT;
	ret = walk(e, L2_ADDR, KHN_ACC_READ, true);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EFAULT, .err = KHN_WALK_READ_FAULT,
		.dsisr = KHN_DSISR_PRTABLE_FAULT, .level = 3, .entry = leaf,
		.entry_ra = path_ra(e, 3), .reads = 4,
	});
	KUNIT_EXPECT_EQ(test, e->l1->oob_cmpxchgs, 1);
}

/* ------------------------------------------------------------------ */
/* khn-l1walk: missing entries and the status bits of each failure      */

struct level_case {
	const char *desc;
	unsigned int level;
};

static const struct level_case level_cases[] = {
	{ "root entry", 0 }, { "level 1 entry", 1 },
	{ "level 2 entry", 2 }, { "leaf", 3 },
};

KUNIT_ARRAY_PARAM_DESC(level, level_cases, desc);

static void walk_reports_no_entry_at_every_level(struct kunit *test)
{
	const struct level_case *c = test->param_value;
	struct walk_env *e = walk_env_4k(test, RWX);
	/* an invalid entry's other bits mean nothing */
	u64 entry = set_path_entry(e, c->level,
				   path_entry(e, c->level) & ~KHN_RPTE_V);
	int ret = walk(e, L2_ADDR, KHN_ACC_READ, true);

	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -ENOENT, .err = KHN_WALK_NO_ENTRY,
		.dsisr = KHN_DSISR_NOHPTE, .level = c->level, .entry = entry,
		.entry_ra = path_ra(e, c->level), .reads = c->level + 1,
	});
}

enum breakage { BREAK_NO_ENTRY, BREAK_NO_RIGHTS, BREAK_BAD_TREE,
		BREAK_TABLE_OUTSIDE, BREAK_BEYOND };

struct status_case {
	const char *desc;
	enum breakage how;
	unsigned int access;
	int ret;
	u32 dsisr;
	u64 srr1;
};

#define ST	KHN_DSISR_ISSTORE	/* short, for the table below */

static const struct status_case status_cases[] = {
	{ "no entry, read",  BREAK_NO_ENTRY, A_RD, -ENOENT, KHN_DSISR_NOHPTE, 0 },
	{ "no entry, write", BREAK_NO_ENTRY, A_WR, -ENOENT, KHN_DSISR_NOHPTE | ST, 0 },
	{ "no entry, exec",  BREAK_NO_ENTRY, A_EX, -ENOENT, 0, KHN_SRR1_ISI_NOPT },
	{ "protection, read",  BREAK_NO_RIGHTS, A_RD, -EACCES,
	  KHN_DSISR_PROTFAULT, 0 },
	{ "protection, write", BREAK_NO_RIGHTS, A_WR, -EACCES,
	  KHN_DSISR_PROTFAULT | ST, 0 },
	{ "protection, exec",  BREAK_NO_RIGHTS, A_EX, -EACCES, 0,
	  KHN_SRR1_ISI_N_G_OR_CIP },
	{ "bad tree, read",  BREAK_BAD_TREE, A_RD, -EINVAL, KHN_DSISR_UNSUPP_MMU, 0 },
	{ "bad tree, write", BREAK_BAD_TREE, A_WR, -EINVAL,
	  KHN_DSISR_UNSUPP_MMU | ST, 0 },
	{ "bad tree, exec",  BREAK_BAD_TREE, A_EX, -EINVAL, 0, KHN_DSISR_UNSUPP_MMU },
	{ "table outside L1, read",  BREAK_TABLE_OUTSIDE, A_RD, -EFAULT,
	  KHN_DSISR_PRTABLE_FAULT, 0 },
	{ "table outside L1, write", BREAK_TABLE_OUTSIDE, A_WR, -EFAULT,
	  KHN_DSISR_PRTABLE_FAULT | ST, 0 },
	{ "table outside L1, exec",  BREAK_TABLE_OUTSIDE, A_EX, -EFAULT, 0,
	  KHN_DSISR_PRTABLE_FAULT },
	{ "beyond RTS, read",  BREAK_BEYOND, A_RD, -EINVAL, KHN_DSISR_UNSUPP_MMU, 0 },
	{ "beyond RTS, write", BREAK_BEYOND, A_WR, -EINVAL,
	  KHN_DSISR_UNSUPP_MMU | ST, 0 },
	{ "beyond RTS, exec",  BREAK_BEYOND, A_EX, -EINVAL, 0, KHN_DSISR_UNSUPP_MMU },
};

KUNIT_ARRAY_PARAM_DESC(status, status_cases, desc);

static void walk_reports_status_bits_of_each_failure(struct kunit *test)
{
	const struct status_case *c = test->param_value;
	struct walk_env *e = walk_env_4k(test, 0);
	u64 addr = L2_ADDR;
	int ret;

	switch (c->how) {
	case BREAK_NO_ENTRY:
		set_path_entry(e, 2, 0);
		break;
	case BREAK_NO_RIGHTS:
		break;
	case BREAK_BAD_TREE:
		set_path_entry(e, 3, path_entry(e, 3) | BIT_ULL(6));
		break;
	case BREAK_TABLE_OUTSIDE:
		set_path_entry(e, 1, fake_l1_pde(L1_END, 9));
		break;
	case BREAK_BEYOND:
		addr = BIT_ULL(52);
		break;
	}
	ret = walk(e, addr, c->access, true);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, e->fault.dsisr, c->dsisr);
	KUNIT_EXPECT_EQ(test, e->fault.srr1, c->srr1);
	KUNIT_EXPECT_EQ(test, e->fault.addr, addr);
}

/* ------------------------------------------------------------------ */
/* khn-l1walk: malformed trees, one test each                           */

static void walk_rejects_reserved_bits_in_pde(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 pde = path_entry(e, 1);
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		if (!(KHN_RPDE_RSVD & BIT_ULL(bit)))
			continue;
		kunit_info(test, "bit %u (ISA bit %u)", bit, 63 - bit);
		set_path_entry(e, 1, pde | BIT_ULL(bit));
		e->l1->reads = 0;
		expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
				KHN_WALK_BAD_RSVD, 1, pde | BIT_ULL(bit));
	}
}

static void walk_rejects_reserved_bits_in_pte(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 pte = path_entry(e, 3);
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		if (!(KHN_RPTE_RSVD & BIT_ULL(bit)))
			continue;
		kunit_info(test, "bit %u (ISA bit %u)", bit, 63 - bit);
		set_path_entry(e, 3, pte | BIT_ULL(bit));
		e->l1->reads = 0;
		expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, true),
				KHN_WALK_BAD_RSVD, 3, pte | BIT_ULL(bit));
	}
	/* the software bits are L1's own: accepted */
	set_path_entry(e, 3, pte | KHN_RPTE_SW);
	KUNIT_EXPECT_EQ(test, walk(e, L2_ADDR, KHN_ACC_READ, false), 0);
}

static void walk_rejects_misaligned_next_level_base(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 pde = path_entry(e, 1);
	/* a 4K table (NLS 9) moved by 2K */
	u64 bad = set_path_entry(e, 1, pde + SZ_2K);

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_ALIGN, 1, bad);
}

static void walk_rejects_nls_below_min(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	u64 bad = set_path_entry(e, 1, (path_entry(e, 1) & ~KHN_RPDE_NLS) |
				 (KHN_NLS_MIN - 1));

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_NLS, 1, bad);
}

static void walk_rejects_nls_above_max(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	/* the root entry spans 2^39: 2^17 entries would still leave 2^22 */
	u64 bad = set_path_entry(e, 0, fake_l1_pde(L1_BASE, KHN_NLS_MAX + 1));

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_NLS, 0, bad);
}

static void walk_rejects_nls_beyond_remaining_bits(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	/* a level-2 entry spans 2^21: 2^10 entries would leave 2K pages */
	u64 bad = set_path_entry(e, 2,
				 fake_l1_pde(fake_l1_alloc_table(e->l1, 10), 10));

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_NLS, 2, bad);
	/* and the largest NLS the field holds */
	bad = set_path_entry(e, 2, fake_l1_pde(0, 31));
	e->l1->reads = 0;
	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_NLS, 2, bad);
}

static void walk_rejects_too_deep_tree(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	/* a directory where a 4K leaf must be: no address bits left */
	u64 bad = set_path_entry(e, 3,
				 fake_l1_pde(fake_l1_alloc_table(e->l1, 5), 5));

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_TOO_DEEP, 3, bad);
}

static void walk_rejects_more_than_max_levels(struct kunit *test)
{
	/* five 32-entry levels leave 2^27 per entry: room, but too many */
	static const struct fake_l1_geom thin = {
		.va_bits = 52, .nr_levels = 5, .nls = { 5, 5, 5, 5, 5 },
	};
	struct walk_env *e = walk_env_create(test, &thin);
	u64 bad;

	fake_l1_map(e->tree, L2_ADDR, PAGE_RA, 27, RWX);
	bad = set_path_entry(e, 4,
			     fake_l1_pde(fake_l1_alloc_table(e->l1, 5), 5));
	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_TOO_DEEP, KHN_WALK_MAX_LEVELS - 1, bad);
}

static void walk_rejects_leaf_at_unsupported_level(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	/* a leaf in the root would be a 512G page */
	u64 bad = set_path_entry(e, 0, fake_l1_leaf(0, RWX));

	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_LEAF, 0, bad);
}

static void walk_rejects_leaf_of_unsupported_size(struct kunit *test)
{
	/* 13-9-9-7: the last level would map 16K pages */
	static const struct fake_l1_geom odd = {
		.va_bits = 52, .nr_levels = 4, .nls = { 13, 9, 9, 7 },
	};
	struct walk_env *e = walk_env_create(test, &odd);

	fake_l1_map(e->tree, L2_ADDR, PAGE_RA, 14, RWX);
	expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
			KHN_WALK_BAD_LEAF, 3, path_entry(e, 3));
}

static void walk_rejects_misaligned_leaf_rpn(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *s = &size_cases[i];
		struct walk_env *e;

		if (s->shift == KHN_SHIFT_4K)
			continue;	/* the RPN field cannot be misaligned */
		kunit_info(test, "%s", s->desc);
		e = walk_env_create(test, s->geom);
		fake_l1_map(e->tree, L2_ADDR, PAGE_RA + SZ_4K, s->shift, RWX);
		expect_bad_tree(test, e, walk(e, L2_ADDR, KHN_ACC_READ, false),
				KHN_WALK_BAD_ALIGN, s->level,
				fake_l1_leaf(PAGE_RA + SZ_4K, RWX));
	}
}

struct beyond_case {
	const char *desc;
	const struct fake_l1_geom *geom;
	u64 addr;
};

static const struct beyond_case beyond_cases[] = {
	{ "52-bit tree, 2^52",		&fake_l1_geom_4k, BIT_ULL(52) },
	{ "52-bit tree, top of memory",	&fake_l1_geom_4k, U64_MAX },
	{ "40-bit tree, 2^40",		&geom_40, BIT_ULL(40) },
	{ "31-bit tree, 2^31",		&geom_31, BIT_ULL(31) },
};

KUNIT_ARRAY_PARAM_DESC(beyond, beyond_cases, desc);

static void walk_rejects_address_beyond_rts(struct kunit *test)
{
	const struct beyond_case *c = test->param_value;
	struct walk_env *e = walk_env_create(test, c->geom);
	u64 top = BIT_ULL(c->geom->va_bits) - 1;
	int ret;

	/* the address just below the limit is in the tree */
	fake_l1_map(e->tree, top, PAGE_RA, KHN_SHIFT_4K, RWX);
	KUNIT_EXPECT_EQ(test, walk(e, top, KHN_ACC_READ, false), 0);
	e->l1->reads = 0;
	ret = walk(e, c->addr, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EINVAL, .err = KHN_WALK_BEYOND_RTS,
		.dsisr = KHN_DSISR_UNSUPP_MMU,
	});
}

struct outside_case {
	const char *desc;
	unsigned int level;	/* the entry made to point outside */
	u64 nlb;
	unsigned int nls;
};

static const struct outside_case outside_cases[] = {
	{ "level 1 entry -> table just past the end",	1, L1_END, 9 },
	{ "level 1 entry -> table at 0, below L1",	1, 0, 9 },
	{ "level 2 entry -> table at the top of NLB",	2,
	  KHN_RPDE_NLB & ~(u64)(SZ_4K - 1), 9 },
	{ "root entry -> 2^16 table past the end",	0, L1_END, 16 },
};

KUNIT_ARRAY_PARAM_DESC(outside, outside_cases, desc);

static void walk_rejects_table_outside_l1_memory(struct kunit *test)
{
	const struct outside_case *c = test->param_value;
	struct walk_env *e = walk_env_4k(test, RWX);
	unsigned int span = 52 - 13 - 9 * c->level - c->nls;
	u64 index = (L2_ADDR >> span) & (BIT_ULL(c->nls) - 1);
	int ret;

	set_path_entry(e, c->level, fake_l1_pde(c->nlb, c->nls));
	ret = walk(e, L2_ADDR, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EFAULT, .err = KHN_WALK_READ_FAULT,
		.dsisr = KHN_DSISR_PRTABLE_FAULT, .level = c->level + 1,
		.entry = 0, .entry_ra = c->nlb + index * 8,
		.reads = c->level + 1, .oob_reads = 1,
	});
	KUNIT_EXPECT_EQ(test, e->l1->last_read, c->nlb + index * 8);
}

static void walk_rejects_root_outside_l1_memory(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	int ret;

	KUNIT_ASSERT_EQ(test, khn_pate_decode(fake_l1_pate0(L1_END, 13, 52),
					      fake_l1_pate1(0, 0), &e->pate),
			0);
	ret = walk(e, L2_ADDR, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EFAULT, .err = KHN_WALK_READ_FAULT,
		.dsisr = KHN_DSISR_PRTABLE_FAULT, .level = 0,
		.entry_ra = L1_END + ((L2_ADDR >> 39) & 0x1fff) * 8,
		.oob_reads = 1,
	});
}

static void walk_rejects_entry_beyond_end_of_l1_memory(struct kunit *test)
{
	/* root, level 1 and 2 tables, then memory ends 2K into level 3's */
	struct fake_l1 *f = fake_l1_create(test, L1_BASE,
					   SZ_64K + 2 * SZ_4K + SZ_2K);
	struct walk_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	u64 table = L1_BASE + SZ_64K + 2 * SZ_4K;
	u64 low = L2_ADDR & ~GENMASK_ULL(20, 12);	/* index 0 at level 3 */
	u64 high = L2_ADDR | GENMASK_ULL(20, 12);	/* index 511 */
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->l1 = f;
	e->tree = fake_l1_tree_create(f, &fake_l1_geom_4k);
	fake_l1_tree_pate(e->tree, &e->pate);
	fake_l1_map(e->tree, low, PAGE_RA, KHN_SHIFT_2M, RWX);
	KUNIT_ASSERT_EQ(test, f->next, table);
	fake_l1_write64(f, fake_l1_entry_ra(e->tree, low, 2),
			fake_l1_pde(table, 9));
	fake_l1_set_entry(f, table, 0, fake_l1_leaf(PAGE_RA, RWX));

	KUNIT_EXPECT_EQ(test, walk(e, low, KHN_ACC_READ, false), 0);
	f->reads = 0;
	ret = walk(e, high, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EFAULT, .err = KHN_WALK_READ_FAULT,
		.dsisr = KHN_DSISR_PRTABLE_FAULT, .level = 3,
		.entry_ra = table + 511 * 8, .reads = 3, .oob_reads = 1,
	});
}

static void walk_terminates_on_self_referencing_table(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);
	u64 self = fake_l1_pde(e->tree->root, 13);
	int ret;

	/* root[0] points at the root: every level reads the same entry */
	fake_l1_set_entry(e->l1, e->tree->root, 0, self);
	ret = walk(e, 0, KHN_ACC_READ, false);
	/* spans 39, 26, 13: no room for a table under the third */
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EINVAL, .err = KHN_WALK_TOO_DEEP,
		.dsisr = KHN_DSISR_UNSUPP_MMU, .level = 2, .entry = self,
		.entry_ra = e->tree->root, .reads = 3,
	});
}

static void walk_terminates_on_cycle_of_small_tables(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);
	u64 a = fake_l1_alloc_table(e->l1, KHN_NLS_MIN);
	u64 b = fake_l1_alloc_table(e->l1, KHN_NLS_MIN);
	int ret;

	/* root -> a -> b -> a -> b ...: spans 39, 34, 29, 24, 19 */
	fake_l1_set_entry(e->l1, e->tree->root, 0,
			  fake_l1_pde(a, KHN_NLS_MIN));
	fake_l1_set_entry(e->l1, a, 0, fake_l1_pde(b, KHN_NLS_MIN));
	fake_l1_set_entry(e->l1, b, 0, fake_l1_pde(a, KHN_NLS_MIN));
	ret = walk(e, 0, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EINVAL, .err = KHN_WALK_TOO_DEEP,
		.dsisr = KHN_DSISR_UNSUPP_MMU, .level = KHN_WALK_MAX_LEVELS - 1,
		.entry = fake_l1_pde(a, KHN_NLS_MIN), .entry_ra = b,
		.reads = KHN_WALK_MAX_LEVELS,
	});
}

static void walk_terminates_on_memory_full_of_pointers(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);
	u64 ra;
	int ret;

	/* every doubleword of L1 memory points at the start of memory */
	for (ra = L1_BASE; ra < L1_END; ra += 8)
		fake_l1_write64(e->l1, ra, fake_l1_pde(L1_BASE, KHN_NLS_MIN));
	ret = walk(e, L2_ADDR, KHN_ACC_READ, false);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, e->fault.err, KHN_WALK_TOO_DEEP);
	KUNIT_EXPECT_EQ(test, e->l1->reads, KHN_WALK_MAX_LEVELS);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
}

static void walk_rejects_unusable_pate(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX);
	int ret;

	memset(&e->pate, 0, sizeof(e->pate));
	ret = walk(e, 0, KHN_ACC_READ, false);
	expect_fault(test, e, ret, &(struct want_fault) {
		.ret = -EINVAL, .err = KHN_WALK_BAD_PATE,
		.dsisr = KHN_DSISR_UNSUPP_MMU,
	});
}

/* ------------------------------------------------------------------ */
/* The page-walk cache                                                  */

static int walk_pwc(struct walk_env *e, struct khn_pwc *pwc, u64 addr,
		    unsigned int access)
{
	e->addr = addr;
	memset(&e->xl, 0, sizeof(e->xl));
	memset(&e->fault, 0, sizeof(e->fault));
	return khn_l1_walk(&e->l1->mem, &e->pate, pwc, addr, access, false,
			   &e->xl, &e->fault);
}

static void pwc_second_walk_reads_only_the_leaf(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX | R_C);
	struct khn_pwc *pwc = kunit_kzalloc(test, sizeof(*pwc), GFP_KERNEL);
	struct khn_xlate first;

	KUNIT_ASSERT_NOT_NULL(test, pwc);
	KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, L2_ADDR, KHN_ACC_READ), 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 4);
	KUNIT_EXPECT_EQ(test, pwc->hits, 0);
	KUNIT_EXPECT_EQ(test, pwc->nr, 1);
	first = e->xl;

	e->l1->reads = 0;
	KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, L2_ADDR, KHN_ACC_READ), 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 1);
	KUNIT_EXPECT_EQ(test, e->l1->last_read, path_ra(e, 3));
	KUNIT_EXPECT_EQ(test, pwc->hits, 1);
	KUNIT_EXPECT_EQ(test, pwc->nr, 1);
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra, first.l1_ra);
	KUNIT_EXPECT_EQ(test, e->xl.pte, first.pte);
	KUNIT_EXPECT_EQ(test, e->xl.pte_ra, first.pte_ra);
	KUNIT_EXPECT_EQ(test, e->xl.level, 3);
	KUNIT_EXPECT_EQ(test, e->xl.shift, KHN_SHIFT_4K);

	/* outside the cached table's 2M: from the root again */
	e->l1->reads = 0;
	walk_pwc(e, pwc, L2_ADDR ^ SZ_2M, KHN_ACC_READ);
	KUNIT_EXPECT_EQ(test, pwc->hits, 1);
	KUNIT_EXPECT_GT(test, e->l1->reads, 1);
}

/* A leaf L1 adds to a cached table is seen: leaves are never cached. */
static void pwc_sees_leaf_added_to_cached_table(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX | R_C);
	struct khn_pwc *pwc = kunit_kzalloc(test, sizeof(*pwc), GFP_KERNEL);
	u64 next = L2_ADDR + SZ_4K;

	KUNIT_ASSERT_NOT_NULL(test, pwc);
	KUNIT_EXPECT_EQ(test, walk_pwc(e, pwc, next, KHN_ACC_READ), -ENOENT);
	KUNIT_EXPECT_EQ(test, e->fault.level, 3);
	fake_l1_map(e->tree, next, PAGE_RA + SZ_4K, KHN_SHIFT_4K, RWX | R_C);
	e->l1->reads = 0;
	KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, next, KHN_ACC_READ), 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 1);
	KUNIT_EXPECT_EQ(test, e->xl.l1_ra, PAGE_RA + SZ_4K + (next & 0xfff));
	KUNIT_EXPECT_EQ(test, pwc->hits, 1);
}

/*
 * A directory entry L1 clears is not seen until the cache is flushed, as
 * with hardware until L1's tlbie (RIC 1 or 2); after it the walk starts
 * at the root and finds the hole.
 */
static void pwc_flush_makes_directory_change_seen(struct kunit *test)
{
	struct walk_env *e = walk_env_4k(test, RWX | R_C);
	struct khn_pwc *pwc = kunit_kzalloc(test, sizeof(*pwc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pwc);
	KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, L2_ADDR, KHN_ACC_READ), 0);
	set_path_entry(e, 2, 0);
	KUNIT_EXPECT_EQ(test, walk_pwc(e, pwc, L2_ADDR, KHN_ACC_READ), 0);

	khn_pwc_flush(pwc);
	KUNIT_EXPECT_EQ(test, pwc->nr, 0);
	e->l1->reads = 0;
	KUNIT_EXPECT_EQ(test, walk_pwc(e, pwc, L2_ADDR, KHN_ACC_READ), -ENOENT);
	KUNIT_EXPECT_EQ(test, e->fault.level, 2);
	KUNIT_EXPECT_EQ(test, e->fault.entry_ra, path_ra(e, 2));
	KUNIT_EXPECT_EQ(test, e->l1->reads, 3);
}

static u64 pwc_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Over a tree with leaves of every size, holes and malformed entries, a
 * walk through the cache ends exactly as a walk from the root: same
 * result, translation and fault, whichever ran first.
 */
static void pwc_walks_end_as_full_walks(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);
	struct khn_pwc *pwc = kunit_kzalloc(test, sizeof(*pwc), GFP_KERNEL);
	struct khn_xlate xl;
	struct khn_fault fault;
	u64 seed = 0x9e3779b97f4a7c15ULL, base = L2_ADDR & ~(SZ_1G - 1ULL), bad;
	unsigned int i, access;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, pwc);
	for (i = 0; i < 48; i++) {
		u64 a = base + (pwc_rand(&seed) % (SZ_1G / SZ_4K)) * SZ_4K;

		fake_l1_map(e->tree, a, PAGE_RA + a % SZ_1G, KHN_SHIFT_4K,
			    (i % 3 ? RWX : KHN_RPTE_READ) | R_C);
	}
	fake_l1_map(e->tree, base + 5 * SZ_2M, PAGE_RA, KHN_SHIFT_2M,
		    RWX | R_C);
	fake_l1_map(e->tree, base + 3ULL * SZ_1G, PAGE_RA, KHN_SHIFT_1G,
		    RWX | R_C);
	/* a leaf with reserved bits, and one with an unaligned RPN */
	bad = fake_l1_map(e->tree, base + 7 * SZ_2M, PAGE_RA, KHN_SHIFT_4K, RWX);
	fake_l1_write64(e->l1, bad, fake_l1_read64(e->l1, bad) | KHN_RPTE_RSVD);
	fake_l1_map(e->tree, base + 9 * SZ_2M, PAGE_RA + SZ_4K,
		    KHN_SHIFT_2M, RWX);

	for (i = 0; i < 2000; i++) {
		u64 r = pwc_rand(&seed), a;

		switch (r % 4) {
		case 0:		/* anywhere in the tree */
			a = (r >> 8) & (BIT_ULL(e->pate.va_bits) - 1);
			break;
		case 1:		/* the special 2M regions and the 1G leaf */
			a = base + ((r >> 8) % 12) * SZ_2M + ((r >> 20) & 0xfff);
			if ((r >> 40) & 1)
				a = base + 3ULL * SZ_1G + ((r >> 8) % SZ_1G);
			break;
		default:	/* near the small leaves */
			a = base + ((r >> 8) % (SZ_1G / SZ_4K)) * SZ_4K;
			break;
		}
		access = BIT((r >> 60) % 3);
		if (r & BIT_ULL(50)) {
			ret = walk_pwc(e, pwc, a, access);
			xl = e->xl;
			fault = e->fault;
			KUNIT_EXPECT_EQ(test, walk(e, a, access, false), ret);
		} else {
			ret = walk(e, a, access, false);
			xl = e->xl;
			fault = e->fault;
			KUNIT_EXPECT_EQ(test, walk_pwc(e, pwc, a, access), ret);
		}
		KUNIT_EXPECT_EQ(test, e->xl.l1_ra, xl.l1_ra);
		KUNIT_EXPECT_EQ(test, e->xl.pte, xl.pte);
		KUNIT_EXPECT_EQ(test, e->xl.pte_ra, xl.pte_ra);
		KUNIT_EXPECT_EQ(test, e->xl.level, xl.level);
		KUNIT_EXPECT_EQ(test, e->fault.err, fault.err);
		KUNIT_EXPECT_EQ(test, e->fault.dsisr, fault.dsisr);
		KUNIT_EXPECT_EQ(test, e->fault.srr1, fault.srr1);
		KUNIT_EXPECT_EQ(test, e->fault.level, fault.level);
		KUNIT_EXPECT_EQ(test, e->fault.entry, fault.entry);
		KUNIT_EXPECT_EQ(test, e->fault.entry_ra, fault.entry_ra);
		if (e->fault.entry_ra != fault.entry_ra || e->xl.pte != xl.pte)
			break;
	}
	/* the cache was used, and stayed within its size */
	KUNIT_EXPECT_GT(test, pwc->hits, 200);
	KUNIT_EXPECT_LE(test, pwc->nr, KHN_PWC_ENTRIES);
}

/* Past its size the cache replaces entries, and still walks right. */
static void pwc_replaces_entries_when_full(struct kunit *test)
{
	struct walk_env *e = walk_env_create(test, &fake_l1_geom_4k);
	struct khn_pwc *pwc = kunit_kzalloc(test, sizeof(*pwc), GFP_KERNEL);
	u64 base = L2_ADDR & ~(SZ_1G - 1ULL);
	unsigned int i, round;
	unsigned long hits;

	KUNIT_ASSERT_NOT_NULL(test, pwc);
	for (i = 0; i < KHN_PWC_ENTRIES + 4; i++)
		fake_l1_map(e->tree, base + i * SZ_2M, PAGE_RA + i * SZ_4K,
			    KHN_SHIFT_4K, RWX | R_C);
	for (round = 0; round < 2; round++)
		for (i = 0; i < KHN_PWC_ENTRIES + 4; i++) {
			KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, base + i * SZ_2M,
						       KHN_ACC_READ), 0);
			KUNIT_EXPECT_EQ(test, e->xl.l1_ra, PAGE_RA + i * SZ_4K);
		}
	KUNIT_EXPECT_EQ(test, pwc->nr, KHN_PWC_ENTRIES);
	KUNIT_EXPECT_LT(test, pwc->next, KHN_PWC_ENTRIES);
	/* the tables walked last are the ones kept */
	hits = pwc->hits;
	KUNIT_ASSERT_EQ(test, walk_pwc(e, pwc, base + (i - 1) * SZ_2M,
				       KHN_ACC_READ), 0);
	KUNIT_EXPECT_EQ(test, pwc->hits, hits + 1);
}

static struct kunit_case pwc_test_cases[] = {
	KUNIT_CASE(pwc_second_walk_reads_only_the_leaf),
	KUNIT_CASE(pwc_sees_leaf_added_to_cached_table),
	KUNIT_CASE(pwc_flush_makes_directory_change_seen),
	KUNIT_CASE(pwc_walks_end_as_full_walks),
	KUNIT_CASE(pwc_replaces_entries_when_full),
	{}
};

static struct kunit_suite pwc_test_suite = {
	.name = "khn-pwc",
	.test_cases = pwc_test_cases,
};

static struct kunit_case l1walk_test_cases[] = {
	KUNIT_CASE_PARAM(walk_translates_every_page_size, size_gen_params),
	KUNIT_CASE(walk_translates_through_five_levels),
	KUNIT_CASE(walk_translates_smaller_tree),
	KUNIT_CASE_PARAM(walk_checks_permissions_at_every_page_size,
			 perm_gen_params),
	KUNIT_CASE_PARAM(walk_sets_rc_like_hardware, rc_gen_params),
	KUNIT_CASE(walk_retries_rc_update_after_race),
	KUNIT_CASE(walk_gives_up_rc_update_after_repeated_races),
	KUNIT_CASE(walk_rechecks_leaf_after_rc_race),
	KUNIT_CASE(walk_rechecks_permission_after_rc_race),
	KUNIT_CASE(walk_reports_rc_update_outside_l1_memory),
	KUNIT_CASE_PARAM(walk_reports_no_entry_at_every_level,
			 level_gen_params),
	KUNIT_CASE_PARAM(walk_reports_status_bits_of_each_failure,
			 status_gen_params),
	KUNIT_CASE(walk_rejects_reserved_bits_in_pde),
	KUNIT_CASE(walk_rejects_reserved_bits_in_pte),
	KUNIT_CASE(walk_rejects_misaligned_next_level_base),
	KUNIT_CASE(walk_rejects_nls_below_min),
	KUNIT_CASE(walk_rejects_nls_above_max),
	KUNIT_CASE(walk_rejects_nls_beyond_remaining_bits),
	KUNIT_CASE(walk_rejects_too_deep_tree),
	KUNIT_CASE(walk_rejects_more_than_max_levels),
	KUNIT_CASE(walk_rejects_leaf_at_unsupported_level),
	KUNIT_CASE(walk_rejects_leaf_of_unsupported_size),
	KUNIT_CASE(walk_rejects_misaligned_leaf_rpn),
	KUNIT_CASE_PARAM(walk_rejects_address_beyond_rts, beyond_gen_params),
	KUNIT_CASE_PARAM(walk_rejects_table_outside_l1_memory,
			 outside_gen_params),
	KUNIT_CASE(walk_rejects_root_outside_l1_memory),
	KUNIT_CASE(walk_rejects_entry_beyond_end_of_l1_memory),
	KUNIT_CASE(walk_terminates_on_self_referencing_table),
	KUNIT_CASE(walk_terminates_on_cycle_of_small_tables),
	KUNIT_CASE(walk_terminates_on_memory_full_of_pointers),
	KUNIT_CASE(walk_rejects_unusable_pate),
	{}
};

static struct kunit_suite l1walk_test_suite = {
	.name = "khn-l1walk",
	.test_cases = l1walk_test_cases,
};

/* ------------------------------------------------------------------ */
/* khn-pate: PTCR and partition table entries                           */

struct ptcr_case {
	const char *desc;
	u64 ptcr;
	bool valid;
};

static const struct ptcr_case ptcr_cases[] = {
	{ "4K table at 16M",			SZ_16M | 0,	true },
	{ "64K table (PATS 4) at 16M",		SZ_16M | 4,	true },
	{ "largest table (PATS 24) at 64G",	BIT_ULL(36) | 24, true },
	{ "4K table at 0",			0,		true },
	{ "PATS 25",				BIT_ULL(37) | 25, false },
	{ "PATS 31",				BIT_ULL(43) | 31, false },
	{ "reserved ISA bit 0",			BIT_ULL(63) | SZ_16M, false },
	{ "reserved ISA bit 3",			BIT_ULL(60) | SZ_16M, false },
	{ "reserved ISA bit 52",		BIT_ULL(11) | SZ_16M, false },
	{ "reserved ISA bit 58",		BIT_ULL(5) | SZ_16M, false },
	{ "64K table at a 4K boundary",		SZ_16M + SZ_4K + 4, false },
	{ "64K table at a 32K boundary",	SZ_16M + SZ_32K + 4, false },
	{ "16M table at an 8M boundary",	SZ_8M | 12,	false },
};

KUNIT_ARRAY_PARAM_DESC(ptcr, ptcr_cases, desc);

static void ptcr_valid_checks_rsvd_bits_size_and_alignment(struct kunit *test)
{
	const struct ptcr_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khn_ptcr_valid(c->ptcr), c->valid);
}

/* A PATE described by its fields, plus bits flipped to break it */
struct pate_case {
	const char *desc;
	u64 root;
	unsigned int root_bits;
	unsigned int va_bits;
	u64 prtb;
	unsigned int prts;
	u64 flip0;
	u64 flip1;
};

static void pate_case_encode(const struct pate_case *c, u64 *dw0, u64 *dw1)
{
	*dw0 = fake_l1_pate0(c->root, c->root_bits, c->va_bits) ^ c->flip0;
	*dw1 = fake_l1_pate1(c->prtb, c->prts) ^ c->flip1;
}

static const struct pate_case good_pate_cases[] = {
	{ "52-bit tree, 2^13 root, 4K process table",
	  SZ_16M, 13, 52, SZ_32M, 0 },
	{ "smallest tree (2^31, RTS 0)", SZ_16M, 5, 31, 0, 0 },
	{ "40-bit tree", SZ_16M, 10, 40, 0, 0 },
	{ "2^16 root aligned to 512K", SZ_512K, 16, 52, 0, 0 },
	{ "2^5 root aligned to 256 bytes", SZ_16M + 256, 5, 52, 0, 0 },
	{ "largest process table (PRTS 24)", SZ_16M, 13, 52, BIT_ULL(36), 24 },
};

KUNIT_ARRAY_PARAM_DESC(good_pate, good_pate_cases, desc);

static void pate_decode_accepts_radix_entries(struct kunit *test)
{
	const struct pate_case *c = test->param_value;
	struct khn_pate pate;
	u64 dw0, dw1;

	pate_case_encode(c, &dw0, &dw1);
	KUNIT_ASSERT_EQ(test, khn_pate_decode(dw0, dw1, &pate), 0);
	KUNIT_EXPECT_EQ(test, pate.dw0, dw0);
	KUNIT_EXPECT_EQ(test, pate.dw1, dw1);
	KUNIT_EXPECT_EQ(test, pate.root, c->root);
	KUNIT_EXPECT_EQ(test, pate.root_bits, c->root_bits);
	KUNIT_EXPECT_EQ(test, pate.va_bits, c->va_bits);
	KUNIT_EXPECT_EQ(test, pate.prtb, c->prtb);
	KUNIT_EXPECT_EQ(test, pate.prts, 12 + c->prts);
}

static const struct pate_case bad_pate_cases[] = {
	{ "HPT entry (HR clear)", SZ_16M, 13, 52, 0, 0, KHN_PATE0_HR, 0 },
	{ "HPT guest (GR clear)", SZ_16M, 13, 52, 0, 0, 0, KHN_PATE1_GR },
	{ "dw0 reserved ISA bit 3", SZ_16M, 13, 52, 0, 0, BIT_ULL(60), 0 },
	{ "dw1 reserved ISA bit 1", SZ_16M, 13, 52, 0, 0, 0, BIT_ULL(62) },
	{ "dw1 reserved ISA bit 3", SZ_16M, 13, 52, 0, 0, 0, BIT_ULL(60) },
	{ "dw1 reserved ISA bit 52", SZ_16M, 13, 52, 0, 0, 0, BIT_ULL(11) },
	{ "dw1 reserved ISA bit 58", SZ_16M, 13, 52, 0, 0, 0, BIT_ULL(5) },
	{ "tree of 2^53 (RTS 22)", SZ_16M, 13, 53, 0, 0 },
	{ "tree of 2^62 (RTS 31)", SZ_16M, 13, 62, 0, 0 },
	{ "root of 2^4 entries", SZ_16M, 4, 52, 0, 0 },
	{ "root of 2^17 entries", SZ_16M, 17, 52, 0, 0 },
	{ "root of 2^31 entries", BIT_ULL(40), 31, 52, 0, 0 },
	{ "2^13 root at a 32K boundary", SZ_16M + SZ_32K, 13, 52, 0, 0 },
	{ "2^9 root at a 2K boundary", SZ_16M + SZ_2K, 9, 52, 0, 0 },
	{ "process table of 2^37 bytes (PRTS 25)", SZ_16M, 13, 52,
	  BIT_ULL(37), 25 },
	{ "64K process table at a 4K boundary", SZ_16M, 13, 52,
	  SZ_16M + SZ_4K, 4 },
};

KUNIT_ARRAY_PARAM_DESC(bad_pate, bad_pate_cases, desc);

static void pate_decode_rejects_unusable_entries(struct kunit *test)
{
	const struct pate_case *c = test->param_value;
	struct khn_pate pate;
	u64 dw0, dw1;

	pate_case_encode(c, &dw0, &dw1);
	memset(&pate, 0xa5, sizeof(pate));
	KUNIT_EXPECT_EQ(test, khn_pate_decode(dw0, dw1, &pate), -EINVAL);
	KUNIT_EXPECT_EQ(test, pate.root, 0);
	KUNIT_EXPECT_EQ(test, pate.va_bits, 0);
}

static void pate_decode_rejects_all_zero_entry(struct kunit *test)
{
	struct khn_pate pate;

	KUNIT_EXPECT_EQ(test, khn_pate_decode(0, 0, &pate), -EINVAL);
}

static void pate_decode_reads_isa_bit_positions(struct kunit *test)
{
	struct khn_pate pate;

	/*
	 * HR, RTS = 0b10101 (1:2 = 0b10, 56:58 = 0b101), RPDB 0x30000,
	 * RPDS 13; GR, PRTB 0x1000000, PRTS 11.
	 */
	KUNIT_ASSERT_EQ(test, khn_pate_decode(0xc0000000000300adULL,
					      0x800000000100000bULL, &pate),
			0);
	KUNIT_EXPECT_EQ(test, pate.root, 0x30000);
	KUNIT_EXPECT_EQ(test, pate.root_bits, 13);
	KUNIT_EXPECT_EQ(test, pate.va_bits, 52);
	KUNIT_EXPECT_EQ(test, pate.prtb, 0x1000000);
	KUNIT_EXPECT_EQ(test, pate.prts, 23);
}

struct pate_env {
	struct fake_l1 *l1;
	u64 ptcr;
	struct khn_pate pate;
};

/* A 4K partition table (256 LPIDs) with a tree for LPID 1 and 255 */
static struct pate_env *pate_env_create(struct kunit *test)
{
	struct pate_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct fake_l1_tree *t;

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->l1 = fake_l1_create(test, L1_BASE, L1_SIZE);
	e->ptcr = fake_l1_partition_table(e->l1, 0);
	t = fake_l1_tree_create(e->l1, &fake_l1_geom_4k);
	fake_l1_set_pate(e->l1, e->ptcr, 1, fake_l1_tree_pate0(t),
			 fake_l1_pate1(SZ_1G, 4));
	t = fake_l1_tree_create(e->l1, &fake_l1_geom_64k);
	fake_l1_set_pate(e->l1, e->ptcr, 255, fake_l1_tree_pate0(t),
			 fake_l1_pate1(SZ_2G, 0));
	return e;
}

static int pate_read(struct pate_env *e, u64 ptcr, u64 lpid)
{
	memset(&e->pate, 0xa5, sizeof(e->pate));
	return khn_pate_read(&e->l1->mem, ptcr, lpid, &e->pate);
}

static void pate_read_reads_the_lpids_entry(struct kunit *test)
{
	struct pate_env *e = pate_env_create(test);

	KUNIT_ASSERT_EQ(test, pate_read(e, e->ptcr, 1), 0);
	KUNIT_EXPECT_EQ(test, e->pate.root_bits, 13);
	KUNIT_EXPECT_EQ(test, e->pate.va_bits, 52);
	KUNIT_EXPECT_EQ(test, e->pate.prtb, SZ_1G);
	KUNIT_EXPECT_EQ(test, e->pate.prts, 16);
	KUNIT_EXPECT_EQ(test, e->pate.dw0,
			fake_l1_read64(e->l1, (e->ptcr & KHN_PTCR_PATB) + 16));
	KUNIT_ASSERT_EQ(test, pate_read(e, e->ptcr, 255), 0);
	KUNIT_EXPECT_EQ(test, e->pate.prtb, SZ_2G);
	KUNIT_EXPECT_EQ(test, e->pate.prts, 12);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 2);
	KUNIT_EXPECT_EQ(test, e->l1->last_read,
			(e->ptcr & KHN_PTCR_PATB) + 255 * 16);
}

static void pate_read_rejects_unset_lpid(struct kunit *test)
{
	struct pate_env *e = pate_env_create(test);

	KUNIT_EXPECT_EQ(test, pate_read(e, e->ptcr, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, e->pate.root, 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 1);
}

static void pate_read_rejects_hpt_entry(struct kunit *test)
{
	struct pate_env *e = pate_env_create(test);

	/* HTABORG 16M, HTABSIZE 18 (HR clear) */
	fake_l1_set_pate(e->l1, e->ptcr, 7, SZ_16M | 18, 0);
	KUNIT_EXPECT_EQ(test, pate_read(e, e->ptcr, 7), -EINVAL);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 1);
}

struct lpid_case {
	const char *desc;
	u64 lpid;
};

static const struct lpid_case lpid_cases[] = {
	{ "first LPID past a 4K table", 256 },
	{ "LPID 2^32", BIT_ULL(32) },
	{ "LPID whose offset wraps to 0", BIT_ULL(60) },
	{ "largest LPID", U64_MAX },
};

KUNIT_ARRAY_PARAM_DESC(lpid, lpid_cases, desc);

static void pate_read_rejects_lpid_beyond_table(struct kunit *test)
{
	const struct lpid_case *c = test->param_value;
	struct pate_env *e = pate_env_create(test);

	KUNIT_EXPECT_EQ(test, pate_read(e, e->ptcr, c->lpid), -EINVAL);
	KUNIT_EXPECT_EQ(test, e->pate.va_bits, 0);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
}

static void pate_read_rejects_invalid_ptcr(struct kunit *test)
{
	struct pate_env *e = pate_env_create(test);

	KUNIT_EXPECT_EQ(test, pate_read(e, e->ptcr | BIT_ULL(63), 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, pate_read(e, (e->ptcr & KHN_PTCR_PATB) | 25, 1),
			-EINVAL);
	/* a 64K table at a 4K boundary */
	KUNIT_EXPECT_EQ(test, pate_read(e, (L1_BASE + SZ_4K) | 4, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 0);
}

static void pate_read_reports_table_outside_l1_memory(struct kunit *test)
{
	struct pate_env *e = pate_env_create(test);
	u64 past = round_up(L1_END, SZ_64K);

	KUNIT_EXPECT_EQ(test, pate_read(e, past | 4, 3), -EFAULT);
	KUNIT_EXPECT_EQ(test, e->pate.va_bits, 0);
	KUNIT_EXPECT_EQ(test, e->l1->last_read, past + 3 * 16);
	KUNIT_EXPECT_EQ(test, pate_read(e, 0, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, e->l1->reads, 0);
	KUNIT_EXPECT_EQ(test, e->l1->oob_reads, 2);
}

static void pate_read_reports_entry_beyond_end_of_l1_memory(struct kunit *test)
{
	/* a 64K table (PATS 4) of which only the first 32K is L1 memory */
	struct fake_l1 *f = fake_l1_create(test, L1_BASE, SZ_32K + 8);
	struct khn_pate pate;
	u64 ptcr = fake_l1_partition_table(f, 0) | 4;

	KUNIT_EXPECT_EQ(test, khn_pate_read(&f->mem, ptcr, SZ_32K / 16 - 1,
					    &pate), -EINVAL);	/* zeroed */
	/* the next entry's first doubleword is in memory, its second not */
	KUNIT_EXPECT_EQ(test, khn_pate_read(&f->mem, ptcr, SZ_32K / 16, &pate),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, f->reads, 1);
	KUNIT_EXPECT_EQ(test, f->oob_reads, 1);
}

static struct kunit_case pate_test_cases[] = {
	KUNIT_CASE_PARAM(ptcr_valid_checks_rsvd_bits_size_and_alignment,
			 ptcr_gen_params),
	KUNIT_CASE_PARAM(pate_decode_accepts_radix_entries,
			 good_pate_gen_params),
	KUNIT_CASE_PARAM(pate_decode_rejects_unusable_entries,
			 bad_pate_gen_params),
	KUNIT_CASE(pate_decode_rejects_all_zero_entry),
	KUNIT_CASE(pate_decode_reads_isa_bit_positions),
	KUNIT_CASE(pate_read_reads_the_lpids_entry),
	KUNIT_CASE(pate_read_rejects_unset_lpid),
	KUNIT_CASE(pate_read_rejects_hpt_entry),
	KUNIT_CASE_PARAM(pate_read_rejects_lpid_beyond_table,
			 lpid_gen_params),
	KUNIT_CASE(pate_read_rejects_invalid_ptcr),
	KUNIT_CASE(pate_read_reports_table_outside_l1_memory),
	KUNIT_CASE(pate_read_reports_entry_beyond_end_of_l1_memory),
	{}
};

static struct kunit_suite pate_test_suite = {
	.name = "khn-pate",
	.test_cases = pate_test_cases,
};

kunit_test_suites(&pate_test_suite, &l1walk_test_suite, &pwc_test_suite);
