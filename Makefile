# SPDX-License-Identifier: GPL-2.0-only
#
# kvm-hv-nested: build, test and run.  See README.md.
#
#   make               patched kvm-hv.ko + kvm-hv-nested.ko for Debian's
#                      ppc64el kernel (cross), and the L2 workload
#   make KDIR=/lib/modules/$(uname -r)/build KSRC=<linux source>
#                      native build on a POWER9 host
#   make lint          sparse (C=2), W=1, checkpatch --strict
#   make kunit-uml     arch-neutral KUnit suites on UML
#   make kunit-ppc     all KUnit suites in a POWER9 (powernv9) test kernel
#   make l1sim         the nested hypercalls driven by a fake L1 through
#                      /dev/kvm in that test kernel: in-tree, then the module
#   make fuzz          the hostile-L1 fuzzer in that kernel (FUZZ_OPS per
#                      entry point, FUZZ_SEED, FUZZ_MODE, FUZZ_JOBS shards;
#                      scripts/fuzz)
#   make coverage      line coverage of src/core under UML (fails below 90%)
#   make bench         page-table library figures (prints, asserts nothing)
#   make perf          both modes interleaved under -icount, ROUNDS=3: the
#                      deterministic side-by-side figures (scripts/perf)
#   make e2e           L0 -> L1 -> L2 in emulated POWER9 (MODE=baseline|module|both)
#   make e2e-ops       operator scenarios on an L1 running an L2 (migrate,
#                      reset, ksm, swap, hugepages, smt), baseline and module
#                      side by side (OPS=list of scenarios; scripts/e2e/ops)
#   make check         all of the above; ends with "N passed, N failed"

.DEFAULT_GOAL := all
KHN_CACHE ?= /var/cache/kvm-hv-nested
export KHN_CACHE
BUILD := $(CURDIR)/build
MODE ?= both
SMP ?= 1

ifeq ($(origin KDIR),command line)
# Native build on a POWER9 host: no emulation, no setup.
KSRC ?= $(KDIR)/source
CROSS_COMPILE ?=
else
-include $(KHN_CACHE)/env.mk
KDIR := $(KHN_HDRS)
KSRC := $(KHN_SRC)
# The cross-compiler default is scripts/lib.sh's, the one place it is set.
CROSS_COMPILE ?= $(shell bash -c '. scripts/lib.sh && printf %s "$$KHN_CROSS"')
$(KHN_CACHE)/env.mk:
	@scripts/ensure-setup
endif

KMAKE := $(MAKE) -C $(KDIR) ARCH=powerpc CROSS_COMPILE=$(CROSS_COMPILE)
KHN_SOURCES := Kbuild $(shell find src include uapi tests -name '*.[ch]' 2>/dev/null)
PATCHES := $(wildcard scripts/*.patch)

.PHONY: all modules setup lint kunit-uml kunit-ppc l1sim fuzz coverage bench e2e e2e-ops perf check clean
all: modules $(BUILD)/l2-workload $(BUILD)/l1sim $(BUILD)/l1fuzz
modules: $(BUILD)/kvm-hv.ko $(BUILD)/kvm-hv-nested.ko

setup:
	@scripts/ensure-setup

$(BUILD)/kvm-hv.ko: $(PATCHES) scripts/build-kvm-hv
	+scripts/build-kvm-hv $(KSRC) $(KDIR) $(BUILD)/kvm-hv ARCH=powerpc \
		CROSS_COMPILE=$(CROSS_COMPILE) -j$$(nproc)
	cp $(BUILD)/kvm-hv/kvm-hv.ko $@

# Kbuild writes objects beside the sources, so build from a copy: all
# output stays under build/.
$(BUILD)/kvm-hv-nested.ko: $(BUILD)/kvm-hv.ko $(KHN_SOURCES)
	bash -c '. scripts/lib.sh && khn_copy_sources $(BUILD)/obj/module'
	+$(KMAKE) M=$(BUILD)/obj/module KHN_KVMHV_INC=$(BUILD)/kvm-hv/include \
		KBUILD_EXTRA_SYMBOLS=$(BUILD)/kvm-hv/Module.symvers modules
	cp $(BUILD)/obj/module/kvm-hv-nested.ko $@

$(BUILD)/l2-workload: tests/e2e/l2-workload.c
	@mkdir -p $(BUILD)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -static -o $@ $<

# Flags of the l1sim and l1fuzz binaries, one list for every place that
# builds them (tests/l1sim/cflags: why in tests/l1sim/harness.h).
L1SIM_CFLAGS := $(shell cat tests/l1sim/cflags)

# The fake L1 of tests/l1sim (scripts/kunit/ppc --l1sim builds its own copy).
L1SIM_SRC := tests/l1sim/l1sim.c tests/l1sim/harness.c tests/l1sim/guest.S
$(BUILD)/l1sim: $(L1SIM_SRC) tests/l1sim/cflags tests/l1sim/harness.h tests/l1sim/guest.h uapi/khn/papr.h \
		uapi/khn/hv_guest_state.h
	@mkdir -p $(BUILD)
	$(CROSS_COMPILE)gcc $(L1SIM_CFLAGS) -Iuapi -o $@ $(L1SIM_SRC)

# The hostile L1 (scripts/kunit/ppc --fuzz builds its own copy).
L1FUZZ_SRC := tests/l1sim/fuzz.c tests/l1sim/harness.c tests/l1sim/guest.S \
	tests/l1sim/fuzz-guest.S
$(BUILD)/l1fuzz: $(L1FUZZ_SRC) tests/l1sim/cflags tests/l1sim/harness.h tests/l1sim/guest.h \
		tests/l1sim/fuzz-guest.h uapi/khn/papr.h uapi/khn/hv_guest_state.h
	@mkdir -p $(BUILD)
	$(CROSS_COMPILE)gcc $(L1SIM_CFLAGS) -Iuapi -o $@ $(L1FUZZ_SRC) -lpthread

lint: $(BUILD)/kvm-hv.ko
	scripts/lint

kunit-uml: setup
	scripts/kunit/uml

kunit-ppc: setup
	scripts/kunit/ppc

l1sim: setup
	scripts/kunit/ppc --l1sim

fuzz: setup
	scripts/fuzz

coverage: setup
	scripts/coverage

bench: setup
	scripts/bench

# The figure of record: both modes interleaved, L0 counting instructions.
perf: setup all
	scripts/perf $(if $(ROUNDS),--rounds $(ROUNDS))

e2e: setup all
	scripts/e2e/run --mode $(MODE) --smp $(SMP)

e2e-ops: setup all
	scripts/e2e/ops $(if $(OPS),--scenarios $(OPS))

check: setup
	scripts/check

clean:
	rm -rf $(BUILD)
