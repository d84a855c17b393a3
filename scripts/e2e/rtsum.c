// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtsum: L0's time per H_ENTER_NESTED round trip, from the text of L0's
 * trace buffer (scripts/e2e/init, e2e.rttrace=1).  The events are kvm-hv's
 * own and fire alike whoever serves the hcall, the in-tree code or the
 * module: a round trip runs from kvm_hcall_enter (hcall=H_ENTER_NESTED)
 * to the vCPU's next kvm_hcall_exit, and the L2's share of it is each
 * kvm_guest_enter to kvm_guest_exit in between.  L0's share splits into
 * entry (the hcall to the first guest entry), inner (from each guest exit
 * to the next entry: exits L0 handles itself, faults it resolves) and
 * exit (the last guest exit to the hcall's return).  With the module's
 * khn_enter/khn_exit events in the trace as well (module mode), its own
 * work before the first run of the L2 (prep) and after the last (post)
 * are counted apart.  The trace clock is
 * ppc-tb (raw timebase ticks): L0's clock, counting instructions under
 * QEMU's -icount.  A C program because busybox awk takes minutes of
 * emulated time over the ~600k lines of one run.
 *
 * Usage: rtsum TB_HZ <trace
 * Prints "E2E-COUNT rt.<name>=<value>" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VCPUS 4096

struct vcpu_state {
	int in;			/* inside an H_ENTER_NESTED */
	int in_guest;		/* ... and inside a guest entry */
	int entered;		/* ... and it entered the guest once */
	int prepped;		/* ... and the module began its first run */
	unsigned long long t0, g0, last_exit, last_khn_exit;
};

static struct vcpu_state v[MAX_VCPUS];

/* kvm_hcall_enter events by hcall name (the filter passes nested ones) */
#define NHC 16
static char hc_name[NHC][32];
static unsigned long long hc_n[NHC];

static void hcall_count(const char *ev)
{
	const char *p = strstr(ev, "hcall=");
	size_t len;
	int i;

	if (!p)
		return;
	p += 6;
	len = strcspn(p, "\n ");
	if (len >= sizeof(hc_name[0]))
		len = sizeof(hc_name[0]) - 1;
	for (i = 0; i < NHC && hc_name[i][0]; i++)
		if (strlen(hc_name[i]) == len && !strncmp(hc_name[i], p, len))
			break;
	if (i == NHC)
		return;
	if (!hc_name[i][0])
		memcpy(hc_name[i], p, len);
	hc_n[i]++;
}

/* transition profile: time from one event to the next on a vCPU */
#define NEV 40
static const char *evn[NEV];
static int nev;
static unsigned long long pr_sum[NEV][NEV], pr_n[NEV][NEV];
static int last_ev[MAX_VCPUS];
static unsigned long long last_ts[MAX_VCPUS];

static int ev_id(const char *ev)
{
	char name[64];
	const char *m;
	int i, len = strcspn(ev, ":");

	if (len > 40)
		len = 40;
	memcpy(name, ev, len);
	name[len] = 0;
	m = strstr(ev, " mark ");
	if (m)
		snprintf(name + len, sizeof(name) - len, "%ld", strtol(m + 6, NULL, 10));
	for (i = 0; i < nev; i++)
		if (!strcmp(evn[i], name))
			return i;
	if (nev == NEV)
		return -1;	/* too many kinds: left out, never merged */
	evn[nev] = strdup(name);
	return nev++;
}

int main(int argc, char **argv)
{
	unsigned long long tb_hz, n = 0, total = 0, l2 = 0, bad = 0;
	unsigned long long entry = 0, inner = 0, exit = 0, entries = 0;
	unsigned long long prep = 0, post = 0, l2_faults = 0;
	int i;
	static char line[4096];

	if (argc != 2 || !(tb_hz = strtoull(argv[1], NULL, 0))) {
		fprintf(stderr, "usage: rtsum TB_HZ <trace\n");
		return 2;
	}
	memset(last_ev, -1, sizeof(last_ev));
	while (fgets(line, sizeof(line), stdin)) {
		char *ev = strstr(line, ": kvm_"), *p, *end;
		unsigned long long ts;
		struct vcpu_state *s;
		unsigned long id;

		if (!ev)
			ev = strstr(line, ": khn_");
		if (!ev || line[0] == '#')
			continue;
		/* "<task>-<pid> [cpu] <flags> <ticks>: kvm_<event>: VCPU <n>: ..." */
		p = ev;
		while (p > line && p[-1] != ' ')
			p--;
		ts = strtoull(p, &end, 10);
		if (end != ev) {
			bad++;
			continue;
		}
		ev += 2;
		p = strstr(ev, "VCPU ");
		if (!p)
			p = strstr(ev, ": vcpu ");
		if (!p)
			continue;
		id = strtoul(p + (*p == 'V' ? 5 : 7), NULL, 10);
		if (id >= MAX_VCPUS)
			continue;
		s = &v[id];
		{
			int e = ev_id(ev);

			if (last_ev[id] >= 0 && e >= 0 && s->in) {
				pr_sum[last_ev[id]][e] += ts - last_ts[id];
				pr_n[last_ev[id]][e]++;
			}
			last_ev[id] = e;
			last_ts[id] = ts;
		}
		if (!strncmp(ev, "kvm_hcall_enter:", 16)) {
			hcall_count(ev);
			if (strstr(ev, "hcall=H_ENTER_NESTED ")) {
				s->in = 1;
				s->in_guest = 0;
				s->entered = 0;
				s->prepped = 0;
				s->last_khn_exit = 0;
				s->t0 = ts;
			}
		} else if (!strncmp(ev, "kvm_guest_enter:", 16)) {
			if (s->in) {
				if (s->entered)
					inner += ts - s->last_exit;
				else
					entry += ts - s->t0;
				s->entered = 1;
				s->in_guest = 1;
				s->g0 = ts;
				entries++;
			}
		} else if (!strncmp(ev, "kvm_guest_exit:", 15)) {
			if (s->in && s->in_guest) {
				/* an L2 page fault: what L0's fault path serves */
				if (strstr(ev, "trap=H_DATA_STORAGE ") ||
				    strstr(ev, "trap=H_INST_STORAGE "))
					l2_faults++;
				l2 += ts - s->g0;
				s->in_guest = 0;
				s->last_exit = ts;
			}
		} else if (!strncmp(ev, "khn_enter:", 10)) {
			if (s->in && !s->prepped) {
				prep += ts - s->t0;
				s->prepped = 1;
			}
		} else if (!strncmp(ev, "khn_exit:", 9)) {
			if (s->in)
				s->last_khn_exit = ts;
		} else if (!strncmp(ev, "kvm_hcall_exit:", 15)) {
			if (s->in) {
				if (s->last_khn_exit)
					post += ts - s->last_khn_exit;
				n++;
				total += ts - s->t0;
				if (s->entered && !s->in_guest)
					exit += ts - s->last_exit;
				else if (!s->entered)
					entry += ts - s->t0;
				s->in = 0;
			}
		}
	}
	/* ticks -> microseconds */
	printf("E2E-COUNT rt.round_trips=%llu\n", n);
	printf("E2E-COUNT rt.total_us=%llu\n", total * 1000000 / tb_hz);
	printf("E2E-COUNT rt.l2_us=%llu\n", l2 * 1000000 / tb_hz);
	printf("E2E-COUNT rt.l0_us=%llu\n", (total - l2) * 1000000 / tb_hz);
	if (n)
		printf("E2E-COUNT rt.l0_us_per_round_trip=%.2f\n",
		       (double)(total - l2) * 1000000 / tb_hz / n);
	printf("E2E-COUNT rt.entry_us=%llu\n", entry * 1000000 / tb_hz);
	printf("E2E-COUNT rt.inner_us=%llu\n", inner * 1000000 / tb_hz);
	printf("E2E-COUNT rt.exit_us=%llu\n", exit * 1000000 / tb_hz);
	printf("E2E-COUNT rt.guest_entries=%llu\n", entries);
	printf("E2E-COUNT rt.l2_faults=%llu\n", l2_faults);
	for (i = 0; i < NHC && hc_name[i][0]; i++)
		printf("E2E-COUNT rt.hcall.%s=%llu\n", hc_name[i], hc_n[i]);
	if (prep || post) {
		printf("E2E-COUNT rt.module_prep_us=%llu\n", prep * 1000000 / tb_hz);
		printf("E2E-COUNT rt.module_post_us=%llu\n", post * 1000000 / tb_hz);
	}
	{
		int i, j;

		for (i = 0; i < nev; i++)
			for (j = 0; j < nev; j++)
				if (pr_n[i][j] > 100)
					printf("E2E-PAIR %s -> %s n=%llu us=%.3f\n",
					       evn[i], evn[j], pr_n[i][j],
					       (double)pr_sum[i][j] * 1000000 / tb_hz / pr_n[i][j]);
	}
	printf("E2E-COUNT rt.unparsed_lines=%llu\n", bad);
	return 0;
}
