/* The benchmark's throwaway namespaces. The process that runs the workload
 * is pid 1 of a new pid namespace with its own network and mount
 * namespaces: when it ends, however it ends, the kernel kills every process
 * started inside (dnsmasq included), and the network namespace with its
 * bridges and nft tables disappears with the last of them. The host's
 * namespaces are never entered. */
#include "bench/bench.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_SIZE (8 << 20)

struct inner {
	const char *base;
	bool on_disk;
	int alive_fd; /* read end; EOF once the outer process is gone */
	int (*fn)(void *);
	void *arg;
};

static volatile pid_t inner_pid;

static void on_signal(int sig)
{
	/* the whole pid namespace goes with its init */
	if (inner_pid > 0)
		kill(inner_pid, SIGKILL);
	(void)sig;
}

static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int inner_main(void *p)
{
	struct inner *in = p;
	struct pollfd pfd = { .fd = in->alive_fd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(2);
	/* the outer process may have died before the line above */
	if (poll(&pfd, 1, 0) != 0)
		_exit(2);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "netplumb-bench: cannot make / private: %m\n");
		_exit(2);
	}
	/* netplumb matches dnsmasq pids in /proc and links in /sys: both must
	 * show this pid and network namespace */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		fprintf(stderr, "netplumb-bench: cannot mount /proc or /sys: %m\n");
		_exit(2);
	}
	if (!in->on_disk &&
	    mount("netplumb-bench", in->base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		fprintf(stderr, "netplumb-bench: cannot mount tmpfs on %s: %m\n", in->base);
		_exit(2);
	}
	if (loopback_up() < 0) {
		fprintf(stderr, "netplumb-bench: cannot bring lo up: %m\n");
		_exit(2);
	}
	fflush(NULL);
	_exit(in->fn(in->arg));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

int bench_sandbox_run(const char *base, bool on_disk, int (*fn)(void *), void *arg)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[4];
	static const int sigs[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct inner in = { .base = base, .on_disk = on_disk, .fn = fn, .arg = arg };
	int alive[2], status = 0, r;
	char *stack;
	pid_t pid;

	if (pipe2(alive, O_CLOEXEC) < 0)
		return -errno;
	in.alive_fd = alive[0];
	stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
		     -1, 0);
	if (stack == MAP_FAILED) {
		r = -errno;
		close(alive[0]);
		close(alive[1]);
		return r;
	}
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	fflush(NULL);
	pid = clone(inner_main, stack + STACK_SIZE,
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | SIGCHLD, &in);
	r = pid < 0 ? -errno : 0;
	close(alive[0]);
	if (pid > 0) {
		inner_pid = pid;
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				r = -errno;
				break;
			}
		}
		inner_pid = 0;
		if (!r)
			r = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	close(alive[1]);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	munmap(stack, STACK_SIZE);
	/* tmpfs vanished with the mount namespace: only the empty mount point
	 * is left; on disk, the files themselves */
	if (on_disk)
		nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		rmdir(base);
	return r;
}

int bench_netns_new(pid_t *ret_pid, int *ret_fd)
{
	int p[2], fd;
	char path[64], c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = unshare(CLONE_NEWNET) == 0 && loopback_up() == 0 ? 'y' : 'n';
		(void)!write(p[1], &c, 1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || c != 'y') {
		close(p[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -EIO;
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	*ret_pid = pid;
	*ret_fd = fd;
	return 0;
}

void bench_netns_free(pid_t pid, int fd)
{
	if (fd >= 0)
		close(fd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}
