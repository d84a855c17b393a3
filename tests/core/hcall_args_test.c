// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the argument checks of the nested hypercalls, one case per error
 * path, each asserting the exact PAPR status.
 */

#include <kunit/test.h>

#include "khn/guests.h"
#include "khn/hcall_args.h"
#include "khn/papr.h"
#include "khn/radix.h"
#include "khn/tlbinv.h"

static void ptcr_zero_withdraws(struct kunit *test)
{
	u64 bytes = 123;

	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0, &bytes), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, bytes, 0ULL);
}

static void ptcr_sizes(struct kunit *test)
{
	u64 bytes;
	unsigned int pats;

	for (pats = 0; pats <= 4; pats++) {
		KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10000000ULL | pats,
							 &bytes),
				KHN_H_SUCCESS);
		KUNIT_EXPECT_EQ(test, bytes, 4096ULL << pats);
	}
	/* 2^13 bytes = 512 entries ... 2^16 = 4096 entries is the limit */
	KUNIT_EXPECT_EQ(test, (4096ULL << 4) / KHN_PATE_BYTES,
			(u64)KHN_GUESTS_MAX);
}

static void ptcr_too_many_entries(struct kunit *test)
{
	u64 bytes = 1;

	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10000000ULL | 5, &bytes),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10000000ULL |
						 KHN_PATS_MAX, &bytes),
			KHN_H_PARAMETER);
}

static void ptcr_reserved_bits(struct kunit *test)
{
	u64 bytes;

	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(BIT_ULL(63) | 0x10000000ULL,
						 &bytes),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10000000ULL | BIT_ULL(5),
						 &bytes),
			KHN_H_PARAMETER);
}

static void ptcr_misaligned(struct kunit *test)
{
	u64 bytes;

	/* A 16K table (PATS 2) must be 16K aligned */
	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10001000ULL | 2, &bytes),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_set_ptcr_check(0x10004000ULL | 2, &bytes),
			KHN_H_SUCCESS);
}

static void enter_token(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, khn_enter_token_check(0, 2048), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_enter_token_check(2047, 2048), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_enter_token_check(2048, 2048),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_enter_token_check(U32_MAX, 2048),
			KHN_H_PARAMETER);
}

static void copy_target(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, khn_copy_target_check(0, 0), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_copy_target_check(KHN_GUESTS_MAX - 1,
						    U32_MAX),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_copy_target_check(KHN_GUESTS_MAX, 0),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_copy_target_check(0, BIT_ULL(32)),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_copy_target_check(-1ULL, 0),
			KHN_H_PARAMETER);
}

static void tlbie_scope(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, khn_tlbie_scope_check(KHN_TLBIE_P1_R),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlbie_scope_check(KHN_TLBIE_P1_R |
						    KHN_TLBIE_P1_RIC),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_tlbie_scope_check(KHN_TLBIE_P1_R |
						    KHN_TLBIE_P1_PRS),
			KHN_H_PARAMETER);
}

static void enter_lpid(struct kunit *test)
{
	/* PATS 0: 4K, 256 entries; PATS 4: 64K, 4096 entries */
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL, 0),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL, 255),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL, 256),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL | 4, 4095),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL | 4, 4096),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, khn_enter_lpid_check(0x10000000ULL, U32_MAX),
			KHN_H_PARAMETER);
}

static struct kunit_case hcall_args_cases[] = {
	KUNIT_CASE(tlbie_scope),
	KUNIT_CASE(enter_lpid),
	KUNIT_CASE(ptcr_zero_withdraws),
	KUNIT_CASE(ptcr_sizes),
	KUNIT_CASE(ptcr_too_many_entries),
	KUNIT_CASE(ptcr_reserved_bits),
	KUNIT_CASE(ptcr_misaligned),
	KUNIT_CASE(enter_token),
	KUNIT_CASE(copy_target),
	{}
};

static struct kunit_suite hcall_args_suite = {
	.name = "khn-hcall-args",
	.test_cases = hcall_args_cases,
};

kunit_test_suite(hcall_args_suite);
