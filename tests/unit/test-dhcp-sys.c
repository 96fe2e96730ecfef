/* Starts and stops a real dnsmasq on a bridge inside a private network
 * namespace: np_dnsmasq_start/running/stop, the refusal to signal a process
 * that is not our dnsmasq (another program, or one that only calls itself
 * dnsmasq with our --conf-file), and (with busybox) a DHCP lease written by
 * dnsmasq after it dropped root, into a root-only directory. A start whose
 * hosts file dnsmasq's user cannot read, or whose lease file is a symlink,
 * fails before dnsmasq runs.
 *
 * Needs root (skips with 77 otherwise). The checks run in a forked child;
 * the parent, a child subreaper, stops whatever dnsmasq the child left and
 * reaps it, whether the child passed, failed or crashed. */
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "dhcp/leases.h"
#include "xml/net.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DNSMASQ "/usr/sbin/dnsmasq"
#define IP "/usr/sbin/ip"
#define BUSYBOX "/usr/bin/busybox"
#define BRIDGE "nptbr0"
#define BR_ADDR "10.77.0.1"
/* the client's veth has this MAC, and the hosts file pins it to CLIENT_IP */
#define CLIENT_MAC "52:54:00:77:00:05"
#define CLIENT_IP "10.77.0.5"

static int failures;

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); \
			failures++;                                                    \
		}                                                                      \
	} while (0)

static char dir[] = "/tmp/np-dhcp-sys-XXXXXX";
static char conf_path[128], pid_path[128], lease_path[128], hosts_path[128], addn_path[128];

/* fork + execve with an explicit argv; the exit status, or -1. */
static int run(const char *const argv[])
{
	static char *const envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 1);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

static struct np_addr A(const char *s)
{
	struct np_addr a = { 0 };

	if (np_addr_parse(s, 0, &a) < 0)
		abort();
	return a;
}

static int write_files(void)
{
	struct np_dhcp_range range = { .start = A("10.77.0.100"), .end = A("10.77.0.150") };
	struct np_dhcp_host host = { .mac_str = (char *)CLIENT_MAC, .has_mac = true,
				     .name = (char *)"guest", .ip = A(CLIENT_IP) };
	struct np_ip ip = { .address = A(BR_ADDR), .prefix = 24, .has_dhcp = true,
			    .ranges = &range, .n_ranges = 1, .hosts = &host, .n_hosts = 1 };
	struct np_net net = { .name = (char *)"npt", .bridge = { .present = true,
								  .name = (char *)BRIDGE },
			      .forward = { .present = true, .has_mode = true, .mode = NP_FWD_NAT },
			      .ips = &ip, .n_ips = 1 };
	struct np_dhcp_paths paths = { .hostsfile = hosts_path, .addnhosts = addn_path,
				       .pidfile = pid_path, .leasefile = lease_path,
				       .user = np_dnsmasq_default_user() };
	struct np_err err = { "" };
	_np_free_ char *conf = NULL, *hosts = NULL, *addn = NULL;

	if (np_dhcp_conf_render(&net, &paths, &conf, &err) < 0 ||
	    np_dhcp_hosts_render(&net, &hosts, &err) < 0 ||
	    np_dhcp_addnhosts_render(&net, &addn, &err) < 0) {
		fprintf(stderr, "render: %s\n", err.msg);
		return -1;
	}
	if (np_file_write_atomic(conf_path, conf, strlen(conf), 0644) < 0 ||
	    np_file_write_atomic(hosts_path, hosts, strlen(hosts), 0644) < 0 ||
	    np_file_write_atomic(addn_path, addn, strlen(addn), 0644) < 0)
		return -1;
	return 0;
}

/* The real uid of pid, from /proc/PID/status; -1 if unknown. */
static long proc_uid(pid_t pid)
{
	char path[64], *status = NULL, *p;
	long uid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (np_file_read(path, 1 << 16, &status, NULL) < 0)
		return -1;
	p = strstr(status, "\nUid:");
	if (p)
		uid = strtol(p + 5, NULL, 10);
	free(status);
	return uid;
}

/* Gone, or a zombie waiting for the subreaper. */
static bool proc_gone(pid_t pid)
{
	char path[64], *stat = NULL;
	const char *p;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (np_file_read(path, 4096, &stat, NULL) < 0)
		return true;
	p = strrchr(stat, ')');
	gone = p && (p[2] == 'Z' || p[2] == 'X');
	free(stat);
	return gone;
}

/* A DHCP client in a namespace of its own, on a veth whose peer is in the
 * bridge: dnsmasq must hand it the address of its dhcp-hostsfile entry and
 * write the lease to the lease file. */
static void test_lease(void)
{
	int to_child[2], to_parent[2], status = -1;
	char c = 0, pidstr[16];
	pid_t client;
	_np_free_ char *text = NULL;
	_np_free_ struct np_dhcp_lease *leases = NULL;
	size_t n = 0;
	bool found = false;

	if (access(BUSYBOX, X_OK) < 0) {
		printf("lease check skipped: %s not installed\n", BUSYBOX);
		return;
	}
	CHECK(RUN(IP, "link", "add", "nptv0", "type", "veth", "peer", "name", "nptv1", "address",
		  CLIENT_MAC) == 0);
	CHECK(RUN(IP, "link", "set", "nptv0", "master", BRIDGE, "up") == 0);
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		abort();
	client = fork();
	if (client == 0) {
		if (unshare(CLONE_NEWNET) < 0 || write(to_parent[1], "x", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(100);
		if (RUN(IP, "link", "set", "nptv1", "up") != 0)
			_exit(101);
		/* -s /bin/true: get the lease, configure nothing; -q: quit
		 * once bound; -n: fail after -t 5 tries of -T 1 s */
		_exit(RUN(BUSYBOX, "udhcpc", "-i", "nptv1", "-f", "-q", "-n", "-t", "5", "-T", "1",
			  "-s", "/bin/true"));
	}
	CHECK(client > 0 && read(to_parent[0], &c, 1) == 1);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)client);
	CHECK(RUN(IP, "link", "set", "nptv1", "netns", pidstr) == 0);
	CHECK(write(to_child[1], "x", 1) == 1);
	waitpid(client, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* dnsmasq writes the file right after the ACK; allow it a moment */
	for (int i = 0; i < 20 && !found; i++) {
		free(text);
		text = NULL;
		free(leases);
		leases = NULL;
		if (np_file_read(lease_path, 1 << 20, &text, NULL) == 0 &&
		    np_dhcp_leases_parse(text, time(NULL), &leases, &n) == 0)
			for (size_t k = 0; k < n; k++)
				found |= !strcmp(leases[k].ip, CLIENT_IP) &&
					 !strcmp(leases[k].mac, CLIENT_MAC);
		if (!found)
			usleep(100 * 1000);
	}
	CHECK(found);
	printf("lease check: %s\n", found ? "dnsmasq (as its own user) wrote the static lease"
					  : "no lease for " CLIENT_MAC " " CLIENT_IP);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

/* A pid file naming a process that is not our dnsmasq: stop must leave
 * that process alone. */
static void test_foreign_pid(void)
{
	struct np_err err = { "" };
	char buf[32];
	int status;
	pid_t sleeper = fork();

	if (sleeper == 0) {
		execve("/bin/sleep", (char *const[]){ (char *)"sleep", (char *)"30", NULL },
		       (char *const[]){ NULL });
		_exit(127);
	}
	CHECK(sleeper > 0);
	usleep(50 * 1000); /* let it exec, so its cmdline is sleep's */
	snprintf(buf, sizeof(buf), "%d\n", (int)sleeper);
	CHECK(np_file_write_atomic(pid_path, buf, strlen(buf), 0644) == 0);
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(np_dnsmasq_stop(pid_path, conf_path, &err) == 0);
	CHECK(waitpid(sleeper, &status, WNOHANG) == 0); /* still running */
	CHECK(kill(sleeper, 0) == 0);
	CHECK(access(pid_path, F_OK) < 0); /* the stale file is cleared */
	kill(sleeper, SIGKILL);
	waitpid(sleeper, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* A shell that calls itself dnsmasq and names our config on its command
 * line: only the executable and the namespace tell it from dnsmasq. It is
 * never signalled (SIGHUP or SIGTERM would end it). */
static void test_impostor(void)
{
	struct np_err err = { "" };
	char arg[200], buf[32];
	int status;
	pid_t fake = fork();

	if (fake == 0) {
		snprintf(arg, sizeof(arg), "--conf-file=%s", conf_path);
		execve("/bin/sh",
		       (char *const[]){ (char *)"dnsmasq", (char *)"-c",
					(char *)"while :; do sleep 1; done", arg, NULL },
		       (char *const[]){ NULL });
		_exit(127);
	}
	CHECK(fake > 0);
	usleep(100 * 1000); /* let it exec */
	snprintf(buf, sizeof(buf), "%d\n", (int)fake);
	CHECK(np_file_write_atomic(pid_path, buf, strlen(buf), 0644) == 0);
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(np_dnsmasq_reload(pid_path, conf_path, &err) == -ESRCH);
	CHECK(strstr(err.msg, "not running") != NULL);
	err.msg[0] = '\0';
	CHECK(np_dnsmasq_stop(pid_path, conf_path, &err) == 0);
	CHECK(waitpid(fake, &status, WNOHANG) == 0); /* never signalled */
	kill(fake, SIGKILL);
	waitpid(fake, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* dnsmasq reads its hosts files only after dropping root: in a directory
 * its user cannot search, the start fails naming the file, where dnsmasq
 * would have served without its static hosts. */
static void test_unreadable_hosts(void)
{
	struct np_err err = { "" };
	int r;

	CHECK(chmod(dir, 0700) == 0);
	r = np_dnsmasq_start(DNSMASQ, conf_path, pid_path, NULL, NULL, &err);
	printf("0700 state dir: %d '%s'\n", r, err.msg);
	CHECK(r == -EACCES && strstr(err.msg, hosts_path) && strstr(err.msg, "cannot read"));
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(chmod(dir, 0711) == 0);
}

/* A symlink at the lease file: dnsmasq (root at that point) would write
 * through it; the start is refused and the target stays as it was. */
static void test_lease_symlink(void)
{
	struct np_err err = { "" };
	char target[160];
	struct stat sb;
	int r;

	snprintf(target, sizeof(target), "%s/target", dir);
	CHECK(np_file_write_atomic(target, "keep\n", 5, 0600) == 0);
	unlink(lease_path);
	CHECK(symlink(target, lease_path) == 0);
	r = np_dnsmasq_start(DNSMASQ, conf_path, pid_path, NULL, NULL, &err);
	printf("lease symlink: %d '%s'\n", r, err.msg);
	CHECK(r == -ELOOP && strstr(err.msg, lease_path));
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(stat(target, &sb) == 0 && sb.st_size == 5 && (sb.st_mode & 07777) == 0600);
	unlink(lease_path);
	unlink(target);
}

static int child_main(void)
{
	struct np_err err = { "" };
	pid_t pid = 0;
	int r;

	CHECK(RUN(IP, "link", "set", "lo", "up") == 0);
	CHECK(RUN(IP, "link", "add", BRIDGE, "type", "bridge") == 0);
	CHECK(RUN(IP, "addr", "add", BR_ADDR "/24", "dev", BRIDGE) == 0);
	CHECK(RUN(IP, "link", "set", BRIDGE, "up") == 0);
	if (write_files() < 0) {
		fprintf(stderr, "cannot write the dnsmasq files\n");
		return 1;
	}

	bool new_leases = false;

	/* a config without our pid-file line is refused before any exec */
	CHECK(np_dnsmasq_start(DNSMASQ, conf_path, "/nonexistent/x.pid", &pid, NULL, &err) == -EINVAL);
	CHECK(strstr(err.msg, "pid-file") != NULL);
	err.msg[0] = '\0';

	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(np_dnsmasq_stop(pid_path, conf_path, &err) == 0); /* nothing running */
	/* told whether it made the lease file, for a rollback to remove */
	(void)unlink(lease_path);
	r = np_dnsmasq_start(DNSMASQ, conf_path, pid_path, &pid, &new_leases, &err);
	if (r < 0)
		fprintf(stderr, "np_dnsmasq_start: %d %s\n", r, err.msg);
	CHECK(r == 0 && pid > 1 && new_leases);
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 1);
	/* it dropped root for the user= of the config */
	{
		struct passwd *pw = getpwnam(np_dnsmasq_default_user());

		struct stat sb;

		CHECK(pw && pw->pw_uid != 0 && proc_uid(pid) == (long)pw->pw_uid);
		/* dnsmasq chowned its pid file to that user; it is root's again */
		CHECK(lstat(pid_path, &sb) == 0 && sb.st_uid == 0 && !(sb.st_mode & 022));
		/* the lease file was made by netplumb, root's and 0644 */
		CHECK(lstat(lease_path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == 0 &&
		      (sb.st_mode & 07777) == 0644);
	}
	/* the same pid file with another config is not ours */
	CHECK(np_dnsmasq_running(pid_path, "/etc/other.conf") == 0);
	/* a second start of the same config is refused */
	err.msg[0] = '\0';
	CHECK(np_dnsmasq_start(DNSMASQ, conf_path, pid_path, NULL, NULL, &err) == -EALREADY);
	/* stop with the wrong config leaves it running */
	err.msg[0] = '\0';
	CHECK(np_dnsmasq_stop(pid_path, "/etc/other.conf", &err) == 0);
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 1);

	test_lease();

	err.msg[0] = '\0';
	r = np_dnsmasq_stop(pid_path, conf_path, &err);
	if (r < 0)
		fprintf(stderr, "np_dnsmasq_stop: %d %s\n", r, err.msg);
	CHECK(r == 0);
	CHECK(np_dnsmasq_running(pid_path, conf_path) == 0);
	CHECK(pid > 1 && proc_gone(pid));
	CHECK(access(pid_path, F_OK) < 0);

	/* a failing dnsmasq: its stderr line comes back in err */
	{
		const char *bad = "pid-file=/nonexistent-dir/x.pid\nno-such-option-here\n";
		char bad_conf[160];

		snprintf(bad_conf, sizeof(bad_conf), "%s/bad.conf", dir);
		CHECK(np_file_write_atomic(bad_conf, bad, strlen(bad), 0644) == 0);
		err.msg[0] = '\0';
		r = np_dnsmasq_start(DNSMASQ, bad_conf, "/nonexistent-dir/x.pid", NULL, NULL, &err);
		printf("bad config: %d '%s'\n", r, err.msg);
		CHECK(r == -EINVAL && strstr(err.msg, "bad option at line 2") &&
		      !strchr(err.msg, '\n'));
		err.msg[0] = '\0';
		r = np_dnsmasq_start("/nonexistent/dnsmasq", bad_conf, "/nonexistent-dir/x.pid", NULL,
				     NULL, &err);
		CHECK(r == -ENOENT && strstr(err.msg, "/nonexistent/dnsmasq"));
	}

	test_foreign_pid();
	test_impostor();
	test_unreadable_hosts();
	test_lease_symlink();
	return failures ? 1 : 0;
}

/* The parent's safety net: stops what the child left running. */
static void cleanup(void)
{
	struct np_err err = { "" };

	if (np_dnsmasq_running(pid_path, conf_path)) {
		fprintf(stderr, "cleanup: stopping the dnsmasq the test left running\n");
		np_dnsmasq_stop(pid_path, conf_path, &err);
	}
	/* reap every orphan that was reparented to us */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	RUN("/bin/rm", "-rf", "--", dir);
}

int main(void)
{
	int status;
	pid_t child;

	if (geteuid() != 0) {
		printf("SKIP: needs root (network namespace, bridge, dnsmasq)\n");
		return 77;
	}
	if (access(DNSMASQ, X_OK) < 0 || access(IP, X_OK) < 0) {
		printf("SKIP: %s or %s not installed\n", DNSMASQ, IP);
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	/* the daemonized dnsmasq is reparented to us, so we can reap it */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || !mkdtemp(dir)) {
		perror("setup");
		return 1;
	}
	/* Root-owned and not writable by dnsmasq's user: dnsmasq opens the
	 * lease and pid files before it drops root. Searchable though (0711),
	 * because dnsmasq reads dhcp-hostsfile and addn-hosts only after it
	 * dropped root, at start as on SIGHUP, and in a 0700 directory it
	 * logs "Permission denied" and silently serves no static hosts. */
	chmod(dir, 0711);
	snprintf(conf_path, sizeof(conf_path), "%s/npt.conf", dir);
	snprintf(pid_path, sizeof(pid_path), "%s/npt.pid", dir);
	snprintf(lease_path, sizeof(lease_path), "%s/npt.leases", dir);
	snprintf(hosts_path, sizeof(hosts_path), "%s/npt.hostsfile", dir);
	snprintf(addn_path, sizeof(addn_path), "%s/npt.addnhosts", dir);

	fflush(stdout);
	child = fork();
	if (child == 0) {
		int rc = child_main();

		fflush(stdout);
		_exit(rc);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	cleanup();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "test-dhcp-sys: FAILED\n");
		return 1;
	}
	printf("test-dhcp-sys: ok\n");
	return 0;
}
