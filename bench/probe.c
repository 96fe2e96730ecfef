/* Looking at what runs inside the sandbox (its own /proc) and at the
 * machine. Read-only. */
#include "bench/bench.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long status_field(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

void bench_probe_dnsmasq(struct bench_daemons *d)
{
	long tick = sysconf(_SC_CLK_TCK);
	DIR *proc = opendir("/proc");
	struct dirent *de;

	memset(d, 0, sizeof(*d));
	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char path[300], comm[64], stat[1024], *p;
		unsigned long ut = 0, st = 0;
		unsigned fds = 0;
		DIR *fdd;
		long v;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (!read_line(path, comm, sizeof(comm)) || strcmp(comm, "dnsmasq"))
			continue;
		d->procs++;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		v = status_field(path, "VmRSS");
		d->rss_kb += v > 0 ? v : 0;
		snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", de->d_name);
		v = status_field(path, "Pss");
		d->pss_kb += v > 0 ? v : 0;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		/* fields 14 and 15 after the ")" that ends comm */
		if (read_line(path, stat, sizeof(stat)) && (p = strrchr(stat, ')')) &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
			d->cpu_ms += (double)(ut + st) * 1000.0 / (double)tick;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fdd = opendir(path);
		if (!fdd)
			continue;
		for (struct dirent *fe; (fe = readdir(fdd));) {
			char lp[400], target[64];
			ssize_t n;

			if (fe->d_name[0] == '.')
				continue;
			fds++;
			snprintf(lp, sizeof(lp), "%.300s/%.64s", path, fe->d_name);
			n = readlink(lp, target, sizeof(target) - 1);
			if (n > 0) {
				target[n] = '\0';
				if (!strcmp(target, "anon_inode:inotify"))
					d->inotify++;
			}
		}
		closedir(fdd);
		if (fds > d->max_fds)
			d->max_fds = fds;
	}
	closedir(proc);
}

/* fs.inotify.max_user_instances is charged to the uid that created the
 * instance, host-wide; dnsmasq creates its instance while still root. */
int bench_probe_host_inotify_root(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!proc)
		return -1;
	while ((de = readdir(proc))) {
		char path[300];
		DIR *fdd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		if (status_field(path, "Uid") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fdd = opendir(path);
		if (!fdd)
			continue;
		for (struct dirent *fe; (fe = readdir(fdd));) {
			char lp[400], target[64];
			ssize_t len;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(lp, sizeof(lp), "%.300s/%.64s", path, fe->d_name);
			len = readlink(lp, target, sizeof(target) - 1);
			if (len > 0) {
				target[len] = '\0';
				n += !strcmp(target, "anon_inode:inotify");
			}
		}
		closedir(fdd);
	}
	closedir(proc);
	return n;
}

/* Sockets in /proc/net/udp bound to local port; with addr (as in
 * struct in_addr, 0 = any) only on that address. */
static unsigned udp_listeners(unsigned port, unsigned addr, bool any_addr)
{
	FILE *f = fopen("/proc/net/udp", "re");
	char line[512];
	unsigned n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned a, p;

		if (sscanf(line, " %*d: %8x:%4x", &a, &p) != 2)
			continue;
		if (p == port && (any_addr || a == addr))
			n++;
	}
	fclose(f);
	return n;
}

unsigned bench_probe_dns_listeners(unsigned addr)
{
	return udp_listeners(53, addr, addr == 0);
}

bool bench_probe_dhcp_listener(void)
{
	return udp_listeners(67, 0, true) > 0;
}

long bench_probe_nft_chains(void)
{
	char *const argv[] = { (char *)"nft", (char *)"list", (char *)"chains", NULL };
	size_t len = 4 << 20;
	char *out = malloc(len);
	long n = 0;

	if (!out)
		return -1;
	if (bench_exec(-1, argv, out, len) != 0) {
		free(out);
		return -1;
	}
	for (char *p = out; (p = strstr(p, "chain ")); p += 6)
		n++;
	free(out);
	return n;
}

static void first_line_of(char *const argv[], char *buf, size_t len)
{
	char out[4096];
	size_t n;

	buf[0] = '\0';
	if (bench_exec(-1, argv, out, sizeof(out)) < 0)
		return;
	n = strcspn(out, "\n");
	if (n >= len)
		n = len - 1; /* a version line: its start is enough */
	memcpy(buf, out, n);
	buf[n] = '\0';
}

void bench_probe_info(struct bench_info *info, const struct bench_opts *o)
{
	struct utsname u;
	char line[256];
	time_t now = time(NULL);
	FILE *f;

	snprintf(info->netplumb, sizeof(info->netplumb), "%s", o->netplumb);
	{
		char *const a[] = { (char *)o->netplumb, (char *)"--version", NULL };
		first_line_of(a, info->netplumb_version, sizeof(info->netplumb_version));
	}
	{
		char *const a[] = { (char *)(o->dnsmasq ? o->dnsmasq : "/usr/sbin/dnsmasq"),
				    (char *)"--version", NULL };
		char *v;

		/* "Dnsmasq version 2.90  Copyright ..." */
		first_line_of(a, line, sizeof(line));
		v = strstr(line, "version ");
		if (v) {
			v += 8;
			v[strcspn(v, " ")] = '\0';
			snprintf(info->dnsmasq_version, sizeof(info->dnsmasq_version), "%s", v);
		}
	}
	{
		char *const a[] = { (char *)o->busybox, NULL };
		first_line_of(a, line, sizeof(line));
		line[strcspn(line, "(")] = '\0';
		for (size_t l = strlen(line); l && line[l - 1] == ' ';)
			line[--l] = '\0';
		snprintf(info->busybox_version, sizeof(info->busybox_version), "%.100s", line);
	}
	{
		char *const a[] = { (char *)"libvirtd", (char *)"--version", NULL };
		first_line_of(a, info->libvirt_version, sizeof(info->libvirt_version));
	}
	if (uname(&u) == 0)
		snprintf(info->kernel, sizeof(info->kernel), "%.30s %.90s", u.sysname, u.release);
	info->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	info->mem_kb = status_field("/proc/meminfo", "MemTotal");
	if (read_line("/proc/sys/fs/inotify/max_user_instances", line, sizeof(line)))
		info->inotify_max_user_instances = atoi(line);
	f = fopen("/proc/cpuinfo", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			char *v = strchr(line, ':') + 1;

			while (*v == ' ')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(info->cpu, sizeof(info->cpu), "%s", v);
			break;
		}
	if (f)
		fclose(f);
	strftime(info->date, sizeof(info->date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	info->tmpfs = !o->disk_dir;
}
