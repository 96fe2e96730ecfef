/* Issue 20: a printed plan pasted into bash runs exactly the plan. A network
 * whose name, directories and guest ports hold shell syntax (quotes, ';',
 * $(...), backticks, blanks, newlines, non-ASCII) is planned and printed;
 * `bash -n` must accept the text, and bash must run it as exactly the
 * intended commands: it runs in a throwaway directory with PATH holding only
 * stub scripts (ip, nft, sysctl, install, dnsmasq) that record their argv
 * and stdin, and a stub network hook in a hooks directory whose name holds
 * shell syntax too, so no real command ever runs and the system is not
 * touched. The recorded argv must be the plan's, word for word; nothing may
 * be "not found" and no payload may have created its file. */
#include "check.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASH "/bin/bash"

/* Each payload, if it ever ran, would create a file named pwned* in the
 * working directory (with a builtin, so even an empty PATH would not stop
 * it) or call a command that is not there. */
static const char net_xml[] =
	"<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>\n"
	"  <name>e&apos;v&quot;il;: &gt;pwned1;$(: &gt;pwned2)`: &gt;pwned3` x\\!&amp;</name>\n"
	"  <forward mode='nat'/>\n"
	"  <bridge name='nphostile0'/>\n"
	"  <ip address='192.168.200.1' prefix='24'>\n"
	"    <dhcp>\n"
	"      <range start='192.168.200.10' end='192.168.200.20'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"  <route address='10.9.0.0' prefix='16' gateway='192.168.200.2' metric='5'/>\n"
	"  <netplumb:qemu bridgeHelper='allow'/>\n"
	"</network>\n";

static const char state_dir[] = "/tmp/np st'ate;: >pwned4;$(: >pwned5)`: >pwned6`\xc3\xa9";
static const char run_dir[] = "/tmp/np run $HOME;touch pwned7 ${IFS}|& * ~ !x \\";
static const char netns[] = "g2;: >pwned8 $(: >pwned9) `touch pwned10` 'q\"\\ \xe2\x82\xac";

static char tmpdir[] = "/tmp/np-plan-quote-XXXXXX";
/* below tmpdir */
static const char hooks_name[] = "hooks $(: >pwned11);: >pwned12 'h\"";

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t n = strlen(text);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, n) == (ssize_t)n;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* Records argv (NUL-separated) and stdin, using bash builtins only. */
static const char stub[] = "#!" BASH "\n"
			   "read -r n < \"$NP_REC/count\"\n"
			   "n=$((n + 1))\n"
			   "printf '%s\\n' \"$n\" > \"$NP_REC/count\"\n"
			   "printf '%s\\0' \"${0##*/}\" \"$@\" > \"$NP_REC/argv.$n\"\n"
			   "IFS= read -r -d '' data\n"
			   "printf '%s' \"$data\" > \"$NP_REC/stdin.$n\"\n"
			   "exit 0\n";

/* Runs bash with args in dir, PATH=dir/bin, stdin /dev/null; the exit
 * status, or -1. stderr goes to dir/stderr. */
static int run_bash(const char *dir, const char *const *args)
{
	char path_env[512], rec_env[512], err_path[512];
	const char *argv[8] = { "bash", "--norc", "--noprofile" };
	int status, n = 3;
	pid_t pid;

	for (; *args && n < 7; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	snprintf(path_env, sizeof(path_env), "PATH=%s/bin", dir);
	snprintf(rec_env, sizeof(rec_env), "NP_REC=%s/rec", dir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *envp[] = { path_env, rec_env, "LC_ALL=C", "HOME=/nonexistent", NULL };
		int in = open("/dev/null", O_RDONLY), err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (in < 0 || err < 0 || chdir(dir) < 0)
			_exit(126);
		dup2(in, 0);
		dup2(err, 2);
		execve(BASH, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void want_argv(struct np_buf *w, ...)
{
	va_list ap;

	va_start(ap, w);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *))
		np_buf_addn(w, a, strlen(a) + 1);
	va_end(ap);
}

static void want_argvf(struct np_buf *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void want_argvf(struct np_buf *w, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	np_buf_addn(w, s ? s : "(oom)", strlen(s ? s : "(oom)") + 1);
	free(s);
}

/* The argv each step's command line must give back, in order, and the
 * stdin of the commands that read a here-document. One invocation per
 * entry of argvs/stdins. */
struct expect {
	struct np_buf argvs[64];
	const char *stdins[64];
	size_t n;
};

static struct np_buf *next(struct expect *e, const char *stdin_text)
{
	e->stdins[e->n] = stdin_text;
	return &e->argvs[e->n++];
}

static void expect_step(const struct np_step *s, const char *net_name, struct expect *e)
{
	char a[NP_ADDR_STRLEN], mac[NP_MAC_STRLEN];
	struct np_buf *w;

	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
	case NP_STEP_CHECK_ROUTE_FREE:
	case NP_STEP_CHECK_LINK_PRESENT:
	case NP_STEP_RECORD:
	case NP_STEP_DNSMASQ_MUTE: /* a comment: no command does it */
		return;
	case NP_STEP_HOOK:
		/* the stub hook exists: "[ ! -x HOOK ] || HOOK NAME OP SUBOP -" */
		want_argv(next(e, s->data), "network", net_name, s->key, s->value, "-", NULL);
		return;
	case NP_STEP_FILE_WRITE:
		w = next(e, s->data);
		want_argv(w, "install", "-m", NULL);
		want_argvf(w, "%o", s->mode);
		want_argv(w, "/dev/stdin", s->path, NULL);
		return;
	case NP_STEP_BRIDGE_ADD:
		w = next(e, "");
		want_argv(w, "ip", "link", "add", "name", s->ifname, NULL);
		if (s->has_mac)
			want_argv(w, "address", np_mac_str(s->mac, mac), NULL);
		if (s->mtu) {
			want_argv(w, "mtu", NULL);
			want_argvf(w, "%u", s->mtu);
		}
		want_argv(w, "type", "bridge", NULL);
		if (s->stp >= 0) {
			want_argv(w, "stp_state", NULL);
			want_argvf(w, "%d", s->stp);
		}
		if (s->delay_cs >= 0) {
			want_argv(w, "forward_delay", NULL);
			want_argvf(w, "%ld", s->delay_cs);
		}
		return;
	case NP_STEP_SYSCTL:
		w = next(e, "");
		want_argv(w, "sysctl", "-w", NULL);
		want_argvf(w, "%s=%s", s->key, s->value);
		return;
	case NP_STEP_ADDR_ADD:
		w = next(e, "");
		want_argv(w, "ip", "addr", "add", NULL);
		want_argvf(w, "%s/%u", np_addr_str(&s->addr, a), s->prefix);
		if (s->addr.family == AF_INET)
			want_argv(w, "broadcast", "+", NULL);
		want_argv(w, "dev", s->ifname, NULL);
		return;
	case NP_STEP_LINK_UP:
		want_argv(next(e, ""), "ip", "link", "set", "dev", s->ifname, "up", NULL);
		return;
	case NP_STEP_PORT_ISOLATE:
		want_argv(next(e, ""), "ip", "link", "set", "dev", s->ifname, "type", "bridge_slave",
			  "isolated", "on", NULL);
		return;
	case NP_STEP_TOOL:
		/* libvirt's implicit firewalld zone: one word a line */
		w = next(e, "");
		for (const char *p = s->text; *p;) {
			size_t n = strcspn(p, "\n");

			want_argvf(w, "%.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
		return;
	case NP_STEP_QDISC_ADD:
	case NP_STEP_CLASS_ADD:
	case NP_STEP_IPT_RULE:
	case NP_STEP_VXLAN_ADD:
	case NP_STEP_FDB_ADD:
		/* not in these networks (no <bandwidth>, zone, register or vxlan):
		 * test-plan covers them */
		CHECK(!"a tc or tool step in a network without them");
		return;
	case NP_STEP_ROUTE_ADD:
		w = next(e, "");
		want_argv(w, "ip", "route", "add", NULL);
		want_argvf(w, "%s/%u", np_addr_str(&s->addr, a), s->prefix);
		if (s->gw.family)
			want_argv(w, "via", np_addr_str(&s->gw, a), NULL);
		want_argv(w, "dev", s->ifname, NULL);
		if (s->metric) {
			want_argv(w, "metric", NULL);
			want_argvf(w, "%u", s->metric);
		}
		return;
	case NP_STEP_FW_APPLY:
	case NP_STEP_PORT_LIMIT:
		want_argv(next(e, s->text), "nft", "-f", "-", NULL);
		return;
	case NP_STEP_QEMU_ACL:
		w = next(e, "");
		want_argv(w, "flock", "/etc/qemu", "sh", "-c",
			  "grep -qsxF -- \"$1\" \"$2\" || echo \"$1\" >>\"$2\"", "sh", NULL);
		want_argvf(w, "allow %s", s->ifname);
		want_argv(w, s->path, NULL);
		return;
	case NP_STEP_DNSMASQ_START:
		w = next(e, "");
		want_argv(w, "dnsmasq", NULL);
		want_argvf(w, "--conf-file=%s", s->path);
		return;
	case NP_STEP_PORT_ADD: {
		uint8_t hm[NP_MAC_LEN];
		char hms[NP_MAC_STRLEN];

		w = next(e, "");
		if (s->port->type == NP_PORT_TAP) {
			want_argv(w, "ip", "tuntap", "add", "dev", s->ifname, "mode", "tap", "vnet_hdr",
				  NULL);
			if (s->port->owner >= 0) {
				want_argv(w, "user", NULL);
				want_argvf(w, "%ld", s->port->owner);
			}
		} else {
			want_argv(w, "ip", "link", "add", "name", s->ifname, "type", "veth", "peer",
				  "name", s->port->peer, "address", np_mac_str(s->mac, mac), "netns",
				  s->port->netns, NULL);
		}
		np_port_host_mac(s->port, hm);
		want_argv(next(e, ""), "ip", "link", "set", "dev", s->ifname, "address",
			  np_mac_str(hm, hms), "master", s->master, "up", NULL);
		return;
	}
	}
}

static char *read_all(const char *path, size_t *len)
{
	struct np_buf b = { 0 };
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		np_buf_addn(&b, chunk, (size_t)n);
	close(fd);
	*len = b.len;
	return np_buf_steal(&b);
}

static void check_run(const struct np_plan *plan, const char *dir)
{
	struct expect e = { 0 };
	char path[512];
	size_t len, i;
	char *got;

	for (i = 0; i < plan->n_steps && e.n < NP_ARRAY_SIZE(e.argvs) - 2; i++)
		expect_step(&plan->steps[i], plan->net_name, &e);
	CHECK(e.n > 10);
	/* the hostile values are there to be quoted */
	for (i = 0; i < e.n; i++)
		if (memmem(e.argvs[i].data, e.argvs[i].len, netns, sizeof(netns)))
			break;
	CHECK(i < e.n);

	snprintf(path, sizeof(path), "%s/rec/count", dir);
	got = read_all(path, &len);
	CHECK(got && (size_t)atoi(got) == e.n);
	if (got && (size_t)atoi(got) != e.n)
		fprintf(stderr, "  %d commands ran, the plan has %zu\n", atoi(got), e.n);
	free(got);
	for (i = 0; i < e.n; i++) {
		snprintf(path, sizeof(path), "%s/rec/argv.%zu", dir, i + 1);
		got = read_all(path, &len);
		CHECK(got && len == e.argvs[i].len && !memcmp(got, e.argvs[i].data, len));
		if (!got || len != e.argvs[i].len || memcmp(got, e.argvs[i].data, len)) {
			fprintf(stderr, "  command %zu: argv differs:\n   got: ", i + 1);
			for (size_t k = 0; got && k < len; k++)
				fputc(got[k] ? got[k] : '|', stderr);
			fputs("\n  want: ", stderr);
			for (size_t k = 0; k < e.argvs[i].len; k++)
				fputc(e.argvs[i].data[k] ? e.argvs[i].data[k] : '|', stderr);
			fputc('\n', stderr);
		}
		free(got);
		snprintf(path, sizeof(path), "%s/rec/stdin.%zu", dir, i + 1);
		got = read_all(path, &len);
		if (e.stdins[i] && e.stdins[i][0]) {
			size_t n = strlen(e.stdins[i]);
			/* print_heredoc ends the body with a newline */
			bool nl = e.stdins[i][n - 1] != '\n';

			CHECK(got && len == n + nl && !memcmp(got, e.stdins[i], n));
		} else {
			CHECK(got && len == 0);
		}
		free(got);
		np_buf_free(&e.argvs[i]);
	}
}

/* Nothing but the stubs ran: no payload file, nothing not found. */
static void check_clean(const char *dir)
{
	char path[512];
	size_t len;
	char *err;

	for (int i = 1; i <= 12; i++) {
		snprintf(path, sizeof(path), "%s/pwned%d", dir, i);
		CHECK(access(path, F_OK) < 0);
	}
	snprintf(path, sizeof(path), "%s/stderr", dir);
	err = read_all(path, &len);
	CHECK(err && len == 0);
	if (err && len)
		fprintf(stderr, "  bash wrote to stderr: %s\n", err);
	free(err);
}

int main(void)
{
	struct np_port ports[2] = {
		{ .type = NP_PORT_VETH, .owner = -1, .ifname = "vnet0", .peer = "eth0",
		  .mac = { 0x52, 0x54, 0, 1, 2, 3 } },
		{ .type = NP_PORT_TAP, .owner = 1000, .ifname = "tap-x.1",
		  .mac = { 0x52, 0x54, 0, 1, 2, 4 } },
	};
	struct np_plan_paths paths = {
		.state_dir = state_dir,
		.run_dir = run_dir,
		.dnsmasq_user = "dnsmasq",
		.ports = ports,
		.n_ports = 2,
	};
	char hooks_dir[512];
	_np_net_free_ struct np_net *net = NULL;
	_np_plan_free_ struct np_plan *plan = NULL;
	struct np_err err = { { 0 } };
	char path[600], *text = NULL;
	const char *bin_names[] = { "ip", "nft", "sysctl", "install", "dnsmasq", "firewall-cmd",
				    "flock" };
	size_t len = 0;
	FILE *out;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(hooks_dir, sizeof(hooks_dir), "%s/%s", tmpdir, hooks_name);
	paths.hooks_dir = hooks_dir;
	memcpy(ports[0].netns, netns, sizeof(netns));
	CHECK(np_name_valid(NP_NAME_NETNS, netns));
	CHECK(np_xml_net_parse(net_xml, strlen(net_xml), "net.xml", &net, &err) == 0);
	CHECK(net && np_net_validate(net, "net.xml", &err) == 0);
	CHECK(net && np_plan_build(net, &paths, &plan, &err) == 0);
	if (!plan) {
		fprintf(stderr, "plan: %s\n", err.msg);
		nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
		return check_result("test-plan-quote");
	}
	CHECK(np_plan_find(plan, NP_STEP_HOOK) != NULL);
	out = open_memstream(&text, &len);
	if (!out)
		return 1;
	np_plan_print(plan, out);
	fclose(out);

	snprintf(path, sizeof(path), "%s/bin", tmpdir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/rec", tmpdir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/rec/count", tmpdir);
	CHECK(write_file(path, "0\n", 0600) == 0);
	for (size_t i = 0; i < NP_ARRAY_SIZE(bin_names); i++) {
		snprintf(path, sizeof(path), "%s/bin/%s", tmpdir, bin_names[i]);
		CHECK(write_file(path, stub, 0700) == 0);
	}
	CHECK(mkdir(hooks_dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/network", hooks_dir);
	CHECK(write_file(path, stub, 0700) == 0);
	snprintf(path, sizeof(path), "%s/plan.sh", tmpdir);
	CHECK(write_file(path, text, 0600) == 0);

	/* syntax first, then the run; command_not_found_handle reports any
	 * word bash would have looked up as a command */
	CHECK(run_bash(tmpdir, (const char *[]){ "-n", "plan.sh", NULL }) == 0);
	CHECK(run_bash(tmpdir, (const char *[]){ "-c",
						 "command_not_found_handle() { "
						 "printf 'not found: %s\\n' \"$1\" >&2; return 127; }; "
						 "set -e; . ./plan.sh",
						 NULL }) == 0);
	check_run(plan, tmpdir);
	check_clean(tmpdir);
	if (check_failures)
		fprintf(stderr, "--- plan ---\n%s--- end ---\n", text);
	free(text);
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return check_result("test-plan-quote");
}
