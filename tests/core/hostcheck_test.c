// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load refusal logic: which hosts kvm-hv-nested serves, and what it
 * says to the others.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "khn/hostcheck.h"

struct hostcheck_case {
	const char *desc;
	struct khn_host_caps caps;
	enum khn_host_verdict want;
};

static const struct hostcheck_case hostcheck_cases[] = {
	{ "power9 bare metal radix",	{ true, true, true },	KHN_HOST_OK },
	{ "power8 bare metal",		{ true, false, false },	KHN_HOST_NO_ISA300 },
	{ "power8 reporting radix",	{ true, false, true },	KHN_HOST_NO_ISA300 },
	{ "power9 lpar radix",		{ false, true, true },	KHN_HOST_NO_HV },
	{ "power9 lpar hash",		{ false, true, false },	KHN_HOST_NO_HV },
	{ "power9 bare metal hash",	{ true, true, false },	KHN_HOST_NO_RADIX },
	{ "nothing",			{ false, false, false }, KHN_HOST_NO_ISA300 },
};

static void hostcheck_case_desc(const struct hostcheck_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hostcheck, hostcheck_cases, hostcheck_case_desc);

static void host_check_gives_first_missing_requirement(struct kunit *test)
{
	const struct hostcheck_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khn_host_check(&c->caps), c->want);
}

static void every_refusal_has_its_own_message(struct kunit *test)
{
	static const enum khn_host_verdict all[] = {
		KHN_HOST_OK, KHN_HOST_NO_ISA300, KHN_HOST_NO_HV,
		KHN_HOST_NO_RADIX,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		const char *s = khn_host_verdict_str(all[i]);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_GT(test, strlen(s), 10);
		KUNIT_EXPECT_STRNEQ(test, s, "unknown host verdict");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, s,
					    khn_host_verdict_str(all[j]));
	}
}

static void unknown_verdict_is_named_not_null(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, khn_host_verdict_str((enum khn_host_verdict)99),
			   "unknown host verdict");
}

static struct kunit_case hostcheck_test_cases[] = {
	KUNIT_CASE_PARAM(host_check_gives_first_missing_requirement,
			 hostcheck_gen_params),
	KUNIT_CASE(every_refusal_has_its_own_message),
	KUNIT_CASE(unknown_verdict_is_named_not_null),
	{}
};

static struct kunit_suite hostcheck_test_suite = {
	.name = "khn-hostcheck",
	.test_cases = hostcheck_test_cases,
};

kunit_test_suite(hostcheck_test_suite);
