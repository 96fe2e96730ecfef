/* libvirt's network hook, for netplumb: HOOKS_DIR/network is run as
 * `network NAME OP SUBOP -` with the network's XML on stdin, at start
 * (start begin: a non-zero exit cancels the start), after it (started
 * begin) and after destroy (stopped end). A missing hook is not an error. */
#pragma once

struct np_err;

int np_hook_run(const char *hooks_dir, const char *name, const char *op, const char *subop,
		const char *xml, struct np_err *err);
