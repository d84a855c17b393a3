// SPDX-License-Identifier: GPL-2.0-only
/*
 * The H_ENTER_NESTED images: every field where L1 puts it, in either byte
 * order, for versions 1 and 2; the refusals an L1 sees for a bad version
 * or an unreadable image; and that nothing past a version's size is read
 * or written.  Images are built byte by byte at literal offsets, so the
 * tests do not lean on the structure they check.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "khn/gstate.h"
#include "khn/papr.h"

#define GUARD_BYTE	0xa5
#define GUARD_LEN	32

/* One field of the image: where L1 puts it and how wide it is. */
struct gs_field {
	const char *name;
	unsigned int off;	/* literal, from the ABI */
	unsigned int width;	/* 4 or 8 */
	size_t native_off;	/* where the native struct holds it */
	unsigned int version;	/* first version that has it */
};

#define F(field, o, w, v) \
	{ #field, o, w, offsetof(struct khn_hv_guest_state, field), v }

static const struct gs_field gs_fields[] = {
	F(version, 0, 8, 1),	F(lpid, 8, 4, 1),	F(vcpu_token, 12, 4, 1),
	F(lpcr, 16, 8, 1),	F(pcr, 24, 8, 1),	F(amor, 32, 8, 1),
	F(dpdes, 40, 8, 1),	F(hfscr, 48, 8, 1),	F(tb_offset, 56, 8, 1),
	F(dawr0, 64, 8, 1),	F(dawrx0, 72, 8, 1),	F(ciabr, 80, 8, 1),
	F(hdec_expiry, 88, 8, 1), F(purr, 96, 8, 1),	F(spurr, 104, 8, 1),
	F(ic, 112, 8, 1),	F(vtb, 120, 8, 1),	F(hdar, 128, 8, 1),
	F(hdsisr, 136, 8, 1),	F(heir, 144, 8, 1),	F(asdr, 152, 8, 1),
	F(srr0, 160, 8, 1),	F(srr1, 168, 8, 1),	F(sprg[0], 176, 8, 1),
	F(sprg[1], 184, 8, 1),	F(sprg[2], 192, 8, 1),	F(sprg[3], 200, 8, 1),
	F(pidr, 208, 8, 1),	F(cfar, 216, 8, 1),	F(ppr, 224, 8, 1),
	F(dawr1, 232, 8, 2),	F(dawrx1, 240, 8, 2),
};

#undef F

/* A value per field that reads differently when byte-reversed. */
static u64 field_value(unsigned int i, unsigned int width)
{
	if (width == 4)
		return 0xa1b2c300u + i;
	return 0x1122334455667700ull + i;
}

static void put_l1(void *p, u64 v, unsigned int width, bool l1_le)
{
	if (width == 4 && l1_le)
		put_unaligned_le32(v, p);
	else if (width == 4)
		put_unaligned_be32(v, p);
	else if (l1_le)
		put_unaligned_le64(v, p);
	else
		put_unaligned_be64(v, p);
}

static u64 get_l1(const void *p, unsigned int width, bool l1_le)
{
	if (width == 4)
		return l1_le ? get_unaligned_le32(p) : get_unaligned_be32(p);
	return l1_le ? get_unaligned_le64(p) : get_unaligned_be64(p);
}

static u64 get_native(const void *base, const struct gs_field *f)
{
	const u8 *p = (const u8 *)base + f->native_off;

	return f->width == 4 ? *(const u32 *)p : *(const u64 *)p;
}

/* An L1 of one version and byte order. */
struct l1_case {
	const char *desc;
	unsigned int version;
	bool l1_le;
};

static const struct l1_case l1_cases[] = {
	{ "v1 little-endian L1", 1, true },
	{ "v1 big-endian L1", 1, false },
	{ "v2 little-endian L1", 2, true },
	{ "v2 big-endian L1", 2, false },
};

static void l1_case_desc(const struct l1_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(l1, l1_cases, l1_case_desc);

/* The pt_regs image has no version: only the byte order varies. */
static const struct l1_case order_cases[] = {
	{ "little-endian L1", 0, true },
	{ "big-endian L1", 0, false },
};

KUNIT_ARRAY_PARAM(order, order_cases, l1_case_desc);

static unsigned int version_size(unsigned int version)
{
	return version == 1 ? 232 : 248;
}

static bool swapped_for(bool l1_le)
{
	return l1_le != KHN_HOST_LE;
}

/* The image L1 writes: every field of its version at its literal offset. */
static u8 *build_image(struct kunit *test, const struct l1_case *c)
{
	unsigned int size = version_size(c->version);
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(gs_fields); i++) {
		const struct gs_field *f = &gs_fields[i];

		if (f->version > c->version)
			continue;
		put_l1(buf + f->off, i ? field_value(i, f->width) : c->version,
		       f->width, c->l1_le);
	}
	return buf;
}

static void native_layout_matches_abi_offsets(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gs_fields); i++)
		KUNIT_EXPECT_EQ_MSG(test, gs_fields[i].native_off,
				    (size_t)gs_fields[i].off, "%s",
				    gs_fields[i].name);
	KUNIT_EXPECT_EQ(test, KHN_HV_GUEST_STATE_V1_SIZE, 232);
	KUNIT_EXPECT_EQ(test, KHN_HV_GUEST_STATE_V2_SIZE, 248);
	KUNIT_EXPECT_EQ(test, khn_hv_guest_state_size(1), 232U);
	KUNIT_EXPECT_EQ(test, khn_hv_guest_state_size(2), 248U);
	KUNIT_EXPECT_EQ(test, khn_hv_guest_state_size(0), 0U);
	KUNIT_EXPECT_EQ(test, khn_hv_guest_state_size(3), 0U);
	KUNIT_EXPECT_EQ(test, khn_hv_guest_state_size(0x100000001ull), 0U);
}

/*
 * The buffer is exactly the version's size, so under KASAN a read past
 * a version 1 image is a report, not a silent pass.
 */
static void decode_places_every_field_in_native_order(struct kunit *test)
{
	const struct l1_case *c = test->param_value;
	u8 *buf = build_image(test, c);
	struct khn_gstate gs;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, khn_gstate_decode(buf, version_size(c->version),
						swapped_for(c->l1_le), &gs),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, gs.version, c->version);
	KUNIT_EXPECT_EQ(test, gs.hv.version, (u64)c->version);
	KUNIT_EXPECT_EQ(test, gs.l1_swapped, swapped_for(c->l1_le));
	for (i = 1; i < ARRAY_SIZE(gs_fields); i++) {
		const struct gs_field *f = &gs_fields[i];
		u64 want = f->version > c->version ? 0 : field_value(i, f->width);

		KUNIT_EXPECT_EQ_MSG(test, get_native(&gs.hv, f), want, "%s",
				    f->name);
	}
}

static void round_trip_gives_back_the_same_bytes(struct kunit *test)
{
	const struct l1_case *c = test->param_value;
	unsigned int size = version_size(c->version);
	u8 *in = build_image(test, c);
	u8 *out = kunit_kmalloc(test, size + GUARD_LEN, GFP_KERNEL);
	struct khn_gstate gs;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, out);
	/* Bytes a field-by-field image leaves alone: scramble them too. */
	for (i = 16; i < size; i++)
		in[i] ^= (u8)(i * 7);
	memset(out, GUARD_BYTE, size + GUARD_LEN);
	KUNIT_ASSERT_EQ(test, khn_gstate_decode(in, size, swapped_for(c->l1_le),
						&gs), KHN_H_SUCCESS);
	KUNIT_ASSERT_EQ(test, khn_gstate_encode(&gs, out, size + GUARD_LEN),
			(int)size);
	KUNIT_EXPECT_MEMEQ(test, out, in, size);
	for (i = size; i < size + GUARD_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i], GUARD_BYTE, "byte %u", i);
}

/* The exit path changes fields; L1 must read them in its own order. */
static void encode_writes_each_field_in_l1_order(struct kunit *test)
{
	const struct l1_case *c = test->param_value;
	unsigned int size = version_size(c->version);
	struct khn_gstate gs = {
		.version = c->version,
		.l1_swapped = swapped_for(c->l1_le),
	};
	u8 *out = kunit_kmalloc(test, size + GUARD_LEN, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, out);
	memset(out, GUARD_BYTE, size + GUARD_LEN);
	/* v2 fields set in a v1 state must still not be written. */
	for (i = 1; i < ARRAY_SIZE(gs_fields); i++) {
		const struct gs_field *f = &gs_fields[i];
		u8 *p = (u8 *)&gs.hv + f->native_off;

		if (f->width == 4)
			*(u32 *)p = field_value(i, 4);
		else
			*(u64 *)p = field_value(i, 8);
	}
	KUNIT_ASSERT_EQ(test, khn_gstate_encode(&gs, out, size + GUARD_LEN),
			(int)size);
	KUNIT_EXPECT_EQ(test, get_l1(out, 8, c->l1_le), (u64)c->version);
	for (i = 1; i < ARRAY_SIZE(gs_fields); i++) {
		const struct gs_field *f = &gs_fields[i];

		if (f->version > c->version)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, get_l1(out + f->off, f->width, c->l1_le),
				    field_value(i, f->width), "%s", f->name);
	}
	for (i = size; i < size + GUARD_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i], GUARD_BYTE, "byte %u", i);
}

/*
 * As H_ENTER_NESTED does it: L1's bytes read straight into the state,
 * decoded there, changed, encoded there.  The tail past a version 1
 * image reads zero after the decode, whatever the read left there, and
 * the encode turns the state into exactly L1's image.
 */
static void decode_and_encode_in_place(struct kunit *test)
{
	const struct l1_case *c = test->param_value;
	unsigned int size = version_size(c->version);
	bool swap = swapped_for(c->l1_le);
	u8 *in = build_image(test, c);
	struct khn_pt_regs *regs;
	struct khn_gstate *gs;
	u8 rin[KHN_PT_REGS_SIZE];
	unsigned int i;

	gs = kunit_kmalloc(test, sizeof(*gs), GFP_KERNEL);
	regs = kunit_kmalloc(test, sizeof(*regs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, gs);
	KUNIT_ASSERT_NOT_NULL(test, regs);
	memset(gs, 0x5a, sizeof(*gs));
	memcpy(&gs->hv, in, size);
	KUNIT_ASSERT_EQ(test, khn_gstate_decode(&gs->hv, size, swap, gs),
			KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, gs->version, c->version);
	for (i = 1; i < ARRAY_SIZE(gs_fields); i++) {
		const struct gs_field *f = &gs_fields[i];
		u64 want = f->version > c->version ? 0 : field_value(i, f->width);

		KUNIT_EXPECT_EQ_MSG(test, get_native(&gs->hv, f), want, "%s",
				    f->name);
	}
	gs->hv.hdar = 0xfeedbeef00000000ull;
	KUNIT_ASSERT_EQ(test, khn_gstate_encode(gs, &gs->hv, sizeof(gs->hv)),
			(int)size);
	KUNIT_EXPECT_EQ(test, get_l1(&gs->hv, 8, c->l1_le), (u64)c->version);
	KUNIT_EXPECT_EQ(test, get_l1((u8 *)&gs->hv + 128, 8, c->l1_le),
			0xfeedbeef00000000ull);
	put_l1(in + 128, 0xfeedbeef00000000ull, 8, c->l1_le);
	KUNIT_EXPECT_MEMEQ(test, &gs->hv, in, size);

	for (i = 0; i < KHN_PT_REGS_WORDS; i++)
		put_l1(rin + 8 * i, 0xc0de000000000000ull | i, 8, c->l1_le);
	memcpy(regs, rin, sizeof(rin));
	KUNIT_ASSERT_EQ(test, khn_pt_regs_decode(regs, sizeof(*regs), swap,
						 regs), KHN_H_SUCCESS);
	KUNIT_EXPECT_EQ(test, regs->gpr[3], 0xc0de000000000003ull);
	KUNIT_EXPECT_EQ(test, regs->msr, 0xc0de000000000000ull |
			(offsetof(struct khn_pt_regs, msr) / 8));
	KUNIT_ASSERT_EQ(test, khn_pt_regs_encode(regs, swap, regs,
						 sizeof(*regs)),
			KHN_PT_REGS_SIZE);
	KUNIT_EXPECT_MEMEQ(test, regs, rin, sizeof(rin));
}

/* A version or length L1 should not have passed, and what it is told. */
struct bad_case {
	const char *desc;
	u64 version;		/* as L1 meant it, written in L1's order */
	bool l1_le;
	bool reverse;		/* L1 wrote the version in the other order */
	unsigned int len;
	int want;
};

static const struct bad_case bad_cases[] = {
	{ "version 0", 0, true, false, 248, KHN_H_PARAMETER },
	{ "version 3 (newer than L0)", 3, true, false, 248, KHN_H_PARAMETER },
	{ "version 3 big-endian L1", 3, false, false, 248, KHN_H_PARAMETER },
	{ "version ~0", ~0ull, true, false, 248, KHN_H_PARAMETER },
	{ "version 2^32 (low word 0)", 1ull << 32, true, false, 248,
	  KHN_H_PARAMETER },
	{ "version 2^32+1 (low word 1)", (1ull << 32) + 1, true, false, 248,
	  KHN_H_P2 },
	{ "version 2^33+2 big-endian (low word 2)", (2ull << 32) + 2, false,
	  false, 248, KHN_H_P2 },
	{ "v1 byte-reversed by a little-endian L1", 1, true, true, 248,
	  KHN_H_PARAMETER },
	{ "v2 byte-reversed by a big-endian L1", 2, false, true, 248,
	  KHN_H_PARAMETER },
	{ "empty buffer", 2, true, false, 0, KHN_H_PARAMETER },
	{ "half a version field", 2, true, false, 7, KHN_H_PARAMETER },
	{ "v1 one byte short", 1, true, false, 231, KHN_H_PARAMETER },
	{ "v1 big-endian one byte short", 1, false, false, 231,
	  KHN_H_PARAMETER },
	{ "v2 one byte short", 2, true, false, 247, KHN_H_PARAMETER },
	{ "v2 with only v1's bytes", 2, false, false, 232, KHN_H_PARAMETER },
	{ "v2 P2 check after length check", (1ull << 32) + 2, true, false,
	  240, KHN_H_PARAMETER },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static void decode_refuses_with_the_in_tree_error(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	u8 *buf = kunit_kmalloc(test, c->len ? c->len : 1, GFP_KERNEL);
	bool written_le = c->l1_le != c->reverse;
	struct khn_gstate gs;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0x5a, c->len);
	if (c->len >= 8)
		put_l1(buf, c->version, 8, written_le);
	memset(&gs, 0xff, sizeof(gs));
	KUNIT_EXPECT_EQ(test, khn_gstate_decode(buf, c->len,
						swapped_for(c->l1_le), &gs),
			c->want);
	/* Nothing half-decoded for the caller to use by mistake. */
	KUNIT_EXPECT_EQ(test, gs.version, 0U);
	KUNIT_EXPECT_EQ(test, gs.hv.version, 0ULL);
	KUNIT_EXPECT_EQ(test, gs.hv.lpid, 0U);
	KUNIT_EXPECT_EQ(test, gs.hv.dawrx1, 0ULL);
}

static void encode_refuses_unknown_version_and_short_buffer(struct kunit *test)
{
	struct khn_gstate gs = { .version = 2 };
	u8 *out = kunit_kmalloc(test, 248, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	memset(out, GUARD_BYTE, 248);
	KUNIT_EXPECT_EQ(test, khn_gstate_encode(&gs, out, 247), -EINVAL);
	gs.version = 1;
	KUNIT_EXPECT_EQ(test, khn_gstate_encode(&gs, out, 231), -EINVAL);
	gs.version = 3;
	KUNIT_EXPECT_EQ(test, khn_gstate_encode(&gs, out, 248), -EINVAL);
	gs.version = 0;
	KUNIT_EXPECT_EQ(test, khn_gstate_encode(&gs, out, 248), -EINVAL);
	KUNIT_EXPECT_EQ(test, out[0], GUARD_BYTE);
	KUNIT_EXPECT_EQ(test, out[247], GUARD_BYTE);
}

/* L1's byte order comes from its MSR[LE], compared with L0's own. */
static void byteswap_follows_l1_msr_le(struct kunit *test)
{
	u64 msr = 0x9000000000001032ull;	/* SF|HV|ME|IR|DR|RI */

	KUNIT_EXPECT_EQ(test, khn_l1_needs_byteswap(msr | KHN_MSR_LE),
			!KHN_HOST_LE);
	KUNIT_EXPECT_EQ(test, khn_l1_needs_byteswap(msr & ~KHN_MSR_LE),
			KHN_HOST_LE);
	KUNIT_EXPECT_EQ(test, KHN_HOST_LE, (bool)(*(u16 *)"\x01\x00" == 1));
}

/* The pt_regs image: each named register at its literal offset. */
struct reg_field {
	const char *name;
	unsigned int off;
	size_t native_off;
};

#define R(field, o) { #field, o, offsetof(struct khn_pt_regs, field) }

static const struct reg_field reg_fields[] = {
	R(gpr[0], 0),		R(gpr[1], 8),		R(gpr[3], 24),
	R(gpr[13], 104),	R(gpr[31], 248),	R(nip, 256),
	R(msr, 264),		R(orig_gpr3, 272),	R(ctr, 280),
	R(link, 288),		R(xer, 296),		R(ccr, 304),
	R(softe, 312),		R(trap, 320),		R(dar, 328),
	R(dsisr, 336),		R(result, 344),		R(ppr, 352),
	R(tail[0], 360),	R(tail[2], 376),
};

#undef R

static void pt_regs_decode_and_encode_place_every_register(struct kunit *test)
{
	const struct l1_case *c = test->param_value;
	bool swap = swapped_for(c->l1_le);
	u8 *in = kunit_kzalloc(test, KHN_PT_REGS_SIZE, GFP_KERNEL);
	u8 *out = kunit_kmalloc(test, KHN_PT_REGS_SIZE + GUARD_LEN, GFP_KERNEL);
	struct khn_pt_regs regs;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < KHN_PT_REGS_WORDS; i++)
		put_l1(in + 8 * i, 0xc0de000000000000ull | (i << 8) | i, 8,
		       c->l1_le);
	for (i = 0; i < ARRAY_SIZE(reg_fields); i++)
		put_l1(in + reg_fields[i].off, field_value(i, 8), 8, c->l1_le);

	KUNIT_ASSERT_EQ(test, khn_pt_regs_decode(in, KHN_PT_REGS_SIZE, swap,
						 &regs), KHN_H_SUCCESS);
	for (i = 0; i < ARRAY_SIZE(reg_fields); i++) {
		const struct reg_field *f = &reg_fields[i];

		KUNIT_EXPECT_EQ_MSG(test, f->native_off, (size_t)f->off, "%s",
				    f->name);
		KUNIT_EXPECT_EQ_MSG(test,
				    *(u64 *)((u8 *)&regs + f->native_off),
				    field_value(i, 8), "%s", f->name);
	}
	KUNIT_EXPECT_EQ(test, regs.gpr[2], 0xc0de000000000202ull);

	memset(out, GUARD_BYTE, KHN_PT_REGS_SIZE + GUARD_LEN);
	KUNIT_ASSERT_EQ(test, khn_pt_regs_encode(&regs, swap, out,
						 KHN_PT_REGS_SIZE + GUARD_LEN),
			KHN_PT_REGS_SIZE);
	KUNIT_EXPECT_MEMEQ(test, out, in, KHN_PT_REGS_SIZE);
	for (i = KHN_PT_REGS_SIZE; i < KHN_PT_REGS_SIZE + GUARD_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i], GUARD_BYTE, "byte %u", i);
}

static void pt_regs_refuses_short_buffers(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, KHN_PT_REGS_SIZE, GFP_KERNEL);
	struct khn_pt_regs regs;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(&regs, 0xff, sizeof(regs));
	KUNIT_EXPECT_EQ(test, khn_pt_regs_decode(buf, KHN_PT_REGS_SIZE - 1,
						 false, &regs),
			KHN_H_PARAMETER);
	KUNIT_EXPECT_EQ(test, regs.msr, 0ULL);
	KUNIT_EXPECT_EQ(test, khn_pt_regs_decode(buf, 0, true, &regs),
			KHN_H_PARAMETER);
	memset(buf, GUARD_BYTE, KHN_PT_REGS_SIZE);
	KUNIT_EXPECT_EQ(test, khn_pt_regs_encode(&regs, false, buf,
						 KHN_PT_REGS_SIZE - 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, buf[0], GUARD_BYTE);
}

static struct kunit_case gstate_test_cases[] = {
	KUNIT_CASE(native_layout_matches_abi_offsets),
	KUNIT_CASE_PARAM(decode_places_every_field_in_native_order,
			 l1_gen_params),
	KUNIT_CASE_PARAM(round_trip_gives_back_the_same_bytes, l1_gen_params),
	KUNIT_CASE_PARAM(encode_writes_each_field_in_l1_order, l1_gen_params),
	KUNIT_CASE_PARAM(decode_and_encode_in_place, l1_gen_params),
	KUNIT_CASE_PARAM(decode_refuses_with_the_in_tree_error,
			 bad_gen_params),
	KUNIT_CASE(encode_refuses_unknown_version_and_short_buffer),
	KUNIT_CASE(byteswap_follows_l1_msr_le),
	KUNIT_CASE_PARAM(pt_regs_decode_and_encode_place_every_register,
			 order_gen_params),
	KUNIT_CASE(pt_regs_refuses_short_buffers),
	{}
};

static struct kunit_suite gstate_test_suite = {
	.name = "khn-gstate",
	.test_cases = gstate_test_cases,
};

kunit_test_suite(gstate_test_suite);
