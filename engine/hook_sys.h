/* libvirt's network hook, for netplumb: HOOKS_DIR/network is run as
 * `network NAME OP SUBOP -` with the network's XML on stdin, at start
 * (start begin: a non-zero exit cancels the start), after it (started
 * begin) and after destroy (stopped end). A missing hook is not an error.
 *
 * The hook runs in a process group of its own with only fds 0-2 (stdin the
 * XML, stdout and stderr netplumb's), default signals and a fixed PATH. It
 * has NETPLUMB_HOOK_TIMEOUT seconds (default 30) to exit: then its whole
 * process group is killed and the run fails (-ETIMEDOUT), as a failing
 * hook does. */
#pragma once

struct np_err;

#define NP_HOOK_TIMEOUT_DEFAULT 30

int np_hook_run(const char *hooks_dir, const char *name, const char *op, const char *subop,
		const char *xml, struct np_err *err);
