// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decode and encode the H_ENTER_NESTED images for an L1 of either byte
 * order.  See include/khn/gstate.h for the contract and the error codes.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "khn/gstate.h"
#include "khn/papr.h"

static u64 khn_maybe_swab64(u64 v, bool swap)
{
	return swap ? swab64(v) : v;
}

static u32 khn_maybe_swab32(u32 v, bool swap)
{
	return swap ? swab32(v) : v;
}

/*
 * Copy @nwords 64-bit words from @src to @dst, swapping each when asked.
 * Both sides may be unaligned: @buf is wherever the caller staged L1
 * memory, and the words are never read or written past @nwords.  @dst
 * may be @src (converted in place); the two never partly overlap.
 */
static void khn_copy_words(void *dst, const void *src, size_t nwords,
			   bool swap)
{
	size_t i;

	/* an L1 of L0's byte order: the image is the struct, as is */
	if (!swap) {
		if (dst != src)
			memcpy(dst, src, nwords * sizeof(u64));
		return;
	}
	for (i = 0; i < nwords; i++) {
		u64 v = get_unaligned((const u64 *)src + i);

		put_unaligned(khn_maybe_swab64(v, swap), (u64 *)dst + i);
	}
}

/*
 * Copy the first @size bytes of a guest-state image, swapping each field
 * by its own width: the 64-bit version, the two 32-bit words that follow,
 * then a run of 64-bit words to the end of the version.
 */
static void khn_copy_gstate(void *dst, const void *src, unsigned int size,
			    bool swap)
{
	const u8 *s = src;
	u8 *d = dst;

	if (!swap) {
		if (dst != src)
			memcpy(dst, src, size);
		return;
	}
	put_unaligned(khn_maybe_swab64(get_unaligned((const u64 *)s), swap),
		      (u64 *)d);
	put_unaligned(khn_maybe_swab32(get_unaligned((const u32 *)(s + 8)), swap),
		      (u32 *)(d + 8));
	put_unaligned(khn_maybe_swab32(get_unaligned((const u32 *)(s + 12)), swap),
		      (u32 *)(d + 12));
	khn_copy_words(d + KHN_HV_GUEST_STATE_WORDS_START,
		       s + KHN_HV_GUEST_STATE_WORDS_START,
		       (size - KHN_HV_GUEST_STATE_WORDS_START) / sizeof(u64),
		       swap);
}

/**
 * khn_hv_guest_state_size() - how many bytes a version of the state has
 * @version:	the version field, native-endian
 *
 * Return: %KHN_HV_GUEST_STATE_V1_SIZE or %KHN_HV_GUEST_STATE_V2_SIZE, or 0
 * for a version this L0 does not know.
 */
unsigned int khn_hv_guest_state_size(u64 version)
{
	switch (version) {
	case KHN_HV_GUEST_STATE_V1:
		return KHN_HV_GUEST_STATE_V1_SIZE;
	case KHN_HV_GUEST_STATE_V2:
		return KHN_HV_GUEST_STATE_V2_SIZE;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(khn_hv_guest_state_size);

/**
 * khn_gstate_decode() - check and convert the hv_guest_state L1 passed
 * @buf:	L1's image, as copied from its memory; may be @gs->hv itself,
 *		which is then converted in place (no copy for an L1 of L0's
 *		byte order)
 * @len:	bytes of @buf that L1 memory supplied
 * @l1_swapped:	L1 runs in the other byte order (khn_l1_needs_byteswap())
 * @gs:		filled on success (the fields past the version's size are
 *		zero); zeroed on failure
 *
 * Only the bytes of the version L1 names are read: a version 1 image is
 * 232 bytes and may sit at the very end of L1 memory.
 *
 * Return: %KHN_H_SUCCESS; %KHN_H_PARAMETER when @len is shorter than the
 * version field or the version's size, or the version is unknown;
 * %KHN_H_P2 for a version above %KHN_HV_GUEST_STATE_VERSION whose low 32
 * bits are a known version.
 */
int khn_gstate_decode(const void *buf, size_t len, bool l1_swapped,
		      struct khn_gstate *gs)
{
	unsigned int size;
	u64 version;
	int rc;

	rc = KHN_H_PARAMETER;
	if (len < sizeof(version))
		goto bad;
	version = khn_maybe_swab64(get_unaligned((const u64 *)buf), l1_swapped);

	/*
	 * The in-tree L0 sizes the image from the version truncated to 32
	 * bits and only then refuses versions above its own with H_P2.  Do
	 * the same so an L1 gets the same answer from either L0.
	 */
	size = khn_hv_guest_state_size((u32)version);
	if (!size || len < size)
		goto bad;
	rc = KHN_H_P2;
	if (version > KHN_HV_GUEST_STATE_VERSION)
		goto bad;

	khn_copy_gstate(&gs->hv, buf, size, l1_swapped);
	memset((u8 *)&gs->hv + size, 0, sizeof(gs->hv) - size);
	gs->version = version;
	gs->l1_swapped = l1_swapped;
	return KHN_H_SUCCESS;
bad:
	memset(gs, 0, sizeof(*gs));
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(khn_gstate_decode);

/**
 * khn_gstate_encode() - write the state back for L1 on exit
 * @gs:		state from khn_gstate_decode(), updated by the exit path
 * @buf:	where to build L1's image; may be @gs->hv itself, which then
 *		becomes the image (in L1's byte order: no longer @gs's)
 * @len:	room in @buf
 *
 * Writes the version field and every field of @gs->version, in L1's byte
 * order, and not one byte more: past a version 1 image lies L1 memory that
 * is not L0's to touch.
 *
 * Return: the bytes written, to be copied to L1 memory; -EINVAL when
 * @gs->version is not a known version or @len is too short.
 */
int khn_gstate_encode(const struct khn_gstate *gs, void *buf, size_t len)
{
	unsigned int size = khn_hv_guest_state_size(gs->version);

	if (!size || len < size)
		return -EINVAL;
	khn_copy_gstate(buf, &gs->hv, size, gs->l1_swapped);
	/* The version L1 gets back is the one the image was decoded with. */
	put_unaligned(khn_maybe_swab64(gs->version, gs->l1_swapped), (u64 *)buf);
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(khn_gstate_encode);

/**
 * khn_pt_regs_decode() - convert the L2 register image L1 passed
 * @buf:	L1's image, as copied from its memory; may be @regs itself
 * @len:	bytes of @buf that L1 memory supplied
 * @l1_swapped:	L1 runs in the other byte order
 * @regs:	filled on success; zeroed when @len is short
 *
 * Return: %KHN_H_SUCCESS, or %KHN_H_PARAMETER when @len is shorter than
 * %KHN_PT_REGS_SIZE (the in-tree L0 reads the whole image or fails).
 */
int khn_pt_regs_decode(const void *buf, size_t len, bool l1_swapped,
		       struct khn_pt_regs *regs)
{
	if (len < KHN_PT_REGS_SIZE) {
		memset(regs, 0, sizeof(*regs));
		return KHN_H_PARAMETER;
	}
	khn_copy_words(regs, buf, KHN_PT_REGS_WORDS, l1_swapped);
	return KHN_H_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(khn_pt_regs_decode);

/**
 * khn_pt_regs_encode() - write the L2 register image back for L1
 * @regs:	native-endian registers
 * @l1_swapped:	L1 runs in the other byte order
 * @buf:	where to build L1's image; may be @regs itself, which then
 *		becomes the image
 * @len:	room in @buf
 *
 * Return: %KHN_PT_REGS_SIZE, the bytes written, or -EINVAL when @len is
 * too short.
 */
int khn_pt_regs_encode(const struct khn_pt_regs *regs, bool l1_swapped,
		       void *buf, size_t len)
{
	if (len < KHN_PT_REGS_SIZE)
		return -EINVAL;
	khn_copy_words(buf, regs, KHN_PT_REGS_WORDS, l1_swapped);
	return KHN_PT_REGS_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(khn_pt_regs_encode);
