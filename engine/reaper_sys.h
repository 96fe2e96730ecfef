/* Deferred deletion of retired links (np_nl_link_retire): the kernel holds
 * RTNL for tens of milliseconds deleting a bridge, so a deletion made right
 * after `net-destroy` stalls the next command's netlink requests. The
 * deletion is left to a detached process, the reaper, that waits until the
 * store has been idle.
 *
 * The reaper (one per run dir at a time, RUN_DIR/reaper.lock; its process
 * name is np-reaper) waits until the store lock (RUN_DIR/lock) has been free
 * for NETPLUMB_REAP_IDLE_MS (150; 0: as soon as it is free), at most
 * NETPLUMB_REAP_MAX_MS after it started (5000; 0: no waiting and no lock at
 * all), then holds the store lock while it deletes every retired link of
 * the namespace, one by one, letting a command that waits for the lock go
 * first between two deletions. It lives in the caller's network namespace,
 * has its own session, stdio on /dev/null and no other fd of the caller,
 * and is not waited for; it survives the caller and exits when no retired
 * link is left. */
#pragma once

/* Retired links of this process belong to the store whose run dir this
 * is (borrowed: it must outlive every np_engine_reap_spawn()). */
void np_engine_reap_setup(const char *run_dir);
/* Call after retiring a link, with the store lock held: starts a reaper
 * unless one runs already (it will see our link too). Without a run dir,
 * or when no process can be made, deletes the retired links here and now.
 * Returns 0 or -errno (nothing for a user: the next reaper deletes what is
 * left). */
int np_engine_reap_spawn(void);
/* For a detached nft helper about to release its sockets (np_fw_set_linger):
 * waits, like the reaper, until the store has been idle, then keeps the
 * store lock (on a high fd) until the process exits, so that the kernel's
 * slow release of the sockets does not stall the next command's nft
 * transaction. Returns at once without a run dir or with
 * NETPLUMB_REAP_MAX_MS=0. */
void np_engine_idle_hold(void);
