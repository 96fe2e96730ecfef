/* port-add / port-delete / port-list: guests attached without libvirtd, like
 * libvirt's network ports. A port is recorded in the store and, when the
 * network runs, attached through eng->ops at once. Nothing here prints. */
#pragma once

#include <stddef.h>

struct np_engine;
struct np_err;
struct np_port;

/* What port-add asks for, as given on the command line; NULL: not given. */
struct np_port_add_req {
	const char *tap;    /* a persistent tap for qemu, of this name; or */
	const char *veth;   /* a veth whose peer goes into this named namespace */
	const char *owner;  /* tap: the user (name or uid) who may open it */
	const char *peer;   /* veth: its name inside the namespace (eth0) */
	const char *ifname; /* veth: the host side's name (the first free vnetN) */
	const char *mac;    /* the guest's MAC (a free random 52:54:00:xx:xx:xx) */
	const char *portgroup; /* the network's portgroup (its default one) */
	const char *isolated;  /* "yes"|"no" (the network's <port isolated>) */
	/* its own rates, as virsh attach-interface's: AVERAGE[,PEAK[,BURST]]
	 * (KiB/s, KiB); either replaces its portgroup's <bandwidth> */
	const char *inbound;
	const char *outbound;
};

/* Under the store lock: checks req, records the port and attaches it when
 * the network is active (the record is dropped again when that fails).
 * *ret gets the port as recorded (its name and MAC filled in). */
int np_engine_port_add(struct np_engine *eng, const char *name, const struct np_port_add_req *req,
		       struct np_port *ret, struct np_err *err);
/* Under the store lock: detaches port ifname when the network is active,
 * then forgets it. */
int np_engine_port_del(struct np_engine *eng, const char *name, const char *ifname,
		       struct np_err *err);
/* The recorded ports of a known network; free *ret. */
int np_engine_port_list(struct np_engine *eng, const char *name, struct np_port **ret,
			size_t *ret_n, struct np_err *err);
