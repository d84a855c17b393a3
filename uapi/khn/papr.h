/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * PAPR facts of the nested-HV ABI that L1 sees: hypercall numbers and
 * return codes.  Kept free of arch headers so the arch-neutral core and its
 * UML tests use the same values as the ppc64 build; src/abi_check.c checks them
 * against <asm/hvcall.h> at compile time.
 */
#ifndef _UAPI_KHN_PAPR_H
#define _UAPI_KHN_PAPR_H

/* Hypercall numbers (L1 -> L0) */
#define KHN_H_RPT_INVALIDATE		0x448
#define KHN_H_SET_PARTITION_TABLE	0xF800
#define KHN_H_ENTER_NESTED		0xF804
#define KHN_H_TLB_INVALIDATE		0xF808
#define KHN_H_COPY_TOFROM_GUEST		0xF80C

/* Return codes */
#define KHN_H_SUCCESS		0
#define KHN_H_HARDWARE		(-1)
#define KHN_H_FUNCTION		(-2)
#define KHN_H_PRIVILEGE		(-3)
#define KHN_H_PARAMETER		(-4)
#define KHN_H_BAD_MODE		(-5)
#define KHN_H_NOT_FOUND		(-7)
#define KHN_H_NO_MEM		(-9)
#define KHN_H_NOT_AVAILABLE	3	/* a positive "busy" status, not an error */
#define KHN_H_P2		(-55)
#define KHN_H_P3		(-56)
#define KHN_H_P4		(-57)
#define KHN_H_P5		(-58)
#define KHN_H_P6		(-59)
#define KHN_H_UNSUPPORTED	(-67)

#endif /* _UAPI_KHN_PAPR_H */
